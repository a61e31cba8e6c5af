/** The path of a request target in origin form (`/a/b`), also for the absolute form (`http://host/a/b`, RFC 9112 §3.2.2). */
export function originPath(target: string): string {
  if (target.startsWith('/')) return target;
  const scheme = target.indexOf('://');
  const slash = scheme === -1 ? -1 : target.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : target.slice(slash);
}

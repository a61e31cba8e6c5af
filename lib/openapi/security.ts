import { isDeepStrictEqual } from 'node:util';
import { RivetError } from '../errors/rivet-error';
import type { CompiledRoute } from '../pipeline/compiled-route';
import { securityOf } from './decorators';
import type { SecurityRequirementObject, SecuritySchemeObject } from './types';

/** Security schemes met so far, with the guard that first declared each (for conflict messages). */
export type SchemeRegistry = Map<string, { scheme: SecuritySchemeObject; by: string }>;

/**
 * The `security` of one operation. Every guard on the route must pass, so the schemes of different guards combine
 * with AND (one requirement object naming them all); a guard that accepts any one of several schemes (a bearer
 * token or an API key) makes as many requirement objects, the OpenAPI form of OR. A guard whose schemes are
 * `optional` adds the requirement without them, so an operation guarded by nothing else lists `{}` (anonymous)
 * last. `[]` when no guard declares one.
 */
export function describeSecurity(route: CompiledRoute, schemes: SchemeRegistry): SecurityRequirementObject[] {
  const d = route.descriptor;
  let requirements: SecurityRequirementObject[] = [{}];
  for (const guard of route.guards) {
    const alternatives = securityOf(guard, { method: d.method, path: d.path, metadata: d.metadata });
    if (alternatives.length === 0) continue;
    const by = guard.constructor?.name || 'a guard';
    for (const declared of alternatives) {
      const known = schemes.get(declared.name);
      if (known === undefined) {
        schemes.set(declared.name, { scheme: declared.scheme, by });
      } else if (!isDeepStrictEqual(known.scheme, declared.scheme)) {
        throw new RivetError('RIVET_OPENAPI_SECURITY_SCHEME_CONFLICT', `${d.where}: guard ${by} declares security scheme "${declared.name}" as ${JSON.stringify(declared.scheme)}, but ${known.by} declared it as ${JSON.stringify(known.scheme)}.\n  Fix: give different schemes different names, or declare the same scheme object.`);
      }
    }
    const anonymous = alternatives.some((declared) => declared.optional === true);
    requirements = requirements.flatMap((requirement) => {
      const next = alternatives.map((declared): SecurityRequirementObject => {
        const scopes = [...(requirement[declared.name] ?? [])];
        for (const s of declared.scopes ?? []) if (!scopes.includes(s)) scopes.push(s);
        return { ...requirement, [declared.name]: scopes };
      });
      // OpenAPI 3.1 (Operation Object, `security`): an empty requirement makes security optional; next to other guards it keeps theirs.
      if (anonymous) next.push(requirement);
      return next;
    });
  }
  // The same requirement reached twice (two guards offering the same alternatives) is listed once.
  const unique = new Map<string, SecurityRequirementObject>();
  for (const r of requirements) unique.set(JSON.stringify(Object.keys(r).sort().map((k) => [k, [...r[k]].sort()])), r);
  requirements = [...unique.values()];
  return requirements.length === 1 && Object.keys(requirements[0]).length === 0 ? [] : requirements;
}

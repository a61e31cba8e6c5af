/**
 * Polls `check` every 5 ms until it holds; rejects after `ms`. `check` may be async (a scrape, a Redis PTTL): the
 * next poll starts once it settled. Use it for an event the spec cannot subscribe to, never as a disguised sleep.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met in ${ms} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

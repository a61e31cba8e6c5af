import type { Store } from '../../lib/store/store';

/** The conformance suite every Store implementation passes (hono's common.case idea). */
export function runStoreCases(name: string, make: () => Promise<{ store: Store; cleanup?: () => Promise<void> }>): void {
  describe(`${name} (Store conformance)`, () => {
    let store: Store;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => ({ store, cleanup } = await make()));
    afterEach(async () => { await store.close(); await cleanup?.(); });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('gets what was set and undefined for a missing key', async () => {
      await store.set('a', 'one');
      expect(await store.get('a')).toBe('one');
      expect(await store.get('missing')).toBeUndefined();
    });

    it('expires a value after its ttl', async () => {
      await store.set('t', 'x', 40);
      expect(await store.get('t')).toBe('x');
      await sleep(80);
      expect(await store.get('t')).toBeUndefined();
    });

    it('deletes a key', async () => {
      await store.set('d', 'x');
      await store.delete('d');
      expect(await store.get('d')).toBeUndefined();
      await expect(store.delete('never-set')).resolves.toBeUndefined();
    });

    it('increments atomically under concurrency, keeping the first expiry', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('c', 1000)));
      expect(results.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const last = await store.increment('c', 60_000, 5);
      expect(last.value).toBe(55);
      expect(last.ttlMs).toBeLessThanOrEqual(1000);
      expect(last.ttlMs).toBeGreaterThan(0);
    });

    it('starts a counter again after it expired', async () => {
      await store.increment('e', 40);
      await store.increment('e', 40);
      await sleep(80);
      expect((await store.increment('e', 40)).value).toBe(1);
    });
  });
}

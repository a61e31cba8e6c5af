import type { Store } from '../../lib/store/store';

/** A store under test, and how to let time pass for it. */
export interface StoreUnderTest {
  store: Store;
  /**
   * Lets `ms` of the store's own time pass for `key`: a store with an injectable clock moves it (no waiting), a
   * store that expires on a clock of its own (Redis) is waited on until that clock has run `ms` for the key.
   */
  elapse(ms: number, key: string): Promise<void>;
  cleanup?: () => Promise<void>;
}

/** The conformance suite every Store implementation passes (hono's common.case idea). */
export function runStoreCases(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`${name} (Store conformance)`, () => {
    let store: Store;
    let elapse: StoreUnderTest['elapse'];
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => ({ store, elapse, cleanup } = await make()));
    afterEach(async () => { await store.close(); await cleanup?.(); });

    it('gets what was set and undefined for a missing key', async () => {
      await store.set('a', 'one');
      expect(await store.get('a')).toBe('one');
      expect(await store.get('missing')).toBeUndefined();
    });

    // The ttls are short, but long enough that a store on a real clock (Redis) still holds the value when read
    // back at once on a loaded machine.
    it('expires a value after its ttl', async () => {
      await store.set('t', 'x', 100);
      expect(await store.get('t')).toBe('x');
      await elapse(100, 't');
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

    it('admits exactly burst requests at once under concurrency, then refuses with the wait', async () => {
      const rate = { intervalMs: 10_000, burst: 5 };
      const all = await Promise.all(Array.from({ length: 12 }, () => store.consume!('rl', rate)));
      expect(all.filter((d) => d.allowed)).toHaveLength(5);
      expect(all.filter((d) => d.allowed).map((d) => d.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
      const refused = all.find((d) => !d.allowed)!;
      expect(refused).toMatchObject({ allowed: false, remaining: 0 });
      expect(refused.retryAfterMs).toBeGreaterThan(9_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(10_000);
      expect(refused.resetMs).toBeGreaterThan(49_000);
      expect(refused.resetMs).toBeLessThanOrEqual(50_000);
    });

    it('reports the first consume of a bucket with burst - cost remaining and one interval to reset', async () => {
      const d = await store.consume!('first', { intervalMs: 1000, burst: 3 }, 2);
      expect(d).toMatchObject({ allowed: true, remaining: 1, retryAfterMs: 0 });
      expect(d.resetMs).toBeGreaterThan(1900);
      expect(d.resetMs).toBeLessThanOrEqual(2000);
      expect((await store.consume!('first', { intervalMs: 1000, burst: 3 }, 2)).allowed).toBe(false);
    });

    it('refills one token per interval', async () => {
      // One interval later exactly one token is back (until the second comes, 200 ms on: slack for Redis' real clock).
      const rate = { intervalMs: 200, burst: 2 };
      expect((await store.consume!('refill', rate)).allowed).toBe(true);
      expect((await store.consume!('refill', rate)).allowed).toBe(true);
      expect((await store.consume!('refill', rate)).allowed).toBe(false);
      await elapse(200, 'refill');
      expect(await store.consume!('refill', rate)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume!('refill', rate)).allowed).toBe(false);
    });

    it('fits fractional intervals exactly (1000/3 ms three times fills a 1 s bucket)', async () => {
      const rate = { intervalMs: 1000 / 3, burst: 3 };
      const all = [];
      for (let i = 0; i < 4; i++) all.push((await store.consume!('frac', rate)).allowed);
      expect(all).toEqual([true, true, true, false]);
    });

    it('starts a counter again after it expired', async () => {
      await store.increment('e', 100);
      expect((await store.increment('e', 100)).value).toBe(2);
      await elapse(100, 'e');
      expect((await store.increment('e', 100)).value).toBe(1);
    });
  });
}

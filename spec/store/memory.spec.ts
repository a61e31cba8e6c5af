import { MemoryStore } from '../../lib/store/memory';
import { runStoreCases } from './store.cases';

// A clock the suite moves by hand: ttls pass without waiting.
runStoreCases('MemoryStore', async () => {
  let t = Date.UTC(2030, 0, 1);
  return { store: new MemoryStore({ now: () => t }), elapse: async (ms) => { t += ms; } };
});

describe('MemoryStore', () => {
  it('expires entries and counters on its clock, at exactly their ttl', async () => {
    let t = 1_000;
    const store = new MemoryStore({ now: () => t });
    await store.set('k', 'v', 100);
    expect(await store.increment('c', 100)).toEqual({ value: 1, ttlMs: 100 });
    t += 40;
    expect(await store.increment('c', 100)).toEqual({ value: 2, ttlMs: 60 });
    t += 59;
    expect(await store.get('k')).toBe('v');
    t += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.increment('c', 100)).toEqual({ value: 1, ttlMs: 100 });
    expect(store.now()).toBe(1_100);
    await store.close();
  });

  it('runs on Date.now unless given a clock', async () => {
    const store = new MemoryStore();
    expect(store.now).toBe(Date.now);
    await store.close();
  });

  it('sweeps expired entries out on its interval, without a read', async () => {
    jest.useFakeTimers();
    try {
      let t = 0;
      const store = new MemoryStore({ now: () => t, sweepIntervalMs: 10 });
      await store.set('x', '1', 5);
      expect(await store.get('x')).toBe('1');
      t = 5;
      jest.advanceTimersByTime(10);   // the sweep runs at t = 5, when the entry has expired; nothing reads it
      // With the clock turned back a read finds the entry live again, if it is still there: only the sweep can
      // have removed it.
      t = 0;
      expect(await store.get('x')).toBeUndefined();
      await store.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

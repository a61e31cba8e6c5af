import { Redis } from 'ioredis';
import { RedisStore } from '../../lib/store/redis';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { waitFor } from '../helpers/wait';
import { runStoreCases } from './store.cases';

describeRedis('RedisStore against a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => { server = await startRedis(); });
  afterAll(() => server.stop());

  runStoreCases('RedisStore', async () => {
    const prefix = `t${Math.random().toString(36).slice(2)}:`;
    const store = new RedisStore({ url: server.url, prefix });
    // redis-server expires keys (PX) and runs the rate-limit script (TIME) on its own clock, which no test can
    // move: wait, polling PTTL, until that clock has taken `ms` off the key's ttl (-2: the key is gone).
    // The ttls in the suite are short, so this costs tens of ms, and a key that never expires fails the wait.
    // The comparison is strict: PTTL answers 0 in the last millisecond while the key still lives (Redis expires a
    // key only once its clock is past the deadline), and a GET in that millisecond still finds it.
    const elapse = async (ms: number, key: string): Promise<void> => {
      const start = await store.client.pttl(prefix + key);
      expect(start).not.toBe(-1);   // a key without expiry would never go
      if (start === -2) return;     // already expired (a slow machine took that long)
      await waitFor(async () => {
        const left = await store.client.pttl(prefix + key);
        return left === -2 || left < start - ms;
      }, ms + 2000);
    };
    return { store, elapse };
  });

  it('shares counters between two stores (two processes) on one Redis, exactly', async () => {
    const a = new RedisStore({ url: server.url, prefix: 'shared:' });
    const b = new RedisStore({ client: new Redis(server.url), prefix: 'shared:' });
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).increment('k', 5000)));
    expect(Math.max(...all.map((r) => r.value))).toBe(40);
    await a.close();
    await b.close();
    await b.client.quit();
  });
});

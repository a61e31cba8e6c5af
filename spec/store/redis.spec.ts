import { Redis } from 'ioredis';
import { RedisStore } from '../../lib/store/redis';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { runStoreCases } from './store.cases';

describeRedis('RedisStore against a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => { server = await startRedis(); });
  afterAll(() => server.stop());

  runStoreCases('RedisStore', async () => {
    const store = new RedisStore({ url: server.url, prefix: `t${Math.random().toString(36).slice(2)}:` });
    return { store };
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

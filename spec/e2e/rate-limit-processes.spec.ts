import { request } from 'undici';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { startAppProcess, type AppProcess } from '../security/fixtures/processes';

/** Two app processes sharing one real redis-server enforce one rate limit between them. */

describeRedis('rate limit across processes', () => {
  let redis: RedisServer;
  let apps: AppProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    apps = await Promise.all([startAppProcess(redis.url, 'rl-test:'), startAppProcess(redis.url, 'rl-test:')]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await redis.stop();
  });

  it('admits exactly N of concurrent requests split across two processes', async () => {
    expect(apps[0].pid).not.toBe(apps[1].pid);
    // 15 requests to each process, all in flight at once.
    const answers = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const res = await request(`${apps[i % 2].url}/limited`);
      const body = await res.body.json() as { pid?: number; status?: number };
      return { status: res.statusCode, body, retryAfter: res.headers['retry-after'], remaining: res.headers['ratelimit-remaining'] };
    }));
    const admitted = answers.filter((a) => a.status === 200);
    // Separate counters would admit 7 per process, 14 in all: exactly 7 proves the one shared bucket.
    expect(admitted).toHaveLength(7);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(23);
    expect(admitted.map((a) => Number(a.remaining)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(8);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });
});

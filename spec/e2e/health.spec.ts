import { injectable } from 'tsyringe';
import { Controller, createApp, Get, type HealthIndicator } from '../../lib';
import { serve } from '../helpers/http';
import { captureLogs } from '../runtime/support';

@Controller('/things')
class Things { @Get('/') list() { return []; } }

@injectable()
class Pinger { ping(): Promise<string> { return Promise.resolve('PONG'); } }

@injectable()
class PingCheck implements HealthIndicator {
  constructor(private readonly pinger: Pinger) {}
  check() { return this.pinger.ping(); }
}

const JSON_TYPE = 'application/json; charset=utf-8';

describe('health over a socket', () => {
  it('answers /health with uptime, memory and event-loop delay', async () => {
    const client = await serve(createApp({ controllers: [Things], health: true }));
    const res = await client.get('/health').expect(200).expectHeader('content-type', JSON_TYPE).expectHeader('cache-control', 'no-store');
    const n = expect.any(Number);
    expect(res.json()).toEqual({
      status: 'up', uptime: n,
      memory: { rss: n, heapTotal: n, heapUsed: n, external: n, arrayBuffers: n },
      eventLoopDelay: { min: n, mean: n, p50: n, p99: n, max: n },
    });
    await client.close();
  });

  it('answers /ready 200 with each check up and its time: functions, DI classes and objects', async () => {
    const client = await serve(createApp({
      controllers: [Things],
      health: { checks: { redis: PingCheck, db: () => Promise.resolve(1), cache: { check: () => true } } },
    }));
    const res = await client.get('/ready').expect(200).expectHeader('content-type', JSON_TYPE);
    const ms = expect.any(Number);
    expect(res.json()).toEqual({ status: 'up', checks: { redis: { status: 'up', durationMs: ms }, db: { status: 'up', durationMs: ms }, cache: { status: 'up', durationMs: ms } } });
    await client.close();
  });

  it('answers /ready 503 when a check fails, returns false or times out, and logs why', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({
      controllers: [Things],
      logger: { destination: logs.destination },
      health: {
        timeout: 50,
        checks: {
          ok: () => undefined,
          broken: () => { throw new Error('connection refused'); },
          no: () => false,
          slow: () => new Promise(() => undefined),   // never answers: only the timeout ends it
          // Longer than the app's timeout, within its own: the timing is what is tested.
          patient: { check: () => new Promise((r) => setTimeout(r, 80)), timeout: 300 },
        },
      },
    }));
    const started = Date.now();
    const res = await client.get('/ready').expect(503);
    expect(Date.now() - started).toBeLessThan(400);
    const ms = expect.any(Number);
    expect(res.json()).toEqual({
      status: 'down',
      checks: {
        ok: { status: 'up', durationMs: ms },
        broken: { status: 'down', durationMs: ms, error: 'failed' },
        no: { status: 'down', durationMs: ms, error: 'returned false' },
        slow: { status: 'down', durationMs: ms, error: 'timed out after 50 ms' },
        patient: { status: 'up', durationMs: ms },
      },
    });
    expect(JSON.stringify(res.json())).not.toContain('connection refused');
    expect(logs.lines.filter((l) => l.msg === 'readiness check failed').map((l) => [l.check, (l.err as { message: string }).message]))
      .toEqual(expect.arrayContaining([['broken', 'connection refused'], ['slow', 'timed out after 50 ms']]));
    await client.close();
  });

  it('serves HEAD, custom paths, and stays out of the OpenAPI document', async () => {
    const app = createApp({ controllers: [Things], openapi: true, health: { path: '/livez', readyPath: '/readyz' } });
    const client = await serve(app);
    const head = await client.head('/livez').expect(200);
    expect(head.text).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    await client.get('/readyz').expect(200).expectJson({ status: 'up', checks: {} });
    await client.get('/health').expect(404);
    expect(Object.keys(app.openapi().paths ?? {})).toEqual(['/things']);
    await client.close();
  });

  it('reports a route clash with a controller at start-up', () => {
    @Controller('/') class Clash { @Get('/health') mine() { return 'mine'; } }
    expect(() => createApp({ controllers: [Clash], health: true })).toThrow(expect.objectContaining({ code: 'RIVET_ROUTE_DUPLICATE' }));
  });
});

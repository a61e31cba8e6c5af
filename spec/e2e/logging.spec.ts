import { PassThrough } from 'node:stream';
import { inject, injectable } from 'tsyringe';
import { Controller, createApp, Ctx, Get, Logger, Param, RequestContext } from '../../lib';
import { serve } from '../helpers/http';
import { captureLogs, until } from '../runtime/support';

@injectable()
class Greeter {
  constructor(@inject(Logger) private readonly log: Logger) {}
  greet(name: string) {
    this.log.info({ name }, 'greeting');
    return `hello ${name}`;
  }
}

@Controller('/users')
class Users {
  constructor(private readonly greeter: Greeter) {}
  @Get('/:id') one(@Param('id') id: number) { return { id }; }
  @Get('/:id/hello') hello(@Param('id') id: string, @Ctx() ctx: RequestContext) {
    ctx.log.info({ step: 'in handler' }, 'handling');
    return this.greeter.greet(id);
  }
  @Get('/crash/now') crash(): string { throw new Error('database down'); }
}

describe('logger: access log over a socket', () => {
  it('writes one JSON line per request with method, route template, status, duration, id and bytes', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({ controllers: [Users], logger: { destination: logs.destination }, requestId: true }));
    const res = await client.get('/users/7?token=secret').expect(200);
    await until(() => logs.access().length === 1);
    await client.close();
    expect(logs.access()[0]).toEqual({
      level: 30, time: expect.any(Number), pid: process.pid, hostname: expect.any(String),
      reqId: res.headers['x-request-id'], method: 'GET', route: '/users/:id', path: '/users/7', status: 200,
      durationMs: expect.any(Number), bytes: 8, msg: 'request completed',
    });
  });

  it('logs an unmatched request with route null and a server error at level error with its stack', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({ controllers: [Users], logger: { destination: logs.destination } }));
    await client.get('/nope').expect(404);
    await client.get('/users/crash/now').expect(500);
    await until(() => logs.access().length === 2);
    await client.close();
    const [missing, failed] = logs.access();
    expect(missing).toMatchObject({ level: 30, route: null, path: '/nope', status: 404, msg: 'request completed' });
    expect(missing.reqId).toBeUndefined();
    expect(failed).toMatchObject({ level: 50, route: '/users/crash/now', status: 500, msg: 'request failed', err: { type: 'Error', message: 'database down', stack: expect.stringContaining('database down') } });
  });

  it('gives handlers a request logger bound to the request id and services the injected app logger', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({ controllers: [Users], logger: { destination: logs.destination }, requestId: true }));
    await client.get('/users/ada/hello').set('x-request-id', 'trace-42').expect(200).expectText('hello ada');
    await until(() => logs.access().length === 1);
    await client.close();
    expect(logs.lines.find((l) => l.msg === 'handling')).toMatchObject({ level: 30, reqId: 'trace-42', step: 'in handler' });
    const greeting = logs.lines.find((l) => l.msg === 'greeting')!;
    expect(greeting).toMatchObject({ name: 'ada' });
    expect(greeting.reqId).toBeUndefined();
  });

  it('logs the route compile time at debug level when the app is created', async () => {
    const logs = captureLogs();
    createApp({ controllers: [Users], logger: { level: 'debug', destination: logs.destination } });
    await until(() => logs.lines.some((l) => l.msg === 'routes compiled'));
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 20, msg: 'routes compiled', routes: 3, ms: expect.any(Number) }));
  });

  it('honours the level: at warn, successful requests are not logged but failures are', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({ controllers: [Users], logger: { level: 'warn', destination: logs.destination } }));
    await client.get('/users/1').expect(200);
    await client.get('/users/crash/now').expect(500);
    await until(() => logs.lines.length === 1);
    await client.close();
    expect(logs.lines.map((l) => [l.level, l.msg])).toEqual([[50, 'request failed']]);
  });

  it('writes human-readable lines with pino-pretty when pretty is on', async () => {
    const out: string[] = [];
    const client = await serve(createApp({ controllers: [Users], logger: { pretty: true, destination: { write: (s: string) => out.push(s) } } }));
    await client.get('/users/3').expect(200);
    await until(() => out.join('').includes('request completed'));
    await client.close();
    const text = out.join('');
    expect(text).toMatch(/INFO.*request completed/);
    expect(text).toContain('route: "/users/:id"');
    expect(() => JSON.parse(out[0])).toThrow();
  });

  it('lets handlers and services log unconditionally when logging is off', async () => {
    const client = await serve(createApp({ controllers: [Users] }));
    await client.get('/users/bob/hello').expect(200).expectText('hello bob');
    await client.close();
  });
});

// regression: issue 19 (an injected response never drains its null socket, so every request was logged as 499)
describe('logger: access log of app.inject()', () => {
  it('logs the status each injected request really got, written to a stream', async () => {
    const stream = new PassThrough();
    const text: string[] = [];
    stream.on('data', (chunk: Buffer) => { text.push(chunk.toString()); });
    const app = createApp({ controllers: [Users], logger: { destination: stream } });
    expect((await app.inject('/users/7')).status).toBe(200);
    expect((await app.inject('/users/x')).status).toBe(422);
    expect((await app.inject('/nope')).status).toBe(404);
    expect((await app.inject('/users/crash/now')).status).toBe(500);
    const lines = (): { level: number; status: number; route: string | null; msg: string }[] => text.join('').split('\n').filter((l) => l.includes('"status"')).map((l) => JSON.parse(l) as never);
    await until(() => lines().length === 4);
    expect(lines().map((l) => [l.level, l.status, l.route, l.msg])).toEqual([
      [30, 200, '/users/:id', 'request completed'],
      [30, 422, '/users/:id', 'request completed'],
      [30, 404, null, 'request completed'],
      [50, 500, '/users/crash/now', 'request failed'],
    ]);
  });
});

describe('ctx.signal under app.inject()', () => {
  it('stays unaborted once the injected request was answered, as over a socket', async () => {
    const signals: AbortSignal[] = [];
    @Controller('/work')
    class Work { @Get('/') run(@Ctx() ctx: RequestContext) { signals.push(ctx.signal); return 'done'; } }
    for (const options of [{}, { timeouts: { handler: 5_000 } }]) {
      const app = createApp({ controllers: [Work], ...options });
      expect((await app.inject('/work')).body).toBe('done');
      // The response's close event (which aborts for a client gone early) has been emitted by now.
      await new Promise((r) => setImmediate(r));
      expect(signals.pop()!.aborted).toBe(false);
    }
  });
});

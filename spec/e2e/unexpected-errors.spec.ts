import { Controller, createApp, Get, Guard, type CanActivate } from '../../lib';
import { serve } from '../helpers/http';
import { stderrOf } from '../helpers/stderr';
import { until } from '../runtime/support';

class Broken implements CanActivate {
  canActivate(): boolean { throw new RangeError('guard fell over'); }
}

@Controller('/fail')
class Failing {
  @Get('/type') type(): unknown { return (undefined as unknown as { x: () => void }).x(); }
  @Get('/string') async string(): Promise<unknown> { throw 'a string, not an Error'; }   // eslint-disable-line no-throw-literal
  @Get('/guard') @Guard(Broken) guarded() { return 'never'; }
  @Get('/ok') ok() { return 'fine'; }
}


describe('an unexpected error in an app without a logger', () => {
  it('answers a bare 500 problem and writes the request and the stack to stderr, once per request', async () => {
    const client = await serve(createApp({ controllers: [Failing], requestId: true }));
    try {
      const out = await stderrOf(async () => {
        const res = await client.get('/fail/type?secret=1').expect(500);
        const body = res.json<{ requestId: string }>();
        expect(body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/fail/type', requestId: expect.any(String) });
        await client.get('/fail/ok').expect(200);
      });
      // The stack as the error holds it (jest adds a code frame to stacks it creates).
      expect(out).toMatch(/^\[rivet\] GET \/fail\/type failed with 500 \(request id [\w-]+\): TypeError: Cannot read properties of undefined \(reading 'x'\)\n[\s\S]*\bat Failing\.(?:type|x \[as type\]) \(.*unexpected-errors\.spec\.ts/);
      expect(out.match(/\[rivet\]/g)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('reports a guard that throws and an async handler that rejects with a string', async () => {
    const client = await serve(createApp({ controllers: [Failing] }));
    try {
      const out = await stderrOf(async () => {
        await client.get('/fail/guard').expect(500);
        await client.get('/fail/string').expect(500);
      });
      expect(out).toMatch(/\[rivet\] GET \/fail\/guard failed with 500: RangeError: guard fell over\n[\s\S]*\bat Broken\.canActivate/);
      // A string has no stack: the report names the value, the handler and the route instead.
      expect(out).toContain('[rivet] GET /fail/string failed with 500: ThrownValueError: a non-Error value was thrown: "a string, not an Error" (throw an Error to get a stack trace)\n    at Failing#string (GET /fail/string)\n');
    } finally {
      await client.close();
    }
  });

  it('logs a string rejection with a stack naming the route when the app has a logger', async () => {
    const lines: string[] = [];
    const client = await serve(createApp({ controllers: [Failing], requestId: true, logger: { level: 'error', destination: { write: (l: string) => { lines.push(l); } } } }));
    try {
      const res = await client.get('/fail/string?x=1').expect(500);
      await until(() => lines.length === 1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 50, msg: 'request failed', status: 500, route: '/fail/string', reqId: res.headers['x-request-id'],
        err: { type: 'ThrownValueError', message: 'a non-Error value was thrown: "a string, not an Error" (throw an Error to get a stack trace)', stack: expect.stringContaining('\n    at Failing#string (GET /fail/string)'), value: 'a string, not an Error' },
      });
    } finally {
      await client.close();
    }
  });

  it('leaves it to the access log when the app has a logger', async () => {
    const lines: string[] = [];
    const client = await serve(createApp({ controllers: [Failing], logger: { level: 'error', destination: { write: (l: string) => { lines.push(l); } } } }));
    try {
      const out = await stderrOf(async () => { await client.get('/fail/type').expect(500); });
      expect(out).toBe('');
      const entry = JSON.parse(lines.find((l) => l.includes('request failed'))!) as { status: number; err: { type: string; message: string; stack: string } };
      expect(entry).toMatchObject({ status: 500, err: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'x')" } });
      expect(entry.err.stack).toMatch(/\bat Failing\.(?:type|x \[as type\]) /);
    } finally {
      await client.close();
    }
  });
});

import { IsBoolean, IsInt, Min } from 'class-validator';
import { createApp, Controller, Post, Get, Body, RivetError } from '../../lib';
import { rawRequest, serve } from '../helpers/http';

class Signup { @IsInt() @Min(18) age!: number; @IsBoolean() terms!: boolean; }

@Controller('/b')
class Bodies {
  @Post('/dto') dto(@Body() body: Signup) { return body; }
  @Post('/prop') prop(@Body('qty', { minimum: 1, maximum: 10, required: true }) qty: number, @Body('code', { pattern: '^[A-Z]{3}$' }) code?: string) { return { qty, code: code ?? null }; }
  @Post('/text') text(@Body() body: string) { return { length: body.length }; }
  @Get('/ping') ping() { return 'pong'; }
}

describe('request bodies', () => {
  const app = createApp({ controllers: [Bodies] });

  it('coerces form-urlencoded fields for a DTO like query values', async () => {
    const ok = await app.inject({ method: 'POST', url: '/b/dto', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'age=30&terms=true' });
    expect([ok.status, ok.json()]).toEqual([201, { age: 30, terms: true }]);
    const bad = await app.inject({ method: 'POST', url: '/b/dto', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'age=0x1F&terms=maybe' });
    expect(bad.status).toBe(422);
    expect(bad.json<{ errors: { loc: unknown[]; type: string }[] }>().errors.map((e) => [e.loc.join('.'), e.type])).toEqual([
      ['body.age', 'min'], ['body.age', 'isInt'], ['body.terms', 'isBoolean'],
    ]);
  });

  it('enforces inline constraints on a single body property, for JSON and for forms', async () => {
    expect((await app.inject({ method: 'POST', url: '/b/prop', body: { qty: 3, code: 'ABC' } })).json()).toEqual({ qty: 3, code: 'ABC' });
    const bad = await app.inject({ method: 'POST', url: '/b/prop', body: { qty: 30, code: 'abc' } });
    expect([bad.status, bad.json<{ errors: unknown[] }>().errors]).toEqual([422, [
      { loc: ['body', 'qty'], msg: 'must be <= 10', type: 'maximum' },
      { loc: ['body', 'code'], msg: 'must match the pattern ^[A-Z]{3}$', type: 'pattern' },
    ]]);
    const wrongType = await app.inject({ method: 'POST', url: '/b/prop', body: { qty: '3' } });
    expect(wrongType.json<{ errors: unknown[] }>().errors).toEqual([{ loc: ['body', 'qty'], msg: 'must be a number', type: 'type' }]);
    const missing = await app.inject({ method: 'POST', url: '/b/prop', body: {} });
    expect(missing.json<{ errors: unknown[] }>().errors).toEqual([{ loc: ['body', 'qty'], msg: 'is required', type: 'required' }]);
    const form = await app.inject({ method: 'POST', url: '/b/prop', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'qty=4' });
    expect([form.status, form.json()]).toEqual([201, { qty: 4, code: null }]);
  });

  it('reads a string body from text/plain or a JSON string, and refuses a JSON object', async () => {
    expect((await app.inject({ method: 'POST', url: '/b/text', headers: { 'content-type': 'text/plain' }, body: 'hello' })).json()).toEqual({ length: 5 });
    expect((await app.inject({ method: 'POST', url: '/b/text', headers: { 'content-type': 'application/json' }, body: '"hi"' })).json()).toEqual({ length: 2 });
    const obj = await app.inject({ method: 'POST', url: '/b/text', body: { a: 1 } });
    expect([obj.status, obj.json<{ errors: unknown[] }>().errors]).toEqual([422, [{ loc: ['body'], msg: 'must be a string (send text/plain, or a JSON string)', type: 'type' }]]);
  });

  it('routes an absolute-form request target on its path', async () => {
    const client = await serve(createApp({ controllers: [Bodies] }));
    try {
      const raw = await rawRequest(client.url, 'GET http://example.test/b/ping?x=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw.endsWith('\r\n\r\npong')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses a @Body() without a runtime type at start-up, since it could not be validated', () => {
    class NoMeta { create(body: unknown) { return body; } }
    // Simulate a compiler that drops decorator metadata (esbuild, tsx): decorate by hand, without design:paramtypes.
    Body()(NoMeta.prototype, 'create', 0);
    Post('/x')(NoMeta.prototype, 'create', Object.getOwnPropertyDescriptor(NoMeta.prototype, 'create')!);
    Reflect.deleteMetadata('design:paramtypes', NoMeta.prototype, 'create');
    Controller('/n')(NoMeta);
    expect(() => createApp({ controllers: [NoMeta] })).toThrow(expect.objectContaining({ code: 'RIVET_PARAM_TYPE_UNKNOWN' }));
    expect(() => createApp({ controllers: [NoMeta] })).toThrow(RivetError);
  });
});

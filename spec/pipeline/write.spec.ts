import inject from 'light-my-request';
import type { ServerResponse } from 'node:http';
import { compileWriter, sendPlain, type Writer } from '../../lib/pipeline/write';

/** Runs `write(res, result)` on a real ServerResponse (in-process) and returns what reached the client. */
async function written(write: Writer, result: unknown, options: { method?: 'GET' | 'HEAD' | 'POST'; before?: (res: ServerResponse) => void } = {}) {
  const res = await inject((req, response) => {
    options.before?.(response);
    write(response, result);
  }, { method: options.method ?? 'GET', url: '/' });
  return { status: res.statusCode, type: res.headers['content-type'], length: res.headers['content-length'], body: res.body, raw: res.rawPayload };
}

const plain = compileWriter({ status: 200, explicit: false, headers: [], ownsResponse: false });

describe('compileWriter', () => {
  it('sends an object as JSON with its byte length when the handler returns an object', async () => {
    expect(await written(plain, { name: 'Zoë', n: 1 })).toMatchObject({
      status: 200, type: 'application/json; charset=utf-8', length: String(Buffer.byteLength('{"name":"Zoë","n":1}')), body: '{"name":"Zoë","n":1}',
    });
  });

  it('sends an array as JSON when the handler returns an array', async () => {
    expect(await written(plain, [1, 'a'])).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', body: '[1,"a"]' });
  });

  it.each([[0, '0'], [false, 'false'], [null, 'null']])('sends %p as JSON when the handler returns a falsy non-undefined value', async (value, body) => {
    expect(await written(plain, value)).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', length: String(body.length), body });
  });

  it('sends "null" when JSON.stringify yields nothing for the value', async () => {
    expect(await written(plain, () => 1)).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', body: 'null' });
  });

  it('sends a string as text/plain when the handler returns a string', async () => {
    expect(await written(plain, 'héllo')).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', length: '6', body: 'héllo' });
  });

  it('keeps the content type the handler set when it returns a string', async () => {
    const out = await written(plain, '<p>hi</p>', { before: (res) => res.setHeader('content-type', 'text/html; charset=utf-8') });
    expect(out).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<p>hi</p>' });
  });

  it('sends a Buffer as application/octet-stream when the handler returns bytes', async () => {
    const out = await written(plain, Buffer.from([0, 1, 255]));
    expect(out).toMatchObject({ status: 200, type: 'application/octet-stream', length: '3' });
    expect([...out.raw]).toEqual([0, 1, 255]);
  });

  it('sends a Uint8Array with the content type the handler set when it returns bytes', async () => {
    const out = await written(plain, new Uint8Array([7, 8]), { before: (res) => res.setHeader('content-type', 'image/png') });
    expect(out).toMatchObject({ status: 200, type: 'image/png', length: '2' });
    expect([...out.raw]).toEqual([7, 8]);
  });

  it('answers 204 with no body when the handler returns undefined', async () => {
    expect(await written(compileWriter({ status: 201, explicit: false, headers: [], ownsResponse: false }), undefined)).toEqual({ status: 204, type: undefined, length: undefined, body: '', raw: Buffer.alloc(0) });
  });

  it('answers the explicit status with no body when the handler returns undefined under @HttpCode', async () => {
    expect(await written(compileWriter({ status: 202, explicit: true, headers: [], ownsResponse: false }), undefined)).toMatchObject({ status: 202, body: '' });
  });

  it('uses the compiled status when the handler returns a value', async () => {
    expect(await written(compileWriter({ status: 201, explicit: false, headers: [], ownsResponse: false }), { id: 1 }, { method: 'POST' })).toMatchObject({ status: 201, body: '{"id":1}' });
  });

  it('adds the fixed headers when the route declares response headers', async () => {
    const write = compileWriter({ status: 200, explicit: false, headers: [['Cache-Control', 'no-store'], ['X-Kind', 'test']], ownsResponse: false });
    const res = await inject((req, response) => write(response, { ok: true }), { method: 'GET', url: '/' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-kind']).toBe('test');
  });

  it('adds the fixed headers when the handler returns undefined', async () => {
    const write = compileWriter({ status: 200, explicit: false, headers: [['X-Kind', 'empty']], ownsResponse: false });
    const res = await inject((req, response) => write(response, undefined), { method: 'GET', url: '/' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['x-kind']).toBe('empty');
  });

  it('sends the GET headers and Content-Length but no body when the request is HEAD', async () => {
    expect(await written(plain, { a: 1 }, { method: 'HEAD' })).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', length: '7', body: '' });
  });

  it('leaves the response alone when the handler already ended it', async () => {
    const out = await written(plain, { ignored: true }, {
      before: (res) => { res.writeHead(418, { 'content-type': 'text/plain' }); res.end('teapot'); },
    });
    expect(out).toMatchObject({ status: 418, type: 'text/plain', body: 'teapot' });
  });

  it('throws when the value cannot be serialized as JSON', () => {
    const res = { headersSent: false, writableEnded: false, setHeader: jest.fn() } as unknown as ServerResponse;
    expect(() => plain(res, { n: 1n })).toThrow(TypeError);
  });
});

describe('compileWriter (content rules)', () => {
  it('sends no content for @HttpCode(204) even when the handler returns a value', async () => {
    expect(await written(compileWriter({ status: 204, explicit: true, headers: [], ownsResponse: false }), { id: 1 })).toMatchObject({ status: 204, body: '', length: undefined });
  });

  it('keeps a Content-Type set by @ResponseHeader for JSON results', async () => {
    const write = compileWriter({ status: 200, explicit: false, headers: [['Content-Type', 'application/vnd.api+json']], ownsResponse: false });
    expect(await written(write, { data: [] })).toMatchObject({ status: 200, type: 'application/vnd.api+json', body: '{"data":[]}' });
  });

  it('writes nothing for an undefined result when the handler owns the response through @Res()', async () => {
    const write = compileWriter({ status: 200, explicit: false, headers: [], ownsResponse: true });
    const res = await inject((_req, res) => {
      write(res, undefined);
      setTimeout(() => { res.writeHead(202, { 'content-type': 'text/plain' }); res.end('later'); }, 5);
    }, { url: '/' });
    expect([res.statusCode, res.payload]).toEqual([202, 'later']);
  });
});


describe('compileWriter (output stages)', () => {
  const base = { status: 200, explicit: false, headers: [] as [string, string][], ownsResponse: false };

  it('hands data results to serialize with the preset Content-Type, and strings and bytes around it', async () => {
    const serialize = jest.fn((_req, _res, value: unknown, preset: string | undefined) => ({ body: `<${String(value)}>`, type: preset ?? 'text/x-angle' }));
    const write = compileWriter({ ...base, serialize });
    expect(await written(write, 5)).toMatchObject({ type: 'text/x-angle', body: '<5>' });
    expect(await written(write, 'plain')).toMatchObject({ type: 'text/plain; charset=utf-8', body: 'plain' });
    expect(await written(write, Buffer.from('b'))).toMatchObject({ type: 'application/octet-stream', body: 'b' });
    expect(await written(write, 6, { before: (res) => res.setHeader('content-type', 'application/x-six') })).toMatchObject({ type: 'application/x-six', body: '<6>' });
    expect(serialize).toHaveBeenCalledTimes(2);
  });

  it('sends every payload through send, and nothing for undefined', async () => {
    const send = jest.fn((res: ServerResponse, status: number, type: string, body: string | Uint8Array) => { res.writeHead(status, { 'content-type': type, 'x-sent': 'yes' }); res.end(body); });
    const write = compileWriter({ ...base, send });
    expect(await written(write, { a: 1 })).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', body: '{"a":1}' });
    expect(await written(write, undefined)).toMatchObject({ status: 204, body: '' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0].slice(1)).toEqual([200, 'application/json; charset=utf-8', '{"a":1}']);
  });

  it('lets tap see the payload and answer instead of send', async () => {
    const tap = jest.fn((res: ServerResponse, _status: number, _type: string, body: string | Uint8Array) => {
      if (body !== '{"cached":true}') return false;
      res.writeHead(304);
      res.end();
      return true;
    });
    const write = compileWriter({ ...base, tap });
    expect(await written(write, { cached: false })).toMatchObject({ status: 200, body: '{"cached":false}' });
    expect(await written(write, { cached: true })).toMatchObject({ status: 304, body: '' });
    expect(tap.mock.calls.map((c) => c.slice(1))).toEqual([[200, 'application/json; charset=utf-8', '{"cached":false}'], [200, 'application/json; charset=utf-8', '{"cached":true}']]);
  });

  it('keeps the content rules of the plain writer: HEAD, 204, explicit status, fixed headers', async () => {
    const write = compileWriter({ ...base, send: sendPlain, headers: [['X-Fixed', '1']] });
    expect(await written(write, { a: 1 }, { method: 'HEAD' })).toMatchObject({ status: 200, length: '7', body: '' });
    const noContent = compileWriter({ ...base, status: 204, explicit: true, send: sendPlain });
    expect(await written(noContent, { a: 1 })).toMatchObject({ status: 204, body: '' });
    const res = await inject((_req, response) => write(response, 'x'), { url: '/' });
    expect(res.headers['x-fixed']).toBe('1');
  });
});

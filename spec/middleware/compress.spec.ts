import inject from 'light-my-request';
import type { ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { addVary, compileCompressedSend, encodingFor, isCompressible, normalizeCompression } from '../../lib/middleware/compress';

describe('normalizeCompression', () => {
  it('is off when absent or false', () => {
    expect(normalizeCompression(undefined)).toBeNull();
    expect(normalizeCompression(false)).toBeNull();
  });

  it('defaults to a 1024-byte threshold and br, gzip, deflate', () => {
    expect(normalizeCompression(true)).toMatchObject({ threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  });

  it('names the option and the fix when a value is wrong', () => {
    expect(() => normalizeCompression({ threshold: 1.5 })).toThrow(/compression\.threshold is 1\.5[\s\S]*Fix:/);
    expect(() => normalizeCompression('yes' as never)).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' }));
  });
});

describe('isCompressible', () => {
  it.each([
    ['application/json; charset=utf-8', true], ['text/html', true], ['text/x-unknown', true], ['image/svg+xml', true],
    ['application/problem+json', true], ['application/vnd.thing+xml', true], ['application/msgpack', true],
    ['image/png', false], ['image/jpeg', false], ['video/mp4', false], ['application/zip', false], ['application/gzip', false],
    ['font/woff2', false], ['application/octet-stream', false], ['application/x-unknown', false],
  ])('%s → %p', (type, expected) => {
    expect(isCompressible(type)).toBe(expected);
  });
});

/** Runs `fn` on a real ServerResponse (in-process) and returns what reached the client. */
function onResponse(fn: (res: ServerResponse) => void, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  return inject((_req, res) => fn(res), { method, url: '/', headers });
}

describe('addVary', () => {
  it('adds a token once, keeping what is there, and leaves Vary: * alone', async () => {
    const res = await onResponse((r) => { addVary(r, 'Accept'); addVary(r, 'Accept-Encoding'); addVary(r, 'accept'); r.end(); });
    expect(res.headers.vary).toBe('Accept, Accept-Encoding');
    const star = await onResponse((r) => { r.setHeader('vary', '*'); addVary(r, 'Accept'); r.end(); });
    expect(star.headers.vary).toBe('*');
  });
});

describe('encodingFor', () => {
  const c = normalizeCompression({ threshold: 10 })!;

  it('sets Vary only when the answer depended on Accept-Encoding', async () => {
    const small = await onResponse((r) => { expect(encodingFor(c, r.req, r, 'text/plain', 5)).toBeNull(); r.end(); }, { 'accept-encoding': 'gzip' });
    expect(small.headers.vary).toBeUndefined();
    const big = await onResponse((r) => { expect(encodingFor(c, r.req, r, 'text/plain', 50)).toBe('gzip'); r.end(); }, { 'accept-encoding': 'gzip' });
    expect(big.headers.vary).toBe('Accept-Encoding');
  });
});

describe('compileCompressedSend', () => {
  const send = compileCompressedSend(normalizeCompression({ threshold: 10 })!);
  const body = 'x'.repeat(500);

  it('compresses and sets the encoded length', async () => {
    const res = await onResponse((r) => send(r, 200, 'text/plain', body), { 'accept-encoding': 'gzip' });
    expect([res.headers['content-encoding'], Number(res.headers['content-length'])]).toEqual(['gzip', res.rawPayload.length]);
    expect(gunzipSync(res.rawPayload).toString()).toBe(body);
  });

  it('sends HEAD with the headers of GET and no body', async () => {
    const get = await onResponse((r) => send(r, 200, 'text/plain', body), { 'accept-encoding': 'br' });
    const head = await onResponse((r) => send(r, 200, 'text/plain', body), { 'accept-encoding': 'br' }, 'HEAD');
    expect([head.headers['content-encoding'], head.headers['content-length'], head.rawPayload.length]).toEqual(['br', get.headers['content-length'], 0]);
  });

  it('sends bytes as they are when the client wants no coding', async () => {
    const res = await onResponse((r) => send(r, 201, 'text/plain', Buffer.from(body)), { 'accept-encoding': 'identity' });
    expect([res.statusCode, res.headers['content-encoding'], res.payload]).toEqual([201, undefined, body]);
  });
});

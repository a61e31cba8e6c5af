import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Controller, createApp, Get, type App, type StaticOptions } from '../../lib';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, rawRequest, serve } from '../helpers/http';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
const HELLO = 'Hello, static world!\n';
const CSS = `body { color: red; }\n${'.rule { margin: 0 auto; padding: 1px; }\n'.repeat(200)}`;
const BIN = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 251));
const MTIME = new Date('2024-05-01T10:00:00.000Z');

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'rivet-static-'));
  root = join(base, 'public');
  mkdirSync(join(root, 'docs', 'guide'), { recursive: true });
  mkdirSync(join(root, 'empty-dir'));
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'hello.txt'), HELLO);
  writeFileSync(join(root, 'style.css'), CSS);
  writeFileSync(join(root, 'data.bin'), BIN);
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'docs', 'guide', 'index.html'), '<h1>guide</h1>');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'über café.txt'), 'unicode name');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(base, join(root, 'dir-out'));
  symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'));
  for (const f of ['hello.txt', 'style.css', 'data.bin']) utimesSync(join(root, f), MTIME, MTIME);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

@Controller('/assets')
class AssetsApi {
  @Get('/version') version() { return { version: 3 }; }
}

const tagOf = (file: string): string => {
  const s = statSync(join(root, file));
  return `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
};

describe('static files (wire)', () => {
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [AssetsApi], static: { root, prefix: '/assets' } });
    client = await serve(app);
  });
  afterAll(() => client.close());

  it('serves a file with its content type, length and validators', async () => {
    const res = await client.get('/assets/hello.txt').expect(200).expectText(HELLO)
      .expectHeader('content-type', 'text/plain; charset=utf-8')
      .expectHeader('content-length', String(Buffer.byteLength(HELLO)))
      .expectHeader('etag', tagOf('hello.txt'))
      .expectHeader('last-modified', MTIME.toUTCString())
      .expectHeader('cache-control', 'public, max-age=0')
      .expectHeader('accept-ranges', 'bytes');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
  });

  it('serves a large binary file byte for byte', async () => {
    const res = await client.get('/assets/data.bin').expect(200).expectHeader('content-type', 'application/octet-stream');
    expect(res.rawBody.equals(BIN)).toBe(true);
  });

  it('serves a file whose name is percent-encoded UTF-8 with spaces', async () => {
    await client.get('/assets/%C3%BCber%20caf%C3%A9.txt').expect(200).expectText('unicode name');
  });

  it('serves an empty file with Content-Length 0', async () => {
    await client.get('/assets/empty.txt').expect(200).expectHeader('content-length', '0').expectText('');
  });

  it('follows a symlink that stays inside the root', async () => {
    await client.get('/assets/link-in.txt').expect(200).expectText(HELLO);
  });

  it('answers 304 without a body when If-None-Match matches', async () => {
    const res = await client.get('/assets/hello.txt').set('if-none-match', `"nope", ${tagOf('hello.txt')}`).expect(304)
      .expectHeader('etag', tagOf('hello.txt')).expectHeader('cache-control', 'public, max-age=0');
    expect(res.rawBody.length).toBe(0);
  });

  it('answers 304 when the weak form of the tag is sent back', async () => {
    await client.get('/assets/hello.txt').set('if-none-match', `W/${tagOf('hello.txt')}`).expect(304);
  });

  it('answers 304 when the file is not modified since the given date', async () => {
    await client.get('/assets/hello.txt').set('if-modified-since', MTIME.toUTCString()).expect(304);
    await client.get('/assets/hello.txt').set('if-modified-since', new Date(MTIME.getTime() + 60_000).toUTCString()).expect(304);
  });

  it('sends the file when it changed after If-Modified-Since', async () => {
    await client.get('/assets/hello.txt').set('if-modified-since', new Date(MTIME.getTime() - 1000).toUTCString()).expect(200).expectText(HELLO);
  });

  it('lets If-None-Match win over If-Modified-Since', async () => {
    await client.get('/assets/hello.txt').set('if-none-match', '"other"').set('if-modified-since', MTIME.toUTCString()).expect(200);
  });

  it('ignores an If-Modified-Since it cannot parse', async () => {
    await client.get('/assets/hello.txt').set('if-modified-since', 'yesterday').expect(200);
  });

  it('answers a single range with 206 and exactly those bytes', async () => {
    const res = await client.get('/assets/data.bin').set('range', 'bytes=1000-1999').expect(206)
      .expectHeader('content-range', `bytes 1000-1999/${BIN.length}`).expectHeader('content-length', '1000');
    expect(res.rawBody.equals(BIN.subarray(1000, 2000))).toBe(true);
  });

  it('answers an open-ended and a suffix range with the right bytes', async () => {
    const open = await client.get('/assets/data.bin').set('range', `bytes=${BIN.length - 10}-`).expect(206).expectHeader('content-range', `bytes ${BIN.length - 10}-${BIN.length - 1}/${BIN.length}`);
    expect(open.rawBody.equals(BIN.subarray(BIN.length - 10))).toBe(true);
    const suffix = await client.get('/assets/hello.txt').set('range', 'bytes=-6').expect(206).expectHeader('content-range', `bytes ${HELLO.length - 6}-${HELLO.length - 1}/${HELLO.length}`);
    expect(suffix.text).toBe(HELLO.slice(-6));
  });

  it('clamps a range that ends past the end of the file', async () => {
    const res = await client.get('/assets/hello.txt').set('range', 'bytes=7-999999999999999999999').expect(206).expectHeader('content-range', `bytes 7-${HELLO.length - 1}/${HELLO.length}`);
    expect(res.text).toBe(HELLO.slice(7));
  });

  it('answers 416 problem+json with Content-Range when the range starts past the end', async () => {
    const res = await client.get('/assets/hello.txt').set('range', 'bytes=5000-6000').expect(416)
      .expectHeader('content-type', PROBLEM).expectHeader('content-range', `bytes */${HELLO.length}`).expectHeader('etag', undefined);
    expect(res.json()).toMatchObject({ type: 'about:blank', title: 'Range Not Satisfiable', status: 416, instance: '/assets/hello.txt' });
  });

  it('answers several ranges with the whole file (200), not multipart', async () => {
    await client.get('/assets/hello.txt').set('range', 'bytes=0-1, 4-5').expect(200).expectText(HELLO);
  });

  it('ignores a malformed range and a unit other than bytes', async () => {
    await client.get('/assets/hello.txt').set('range', 'bytes=abc').expect(200).expectText(HELLO);
    await client.get('/assets/hello.txt').set('range', 'items=0-1').expect(200).expectText(HELLO);
    await client.get('/assets/hello.txt').set('range', 'bytes=5-2').expect(200).expectText(HELLO);
  });

  it('honours If-Range: the range when the tag or date still matches, the whole file when not', async () => {
    await client.get('/assets/hello.txt').set('range', 'bytes=0-4').set('if-range', tagOf('hello.txt')).expect(206).expectText('Hello');
    await client.get('/assets/hello.txt').set('range', 'bytes=0-4').set('if-range', MTIME.toUTCString()).expect(206).expectText('Hello');
    await client.get('/assets/hello.txt').set('range', 'bytes=0-4').set('if-range', '"stale"').expect(200).expectText(HELLO);
    await client.get('/assets/hello.txt').set('range', 'bytes=0-4').set('if-range', `W/${tagOf('hello.txt')}`).expect(200).expectText(HELLO);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await client.head('/assets/hello.txt').expect(200).expectHeader('content-length', String(HELLO.length)).expectHeader('etag', tagOf('hello.txt'));
    expect(head.rawBody.length).toBe(0);
  });

  it('serves index.html for the prefix and for a directory with a trailing slash', async () => {
    await client.get('/assets/').expect(200).expectText('<h1>home</h1>').expectHeader('content-type', 'text/html; charset=utf-8');
    await client.get('/assets/docs/guide/').expect(200).expectText('<h1>guide</h1>');
  });

  it('redirects a directory without its trailing slash, keeping the query', async () => {
    await client.get('/assets/docs/guide?x=1').expect(301).expectHeader('location', '/assets/docs/guide/?x=1');
    await client.get('/assets').expect(301).expectHeader('location', '/assets/');
  });

  it('answers 404 problem+json for a missing file and for a directory without index', async () => {
    const res = await client.get('/assets/missing.txt').expect(404).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No such file.', instance: '/assets/missing.txt' });
    await client.get('/assets/empty-dir/').expect(404).expectHeader('content-type', PROBLEM);
  });

  it('lets an application route under the prefix win over the files', async () => {
    await client.get('/assets/version').expect(200).expectJson({ version: 3 });
  });

  it('answers another method with 405 and Allow, and OPTIONS with 204', async () => {
    await client.post('/assets/hello.txt').expect(405).expectHeader('allow', 'GET, HEAD, OPTIONS').expectHeader('content-type', PROBLEM);
    await client.options('/assets/hello.txt').expect(204).expectHeader('allow', 'GET, HEAD, OPTIONS');
  });

  it('leaves paths outside the prefix to the router', async () => {
    await client.get('/hello.txt').expect(404).expectHeader('content-type', PROBLEM);
  });
});

describe('static files: path traversal', () => {
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [], static: { root, prefix: '/assets' } });
    client = await serve(app);
  });
  afterAll(() => client.close());

  // Raw request lines: an HTTP client library would normalize some of these before sending them.
  it.each([
    ['a plain ..', '/assets/../secret.txt'],
    ['.. in the middle', '/assets/docs/../../secret.txt'],
    ['%2e%2e', '/assets/%2e%2e/secret.txt'],
    ['%2E%2E upper case', '/assets/%2E%2E/secret.txt'],
    ['.%2e mixed', '/assets/.%2e/secret.txt'],
    ['%2e%2e%2f (encoded slash)', '/assets/%2e%2e%2fsecret.txt'],
    ['..%2F', '/assets/..%2Fsecret.txt'],
    ['..%2f twice', '/assets/docs%2f..%2f..%2fsecret.txt'],
    ['%5C backslashes', '/assets/..%5Csecret.txt'],
    ['%5c..%5c', '/assets/%5c..%5csecret.txt'],
    ['a null byte', '/assets/hello.txt%00.html'],
    ['a null byte before ..', '/assets/%00/../secret.txt'],
    ['an absolute path', '/assets//etc/passwd'],
    ['an absolute path to the secret', `/assets/${base}/secret.txt`],
    ['an encoded absolute path', `/assets/${encodeURIComponent(`${base}/secret.txt`)}`],
    ['a symlink to a file outside', '/assets/link-out.txt'],
    ['a symlink to a directory outside', '/assets/dir-out/secret.txt'],
    ['a dot-file', '/assets/.env'],
    ['an encoded dot-file', '/assets/%2eenv'],
    ['malformed percent-encoding', '/assets/%E0%A4%A.txt'],
  ])('never serves a file outside the root for %s', async (_, path) => {
    const raw = await rawRequest(client.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const [head, body] = raw.split('\r\n\r\n');
    const status = Number(head.split(' ')[1]);
    expect([400, 404]).toContain(status);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain('root:');
    expect(JSON.parse(body)).toMatchObject({ status });
  });

  it('answers 400 for dot segments and null bytes rather than looking them up', async () => {
    const res = await client.get('/assets/%2e%2e/secret.txt').expect(400).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 400, detail: 'The path contains a dot segment (".." or ".").' });
    await client.get('/assets/a%00b').expect(400).expectHeader('content-type', PROBLEM);
  });
});

describe('static files: options', () => {
  it('sends Cache-Control from maxAge and immutable', async () => {
    const app = createApp({ controllers: [], static: { root, prefix: '/s', maxAge: 31_536_000, immutable: true } });
    const res = await app.inject('/s/hello.txt');
    expect([res.status, res.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable']);
  });

  it('serves several directories under their own prefixes, and a root mount next to API routes', async () => {
    @Controller('/api') class Api { @Get('/ping') ping() { return 'pong'; } }
    const app = createApp({ controllers: [Api], static: [{ root, prefix: '/' }, { root: join(root, 'docs'), prefix: '/manual' }] });
    expect((await app.inject('/')).body).toBe('<h1>home</h1>');
    expect((await app.inject('/hello.txt')).body).toBe(HELLO);
    expect((await app.inject('/manual/guide/')).body).toBe('<h1>guide</h1>');
    expect((await app.inject('/api/ping')).body).toBe('pong');
    expect((await app.inject('/nope.txt')).status).toBe(404);
  });

  it('answers 404 for a directory when index is false, and serves dot-files when allowed', async () => {
    const app = createApp({ controllers: [], static: { root, index: false, dotfiles: true } });
    expect((await app.inject('/')).status).toBe(404);
    expect((await app.inject('/.env')).body).toBe('SECRET=1');
  });

  it('compresses compressible files as a stream, with a tag per encoding and HEAD mirroring GET', async () => {
    const app = createApp({ controllers: [], static: { root }, compression: true });
    const client = await serve(app);
    try {
      const res = await client.get('/style.css').set('accept-encoding', 'gzip').expect(200)
        .expectHeader('content-encoding', 'gzip').expectHeader('vary', 'Accept-Encoding').expectHeader('content-type', 'text/css; charset=utf-8')
        .expectHeader('etag', tagOf('style.css').replace(/"$/, '-gzip"'));
      expect(gunzipSync(res.rawBody).toString('utf8')).toBe(CSS);
      const head = await client.head('/style.css').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', 'gzip').expectHeader('etag', res.headers.etag as string);
      expect(head.rawBody.length).toBe(0);
      await client.get('/style.css').set('accept-encoding', 'gzip').set('if-none-match', res.headers.etag as string).expect(304);
      // A range is served from the file itself, never from the compressed stream.
      const part = await client.get('/style.css').set('accept-encoding', 'gzip').set('range', 'bytes=0-3').expect(206).expectHeader('content-encoding', undefined);
      expect(part.text).toBe('body');
      // Already-compressed types and small files are sent as they are.
      await client.get('/data.bin').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', undefined);
      await client.get('/hello.txt').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', undefined);
    } finally {
      await client.close();
    }
  });

  it.each<[string, StaticOptions | StaticOptions[], string]>([
    ['a missing root', { root: '/definitely/not/here' }, 'RIVET_STATIC_ROOT_INVALID'],
    ['a root that is a file', { root: '' }, 'RIVET_OPTIONS_INVALID'],
    ['a prefix with a parameter', { root: '.', prefix: '/:x' }, 'RIVET_OPTIONS_INVALID'],
    ['a relative prefix', { root: '.', prefix: 'assets' }, 'RIVET_OPTIONS_INVALID'],
    ['a negative maxAge', { root: '.', maxAge: -1 }, 'RIVET_OPTIONS_INVALID'],
    ['an index with a slash', { root: '.', index: 'a/b.html' }, 'RIVET_OPTIONS_INVALID'],
    ['two mounts on one prefix', [{ root: '.', prefix: '/a' }, { root: '.', prefix: '/a/' }], 'RIVET_OPTIONS_INVALID'],
  ])('rejects %s at start-up', (_, option, code) => {
    expect(() => createApp({ controllers: [], static: option })).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a root that is a file, naming it', () => {
    expect(() => createApp({ controllers: [], static: { root: join(root, 'hello.txt') } })).toThrow(/RIVET_STATIC_ROOT_INVALID.*hello\.txt/);
  });
});

import { createReadStream } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { Readable } from 'node:stream';
import { createApp, Controller, Ctx, Get, RequestContext, StreamResponse } from '../../lib';
import { serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

/** Issues a GET and resolves with the status, headers and the whole body (node:http, so chunked bodies are visible as such). */
function get(url: string, agent?: Agent): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

/** Opens a GET, waits for the first chunk, then destroys the connection. */
function abortAfterFirstChunk(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      res.once('data', () => { req.destroy(); resolve(); });
    });
    req.on('error', () => resolve());
    req.on('timeout', () => reject(new Error('no first chunk')));
    req.end();
  });
}


describe('streamed responses', () => {
  const events: string[] = [];
  let aborted: string | null = null;

  @Controller('/s')
  class Streams {
    @Get('/readable')
    readable() { return Readable.from(['a', 'b', 'c']); }

    @Get('/generator')
    async *generator() { yield 'one\n'; yield Buffer.from('two\n'); yield { n: 3 }; }

    @Get('/web')
    web() {
      return new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('web-')); c.enqueue(new TextEncoder().encode('stream')); c.close(); } });
    }

    @Get('/custom')
    custom() { return new StreamResponse(Readable.from(['id,name\n', '1,Ada\n']), { status: 206, contentType: 'text/csv; charset=utf-8', headers: { 'content-disposition': 'attachment; filename="a.csv"' } }); }

    @Get('/zipped')
    zipped() { return new StreamResponse(Readable.from(['{"rows":[', '1,'.repeat(2000), '1]}']), { contentType: 'application/json', compress: true }); }

    @Get('/file')
    file() { return new StreamResponse(createReadStream(__filename), { contentType: 'text/plain; charset=utf-8' }); }

    @Get('/endless')
    endless(@Ctx() ctx: RequestContext) {
      ctx.signal.addEventListener('abort', () => { aborted = (ctx.signal.reason as DOMException).name; });
      return (async function* () {
        try {
          for (let i = 0; ; i++) {
            yield `chunk ${i}\n`;
            await new Promise((r) => setTimeout(r, 2));
          }
        } finally {
          events.push('finally');
        }
      })();
    }

    @Get('/failing')
    async *failing() { yield 'partial'; throw new Error('source failed'); }
  }

  const app = createApp({ controllers: [Streams], compression: { threshold: 1 } });
  let base: string;
  beforeAll(async () => { base = (await serve(app)).url; });
  afterAll(() => app.close());

  it('pipes a Node Readable, chunked, as application/octet-stream', async () => {
    const res = await get(`${base}/s/readable`);
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body.toString()).toBe('abc');
  });

  it('writes strings and bytes of an async generator as they are and other values as JSON lines', async () => {
    const res = await get(`${base}/s/generator`);
    expect(res.body.toString()).toBe('one\ntwo\n{"n":3}\n');
  });

  it('pipes a web ReadableStream', async () => {
    expect((await get(`${base}/s/web`)).body.toString()).toBe('web-stream');
  });

  it('applies the status, headers and content type of a StreamResponse and never compresses it', async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      httpRequest(`${base}/s/custom`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => { body += c.toString(); });
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body }));
      }).on('error', reject).end();
    });
    expect(res).toEqual({
      status: 206,
      headers: expect.objectContaining({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="a.csv"' }),
      body: 'id,name\n1,Ada\n',
    });
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('compresses a StreamResponse that asks for it, with the coding the client accepts', async () => {
    const { gunzipSync } = await import('node:zlib');
    const res = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      httpRequest(`${base}/s/zipped`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(res.body).toString()).toBe(`{"rows":[${'1,'.repeat(2000)}1]}`);
    const plain = await get(`${base}/s/zipped`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(`{"rows":[${'1,'.repeat(2000)}1]}`);
  });

  it('streams a file in full', async () => {
    const { readFileSync } = await import('node:fs');
    expect((await get(`${base}/s/file`)).body.toString()).toBe(readFileSync(__filename, 'utf8'));
  });

  it('streams in-process through app.inject too', async () => {
    const res = await app.inject('/s/generator');
    expect(res.status).toBe(200);
    expect(res.body).toBe('one\ntwo\n{"n":3}\n');
  });

  it('answers HEAD with the head only', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/s/readable' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body).toBe('');
  });

  it('destroys the source and aborts ctx.signal when the client goes away', async () => {
    events.length = 0;
    aborted = null;
    await abortAfterFirstChunk(`${base}/s/endless`);
    await waitFor(() => events.includes('finally') && aborted !== null);
    expect(aborted).toBe('AbortError');
  });

  it('cuts the connection short when the source fails after the head was sent', async () => {
    await expect(get(`${base}/s/failing`)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
  });

  it('completes 200 concurrent streamed responses', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    const results = await Promise.all(Array.from({ length: 200 }, () => get(`${base}/s/generator`, agent)));
    agent.destroy();
    expect(results.every((r) => r.status === 200 && r.body.toString() === 'one\ntwo\n{"n":3}\n')).toBe(true);
  });
});

describe('streamed responses under load', () => {
  it('keeps RSS flat while streaming 200 MB from a generator', async () => {
    const CHUNK = Buffer.alloc(64 * 1024, 120);
    const TOTAL = 200 * 1024 * 1024;
    @Controller('/big')
    class Big {
      @Get('/')
      async *download() { for (let sent = 0; sent < TOTAL; sent += CHUNK.length) yield CHUNK; }
    }
    const app = createApp({ controllers: [Big] });
    const client = await serve(app);
    try {
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const received = await new Promise<number>((resolve, reject) => {
        httpRequest(`${client.url}/big`, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
            if ((n & 0xfffff) < c.length) peak = Math.max(peak, process.memoryUsage().rss);
          });
          res.on('end', () => resolve(n));
          res.on('error', reject);
        }).on('error', reject).end();
      });
      expect(received).toBe(TOTAL);
      expect((peak - before) / 1024 / 1024).toBeLessThan(60);
    } finally {
      await client.close();
    }
  });
});

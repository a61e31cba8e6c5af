import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Controller, createApp, Ctx, Get, Post, RequestContext, Timeout } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

/** Opens a raw socket, writes `parts` with `gapMs` between them, and resolves with everything answered. */
function slowClient(url: string, parts: string[], gapMs: number): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - start }));
    let i = 0;
    const next = (): void => {
      if (i >= parts.length || socket.destroyed) return;
      socket.write(parts[i++]);
      setTimeout(next, gapMs);
    };
    next();
  });
}

const signals: { aborted: boolean; reason?: string }[] = [];

/**
 * What /slow and /fails-late wait for after their timeout fired: the test opens it, and they record that they
 * finished, so the test knows the late result (or error) has reached Rivet.
 */
const late = { gate: Promise.resolve(), release: (): void => undefined, finished: [] as string[] };
function hold(): void {
  late.finished.length = 0;
  late.gate = new Promise((r) => { late.release = r; });
}

@Controller('/')
@Timeout(100)
class Slow {
  @Get('/slow') async slow(@Ctx() ctx: RequestContext) {
    const entry: { aborted: boolean; reason?: string } = { aborted: false };
    signals.push(entry);
    ctx.signal.addEventListener('abort', () => { entry.aborted = true; entry.reason = (ctx.signal.reason as DOMException).name; });
    await late.gate;
    late.finished.push('slow');
    return 'late';
  }
  @Get('/fast') async fast(@Ctx() ctx: RequestContext) { await sleep(5); return { aborted: ctx.signal.aborted }; }
  // Slower than the class's 100 ms: the timing is what these two test.
  @Get('/patient') @Timeout(400) async patient() { await sleep(200); return 'done'; }
  @Get('/unbounded') @Timeout(false) async unbounded() { await sleep(200); return 'done'; }
  @Get('/fails-late') async failsLate(): Promise<string> {
    await late.gate;
    late.finished.push('fails-late');
    throw new Error('after the timeout');
  }
  @Post('/upload') upload(@Body({ validate: false }) body: unknown) { return body; }
}

@Controller('/')
class Uploads {
  @Post('/upload') upload(@Body({ validate: false }) body: unknown) { return body; }
}

describe('timeouts over a socket', () => {
  it('answers 503 problem when a handler is too slow, and aborts ctx.signal with a TimeoutError', async () => {
    signals.length = 0;
    hold();
    const client = await serve(createApp({ controllers: [Slow], timeouts: { handler: 1000 } }));
    const res = await client.get('/slow').expect(503).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The handler did not answer within 100 ms.', instance: '/slow' });
    expect(signals).toEqual([{ aborted: true, reason: 'TimeoutError' }]);
    // The late result is dropped and the connection stays usable.
    late.release();
    await waitFor(() => late.finished.includes('slow'));
    await client.get('/fast').expect(200).expectJson({ aborted: false });
    await client.close();
  });

  it('lets @Timeout on a method win over the class, and @Timeout(false) turn it off', async () => {
    const client = await serve(createApp({ controllers: [Slow], timeouts: true }));
    await client.get('/patient').expect(200).expectText('done');
    await client.get('/unbounded').expect(200).expectText('done');
    await client.close();
  });

  it('keeps the 503 when the handler throws after timing out', async () => {
    hold();
    const client = await serve(createApp({ controllers: [Slow], timeouts: true }));
    await client.get('/fails-late').expect(503);
    late.release();
    await waitFor(() => late.finished.includes('fails-late'));
    await client.get('/fast').expect(200);
    await client.close();
  });

  it('answers 408 problem to a client that sends its headers too slowly', async () => {
    const client = await serve(createApp({ controllers: [Slow], timeouts: { headers: 200, request: 400 } }));
    const { text, ms } = await slowClient(client.url, ['GET /fast HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n', 'X-D: 4\r\n', '\r\n'], 100);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(text).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(text).toContain('Connection: close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ type: 'about:blank', title: 'Request Timeout', status: 408, detail: 'The request was not received in time.', instance: '/' });
    expect(ms).toBeGreaterThanOrEqual(200);
    expect(ms).toBeLessThan(1000);
    await client.close();
  });

  it('answers 408 problem to a client that sends its body too slowly', async () => {
    const client = await serve(createApp({ controllers: [Uploads], timeouts: { headers: 200, request: 400, handler: false } }));
    const head = 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n';
    const { text } = await slowClient(client.url, [head, '{"a"', ':', '1', ',', '"b"', ':2}'], 120);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(text).toContain('"status":408');
    await client.close();
  });

  it('answers 408, not 503, when the handler timeout fires while the body is still arriving', async () => {
    const client = await serve(createApp({ controllers: [Slow], timeouts: { headers: 1000, request: 2000 } }));
    const head = 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n';
    const { text } = await slowClient(client.url, [head, '{"a"', ':', '1', ',', '"b"', ':2}'], 60);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ type: 'about:blank', title: 'Request Timeout', status: 408, detail: 'The request body was not received in time.', instance: '/upload' });
    await client.close();
  });

  it('serves a client that is slow but within the limits', async () => {
    const client = await serve(createApp({ controllers: [Slow], timeouts: { headers: 500, request: 1000 } }));
    const { text } = await slowClient(client.url, ['GET /fast HTTP/1.1\r\n', 'Host: x\r\n', 'Connection: close\r\n', '\r\n'], 50);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    await client.close();
  });
});

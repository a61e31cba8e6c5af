import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { injectable } from 'tsyringe';
import { Controller, createApp, Ctx, Get, RequestContext, type OnShutdown } from '../../lib';
import { Client } from 'undici';
import { forkServer } from '../runtime/support';
import { waitFor } from '../helpers/wait';

const events: string[] = [];
/** Handlers entered so far, by route: a test waits for a request to be in flight instead of sleeping. */
const entered: string[] = [];
/** Opens the gate /slow waits on; each /slow request sets its own. */
let releaseSlow: () => void = () => undefined;

@injectable()
class Database implements OnShutdown {
  constructor() { events.push('create Database'); }
  async onShutdown() { await sleep(10); events.push('shutdown Database'); }
}

@injectable()
class Repository implements OnShutdown {
  constructor(readonly db: Database) { events.push('create Repository'); }
  onShutdown() { events.push('shutdown Repository'); }
}

@Controller('/')
class Work {
  constructor(readonly repo: Repository) {}
  @Get('/slow') async slow(@Ctx() ctx: RequestContext) {
    // Slow work after the answer: close() must wait for it (the hooks run only after 'background done').
    ctx.background(async () => { await sleep(100); events.push('background done'); });
    await new Promise<void>((r) => { releaseSlow = r; entered.push('slow'); });
    events.push('slow answered');
    return 'slow';
  }
  @Get('/fast') fast() { return 'fast'; }
  @Get('/forever') forever() { entered.push('forever'); return new Promise(() => undefined); }
}

/** A raw connection: `write` sends bytes, `response` resolves with the next complete response (Content-Length framed). */
function rawConnection(url: string): Promise<{ socket: Socket; write(text: string): void; response(): Promise<string>; send(path: string): Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      const response = (): Promise<string> => new Promise((done) => {
        let text = '';
        const onData = (c: Buffer): void => {
          text += c.toString();
          const end = text.indexOf('\r\n\r\n');
          const length = /content-length: (\d+)/i.exec(text);
          if (end !== -1 && length !== null && text.length >= end + 4 + Number(length[1])) {
            socket.off('data', onData);
            done(text);
          }
        };
        socket.on('data', onData);
      });
      const write = (text: string): void => { socket.write(text); };
      resolve({ socket, write, response, send: (path) => { const r = response(); write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`); return r; } });
    });
    socket.on('error', reject);
  });
}

/**
 * Sends `text` on `conn` and resolves once the server's end of the connection has read it (its bytesRead), so
 * the server sees the connection busy with a request that has begun.
 */
async function delivered(conn: { write(text: string): void }, serverSide: Socket, text: string): Promise<void> {
  const target = serverSide.bytesRead + Buffer.byteLength(text);
  conn.write(text);
  await waitFor(() => serverSide.bytesRead >= target);
}

/** The server's end of the next connection the app accepts. */
function nextServerSocket(app: { server: import('node:http').Server }): Promise<Socket> {
  return new Promise((resolve) => app.server.once('connection', resolve));
}

describe('app.close(): the drain', () => {
  beforeEach(() => { entered.length = 0; });

  it('finishes in-flight requests, refuses new ones with 503 + Connection: close, awaits background tasks, then runs service hooks in reverse order', async () => {
    events.length = 0;
    const app = createApp({ controllers: [Work], health: true });
    const { url } = await app.listen({ port: 0 });
    const accepted = nextServerSocket(app);
    const keptAlive = await rawConnection(url);
    const serverSide = await accepted;
    expect(await keptAlive.send('/fast')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*Connection: keep-alive/);
    const client = new Client(url);
    const inFlight = client.request({ method: 'GET', path: '/slow' });
    await waitFor(() => entered.includes('slow'));
    // A request half-sent when the drain starts (an idle keep-alive socket is simply closed): it completes during the drain.
    await delivered(keptAlive, serverSide, 'GET /fast HTTP/1.1\r\nHost: x\r\n');
    const closed = app.close();
    await waitFor(() => !app.server.listening);   // the drain has begun
    const answer = keptAlive.response();
    keptAlive.write('\r\n');
    const refused = await answer;
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The server is shutting down.', instance: '/fast' });
    await expect(new Promise((resolve, reject) => connect({ port: Number(new URL(url).port), host: '127.0.0.1' }).on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // The request that was in flight all along answers now, during the drain.
    releaseSlow();
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(await res.body.text()).toBe('slow');
    await closed;
    await client.close();
    expect(events).toEqual(['create Database', 'create Repository', 'slow answered', 'background done', 'shutdown Repository', 'shutdown Database']);
  });

  it('answers readiness with 503 at once when the drain starts', async () => {
    const app = createApp({ controllers: [Work], health: true });
    const { url } = await app.listen({ port: 0 });
    const accepted = nextServerSocket(app);
    const conn = await rawConnection(url);
    const serverSide = await accepted;
    expect(await conn.send('/ready')).toMatch(/^HTTP\/1\.1 200 OK/);
    const client = new Client(url);
    const slow = client.request({ method: 'GET', path: '/slow' });
    await waitFor(() => entered.includes('slow'));
    await delivered(conn, serverSide, 'GET /ready HTTP/1.1\r\n');
    const closed = app.close();
    const answer = conn.response();
    conn.write('Host: x\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect((await app.inject('/ready')).json()).toEqual({ status: 'draining', checks: {} });
    releaseSlow();
    await (await slow).body.text();
    await closed;
    await client.close();
  });

  it('cuts the connections still busy at the deadline, and close() resolves', async () => {
    const app = createApp({ controllers: [Work], shutdown: { signals: [], deadline: 200 } });
    const { url } = await app.listen({ port: 0 });
    const client = new Client(url);
    const hanging = client.request({ method: 'GET', path: '/forever' }).catch((err: unknown) => err);
    await waitFor(() => entered.includes('forever'));
    const start = Date.now();
    await app.close();
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
    expect(Date.now() - start).toBeLessThan(1500);
    expect(await hanging).toMatchObject({ code: 'UND_ERR_SOCKET' });
    await client.close();
  });

  it('returns the same promise when closed twice', async () => {
    const app = createApp({ controllers: [Work] });
    await app.listen({ port: 0 });
    const first = app.close();
    expect(app.close()).toBe(first);
    await first;
  });
});

interface LogLine { msg: string; status?: number; route?: string | null; time: number }

describe('SIGTERM under load', () => {
  let child: ChildProcess | undefined;
  afterEach(() => { if (child?.exitCode === null) child.kill('SIGKILL'); });

  it('loses no accepted request: every request the server accepted is answered 200 to the client', async () => {
    const server = forkServer<LogLine>({ WORK_MS: '40', LOG_LEVEL: 'info' });
    child = server.child;
    const { lines, listening, exited } = server;
    const url = await listening;

    const clientErrors: string[] = [];
    let finished: (r: autocannon.Result) => void = () => undefined;
    const result = new Promise<autocannon.Result>((resolve) => { finished = resolve; });
    const load = autocannon({ url: `${url}/work`, connections: 20, duration: 10, timeout: 5 }, (_err, r) => finished(r));
    load.on('reqError', (err: NodeJS.ErrnoException) => clientErrors.push(err.code ?? err.message));
    // Under load: the server has answered a good number of requests (its access log says so) when the signal comes.
    await waitFor(() => lines.filter((l) => l.msg === 'request completed').length >= 150, 10_000);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    load.stop();
    const r = await result;

    expect(code).toBe(0);
    const access = lines.filter((l) => l.msg === 'request completed' || l.msg === 'request failed' || l.msg === 'request aborted by the client');
    const served = access.filter((l) => l.status === 200);
    const refused = access.filter((l) => l.status === 503);
    // Accepted = reached the app (an access-log line). Each was answered: 200 (it ran), or 503 (arrived during the drain).
    expect(access.length).toBe(served.length + refused.length);
    expect(served.length).toBeGreaterThan(100);
    // Requests in flight when the signal came finished after it.
    expect(served.filter((l) => l.time >= signalledAt).length).toBeGreaterThan(0);
    // The client got every one of those answers: nothing accepted was lost on the wire.
    expect(r['2xx']).toBe(served.length);
    expect(r.non2xx).toBe(refused.length);
    expect(r.timeouts).toBe(0);
    // The only client errors: connections refused or reset once the server had stopped listening.
    expect(clientErrors.filter((e) => !['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(e))).toEqual([]);
  }, 20000);
});

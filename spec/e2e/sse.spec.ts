import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Controller, createApp, EventStream, Header, Sse, type SseEvent } from '../../lib';
import { serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

/** Opens an event stream; resolves once the head arrived, with a reader of what has come so far. */
function open(url: string, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      const ended = new Promise<void>((r) => res.on('end', () => r()));
      resolve({ res, text: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}


describe('Server-Sent Events', () => {
  const log: string[] = [];
  /** /slow-setup's stream, and the end of its async setup, which the test decides. */
  const setup = { stream: null as EventStream | null, done: (): void => undefined };

  @Controller('/events')
  class Events {
    @Sse('/fixed')
    fixed(@Header('last-event-id') last?: string) {
      const stream = new EventStream({ retry: 3000, keepAlive: false });
      stream.send({ event: 'hello', id: 1, data: { last: last ?? null } });
      stream.send({ data: 'line one\nline two' });
      stream.send({ event: 'evil\nid: 9', data: 'x' });
      stream.close();
      return stream;
    }

    @Sse('/resume')
    resume() {
      const stream = new EventStream({ keepAlive: false });
      setImmediate(() => { stream.send({ data: stream.lastEventId ?? 'none' }); stream.close(); });
      return stream;
    }

    @Sse('/keepalive')
    keepalive() { return new EventStream({ keepAlive: 20 }); }

    @Sse('/slow-setup')
    slowSetup() {
      const stream = new EventStream({ keepAlive: false });
      setup.stream = stream;
      const subscribed = new Promise<void>((r) => { setup.done = r; });
      void (async () => {
        await subscribed;   // subscribing takes a while; the client leaves meanwhile
        log.push('subscribed');
        stream.onClose(() => log.push('unsubscribed'));
      })();
      return stream;
    }

    @Sse('/generator')
    generator() {
      return EventStream.fromEvents((async function* (): AsyncGenerator<SseEvent> {
        try {
          for (let i = 0; ; i++) {
            yield { event: 'tick', id: i, data: { i } };
            await new Promise((r) => setTimeout(r, 5));
          }
        } finally {
          log.push('generator finally');
        }
      })(), { keepAlive: false });
    }

    @Sse('/forever')
    forever() { return new EventStream({ keepAlive: false }); }
  }

  const app = createApp({ controllers: [Events], compression: { threshold: 1 }, openapi: { title: 't', version: '1' } });
  let base: string;
  beforeAll(async () => { base = (await serve(app)).url; });
  afterAll(() => app.close());

  it('sends event, id, retry and JSON data with event-stream headers, uncompressed', async () => {
    const s = await open(`${base}/events/fixed`, { 'accept-encoding': 'gzip, br' });
    await s.ended;
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.res.headers['cache-control']).toBe('no-cache');
    expect(s.res.headers['content-encoding']).toBeUndefined();
    expect(s.text()).toBe(
      'retry: 3000\n\n'
      + 'event: hello\nid: 1\ndata: {"last":null}\n\n'
      + 'data: line one\ndata: line two\n\n'
      + 'event: evil id: 9\ndata: x\n\n',
    );
  });

  it('gives the handler the Last-Event-ID header, as a parameter and on the stream', async () => {
    const fixed = await open(`${base}/events/fixed`, { 'last-event-id': '41' });
    await fixed.ended;
    expect(fixed.text()).toContain('data: {"last":"41"}\n');
    const resumed = await open(`${base}/events/resume`, { 'last-event-id': '42' });
    await resumed.ended;
    expect(resumed.text()).toBe('data: 42\n\n');
  });

  it('sends keep-alive comments on the interval', async () => {
    const s = await open(`${base}/events/keepalive`);
    await waitFor(() => s.text().split(': \n\n').length >= 3);
    s.close();
    expect(s.text()).toMatch(/^(: \n\n)+$/);
  });

  it('runs the cleanup when the client left during the producer\'s async setup', async () => {
    log.length = 0;
    const s = await open(`${base}/events/slow-setup`);
    s.close();
    await waitFor(() => setup.stream!.signal.aborted);   // the server has seen the client leave
    setup.done();
    await waitFor(() => log.includes('unsubscribed'));
    expect(log).toEqual(['subscribed', 'unsubscribed']);
  });

  it('returns the generator of fromEvents when the client disconnects', async () => {
    log.length = 0;
    const s = await open(`${base}/events/generator`);
    await waitFor(() => s.text().includes('id: 2\n'));
    expect(s.text().startsWith('event: tick\nid: 0\ndata: {"i":0}\n\n')).toBe(true);
    s.close();
    await waitFor(() => log.includes('generator finally'));
  });

  it('documents @Sse routes as text/event-stream in OpenAPI', () => {
    const op = app.openapi().paths['/events/forever']?.get as { responses: Record<string, { content?: Record<string, unknown> }> };
    expect(Object.keys(op.responses['200'].content ?? {})).toEqual(['text/event-stream']);
  });
});

describe('Server-Sent Events on shutdown', () => {
  it('ends open event streams when the app closes', async () => {
    @Controller('/')
    class Forever {
      @Sse('/live')
      live() { return new EventStream({ keepAlive: false }); }
    }
    const app = createApp({ controllers: [Forever] });
    const client = await serve(app);
    const s = await open(`${client.url}/live`);
    const closed = app.close();
    await s.ended;
    await closed;
    await client.close();
    expect(s.text()).toBe('');
  });
});

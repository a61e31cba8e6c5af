import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { SetMetadata } from '../decorators/meta';
import { Get } from '../decorators/routes';
import type { RouteOptions } from '../metadata/types';
import { ApiResponse } from '../openapi/decorators';
import { STREAM_OPEN } from '../pipeline/stream';
import { legacyDecorator } from '../metadata/legacy';

/** One Server-Sent Event. `data` that is not a string is sent as JSON; multi-line text becomes several `data:` lines. */
export interface SseEvent {
  data?: unknown;
  /** The event type (`addEventListener(type)` in the browser); default `message`. */
  event?: string;
  /** The event id; the browser sends the last one back as `Last-Event-ID` when it reconnects. */
  id?: string | number;
  /** Reconnection delay the browser should use, in milliseconds. */
  retry?: number;
}

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** Interval of keep-alive comments, in milliseconds, so proxies keep the connection open (default 15000; `false`: none). */
  keepAlive?: number | false;
  /** A `retry:` sent first, telling the browser how long to wait before reconnecting. */
  retry?: number;
}

/** The metadata key of {@link Sse}. */
export const SSE_KEY: unique symbol = Symbol('rivet.sse');

// Open streams per node server, so that shutdown can end them (else server.close() would wait for ever).
const openStreams = new WeakMap<object, Set<EventStream>>();

/**
 * A Server-Sent Events response (`text/event-stream`): return it from a handler and `send()` events as they
 * happen. When the client disconnects, `signal` aborts and every `onClose` callback runs, including one
 * registered after the disconnect (a subscription set up asynchronously is still released). Never compressed.
 * @example const stream = new EventStream(); const off = bus.on('tick', (n) => stream.send({ event: 'tick', data: { n } })); stream.onClose(off); return stream;
 */
export class EventStream extends Readable {
  /** The client's `Last-Event-ID` header (set when the response starts), to resume after a reconnect. */
  lastEventId: string | undefined = undefined;
  readonly #abort = new AbortController();
  readonly #options: EventStreamOptions;
  #cleanups: (() => unknown)[] | null = [];
  #timer: NodeJS.Timeout | null = null;
  #server: object | null = null;
  #wanted: (() => void) | null = null;
  #ended = false;
  #opened: (() => void)[] | null = [];

  constructor(options: EventStreamOptions = {}) {
    super();
    this.#options = options;
    // The reconnection delay goes first, before any event the producer sends.
    if (options.retry !== undefined) this.push(`retry: ${Math.floor(options.retry)}\n\n`);
  }

  /** Aborts when the client disconnects or the stream is closed. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Sends one event; `false` when the stream is closed or the client reads slower than events come (wait with `ready()`). */
  send(event: SseEvent): boolean {
    if (this.#cleanups === null || this.#ended) return false;
    return this.push(formatEvent(event));
  }

  /** Sends a comment line (ignored by browsers). */
  comment(text = ''): boolean {
    if (this.#cleanups === null || this.#ended) return false;
    return this.push(`: ${oneLine(text)}\n\n`);
  }

  /** Resolves when the client wants more (after `send` returned `false`) or the stream closed. */
  ready(): Promise<void> {
    if (this.#cleanups === null || this.readableLength < this.readableHighWaterMark) return Promise.resolve();
    return new Promise((resolve) => {
      const prior = this.#wanted;
      this.#wanted = () => { prior?.(); resolve(); };
    });
  }

  /** Runs `fn` once when the stream ends for any reason; at once if it already has. */
  onClose(fn: () => unknown): void {
    if (this.#cleanups === null) runSafely(fn);
    else this.#cleanups.push(fn);
  }

  /**
   * Runs `fn` once the response starts (`lastEventId` is then known), e.g. to replay what a reconnecting client
   * missed; at once if it already has.
   */
  onOpen(fn: () => void): void {
    if (this.#opened === null) fn();
    else this.#opened.push(fn);
  }

  /** Ends the stream after the events already sent. */
  close(): void {
    if (this.#ended || this.#cleanups === null) return;
    this.#ended = true;
    this.push(null);
  }

  /**
   * An event stream fed by an async iterable of events; the iterator is returned (a generator's `finally` runs)
   * when the client disconnects. Honours backpressure.
   * @example return EventStream.fromEvents(ticks(signal));
   */
  static fromEvents(source: AsyncIterable<SseEvent>, options?: EventStreamOptions): EventStream {
    const stream = new EventStream(options);
    const it = source[Symbol.asyncIterator]();
    stream.onClose(() => { void Promise.resolve(it.return?.()).catch(() => undefined); });
    void (async () => {
      try {
        for (;;) {
          const next = await it.next();
          if (next.done === true || stream.signal.aborted) break;
          if (!stream.send(next.value)) await stream.ready();
        }
        stream.close();
      } catch (err) {
        stream.destroy(err as Error);
      }
    })();
    return stream;
  }

  override _read(): void {
    const wanted = this.#wanted;
    this.#wanted = null;
    wanted?.();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#finish();
    callback(err);
  }

  /** Called by the writer before the head is written. */
  [STREAM_OPEN](res: ServerResponse): void {
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    // nginx buffers proxied responses unless told not to; events must arrive as they are sent.
    res.setHeader('x-accel-buffering', 'no');
    const last = res.req.headers['last-event-id'];
    if (typeof last === 'string') this.lastEventId = last;
    const server = (res.socket as { server?: object } | null)?.server ?? null;
    if (server !== null) {
      let set = openStreams.get(server);
      if (set === undefined) openStreams.set(server, (set = new Set()));
      set.add(this);
      this.#server = server;
    }
    const every = this.#options.keepAlive ?? 15_000;
    if (every !== false && every > 0 && !this.#ended && this.#cleanups !== null) this.#timer = setInterval(() => this.comment(), every);
    const opened = this.#opened;
    this.#opened = null;
    if (opened !== null) for (const fn of opened) fn();
  }

  #finish(): void {
    const cleanups = this.#cleanups;
    if (cleanups === null) return;
    this.#cleanups = null;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#server !== null) openStreams.get(this.#server)?.delete(this);
    this.#server = null;
    this._read();
    this.#abort.abort(new DOMException('The event stream closed.', 'AbortError'));
    for (const fn of cleanups) runSafely(fn);
  }
}

/** Ends every open event stream of `server` (on app shutdown), so that the drain does not wait for them. */
export function closeEventStreams(server: object): void {
  const set = openStreams.get(server);
  if (set === undefined) return;
  for (const stream of [...set]) stream.close();
}

/**
 * A GET route that answers Server-Sent Events: documented as `text/event-stream` in OpenAPI. The handler
 * returns an {@link EventStream}.
 * @example @Sse('/events') events() { return EventStream.fromEvents(this.bus.events()); }
 */
export function Sse(path?: string, options?: RouteOptions): MethodDecorator {
  const route = Get(path, options);
  const mark = SetMetadata(SSE_KEY, true);
  const doc = ApiResponse({ contentType: 'text/event-stream', schema: SSE_SCHEMA, description: 'A stream of Server-Sent Events' });
  return legacyDecorator<MethodDecorator>('@Sse', (target, name, descriptor) => {
    route(target, name, descriptor);
    mark(target, name, descriptor);
    doc(target, name, descriptor);
  });
}

const SSE_SCHEMA = { type: 'string', description: 'text/event-stream: events of `event:`, `id:`, `retry:` and `data:` lines, separated by blank lines' };

function formatEvent(e: SseEvent): string {
  let out = '';
  if (e.event !== undefined) out += `event: ${oneLine(e.event)}\n`;
  if (e.id !== undefined) out += `id: ${oneLine(String(e.id)).replace(/\0/g, '')}\n`;
  if (e.retry !== undefined) out += `retry: ${Math.floor(e.retry)}\n`;
  if (e.data !== undefined) {
    const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
    for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

// A newline would end the field early and let the value inject fields of its own.
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

function runSafely(fn: () => unknown): void {
  try {
    const r = fn();
    if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => undefined);
  } catch {
    // A failing cleanup must not keep the others from running.
  }
}

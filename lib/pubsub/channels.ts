import { RivetError } from '../errors/rivet-error';
import { EventStream, type EventStreamOptions } from '../realtime/sse';
import { compareEventIds, isEventId, type PubSub } from './pubsub';

/** One event of a named channel, as listeners and event streams get it. */
export interface ChannelEvent<T = unknown> {
  /** Its id, increasing per channel: the SSE `id:` a reconnecting client sends back as `Last-Event-ID`. */
  readonly id: string;
  /** Its event type (the SSE `event:`), when published with one. */
  readonly event: string | undefined;
  readonly data: T;
}

/** Options of {@link Channels.publish}. */
export interface ChannelPublishOptions {
  /** The SSE event type (`addEventListener(type)` in the browser); default none (`message`). */
  event?: string;
}

/** Options of {@link Channels.stream}. */
export interface ChannelStreamOptions extends EventStreamOptions {
  /** Replay what the client missed when it reconnects with `Last-Event-ID` (default true). */
  resume?: boolean;
}

interface Wire { e?: string; d: unknown }

/**
 * Named channels on the app's pub/sub (`createApp({ pubsub })`): any service publishes, and an SSE route streams a
 * channel to its clients. Every process that shares the bus delivers each event once to its own listeners, so with a
 * `RedisPubSub` an event published on one worker or instance reaches the streams of all of them. Each event is kept
 * in the channel's bounded history (a Redis stream, or an in-memory ring), so a client that reconnects with
 * `Last-Event-ID`, to this instance or another, first gets what it missed. Injectable.
 * @example
 * constructor(private readonly channels: Channels) {}
 * @Post('/') async create(@Body() r: CreateReview) { const review = this.repo.add(r); await this.channels.publish('reviews', review, { event: 'review' }); return review; }
 * @Sse('/live') live() { return this.channels.stream('reviews'); }
 */
export class Channels {
  readonly #bus: PubSub;
  // The last message decoded: every local listener of a channel gets the same payload string, decoded once.
  #memo: { payload: string; id: string | undefined; event: ChannelEvent } | null = null;
  /** Called when a stream cannot subscribe or read the history (the app passes its logger). */
  onError: (err: unknown) => void = (err) => console.error('rivet: a channel stream failed:', err);

  constructor(bus: PubSub) {
    this.#bus = bus;
  }

  /** Publishes `data` (JSON) on `channel` to every listener of every process; resolves with the event id. */
  async publish<T>(channel: string, data: T, options: ChannelPublishOptions = {}): Promise<string> {
    check(channel, 'publish');
    const wire: Wire = { d: data };
    if (options.event !== undefined) wire.e = options.event;
    return (await this.#bus.publish(channel, JSON.stringify(wire), { history: true }))!;
  }

  /** Calls `listener` for each event published on `channel` from now on; resolves once listening, with the function that stops it. */
  subscribe<T = unknown>(channel: string, listener: (event: ChannelEvent<T>) => void): Promise<() => void> {
    check(channel, 'subscribe');
    return this.#bus.subscribe(channel, (payload, id) => listener(this.#decode(payload, id) as ChannelEvent<T>));
  }

  /** Decodes a message once for all the listeners it is delivered to (they share the event: do not mutate it). */
  #decode(payload: string, id: string | undefined): ChannelEvent {
    const memo = this.#memo;
    if (memo !== null && memo.payload === payload && memo.id === id) return memo.event;
    const event = decode(payload, id);
    this.#memo = { payload, id, event };
    return event;
  }

  /** The events kept in `channel`'s history after the event id `after`, oldest first. */
  async since<T = unknown>(channel: string, after: string): Promise<ChannelEvent<T>[]> {
    check(channel, 'since');
    if (!isEventId(after)) return [];
    return (await this.#bus.history(channel, after)).map((m) => decode<T>(m.payload, m.id));
  }

  /**
   * A Server-Sent Events response of `channel`: each event with its `id:` and `event:`. A client that reconnects with
   * `Last-Event-ID` first gets the events it missed that the history still holds, then the live ones, each once.
   */
  stream(channel: string, options: ChannelStreamOptions = {}): EventStream {
    check(channel, 'stream');
    const stream = new EventStream(options);
    stream.onOpen(() => {
      let last = options.resume !== false && isEventId(stream.lastEventId) ? stream.lastEventId : undefined;
      // While the history is read, live events wait here; then both go out in id order, none twice.
      let held: ChannelEvent[] | null = last === undefined ? null : [];
      const send = (e: ChannelEvent): void => {
        if (last !== undefined && compareEventIds(e.id, last) <= 0) return;
        last = e.id;
        stream.send({ id: e.id, event: e.event, data: e.data });
      };
      this.subscribe(channel, (e) => { if (held !== null) held.push(e); else send(e); })
        .then(async (off) => {
          stream.onClose(off);
          // A comment (ignored by browsers) tells the client, and a test, that events published from now on arrive.
          if (held === null) return void stream.comment('listening');
          for (const e of await this.since(channel, last!)) send(e);
          const waiting = held;
          held = null;
          for (const e of waiting) send(e);
          stream.comment('listening');
        })
        .catch((err: unknown) => {
          this.onError(err);
          stream.destroy(err as Error);
        });
    });
    return stream;
  }
}

function decode<T>(payload: string, id: string | undefined): ChannelEvent<T> {
  const wire = JSON.parse(payload) as Wire;
  return { id: id ?? '', event: wire.e, data: wire.d as T };
}

function check(channel: unknown, method: string): void {
  if (typeof channel !== 'string' || channel === '' || /[\r\n]/.test(channel)) {
    throw new RivetError('RIVET_CHANNEL_INVALID', `Channels.${method}(${JSON.stringify(channel)}): a channel is a non-empty string without line breaks.\n  Fix: e.g. channels.${method}('reviews', …).`);
  }
}

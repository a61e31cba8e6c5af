/**
 * One message heard on a channel: its payload, and its event id when it was published with history
 * (a Redis stream id, `<ms>-<seq>`, increasing per channel).
 */
export interface PubSubMessage {
  readonly id: string | undefined;
  readonly payload: string;
}

/** Called once per message published on a channel this process listens to, by any process. */
export type PubSubListener = (payload: string, id: string | undefined) => void;

/** Options of {@link PubSub.publish}. */
export interface PublishOptions {
  /** Also append the message to the channel's bounded history, so that a late reader can replay it (`history()`). */
  history?: boolean;
}

/**
 * The app's publish/subscribe bus (`createApp({ pubsub })`): what the WebSocket hub and the `Channels` service
 * publish through, so that every process of the app hears every message once. `MemoryPubSub` (the default) serves
 * one process; `RedisPubSub` serves every worker and instance that shares a Redis.
 */
export interface PubSub {
  /** Publishes `payload` on `channel` to every subscriber in every process; resolves with the event id when `history` is on. */
  publish(channel: string, payload: string, options?: PublishOptions): Promise<string | undefined>;
  /**
   * Listens to `channel`; resolves once the subscription is in place (a message published after that is heard),
   * with the function that stops listening.
   */
  subscribe(channel: string, listener: PubSubListener): Promise<() => void>;
  /** The messages kept in the channel's history after the event id `after` (exclusive), oldest first. */
  history(channel: string, after: string): Promise<PubSubMessage[]>;
  /** Resolves when the bus can publish (readiness checks); rejects when its server is unreachable. */
  ping(): Promise<void>;
  /** Stops every subscription and closes the connections the bus opened. */
  close(): Promise<void>;
}

/** Whether `id` is an event id (`<ms>-<seq>`, as Redis streams number entries). */
export const isEventId = (id: unknown): id is string => typeof id === 'string' && /^\d{1,15}-\d{1,15}$/.test(id);

/** Orders two event ids: negative when `a` came first. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-');
  const [bm, bs] = b.split('-');
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

/** Options of {@link MemoryPubSub}. */
export interface MemoryPubSubOptions {
  /** How many messages each channel's history keeps (default 1000). */
  historySize?: number;
  /** The clock of event ids (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * The in-process bus, the default: listeners are called synchronously, in the order they subscribed, and each
 * channel keeps a bounded ring of its last messages for `Last-Event-ID` resumes. Serves one process only: with
 * `listen({ workers })` or several instances, use `RedisPubSub`.
 */
export class MemoryPubSub implements PubSub {
  readonly #listeners = new Map<string, Set<PubSubListener>>();
  readonly #history = new Map<string, PubSubMessage[]>();
  readonly #size: number;
  readonly #now: () => number;
  #lastMs = 0;
  #seq = 0;
  /** Called with what a listener threw (the app passes its logger); the other listeners still run. */
  onError: ((err: unknown) => void) | undefined;

  constructor(options: MemoryPubSubOptions = {}) {
    this.#size = options.historySize ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  publish(channel: string, payload: string, options: PublishOptions = {}): Promise<string | undefined> {
    let id: string | undefined;
    if (options.history === true) {
      id = this.#nextId();
      let ring = this.#history.get(channel);
      if (ring === undefined) this.#history.set(channel, (ring = []));
      ring.push({ id, payload });
      if (ring.length > this.#size) ring.splice(0, ring.length - this.#size);
    }
    const listeners = this.#listeners.get(channel);
    if (listeners !== undefined) {
      for (const listener of [...listeners]) {
        try {
          listener(payload, id);
        } catch (err) {
          (this.onError ?? console.error)(err);
        }
      }
    }
    return Promise.resolve(id);
  }

  subscribe(channel: string, listener: PubSubListener): Promise<() => void> {
    let set = this.#listeners.get(channel);
    if (set === undefined) this.#listeners.set(channel, (set = new Set()));
    // A wrapper per call: the same function subscribed twice is called twice and stopped once each.
    const own: PubSubListener = (payload, id) => listener(payload, id);
    set.add(own);
    return Promise.resolve(() => {
      const current = this.#listeners.get(channel);
      current?.delete(own);
      if (current?.size === 0) this.#listeners.delete(channel);
    });
  }

  history(channel: string, after: string): Promise<PubSubMessage[]> {
    const ring = this.#history.get(channel) ?? [];
    return Promise.resolve(ring.filter((m) => compareEventIds(m.id!, after) > 0));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#listeners.clear();
    this.#history.clear();
    return Promise.resolve();
  }

  // As Redis numbers stream entries: milliseconds, then a sequence within the millisecond; never backwards.
  #nextId(): string {
    const ms = Math.max(this.#now(), this.#lastMs);
    this.#seq = ms === this.#lastMs ? this.#seq + 1 : 0;
    this.#lastMs = ms;
    return `${ms}-${this.#seq}`;
  }
}

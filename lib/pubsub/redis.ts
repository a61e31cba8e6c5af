import type { Redis } from 'ioredis';
import { RivetError } from '../errors/rivet-error';
import { connectRedis, type RedisConnection } from '../store/redis-connection';
import type { PubSub, PubSubListener, PubSubMessage, PublishOptions } from './pubsub';

/** How `RedisPubSub` connects: a URL (it owns the connections) or an ioredis client you own (it opens a duplicate to subscribe). */
export type RedisPubSubOptions = RedisConnection & {
  /** Prefix of every channel and stream key, so several apps can share one Redis. Default `rivet:`. */
  prefix?: string;
  /** How many messages each channel's history stream keeps, about (`XADD MAXLEN ~`). Default 1000. */
  historySize?: number;
  /** Called with connection errors (the app passes its logger); ioredis reconnects by itself. */
  onError?: (err: unknown) => void;
};

// Append and announce in one atomic step: every process hears the message with the id the stream gave it, and a
// reader that subscribed before reading the stream misses nothing in between (it drops what it has by id).
const PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'p', ARGV[2])
redis.call('PUBLISH', ARGV[3], id .. '\\n' .. ARGV[2])
return id`;

interface Subscription {
  readonly listeners: Set<PubSubListener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  readonly ready: Promise<unknown>;
}

/**
 * The app's bus on Redis pub/sub (ioredis): every worker and instance that uses the same Redis and prefix hears every
 * message once, whichever published it. Each process holds one subscriber connection and subscribes once per
 * channel, whatever the number of local listeners. History lives in one bounded Redis stream per channel
 * (`XADD … MAXLEN ~`, read back with `XRANGE`), so an SSE client resumes with `Last-Event-ID` on any instance.
 * @example createApp({ controllers, pubsub: new RedisPubSub({ url: process.env.REDIS_URL! }) })
 */
export class RedisPubSub implements PubSub {
  /** The connection that publishes and reads history. */
  readonly client: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #historySize: number;
  readonly #owned: boolean;
  readonly #subscriptions = new Map<string, Subscription>();
  #closed = false;
  onError: ((err: unknown) => void) | undefined;

  constructor(options: RedisPubSubOptions) {
    this.#prefix = options.prefix ?? 'rivet:';
    this.#historySize = options.historySize ?? 1000;
    if (!Number.isInteger(this.#historySize) || this.#historySize < 1) {
      throw new RivetError('RIVET_PUBSUB_INVALID', `RedisPubSub: historySize is ${String(options.historySize)}.\n  Fix: give a whole number of messages of at least 1, e.g. 1000.`);
    }
    this.onError = options.onError;
    ({ client: this.client, owned: this.#owned } = connectRedis(options, 'RedisPubSub', 'RIVET_PUBSUB_REDIS_MISSING'));
    // Subscriber mode takes the whole connection: a second one, which resubscribes by itself after a reconnect. No
    // ready check on it: that check is an INFO, which Redis refuses on a connection in subscriber mode, and ioredis
    // sent it after a subscription made while the connection was still coming up ("Connection in subscriber mode").
    this.#subscriber = this.client.duplicate({ maxRetriesPerRequest: null, enableReadyCheck: false });
    const report = (err: unknown): void => this.onError?.(err);
    if (this.#owned) this.client.on('error', report);
    this.#subscriber.on('error', report);
    this.#subscriber.on('message', (channel: string, message: string) => this.#heard(channel, message));
  }

  async publish(channel: string, payload: string, options: PublishOptions = {}): Promise<string | undefined> {
    const name = this.#prefix + 'ch:' + channel;
    if (options.history !== true) {
      await this.client.publish(name, '\n' + payload);
      return undefined;
    }
    return (await this.client.eval(PUBLISH, 1, this.#prefix + 'history:' + channel, this.#historySize, payload, name)) as string;
  }

  async subscribe(channel: string, listener: PubSubListener): Promise<() => void> {
    if (this.#closed) throw new RivetError('RIVET_PUBSUB_CLOSED', `RedisPubSub: subscribe('${channel}') after close().\n  Fix: subscribe while the app runs.`);
    const name = this.#prefix + 'ch:' + channel;
    let sub = this.#subscriptions.get(name);
    if (sub === undefined) {
      const created: Subscription = { listeners: new Set(), ready: this.#subscriber.subscribe(name) };
      // A SUBSCRIBE that failed is forgotten, so that the next subscribe() tries again.
      created.ready.catch(() => { if (this.#subscriptions.get(name) === created) this.#subscriptions.delete(name); });
      this.#subscriptions.set(name, (sub = created));
    }
    const own: PubSubListener = (payload, id) => listener(payload, id);
    sub.listeners.add(own);
    await sub.ready;
    const current = sub;
    return () => {
      current.listeners.delete(own);
      if (current.listeners.size > 0 || this.#subscriptions.get(name) !== current) return;
      this.#subscriptions.delete(name);
      if (!this.#closed) this.#subscriber.unsubscribe(name).catch((err: unknown) => this.onError?.(err));
    };
  }

  async history(channel: string, after: string): Promise<PubSubMessage[]> {
    const entries = await this.client.xrange(this.#prefix + 'history:' + channel, `(${after}`, '+');
    return entries.map(([id, fields]) => ({ id, payload: fields[fields.indexOf('p') + 1] ?? '' }));
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriptions.clear();
    // The subscriber has nothing to flush; a connection that is not up would only wait for a reconnect to quit.
    this.#subscriber.disconnect();
    if (this.#owned) {
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    }
  }

  #heard(name: string, message: string): void {
    const sub = this.#subscriptions.get(name);
    if (sub === undefined) return;
    const nl = message.indexOf('\n');
    const id = nl <= 0 ? undefined : message.slice(0, nl);
    const payload = message.slice(nl + 1);
    for (const listener of [...sub.listeners]) {
      try {
        listener(payload, id);
      } catch (err) {
        this.onError?.(err);
      }
    }
  }
}

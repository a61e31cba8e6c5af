import type { Redis } from 'ioredis';
import type { Rate, RateDecision } from './gcra';
import { connectRedis, type RedisConnection } from './redis-connection';
import type { Store } from './store';

/** How `RedisStore` connects: a URL (it owns the connection) or an ioredis client you own. */
export type RedisStoreOptions = RedisConnection & {
  /** Prefix for every key, so several apps can share one Redis. Default `rivet:`. */
  prefix?: string;
};

// One round trip, atomic: create with expiry when absent, otherwise keep the expiry (RFC-free; Redis INCRBY + PEXPIRE NX).
const INCREMENT = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return { v, ttl }`;

// The GCRA step of gcra.ts, atomically, on Redis's own clock so that every process agrees on "now".
// Lua numbers are doubles; the TAT is stored with full precision (%.17g), replies are whole numbers.
const CONSUME = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tau, eps = interval * burst, 1e-6
local from = now
local stored = tonumber(redis.call('GET', KEYS[1]) or '')
if stored and stored > now then from = stored end
local nxt = from + interval * cost
if nxt - now > tau + eps then
  return { 0, math.max(0, math.floor((tau - (from - now)) / interval + eps)), math.ceil(from - now), math.ceil(nxt - tau - now) }
end
redis.call('SET', KEYS[1], string.format('%.17g', nxt), 'PX', math.max(1, math.ceil(nxt - now)))
return { 1, math.max(0, math.floor((tau - (nxt - now)) / interval + eps)), math.ceil(nxt - now), 0 }`;

/**
 * A {@link Store} in Redis (ioredis), shared by every process that uses the same Redis and prefix. Counters are
 * incremented atomically by a Lua script, so N processes admit exactly what one would.
 * @example new RedisStore({ url: 'redis://127.0.0.1:6379' })
 */
export class RedisStore implements Store {
  readonly client: Redis;
  readonly #prefix: string;
  readonly #owned: boolean;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'rivet:';
    ({ client: this.client, owned: this.#owned } = connectRedis(options, 'RedisStore', 'RIVET_STORE_REDIS_MISSING'));
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.#prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.client.set(this.#prefix + key, value);
    else await this.client.set(this.#prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.#prefix + key);
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<{ value: number; ttlMs: number }> {
    const [value, ttl] = (await this.client.eval(INCREMENT, 1, this.#prefix + key, by, Math.max(1, Math.ceil(ttlMs)))) as [number, number];
    return { value: Number(value), ttlMs: Number(ttl) };
  }

  async consume(key: string, rate: Rate, cost = 1): Promise<RateDecision> {
    const [allowed, remaining, resetMs, retryAfterMs] = (await this.client.eval(CONSUME, 1, this.#prefix + key, rate.intervalMs, rate.burst, cost)) as number[];
    return { allowed: allowed === 1, remaining: Number(remaining), resetMs: Number(resetMs), retryAfterMs: Number(retryAfterMs) };
  }

  async close(): Promise<void> {
    if (this.#owned) await this.client.quit().catch(() => this.client.disconnect());
  }
}

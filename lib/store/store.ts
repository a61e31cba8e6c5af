import type { Rate, RateDecision } from './gcra';

/**
 * Shared state with expiry: what rate limits, sessions, caches and API keys keep between requests, processes
 * and machines. `MemoryStore` serves one process; `RedisStore` shares state between processes.
 * All times are in milliseconds.
 */
export interface Store {
  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key`, expiring after `ttlMs` when given. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes `key`; resolves whether or not it existed. */
  delete(key: string): Promise<void>;
  /**
   * Atomically adds `by` (default 1) to the counter under `key`, creating it at 0 with an expiry of `ttlMs` when
   * absent or expired; an existing counter keeps its expiry. Resolves with the new value and the ms left.
   */
  increment(key: string, ttlMs: number, by?: number): Promise<{ value: number; ttlMs: number }>;
  /**
   * Atomically takes `cost` (default 1) tokens from the rate-limit bucket under `key` (GCRA, see gcra.ts): at most
   * `rate.burst` at once, refilled one per `rate.intervalMs`. Both built-in stores implement it with the same
   * algorithm; a store without it cannot back `rateLimit` (createApp says so).
   */
  consume?(key: string, rate: Rate, cost?: number): Promise<RateDecision>;
  /** Releases connections and timers. */
  close(): Promise<void>;
  /**
   * The clock (epoch ms) this store expires entries by, when it runs in-process: `MemoryStore`'s `now` option.
   * `@Cache` dates entries and computes `Age` with it, so entries age and expire on one clock. Absent (Redis
   * expires keys on its own clock): `Date.now`.
   */
  readonly now?: () => number;
}

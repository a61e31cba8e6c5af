import { gcra, type Rate, type RateDecision } from './gcra';
import type { Store } from './store';

interface Entry {
  value: string;
  /** Epoch ms, or Infinity. */
  expires: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock expiry runs on, in epoch ms (default `Date.now`). Tests pass one they move by hand, so a ttl
   * passes without waiting: `let t = 0; new MemoryStore({ now: () => t })`, then `t += 60_000`.
   */
  now?: () => number;
  /** How often expired entries are swept out, in ms (default 60 000); reads skip expired entries anyway. */
  sweepIntervalMs?: number;
}

/**
 * The in-process {@link Store}: a Map with lazy expiry plus a periodic sweep (unref'd, so it never keeps the
 * process alive). State is lost on restart and not shared between workers: use `RedisStore` for that.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #sweep: NodeJS.Timeout;
  /** The clock of the entries' expiry (and of `@Cache`'s `Age`); `Date.now` unless given. */
  readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.#sweep = setInterval(() => this.#purge(), options.sweepIntervalMs ?? 60_000);
    this.#sweep.unref();
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#live(key, this.now())?.value);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, { value, expires: ttlMs === undefined ? Infinity : this.now() + ttlMs });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }

  increment(key: string, ttlMs: number, by = 1): Promise<{ value: number; ttlMs: number }> {
    const now = this.now();
    let entry = this.#live(key, now);
    if (entry === undefined) this.#entries.set(key, (entry = { value: '0', expires: now + ttlMs }));
    const value = Number(entry.value) + by;
    entry.value = String(value);
    return Promise.resolve({ value, ttlMs: entry.expires === Infinity ? -1 : entry.expires - now });
  }

  consume(key: string, rate: Rate, cost = 1): Promise<RateDecision> {
    const now = this.now();
    const entry = this.#live(key, now);
    const { decision, tat } = gcra(entry === undefined ? undefined : Number(entry.value), now, rate, cost);
    // The bucket is full again at `tat`: the entry may vanish then (same as the PX expiry in Redis).
    if (tat !== null) this.#entries.set(key, { value: String(tat), expires: tat });
    return Promise.resolve(decision);
  }

  close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#entries.clear();
    return Promise.resolve();
  }

  #purge(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(key);
  }
}

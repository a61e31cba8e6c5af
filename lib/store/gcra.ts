/**
 * The generic cell rate algorithm (GCRA), the token bucket kept as one timestamp: the "theoretical arrival
 * time" (TAT) at which the bucket is full again. `MemoryStore` runs this function; `RedisStore` runs the same
 * steps in Lua (redis.ts), so both admit exactly the same requests.
 */

/** A rate: up to `burst` requests at once, then one more every `intervalMs`. */
export interface Rate {
  readonly intervalMs: number;
  readonly burst: number;
}

/** What one attempt to take tokens from a bucket decided. Times are in milliseconds from now. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Requests still allowed right now, after this one. */
  readonly remaining: number;
  /** Until the bucket is full again. */
  readonly resetMs: number;
  /** Until a request of the same cost would be allowed; 0 when this one was. */
  readonly retryAfterMs: number;
}

// Floating-point slack: 1000/3 ms three times must still fit a 1000 ms bucket.
const EPSILON = 1e-6;

/**
 * One GCRA step. `tat` is the stored timestamp (`undefined` when absent or expired); `now` in ms. Returns the
 * decision and the timestamp to store (`null` when refused: nothing changes).
 */
export function gcra(tat: number | undefined, now: number, rate: Rate, cost: number): { decision: RateDecision; tat: number | null } {
  const tau = rate.intervalMs * rate.burst;
  const from = tat === undefined || tat < now ? now : tat;
  const next = from + rate.intervalMs * cost;
  if (next - now > tau + EPSILON) {
    const remaining = Math.max(0, Math.floor((tau - (from - now)) / rate.intervalMs + EPSILON));
    return { decision: { allowed: false, remaining, resetMs: Math.ceil(from - now), retryAfterMs: Math.ceil(next - tau - now) }, tat: null };
  }
  const remaining = Math.max(0, Math.floor((tau - (next - now)) / rate.intervalMs + EPSILON));
  return { decision: { allowed: true, remaining, resetMs: Math.ceil(next - now), retryAfterMs: 0 }, tat: next };
}

import type { DependencyContainer } from 'tsyringe';
import { prepareGraph, resolveAtBoot } from '../di/container';
import { RivetError, throwCollected } from '../errors/rivet-error';

/** A readiness check: passes when it returns or resolves (anything but `false`), fails when it throws, rejects or times out. */
export interface HealthIndicator {
  check(): unknown;
  /** This check's own timeout in ms, over `health.timeout`. */
  readonly timeout?: number;
}

/** What `health.checks` takes per name: a function, a class with `check()` (resolved through DI), or an object with `check()`. */
export type HealthCheckRef = (() => unknown) | (new (...args: never[]) => HealthIndicator) | HealthIndicator;

/** One check, compiled at start-up. */
export interface CompiledCheck {
  readonly name: string;
  readonly run: () => unknown;
  readonly timeout: number;
}

/** The result of one check, as `/ready` reports it. */
export interface CheckResult {
  status: 'up' | 'down';
  /** Time the check took, in ms (the timeout when it timed out). */
  durationMs: number;
  /** Why it is down: `'timed out after N ms'`, `'returned false'` or `'failed'` (the error itself goes to the log). */
  error?: string;
}

const isClass = (ref: unknown): ref is new () => HealthIndicator => typeof ref === 'function' && typeof (ref as { prototype?: { check?: unknown } }).prototype?.check === 'function';

/** Checks the shape of `health.checks`; called while normalizing options. */
export function validateHealthChecks(checks: unknown): void {
  if (checks === null || typeof checks !== 'object' || Array.isArray(checks)) {
    throw new RivetError('RIVET_HEALTH_CHECK_INVALID', `health.checks is ${JSON.stringify(checks)}.\n  Fix: pass an object of named checks, e.g. { redis: () => redis.ping() }.`);
  }
  for (const [name, ref] of Object.entries(checks)) {
    const ok = typeof ref === 'function' || (ref !== null && typeof ref === 'object' && typeof (ref as { check?: unknown }).check === 'function');
    if (!ok) {
      throw new RivetError('RIVET_HEALTH_CHECK_INVALID', `health.checks.${name} is ${String(ref)}: not a check.\n  Fix: give a function, a class with a check() method, or an object with check().`);
    }
  }
}

/** Resolves check classes through the app container (so they can inject clients) and fixes each check's timeout. */
export function compileChecks(checks: Record<string, HealthCheckRef>, container: DependencyContainer, timeout: number): CompiledCheck[] {
  const errors: RivetError[] = [];
  for (const ref of Object.values(checks)) {
    if (!isClass(ref)) continue;
    if (!container.isRegistered(ref, true)) container.registerSingleton(ref);
    prepareGraph(container, ref, false, errors);
  }
  throwCollected(errors);
  return Object.entries(checks).map(([name, ref]) => {
    if (isClass(ref) || typeof ref === 'object') {
      const indicator = isClass(ref) ? resolveAtBoot(container, ref, 'Health check') : ref;
      return { name, run: () => indicator.check(), timeout: indicator.timeout ?? timeout };
    }
    return { name, run: ref as () => unknown, timeout };
  });
}

/** Runs one check with its timeout; never rejects. `onError` receives what made it fail. */
export function runCheck(check: CompiledCheck, onError: (name: string, err: unknown) => void): Promise<CheckResult> {
  const start = performance.now();
  const elapsed = (): number => Math.round((performance.now() - start) * 1000) / 1000;
  return new Promise<CheckResult>((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      onError(check.name, new Error(`timed out after ${check.timeout} ms`));
      resolve({ status: 'down', durationMs: elapsed(), error: `timed out after ${check.timeout} ms` });
    }, check.timeout);
    new Promise((r) => r(check.run())).then((value) => {
      clearTimeout(timer);
      resolve(value === false ? { status: 'down', durationMs: elapsed(), error: 'returned false' } : { status: 'up', durationMs: elapsed() });
    }, (err: unknown) => {
      clearTimeout(timer);
      if (!timedOut) onError(check.name, err);
      resolve({ status: 'down', durationMs: elapsed(), error: 'failed' });
    });
  });
}

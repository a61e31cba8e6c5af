import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { DependencyContainer } from 'tsyringe';
import type { Plugin, PluginRoute } from '../pipeline/plugin';
import { compileChecks, runCheck, type CheckResult, type CompiledCheck } from './health-checks';
import type { Lifecycle } from './lifecycle';
import type { NormalizedRuntime } from './options';

/** The body of `/health` (liveness): the process is up, with its vital signs. */
export interface LivenessReport {
  status: 'up';
  /** Seconds since the process started. */
  uptime: number;
  /** Bytes, from `process.memoryUsage()`. */
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  /** Event-loop delay in ms since the previous `/health` read (perf_hooks `monitorEventLoopDelay`). */
  eventLoopDelay: { min: number; mean: number; p50: number; p99: number; max: number };
}

/** The body of `/ready` (readiness): 200 when every check is up, else 503; `draining` while the app shuts down. */
export interface ReadinessReport {
  status: 'up' | 'down' | 'draining';
  checks: Record<string, CheckResult>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const NS_PER_MS = 1e6;
const RESOLUTION_MS = 10;

/** The health feature: `/health` and `/ready` in the dispatch table (not in the OpenAPI document). */
export function healthPlugin(options: NonNullable<NormalizedRuntime['health']>, container: DependencyContainer, lifecycle: Lifecycle): Plugin {
  const checks = compileChecks(options.checks, container, options.timeout);
  const routes: PluginRoute[] = [];
  let delay: IntervalHistogram | null = null;
  if (options.path !== null) {
    delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    delay.enable();
    const histogram = delay;
    routes.push({ method: 'GET', path: options.path, handler: (req, res) => send(req, res, 200, liveness(histogram)) });
  }
  if (options.readyPath !== null) {
    const onError = (name: string, err: unknown): void => lifecycle.logger.warn({ err, check: name }, 'readiness check failed');
    routes.push({
      method: 'GET',
      path: options.readyPath,
      handler: (req, res) => {
        void readiness(checks, lifecycle, onError).then((report) => send(req, res, report.status === 'up' ? 200 : 503, report));
      },
    });
  }
  return {
    name: 'health',
    routes,
    onClose: () => { delay?.disable(); },
  };
}

function liveness(delay: IntervalHistogram): LivenessReport {
  const m = process.memoryUsage();
  // The histogram measures the whole sampling interval; the delay is what exceeds the resolution.
  const ms = (ns: number): number => Math.max(0, Math.round((ns / NS_PER_MS - RESOLUTION_MS) * 1000) / 1000);
  // Before the first sample the histogram reports min as 2^63: show zeros rather than nonsense.
  const sampled = delay.count > 0;
  const report: LivenessReport = {
    status: 'up',
    uptime: Math.round(process.uptime() * 1000) / 1000,
    memory: { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers },
    eventLoopDelay: sampled
      ? { min: ms(delay.min), mean: ms(delay.mean), p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) }
      : { min: 0, mean: 0, p50: 0, p99: 0, max: 0 },
  };
  delay.reset();
  return report;
}

async function readiness(checks: readonly CompiledCheck[], lifecycle: Lifecycle, onError: (name: string, err: unknown) => void): Promise<ReadinessReport> {
  // Draining answers at once: the orchestrator only needs to stop routing here.
  if (lifecycle.draining) return { status: 'draining', checks: {} };
  const results = await Promise.all(checks.map((c) => runCheck(c, onError)));
  const report: ReadinessReport = { status: 'up', checks: {} };
  checks.forEach((c, i) => { report.checks[c.name] = results[i]; });
  if (results.some((r) => r.status === 'down')) report.status = 'down';
  return report;
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}

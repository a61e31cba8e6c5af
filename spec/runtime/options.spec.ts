import { normalizeRuntimeOptions } from '../../lib/runtime/options';

const code = (fn: () => unknown): string | undefined => {
  try { fn(); } catch (err) { return (err as { code?: string }).code; }
  return undefined;
};

describe('normalizeRuntimeOptions', () => {
  it('turns everything off when no runtime option is given, with a 10 s drain deadline', () => {
    expect(normalizeRuntimeOptions({}, {})).toEqual({ logger: null, requestId: null, timeouts: null, shutdown: null, deadline: 10_000, health: null, metrics: null });
  });

  it('applies the documented defaults for true', () => {
    const o = normalizeRuntimeOptions({ logger: true, requestId: true, timeouts: true, shutdown: true, health: true, metrics: true }, {});
    expect(o).toMatchObject({
      logger: { level: 'info', pretty: false, redact: [] },
      requestId: { header: 'x-request-id', generate: null },
      timeouts: { headers: 10_000, request: 30_000, handler: 30_000 },
      shutdown: { signals: ['SIGTERM', 'SIGINT'], deadline: 10_000 },
      health: { checks: {}, path: '/health', readyPath: '/ready', timeout: 1000 },
      metrics: { path: '/metrics', processMetrics: true },
    });
  });

  it('lets LOG_LEVEL win over logger.level, and turns pretty on in development', () => {
    expect(normalizeRuntimeOptions({ logger: { level: 'warn' } }, { LOG_LEVEL: 'DEBUG', NODE_ENV: 'development' }).logger).toMatchObject({ level: 'debug', pretty: true, prettyExplicit: false });
    expect(normalizeRuntimeOptions({ logger: { level: 'warn' } }, { LOG_LEVEL: '' }).logger?.level).toBe('warn');
  });

  it('names the bad option with a RivetError code', () => {
    expect(code(() => normalizeRuntimeOptions({ logger: { level: 'loud' as never } }, {}))).toBe('RIVET_LOGGER_LEVEL_INVALID');
    expect(code(() => normalizeRuntimeOptions({ logger: true }, { LOG_LEVEL: 'verbose' }))).toBe('RIVET_LOGGER_LEVEL_INVALID');
    expect(code(() => normalizeRuntimeOptions({ requestId: { header: 'bad header' } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ timeouts: { headers: 5000, request: 1000 } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ timeouts: { handler: 1.5 } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ shutdown: { deadline: 0 } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ shutdown: { signals: ['TERM' as NodeJS.Signals] } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ health: { path: 'health' } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ health: { checks: { db: 42 as never } } }, {}))).toBe('RIVET_HEALTH_CHECK_INVALID');
    expect(code(() => normalizeRuntimeOptions({ metrics: { buckets: [1, 0.5] } }, {}))).toBe('RIVET_OPTIONS_INVALID');
    expect(code(() => normalizeRuntimeOptions({ metrics: 'yes' as never }, {}))).toBe('RIVET_OPTIONS_INVALID');
  });

  it('accepts false and 0 to turn one timeout off', () => {
    expect(normalizeRuntimeOptions({ timeouts: { headers: false, request: 0, handler: false } }, {}).timeouts).toEqual({ headers: 0, request: 0, handler: 0 });
  });
});

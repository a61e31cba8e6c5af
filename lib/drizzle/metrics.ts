import type { DependencyContainer } from 'tsyringe';
import { MetricsRegistry } from '../runtime/metrics';
import type { Dialect, PoolStats } from './connection';

// The registries that have the gauges already: the provider's factory runs on every resolution.
const instrumented = new WeakSet<object>();

/**
 * Adds the database's gauges to the app's registry when it serves metrics (`createApp({ metrics })`):
 * `db_pool_connections{state="total|idle|waiting"}`, and `db_transactions_total{outcome="commit|rollback"}`.
 * Read when Prometheus scrapes, so queries pay nothing for them.
 */
export function instrument(container: DependencyContainer, dialect: Dialect, stats: () => PoolStats, counts: { commit: number; rollback: number }): void {
  if (!container.isRegistered(MetricsRegistry, true)) return;
  const registry = container.resolve(MetricsRegistry);
  if (instrumented.has(registry)) return;
  instrumented.add(registry);
  const { Gauge, Counter } = require('prom-client') as typeof import('prom-client');
  new Gauge({
    name: 'db_pool_connections',
    help: `Database connections (${dialect}) by state: total open, idle, and requests waiting for one.`,
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  new Counter({
    name: 'db_transactions_total',
    help: 'Transactions run by @Transactional() routes and database.transaction(), by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'commit' }, counts.commit);
      this.inc({ outcome: 'rollback' }, counts.rollback);
    },
  });
}

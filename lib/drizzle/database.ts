import { AsyncLocalStorage } from 'node:async_hooks';
import cluster from 'node:cluster';
import type { PoolConfig } from 'pg';
import type { DependencyContainer } from 'tsyringe';
import { RivetError } from '../errors/rivet-error';
import { definePlugin, type Plugin } from '../plugin';
import type { Provider } from '../di/container';
import type { HealthIndicator } from '../runtime/health-checks';
import type { Connection, Dialect, OpenTransaction, PoolStats } from './connection';
import type { FieldNames } from './errors';
import { instrument } from './metrics';
import { aroundRoute } from './problems';
import { openPostgres } from './postgres';
import { openSqlite } from './sqlite';

/** What {@link openDatabase} takes. */
export interface DatabaseOptions {
  /**
   * Where the database is: `postgres://user:pass@host:5432/name` (or `postgresql://`) for PostgreSQL; otherwise an
   * SQLite file (`data/app.sqlite`, `file:data/app.sqlite`), or `:memory:` for one that keeps nothing (tests).
   */
  url: string;
  /** The drizzle schema (the module of tables: `import * as schema from './schema'`): relational queries, and field names in errors. */
  schema?: Record<string, unknown>;
  /** drizzle-kit's migrations folder, applied at open (those not applied yet). Leave out to migrate separately. */
  migrations?: string;
  /** node-postgres pool settings (`max`, `idleTimeoutMillis`, `connectionTimeoutMillis`…); PostgreSQL only. */
  pool?: PoolConfig;
  /** Told of connection errors that no request sees (an idle connection dropped by the server). Default: stderr. */
  onError?: (err: unknown) => void;
}

/**
 * An open database: the drizzle instance of either dialect, with what Rivet needs around it. Open it once with
 * {@link openDatabase}, then hand it to the app:
 * @example
 * const database = await openDatabase<AppDb>({ url: config.DATABASE_URL, schema, migrations: 'drizzle' });
 * createApp({ providers: database.providers, plugins: [database.plugin], health: { checks: { database } } });
 *
 * Inject `Database` into repositories and query `database.db`: inside a `@Transactional()` route it is that request's
 * transaction, elsewhere the pool.
 */
export class Database<TDb = unknown> implements HealthIndicator {
  readonly dialect: Dialect;
  /** The drizzle database on the pool (never a transaction). */
  readonly root: TDb;
  /** For `createApp({ providers })`: registers this database under the `Database` token (and its pool metrics when the app serves metrics). */
  readonly providers: Provider[];
  /**
   * For `createApp({ plugins })`: answers driver errors as problems (409 unique naming the field, 422 or 409 foreign key,
   * 422 not-null and check, 503 connection lost) and closes the database when the app closes, after the server drained.
   */
  readonly plugin: Plugin;
  /** The readiness check's own timeout (ms). */
  readonly timeout = 2_000;
  readonly #connection: Connection;
  readonly #current = new AsyncLocalStorage<OpenTransaction>();
  // SQLite has one connection: its transactions run one after another (a PostgreSQL transaction holds its own connection).
  #queue: Promise<unknown> = Promise.resolve();
  readonly #counts = { commit: 0, rollback: 0 };

  /** Use {@link openDatabase}. */
  constructor(connection: Connection, fields: FieldNames) {
    this.#connection = connection;
    this.dialect = connection.dialect;
    this.root = connection.db as TDb;
    this.plugin = definePlugin({ name: 'database', around: aroundRoute(fields), onClose: () => this.close() });
    // Resolved at start-up by what injects it; the gauges go into that app's registry once (each app has its own).
    this.providers = [{
      provide: Database,
      useFactory: (container: DependencyContainer) => {
        instrument(container, this.dialect, () => this.#connection.stats(), this.#counts);
        return this;
      },
    }];
  }

  /** The request's transaction inside `@Transactional()` (or {@link transaction}), else the pool. */
  get db(): TDb {
    const tx = this.#current.getStore();
    return tx === undefined ? this.root : (tx.db as TDb);
  }

  /** Whether this async context runs inside a transaction. */
  get inTransaction(): boolean {
    return this.#current.getStore() !== undefined;
  }

  /**
   * Runs `work` in a transaction: `db` is the transaction for everything `work` awaits; committed when it resolves,
   * rolled back when it throws (the error goes on). Inside a transaction already, `work` joins it.
   */
  transaction<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.#current.getStore() !== undefined) return Promise.resolve().then(work);
    if (this.dialect === 'postgres') return this.#run(work);
    const turn = this.#queue.then(() => this.#run(work));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #run<T>(work: () => T | Promise<T>): Promise<T> {
    const tx = await this.#connection.begin();
    let result: T;
    try {
      result = await this.#current.run(tx, work);
    } catch (err) {
      this.#counts.rollback++;
      await tx.rollback().catch(() => undefined);   // the handler's error is the one worth answering
      throw err;
    }
    await tx.commit();
    this.#counts.commit++;
    return result;
  }

  /** The readiness check (`health: { checks: { database } }`): the database answers a trivial query. */
  async check(): Promise<void> {
    await this.#connection.ping();
  }

  /** Connections open, idle and waited for. */
  stats(): PoolStats {
    return this.#connection.stats();
  }

  /** Applies the drizzle-kit migrations in `folder` that this database has not seen yet. */
  migrate(folder: string): Promise<void> {
    return this.#connection.migrate(folder);
  }

  /** Closes the pool (PostgreSQL) or writes and closes the file (SQLite). Again: nothing. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}

/** Opens the database `url` names, once per process, and applies `migrations` when given. */
export async function openDatabase<TDb = unknown>(options: DatabaseOptions): Promise<Database<TDb>> {
  const url = options.url;
  if (typeof url !== 'string' || url === '') {
    throw new RivetError('RIVET_DB_URL_INVALID', `openDatabase({ url: ${JSON.stringify(url)} }): no database named.\n  Fix: give postgres://user:password@host:5432/name, an SQLite file such as data/app.sqlite, or :memory:.`);
  }
  const postgres = /^postgres(ql)?:\/\//i.test(url);
  if (!postgres && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new RivetError('RIVET_DB_URL_INVALID', `openDatabase({ url: '${url.replace(/\/\/[^@/]*@/, '//…@')}' }): Rivet knows postgres:// and SQLite files.\n  Fix: use postgres://… or a file path such as data/app.sqlite.`);
  }
  // `listen({ workers })` tells each worker how many there are (lib/runtime/cluster.ts).
  const workers = Number(process.env.RIVET_WORKER_COUNT ?? '1');
  if (!postgres && cluster.isWorker && workers > 1) {
    throw new RivetError('RIVET_DB_SQLITE_WORKERS', `listen({ workers: ${workers} }) on the embedded SQLite database ${url}: each process would hold its own copy and overwrite the others' writes.\n  Fix: listen with one process (no workers option), or set DATABASE_URL=postgres://… to share one PostgreSQL database between the workers.`);
  }
  const onError = options.onError ?? ((err: unknown) => { console.error('Database connection error:', err); });
  const fields = fieldNames(options.schema);
  // The SQLite connection asks the database whether the query it is about to run belongs to the open transaction.
  let database: Database<TDb> | undefined;
  const context = { inTransaction: () => database?.inTransaction === true };
  const connection = postgres ? await openPostgres(url, options.schema, options.pool ?? {}, onError) : await openSqlite(url, options.schema, context);
  database = new Database<TDb>(connection, fields);
  if (options.migrations !== undefined) {
    try {
      await database.migrate(options.migrations);
    } catch (err) {
      await database.close().catch(() => undefined);
      throw err;
    }
  }
  return database;
}

/** `table.column` and `column` → the schema's property name, read from drizzle's tables once at open. */
function fieldNames(schema: Record<string, unknown> | undefined): FieldNames {
  const names = new Map<string, string>();
  if (schema === undefined) return names;
  const { getTableColumns, getTableName, is, Table } = require('drizzle-orm') as typeof import('drizzle-orm');
  for (const value of Object.values(schema)) {
    if (!is(value, Table)) continue;
    const table = getTableName(value);
    for (const [key, column] of Object.entries(getTableColumns(value))) {
      names.set(`${table}.${column.name}`, key);
      if (!names.has(column.name)) names.set(column.name, key);
    }
  }
  return names;
}

/** Where the database is: `'sqlite'` (embedded, sql.js) or `'postgres'` (a server, through a `pg` pool). */
export type Dialect = 'sqlite' | 'postgres';

/** The connections' state, as the pool metrics report it. */
export interface PoolStats {
  /** Connections open. */
  total: number;
  /** Open and not in use. */
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

/** A transaction opened by {@link Connection.begin}: `db` runs inside it until `commit` or `rollback`. */
export interface OpenTransaction {
  readonly db: unknown;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** One driver behind a `Database` (lib/drizzle/sqlite.ts, lib/drizzle/postgres.ts). */
export interface Connection {
  readonly dialect: Dialect;
  /** The drizzle database on the whole pool (or the one SQLite connection). */
  readonly db: unknown;
  /** Throws (or rejects) when the database does not answer. */
  ping(): unknown;
  begin(): Promise<OpenTransaction>;
  migrate(folder: string): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

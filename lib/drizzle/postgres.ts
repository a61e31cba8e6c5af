import type { Pool, PoolClient, PoolConfig } from 'pg';
import { RivetError } from '../errors/rivet-error';
import type { Connection } from './connection';

// Any constant: the key of the advisory lock that keeps two processes from migrating at the same moment.
const MIGRATION_LOCK = 7_426_115;

/**
 * PostgreSQL through a node-postgres `Pool`: connections are opened on demand up to `max`, reused, and closed when
 * idle. A transaction holds one connection from BEGIN to COMMIT or ROLLBACK; every other query takes any free one.
 */
export async function openPostgres(url: string, schema: Record<string, unknown> | undefined, pool: PoolConfig, onError: (err: unknown) => void): Promise<Connection> {
  let pg: typeof import('pg');
  let drizzle: typeof import('drizzle-orm/node-postgres').drizzle;
  try {
    pg = require('pg') as typeof import('pg');
    ({ drizzle } = require('drizzle-orm/node-postgres') as typeof import('drizzle-orm/node-postgres'));
  } catch (err) {
    throw new RivetError('RIVET_DB_DRIVER_MISSING', `openDatabase({ url: 'postgres://…' }) needs pg and drizzle-orm: ${(err as Error).message}\n  Fix: npm install drizzle-orm pg`);
  }
  const client: Pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, ...pool });
  // An idle connection that the server drops (restart, failover) is reported here; without a listener it would end the process.
  client.on('error', onError);
  const options = schema === undefined ? {} : { schema };
  const db = drizzle(client, options);
  let closed = false;

  return {
    dialect: 'postgres',
    db,
    ping: async () => { await client.query('SELECT 1'); },
    async begin() {
      const conn: PoolClient = await client.connect();
      try {
        await conn.query('BEGIN');
      } catch (err) {
        conn.release(true);
        throw err;
      }
      let done = false;
      const end = async (sql: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
        if (done) return;
        done = true;
        try {
          await conn.query(sql);
          conn.release();
        } catch (err) {
          conn.release(true);   // a connection whose COMMIT or ROLLBACK failed is not reused
          throw err;
        }
      };
      return { db: drizzle(conn, options), commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
    },
    async migrate(folder) {
      const { migrate } = require('drizzle-orm/node-postgres/migrator') as typeof import('drizzle-orm/node-postgres/migrator');
      const conn = await client.connect();
      try {
        // Every worker may start by migrating: one runs the migrations, the others wait and find nothing left to do.
        await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          await migrate(drizzle(conn, options), { migrationsFolder: folder });
        } finally {
          await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        conn.release();
      }
    },
    stats: () => ({ total: client.totalCount, idle: client.idleCount, waiting: client.waitingCount }),
    async close() {
      if (closed) return;
      closed = true;
      await client.end();
    },
  };
}

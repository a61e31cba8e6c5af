import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database as SqlJsDatabase } from 'sql.js';
import { RivetError } from '../errors/rivet-error';
import type { Connection } from './connection';

/** What `url` names for SQLite: `':memory:'`, `file:path` or a plain path. */
export function sqliteFile(url: string): string {
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}

/**
 * Embedded SQLite through sql.js (SQLite compiled to WebAssembly, shipped inside its npm package: no native build, no
 * download at install). The database lives in this process's memory; after a burst of writes (one turn of the event
 * loop) it is written to its file, through a sibling file and a rename so that a crash never leaves half a file.
 * Never while a transaction is open: what the file holds is always committed.
 *
 * One connection serves the process, so a write issued outside a transaction while another request's transaction is
 * open would run inside it, and vanish if it rolls back. Such a write is refused instead, as SQLite refuses a second
 * writer ("database is locked": a 503 with Retry-After); reads go through.
 */
export async function openSqlite(url: string, schema: Record<string, unknown> | undefined, outside: { inTransaction(): boolean }): Promise<Connection> {
  let initSqlJs: typeof import('sql.js');
  let drizzle: typeof import('drizzle-orm/sql-js').drizzle;
  try {
    initSqlJs = require('sql.js') as typeof import('sql.js');
    ({ drizzle } = require('drizzle-orm/sql-js') as typeof import('drizzle-orm/sql-js'));
  } catch (err) {
    throw new RivetError('RIVET_DB_DRIVER_MISSING', `openDatabase({ url: '${url}' }) needs sql.js and drizzle-orm: ${(err as Error).message}\n  Fix: npm install drizzle-orm sql.js`);
  }
  const file = sqliteFile(url);
  const SQL = await initSqlJs();
  let data: Uint8Array | undefined;
  if (file !== ':memory:') {
    try {
      data = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;   // a new database; anything else is a real problem
    }
  }
  const client: SqlJsDatabase = new SQL.Database(data);
  // SQLite leaves foreign keys (and ON DELETE CASCADE) off unless each connection turns them on; export() reopens.
  client.exec('PRAGMA foreign_keys = ON');
  let open = true;
  let inTransaction = 0;
  let scheduled = false;

  const save = (): void => {
    scheduled = false;
    if (!open || file === ':memory:' || inTransaction > 0) return;
    const changes = Number(client.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);
    if (changes === 0) return;   // export() below reopens the database, which sets the counter back to 0
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, client.export());
    renameSync(`${file}.tmp`, file);
    client.exec('PRAGMA foreign_keys = ON');
  };
  const schedule = (): void => {
    if (scheduled || file === ':memory:') return;
    scheduled = true;
    setImmediate(save);
  };
  const logQuery = (query: string): void => {
    if (inTransaction > 0 && !outside.inTransaction() && !/^\s*(select|with)\b/i.test(query)) {
      throw new Error('database is locked: another request holds a transaction on the embedded SQLite connection; retry, or mark this route @Transactional() too.');
    }
    schedule();
  };
  const db = drizzle(client, {
    ...(schema === undefined ? {} : { schema }),
    // Every query passes here, synchronously, before it runs: to refuse a write that would land in another request's
    // transaction, and to look for changes to save once the loop turns.
    logger: { logQuery },
  });

  return {
    dialect: 'sqlite',
    db,
    ping() {
      if (!open) throw new Error('The database is closed.');
      client.exec('SELECT 1');
    },
    async begin() {
      client.exec('BEGIN');
      inTransaction++;
      return {
        db,
        commit: async () => { inTransaction--; client.exec('COMMIT'); schedule(); },
        rollback: async () => { inTransaction--; client.exec('ROLLBACK'); },
      };
    },
    async migrate(folder) {
      const { migrate } = require('drizzle-orm/sql-js/migrator') as typeof import('drizzle-orm/sql-js/migrator');
      migrate(db, { migrationsFolder: folder });
      save();
    },
    stats: () => ({ total: open ? 1 : 0, idle: open && inTransaction === 0 ? 1 : 0, waiting: 0 }),
    async close() {
      if (!open) return;
      save();
      open = false;
      client.close();
    },
  };
}

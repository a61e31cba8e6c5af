import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Database, openDatabase } from 'rivetjs/drizzle';
import * as schema from './schema.js';

/** The drizzle database the services query (PostgreSQL through a pg pool). */
export type Db = NodePgDatabase<typeof schema>;
export { Database };

/**
 * Opens the database in `url` (`postgres://user:password@host:5432/name`) once, as a connection pool, and applies
 * the migrations in drizzle/ it has not seen yet (one process at a time: the others wait on an advisory lock).
 */
export function openAppDatabase(url: string): Promise<Database<Db>> {
  return openDatabase<Db>({ url, schema, migrations: 'drizzle' });
}

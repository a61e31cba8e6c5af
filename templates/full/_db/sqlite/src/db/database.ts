import type { SQLJsDatabase } from 'drizzle-orm/sql-js';
import { Database, openDatabase } from 'rivetjs/drizzle';
import * as schema from './schema.js';

/** The drizzle database the services query (embedded SQLite through sql.js). */
export type Db = SQLJsDatabase<typeof schema>;
export { Database };

/**
 * Opens the database in `url` once, and applies the migrations in drizzle/ it has not seen yet. SQLite: a file
 * (`data/app.sqlite`), or `:memory:` for tests. One process: for several, move to PostgreSQL (docs: data guide).
 */
export function openAppDatabase(url: string): Promise<Database<Db>> {
  return openDatabase<Db>({ url, schema, migrations: 'drizzle' });
}

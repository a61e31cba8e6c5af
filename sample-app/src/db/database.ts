import { join } from 'node:path';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Database, openDatabase } from 'rivetjs/drizzle';
import * as pgSchema from './schema';
import * as sqliteSchema from './schema.sqlite';

/** The drizzle database as repositories see it (typed with the PostgreSQL tables; SQLite's have the same columns). */
export type Db = NodePgDatabase<typeof pgSchema>;
/** The tables, as repositories use them. */
export type Tables = typeof pgSchema;

/** The tables of the dialect `database` speaks. */
export function tablesOf(database: Database<Db>): Tables {
  return (database.dialect === 'postgres' ? pgSchema : sqliteSchema) as unknown as Tables;
}

/**
 * Opens the bookshelf database and applies the migrations it has not seen yet: PostgreSQL when `url` is
 * `postgres://…` (several processes may share it), else the embedded SQLite file (`:memory:` keeps nothing).
 * The migrations are drizzle-kit's, one folder per dialect (`npm run db:generate`).
 */
export async function openBookshelf(url: string): Promise<Database<Db>> {
  const postgres = /^postgres(ql)?:\/\//.test(url);
  return openDatabase<Db>({
    url,
    schema: postgres ? pgSchema : sqliteSchema,
    migrations: join(__dirname, '..', '..', 'drizzle', postgres ? 'postgres' : 'sqlite'),
  });
}

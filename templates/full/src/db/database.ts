import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue } from 'sql.js';
import { MIGRATIONS } from './migrations.js';

export type Row = Record<string, SqlValue>;

/**
 * SQLite through sql.js (SQLite compiled to WebAssembly: no native build, no download at install).
 * The database lives in memory and is written back to its file after every change.
 */
export class Database {
  constructor(private readonly db: SqlJsDatabase, private readonly file: string) {}

  /** Rows of a SELECT. */
  all(sql: string, params: SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  }

  /** The first row of a SELECT, or undefined. */
  get(sql: string, params: SqlValue[] = []): Row | undefined {
    return this.all(sql, params)[0];
  }

  /** Runs an INSERT, UPDATE or DELETE; returns the rows changed and the last inserted id. */
  run(sql: string, params: SqlValue[] = []): { changes: number; lastId: number } {
    this.db.run(sql, params);
    const changes = this.db.getRowsModified();
    const lastId = Number(this.db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
    this.persist();
    return { changes, lastId };
  }

  /** For the readiness probe. */
  ping(): void {
    this.db.exec('SELECT 1');
  }

  private persist(): void {
    if (this.file === ':memory:') return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, this.db.export());
  }

  /** Opens (or creates) the database file and runs the migrations it has not seen yet. */
  static async open(file: string): Promise<Database> {
    const SQL = await initSqlJs();
    let data: Uint8Array | undefined;
    if (file !== ':memory:') {
      try { data = readFileSync(file); } catch { /* a new database */ }
    }
    const database = new Database(new SQL.Database(data), file);
    const version = Number(database.get('PRAGMA user_version')?.user_version ?? 0);
    for (let i = version; i < MIGRATIONS.length; i++) {
      database.db.exec(MIGRATIONS[i]);
      database.db.exec(`PRAGMA user_version = ${i + 1}`);
    }
    if (version < MIGRATIONS.length) database.persist();
    return database;
  }
}

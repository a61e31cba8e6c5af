import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue } from 'sql.js';
import { MIGRATIONS } from './migrations';

/** A row as SQLite returns it: column name → value. */
export type Row = Record<string, SqlValue>;

/**
 * SQLite through sql.js: SQLite compiled to WebAssembly and shipped inside the npm package, so installing
 * needs no native build and no download. Queries are synchronous. The database lives in memory and is
 * written back to its file after every change (`:memory:` keeps nothing, for tests); that suits one process.
 */
export class Database {
  readonly #db: SqlJsDatabase;
  readonly #file: string;

  /** Use {@link Database.open}, which also runs the migrations. */
  constructor(db: SqlJsDatabase, file: string) {
    this.#db = db;
    this.#file = file;
  }

  /** Opens (or creates) the database file and runs the migrations it has not seen yet. */
  static async open(file: string): Promise<Database> {
    const SQL = await initSqlJs();
    let data: Uint8Array | undefined;
    if (file !== ':memory:') {
      try {
        data = readFileSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;   // a new database; anything else is a real problem
      }
    }
    const database = new Database(new SQL.Database(data), file);
    database.#foreignKeys();
    database.#migrate();
    return database;
  }

  /** Every row of a query. Values are bound (`?`), never spliced into the SQL. */
  all(sql: string, params: SqlValue[] = []): Row[] {
    const stmt = this.#db.prepare(sql);
    try {
      stmt.bind(params);
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  }

  /** The first row of a query, or `undefined`. */
  get(sql: string, params: SqlValue[] = []): Row | undefined {
    return this.all(sql, params)[0];
  }

  /** Runs a write and saves the file; returns the rows changed and the id of the last insert. */
  run(sql: string, params: SqlValue[] = []): { changes: number; lastId: number } {
    this.#db.run(sql, params);
    const changes = this.#db.getRowsModified();
    const lastId = Number(this.get('SELECT last_insert_rowid() AS id')?.id ?? 0);
    this.#save();
    return { changes, lastId };
  }

  /** For the readiness probe: throws when the database cannot answer. */
  ping(): void {
    this.#db.exec('SELECT 1');
  }

  #migrate(): void {
    const done = Number(this.get('PRAGMA user_version')?.user_version ?? 0);
    if (done >= MIGRATIONS.length) return;
    for (let i = done; i < MIGRATIONS.length; i++) {
      // One transaction per migration: a failing one leaves the database as the previous one left it.
      this.#db.exec(`BEGIN; ${MIGRATIONS[i]}; PRAGMA user_version = ${i + 1}; COMMIT;`);
    }
    this.#save();
  }

  #save(): void {
    if (this.#file === ':memory:') return;
    mkdirSync(dirname(this.#file), { recursive: true });
    // Write a sibling file, then rename: a crash mid-write never leaves a truncated database.
    writeFileSync(`${this.#file}.tmp`, this.#db.export());
    renameSync(`${this.#file}.tmp`, this.#file);
    this.#foreignKeys();   // sql.js's export() reopens the database, which resets pragmas
  }

  // SQLite leaves foreign keys (and ON DELETE CASCADE) off unless each connection turns them on.
  #foreignKeys(): void {
    this.#db.exec('PRAGMA foreign_keys = ON');
  }
}

import type { SqlValue } from 'sql.js';
import type { Database, Row } from '../db/database';

/** One page of a list, with what the client needs to ask for the next one. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** What the generic CRUD controller needs from a resource's service. */
export interface CrudService<T, C> {
  list(limit: number, offset: number): Page<T>;
  find(id: number): T | undefined;
  create(input: C): T;
  /** `undefined` when there is nothing with this id. */
  replace(id: number, input: C): T | undefined;
  /** `false` when there was nothing with this id. */
  remove(id: number): boolean;
}

/**
 * A repository on one SQLite table, with the five CRUD operations written once. A subclass names its table
 * and columns and turns a row into its record type. Each app gets its own instance (Rivet's DI makes one
 * singleton per app) on the database the app was built with.
 *
 * Table and column names come from the subclass's code, never from a request; every value is bound with `?`.
 */
export abstract class SqlRepository<T extends { id: number }, C extends object> implements CrudService<T, C> {
  readonly #insert: string;
  readonly #update: string;

  /**
   * `fields` are the input's properties stored, in order; a column is named like its field unless `columns`
   * says otherwise (`{ bookId: 'book_id' }`).
   */
  constructor(
    protected readonly db: Database,
    protected readonly table: string,
    private readonly fields: readonly (keyof C & string)[],
    columns: Partial<Record<keyof C & string, string>> = {},
  ) {
    const names = fields.map((f) => columns[f] ?? f);
    this.#insert = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    this.#update = `UPDATE ${table} SET ${names.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
  }

  list(limit: number, offset: number): Page<T> {
    return this.page('', [], limit, offset);
  }

  find(id: number): T | undefined {
    const row = this.db.get(`SELECT * FROM ${this.table} WHERE id = ?`, [id]);
    return row === undefined ? undefined : this.fromRow(row);
  }

  create(input: C): T {
    const { lastId } = this.db.run(this.#insert, this.values(input));
    return this.find(lastId)!;
  }

  replace(id: number, input: C): T | undefined {
    return this.db.run(this.#update, [...this.values(input), id]).changes === 0 ? undefined : this.find(id);
  }

  remove(id: number): boolean {
    return this.db.run(`DELETE FROM ${this.table} WHERE id = ?`, [id]).changes > 0;
  }

  /** One page of the rows matching `where` (SQL with `?` placeholders, or empty), in id order, with the total. */
  protected page(where: string, params: SqlValue[], limit: number, offset: number): Page<T> {
    const filter = where === '' ? '' : ` WHERE ${where}`;
    const total = Number(this.db.get(`SELECT COUNT(*) AS n FROM ${this.table}${filter}`, params)?.n ?? 0);
    const items = this.db.all(`SELECT * FROM ${this.table}${filter} ORDER BY id LIMIT ? OFFSET ?`, [...params, limit, offset]).map((r) => this.fromRow(r));
    return { items, total, limit, offset };
  }

  /**
   * The stored values, in field order. Only the declared fields are read: the input is a DTO instance, and
   * storing it as is would keep whatever else it carries.
   */
  private values(input: C): SqlValue[] {
    return this.fields.map((f) => (input[f] ?? null) as SqlValue);
  }

  /** Builds the record a route returns from a row. */
  protected abstract fromRow(row: Row): T;
}

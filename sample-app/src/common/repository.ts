import { asc, count, eq, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from 'rivetjs/drizzle';
import type { Db } from '../db/database';

/** One page of a list, with what the client needs to ask for the next one. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** What the generic CRUD controller needs from a resource's service. */
export interface CrudService<T, C> {
  list(limit: number, offset: number): Promise<Page<T>>;
  find(id: number): Promise<T | undefined>;
  create(input: C): Promise<T>;
  /** `undefined` when there is nothing with this id. */
  replace(id: number, input: C): Promise<T | undefined>;
  /** `false` when there was nothing with this id. */
  remove(id: number): Promise<boolean>;
}

/** A table with an integer `id` primary key. */
export type TableWithId = PgTable & { id: PgColumn };

/**
 * A repository on one table, with the five CRUD operations written once in drizzle. A subclass names its table
 * and the input fields it stores. Each app gets its own instance (Rivet's DI makes one singleton per app) on the
 * database the app was built with; `database.db` is the request's transaction inside a `@Transactional()` route.
 */
export abstract class DrizzleRepository<T extends { id: number }, C extends object> implements CrudService<T, C> {
  constructor(
    protected readonly database: Database<Db>,
    protected readonly table: TableWithId,
    private readonly fields: readonly (keyof C & keyof T & string)[],
  ) {}

  protected get db(): Db {
    return this.database.db;
  }

  list(limit: number, offset: number): Promise<Page<T>> {
    return this.page(undefined, limit, offset);
  }

  async find(id: number): Promise<T | undefined> {
    const [row] = await this.db.select().from(this.table as PgTable).where(eq(this.table.id, id));
    return row as T | undefined;
  }

  async create(input: C): Promise<T> {
    const [row] = await this.db.insert(this.table).values(this.values(input) as never).returning();
    return row as T;
  }

  async replace(id: number, input: C): Promise<T | undefined> {
    const [row] = await this.db.update(this.table).set(this.values(input) as never).where(eq(this.table.id, id)).returning();
    return row as T | undefined;
  }

  async remove(id: number): Promise<boolean> {
    const rows = await this.db.delete(this.table).where(eq(this.table.id, id)).returning({ id: this.table.id });
    return rows.length > 0;
  }

  /** One page of the rows matching `where` (or all), in id order, with the total. */
  protected async page(where: SQL | undefined, limit: number, offset: number): Promise<Page<T>> {
    const [{ n }] = await this.db.select({ n: count() }).from(this.table as PgTable).where(where);
    const items = await this.db.select().from(this.table as PgTable).where(where).orderBy(asc(this.table.id)).limit(limit).offset(offset);
    return { items: items as T[], total: Number(n), limit, offset };
  }

  /**
   * The stored values: only the declared fields are read, since the input is a DTO instance and storing it as is
   * would keep whatever else it carries.
   */
  private values(input: C): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.fields) out[f] = input[f] ?? null;
    return out;
  }
}

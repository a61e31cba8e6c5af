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
 * A repository kept in a Map, with numeric ids handed out in order. Each app gets its own instance (Rivet's
 * DI makes one singleton per app), so tests never see each other's writes. Swap it for a database-backed
 * class with the same methods when you outgrow it.
 */
export abstract class InMemoryRepository<T extends { id: number }, C extends object> implements CrudService<T, C> {
  protected readonly rows = new Map<number, T>();
  #nextId = 1;

  constructor(seed: readonly C[] = []) {
    for (const input of seed) this.create(input);
  }

  list(limit: number, offset: number): Page<T> {
    return this.page([...this.rows.values()], limit, offset);
  }

  find(id: number): T | undefined {
    return this.rows.get(id);
  }

  create(input: C): T {
    const row = this.toRow(this.#nextId++, input);
    this.rows.set(row.id, row);
    return row;
  }

  replace(id: number, input: C): T | undefined {
    if (!this.rows.has(id)) return undefined;
    const row = this.toRow(id, input);
    this.rows.set(id, row);
    return row;
  }

  remove(id: number): boolean {
    return this.rows.delete(id);
  }

  /** Slices already-filtered rows into a page. */
  protected page(rows: T[], limit: number, offset: number): Page<T> {
    return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
  }

  /**
   * Builds the stored record from validated input. Copy the fields you keep one by one: the input is a DTO
   * instance, and storing it as is would keep whatever else it carries.
   */
  protected abstract toRow(id: number, input: C): T;
}

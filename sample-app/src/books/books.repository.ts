import { and, eq, sql, type SQL } from 'drizzle-orm';
import { Database } from 'rivetjs/drizzle';
import { injectable } from 'tsyringe';
import { DrizzleRepository, type Page } from '../common/repository';
import { tablesOf, type Db, type Tables } from '../db/database';
import type { Book, BookFilter, CreateBook } from './book.dto';

/** The books table; its sample rows come from the seed (src/db/seed.ts). */
@injectable()
export class BooksRepository extends DrizzleRepository<Book, CreateBook> {
  readonly #books: Tables['books'];

  constructor(database: Database<Db>) {
    const { books } = tablesOf(database);
    super(database, books, ['title', 'author', 'year']);
    this.#books = books;
  }

  /** One page of the books matching every filter given; `author` matches part of the name, any case. */
  search(filter: BookFilter, limit: number, offset: number): Promise<Page<Book>> {
    const where: SQL[] = [];
    // instr() on SQLite, strpos() on PostgreSQL: the same test, without LIKE's wildcards in the user's text.
    if (filter.author !== undefined) {
      const find = this.database.dialect === 'postgres' ? sql`strpos(lower(${this.#books.author}), lower(${filter.author}))` : sql`instr(lower(${this.#books.author}), lower(${filter.author}))`;
      where.push(sql`${find} > 0`);
    }
    if (filter.year !== undefined) where.push(eq(this.#books.year, filter.year));
    return this.page(and(...where), limit, offset);
  }
}

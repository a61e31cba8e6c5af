import { injectable } from 'tsyringe';
import type { SqlValue } from 'sql.js';
import { SqlRepository, type Page } from '../common/repository';
import { Database, type Row } from '../db/database';
import type { Book, BookFilter, CreateBook } from './book.dto';

/** The books table; its seed rows come from a migration (src/db/migrations.ts). */
@injectable()
export class BooksRepository extends SqlRepository<Book, CreateBook> {
  constructor(db: Database) {
    super(db, 'books', ['title', 'author', 'year']);
  }

  /** One page of the books matching every filter given; `author` matches part of the name, any case. */
  search(filter: BookFilter, limit: number, offset: number): Page<Book> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.author !== undefined) {
      where.push('instr(lower(author), lower(?)) > 0');
      params.push(filter.author);
    }
    if (filter.year !== undefined) {
      where.push('year = ?');
      params.push(filter.year);
    }
    return this.page(where.join(' AND '), params, limit, offset);
  }

  protected fromRow(row: Row): Book {
    return { id: Number(row.id), title: String(row.title), author: String(row.author), year: Number(row.year) };
  }
}

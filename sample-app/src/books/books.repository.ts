import { injectable } from 'tsyringe';
import { InMemoryRepository, type Page } from '../common/repository';
import type { Book, BookFilter, CreateBook } from './book.dto';

const SEED: CreateBook[] = [
  { title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', year: 1968 },
  { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
  { title: 'Stories of Your Life and Others', author: 'Ted Chiang', year: 2002 },
];

/** The books, kept in memory and seeded with a few records. */
@injectable()
export class BooksRepository extends InMemoryRepository<Book, CreateBook> {
  constructor() {
    super(SEED);
  }

  /** One page of the books matching every filter given. */
  search(filter: BookFilter, limit: number, offset: number): Page<Book> {
    const author = filter.author?.toLowerCase();
    const rows = [...this.rows.values()].filter(
      (b) => (author === undefined || b.author.toLowerCase().includes(author)) && (filter.year === undefined || b.year === filter.year),
    );
    return this.page(rows, limit, offset);
  }

  protected toRow(id: number, input: CreateBook): Book {
    return { id, title: input.title, author: input.author, year: input.year };
  }
}

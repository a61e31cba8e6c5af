import { Controller, Get, Query } from 'rivetjs';
import { CrudController } from '../common/crud.controller';
import type { Page } from '../common/repository';
import { BookFilter, CreateBook, type Book } from './book.dto';
import { BooksRepository } from './books.repository';

/**
 * `/books`: the five CRUD routes inherited from {@link CrudController}, with the list overridden to
 * accept filters.
 */
@Controller('/books', { tags: ['books'] })
export class BooksController extends CrudController<Book, CreateBook>({ name: 'book', create: CreateBook }) {
  // The repository is injected by type: tsyringe reads it from the emitted constructor metadata.
  constructor(private readonly books: BooksRepository) {
    super(books);
  }

  /**
   * Overrides the inherited `GET /books`: same paging, plus the `author` and `year` filters. Parameter
   * decorators are not inherited with an override, so the paging parameters are declared again; the whole
   * query, typed as a DTO class, is validated like a body (`?year=abc` is a 422 at `['query', 'year']`).
   */
  @Get('/', { summary: 'List books, optionally filtered by author and year' })
  override list(
    @Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number,
    @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number,
    @Query() filter: BookFilter = new BookFilter(),
  ): Promise<Page<Book>> {
    return this.books.search(filter, limit, offset);
  }
}

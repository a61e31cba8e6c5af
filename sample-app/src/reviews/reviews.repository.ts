import { and, eq, gte, type SQL } from 'drizzle-orm';
import { ValidationFailedError } from 'rivetjs';
import { Database } from 'rivetjs/drizzle';
import { injectable } from 'tsyringe';
import { DrizzleRepository, type Page } from '../common/repository';
import { tablesOf, type Db, type Tables } from '../db/database';
import type { CreateReview, Review, ReviewFilter } from './review.dto';
import { ReviewsFeed } from './reviews.feed';

/** The reviews table; each new review is announced on the feed. */
@injectable()
export class ReviewsRepository extends DrizzleRepository<Review, CreateReview> {
  readonly #t: Tables;

  constructor(
    database: Database<Db>,
    private readonly feed: ReviewsFeed,
  ) {
    super(database, tablesOf(database).reviews, ['bookId', 'rating', 'text']);
    this.#t = tablesOf(database);
  }

  override async create(input: CreateReview): Promise<Review> {
    await this.#checkBook(input.bookId);
    const review = await super.create(input);
    // The review is stored: a failed announcement is logged, and does not fail the request.
    this.feed.publish(review).catch((err: unknown) => console.error('the review feed could not publish', err));
    return review;
  }

  override async replace(id: number, input: CreateReview): Promise<Review | undefined> {
    await this.#checkBook(input.bookId);
    return super.replace(id, input);
  }

  /** One page of the reviews matching every filter given. */
  search(filter: ReviewFilter, limit: number, offset: number): Promise<Page<Review>> {
    const where: SQL[] = [];
    if (filter.bookId !== undefined) where.push(eq(this.#t.reviews.bookId, filter.bookId));
    if (filter.minRating !== undefined) where.push(gte(this.#t.reviews.rating, filter.minRating));
    return this.page(and(...where), limit, offset);
  }

  // A review of a book that does not exist is bad input (422 at body.bookId) with a message naming the book. Should the
  // book be deleted between this check and the insert, the foreign key refuses the row all the same (a 422 too).
  async #checkBook(bookId: number): Promise<void> {
    const [book] = await this.db.select({ id: this.#t.books.id }).from(this.#t.books).where(eq(this.#t.books.id, bookId));
    if (book === undefined) {
      throw new ValidationFailedError([{ loc: ['body', 'bookId'], msg: `book ${bookId} does not exist`, type: 'exists' }]);
    }
  }
}

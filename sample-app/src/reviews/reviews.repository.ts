import { ValidationFailedError } from 'rivetjs';
import type { SqlValue } from 'sql.js';
import { injectable } from 'tsyringe';
import { SqlRepository, type Page } from '../common/repository';
import { Database, type Row } from '../db/database';
import type { CreateReview, Review, ReviewFilter } from './review.dto';
import { ReviewsFeed } from './reviews.feed';

/** The reviews table; each new review is announced on the feed. */
@injectable()
export class ReviewsRepository extends SqlRepository<Review, CreateReview> {
  constructor(
    db: Database,
    private readonly feed: ReviewsFeed,
  ) {
    super(db, 'reviews', ['bookId', 'rating', 'text'], { bookId: 'book_id' });
  }

  override create(input: CreateReview): Review {
    this.#checkBook(input.bookId);
    const review = super.create(input);
    // The review is stored: a failed announcement is logged, and does not fail the request.
    this.feed.publish(review).catch((err: unknown) => console.error('the review feed could not publish', err));
    return review;
  }

  override replace(id: number, input: CreateReview): Review | undefined {
    this.#checkBook(input.bookId);
    return super.replace(id, input);
  }

  /** One page of the reviews matching every filter given. */
  search(filter: ReviewFilter, limit: number, offset: number): Page<Review> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.bookId !== undefined) {
      where.push('book_id = ?');
      params.push(filter.bookId);
    }
    if (filter.minRating !== undefined) {
      where.push('rating >= ?');
      params.push(filter.minRating);
    }
    return this.page(where.join(' AND '), params, limit, offset);
  }

  protected fromRow(row: Row): Review {
    return { id: Number(row.id), bookId: Number(row.book_id), rating: Number(row.rating), text: String(row.text) };
  }

  // A review of a book that does not exist is bad input (422 at body.bookId), not a database error (500).
  #checkBook(bookId: number): void {
    if (this.db.get('SELECT id FROM books WHERE id = ?', [bookId]) === undefined) {
      throw new ValidationFailedError([{ loc: ['body', 'bookId'], msg: `book ${bookId} does not exist`, type: 'exists' }]);
    }
  }
}

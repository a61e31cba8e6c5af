import { Controller, EventStream, Get, Query, Sse } from 'rivetjs';
import { CrudController } from '../common/crud.controller';
import type { Page } from '../common/repository';
import { CreateReview, ReviewFilter, type Review } from './review.dto';
import { ReviewsFeed } from './reviews.feed';
import { ReviewsRepository } from './reviews.repository';

/** `/reviews`: the CRUD routes, a filtered list, and a live feed of new reviews. */
@Controller('/reviews', { tags: ['reviews'] })
export class ReviewsController extends CrudController<Review, CreateReview>({ name: 'review', create: CreateReview }) {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly feed: ReviewsFeed,
  ) {
    super(reviews);
  }

  @Get('/', { summary: 'List reviews, optionally of one book and with a minimum rating' })
  override list(
    @Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number,
    @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number,
    @Query() filter: ReviewFilter = new ReviewFilter(),
  ): Promise<Page<Review>> {
    return this.reviews.search(filter, limit, offset);
  }

  /**
   * Server-Sent Events: one `review` event per new review, as it is posted (`curl -N /reviews/live`, or
   * `new EventSource('/reviews/live')` in a browser). Each event carries an id: a browser that reconnects, to this
   * process or another, sends it back as `Last-Event-ID` and first gets what it missed. The static path wins over
   * `/:id` whatever the order.
   */
  @Sse('/live', { summary: 'New reviews as they are posted (text/event-stream)' })
  live(): EventStream {
    return this.feed.stream();
  }
}

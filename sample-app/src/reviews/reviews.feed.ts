import { injectable } from 'tsyringe';
import type { Review } from './review.dto';

type Listener = (review: Review) => void;

/**
 * New reviews, announced to whoever listens (the `GET /reviews/live` event streams). In one process a set of
 * callbacks is enough; with several processes, publish through Redis pub/sub instead.
 */
@injectable()
export class ReviewsFeed {
  readonly #listeners = new Set<Listener>();

  /** Calls `listener` for each new review; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  publish(review: Review): void {
    for (const listener of this.#listeners) listener(review);
  }
}

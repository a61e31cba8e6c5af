import { Channels, type EventStream } from 'rivetjs';
import { injectable } from 'tsyringe';
import type { Review } from './review.dto';

/** The channel new reviews are published on. */
const CHANNEL = 'reviews';

/**
 * New reviews, announced to whoever listens (the `GET /reviews/live` event streams), through the app's pub/sub:
 * in one process the in-memory default; with `REDIS_URL` set, Redis, so that a review posted on one worker or
 * instance reaches the streams of all of them, and a client that reconnects anywhere resumes from `Last-Event-ID`.
 */
@injectable()
export class ReviewsFeed {
  constructor(private readonly channels: Channels) {}

  /** Announces `review` to every live stream; resolves with its event id. */
  publish(review: Review): Promise<string> {
    return this.channels.publish(CHANNEL, review, { event: 'review' });
  }

  /** An event stream of the reviews posted from now on (and, after a reconnect, of those the client missed). */
  stream(): EventStream {
    return this.channels.stream(CHANNEL, { retry: 5000 });
  }
}

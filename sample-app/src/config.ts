import { injectable } from 'tsyringe';

/**
 * Settings read from the environment once, at start-up. Classes that need a setting inject this service
 * instead of reading `process.env` themselves, so tests can hand the app a different value.
 */
@injectable()
export class AppConfig {
  /** The key clients send in `X-API-Key` to write. Set `API_KEY` in production; `dev-key` is for local use only. */
  readonly apiKey: string = process.env.API_KEY ?? 'dev-key';
}

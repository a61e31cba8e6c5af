import type { Redis, RedisOptions } from 'ioredis';
import { RivetError } from '../errors/rivet-error';

/** How a Redis-backed part connects: a URL (it owns the connection) or an ioredis client you own. */
export type RedisConnection = { url: string; options?: RedisOptions } | { client: Redis };

/**
 * The ioredis client of a Redis-backed part (`RedisStore`, `RedisPubSub`): the one given, or a new one on `url`
 * that the part owns and closes. ioredis is an optional peer, loaded here only; without it, `code` names the fix.
 */
export function connectRedis(connection: RedisConnection, who: string, code: string): { client: Redis; owned: boolean } {
  if ('client' in connection) return { client: connection.client, owned: false };
  let IORedis: typeof import('ioredis').default;
  try {
    IORedis = (require('ioredis') as typeof import('ioredis')).default;
  } catch (err) {
    throw new RivetError(code, `${who} needs the "ioredis" package, which is not installed.\n  Fix: npm install ioredis`, { cause: err });
  }
  return { client: new IORedis(connection.url, { maxRetriesPerRequest: 2, ...connection.options }), owned: true };
}

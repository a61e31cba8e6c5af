import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { generateSecret } from 'rivetjs';

/**
 * Settings, read once at start-up from `.env` (if present) and the environment, converted and validated by
 * `createApp({ config: AppConfig })`. A missing or invalid variable stops start-up with a message naming it.
 * Classes that need a setting inject this class instead of reading `process.env` themselves.
 */
export class AppConfig {
  /** The port `main.ts` listens on; 0 picks a free one. */
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() @IsNotEmpty() HOST: string = '127.0.0.1';
  /** The key clients send in `X-API-Key` to write. Set `API_KEY` in production; `dev-key` is for local use only. */
  @IsString() @IsNotEmpty() API_KEY: string = 'dev-key';
  /**
   * Signs and verifies the JWTs `/auth/login` hands out (HS256). Without one, each start makes a random secret,
   * so tokens stop working at restart: set it in production (`npx rivet secret` prints one).
   */
  @IsString() @MinLength(32) JWT_SECRET: string = generateSecret();
  /** With ADMIN_PASSWORD, an account with the admin role is created at start-up if it does not exist. */
  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(12) ADMIN_PASSWORD?: string;
  /**
   * The database: `postgres://user:password@host:5432/bookshelf` for PostgreSQL, else an embedded SQLite file relative
   * to the working directory (`:memory:` keeps nothing). Created and migrated on start, seeded when new.
   */
  @IsString() @IsNotEmpty() DATABASE_URL: string = 'data/bookshelf.sqlite';
  /** Processes serving the port (`listen({ workers })`); more than 1 needs PostgreSQL, and REDIS_URL so that the live feed spans them. */
  @IsInt() @Min(1) @Max(64) WORKERS: number = 1;
  /** A Redis the processes share (`redis://host:6379`): the live review feed goes through its pub/sub. */
  @IsOptional() @Matches(/^rediss?:\/\//) REDIS_URL?: string;
}

import { IsEmail, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** Environment variables, read from .env and the environment, converted and validated at start-up. */
export class AppConfig {
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '127.0.0.1';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';
  /** HS256 key: at least 32 characters (`npx rivet secret` prints one). */
  @IsString() @MinLength(32) JWT_SECRET!: string;
  /** The database: an SQLite file (`:memory:` keeps nothing), or `postgres://user:password@host:5432/name`. */
  @IsString() DATABASE_URL: string = '__DEFAULT_DATABASE_URL__';
  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(12) ADMIN_PASSWORD?: string;
}

import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';

/** Environment variables, read from .env and the environment, converted and validated at start-up. */
export class AppConfig {
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '127.0.0.1';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';
}

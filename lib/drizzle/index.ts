/**
 * `rivetjs/drizzle`: Rivet's database integration on drizzle-orm, embedded SQLite (sql.js) or PostgreSQL (pg).
 * Optional: the core never loads it, and drizzle-orm, pg and sql.js are needed only by apps that import it.
 */
export { Database, openDatabase, type DatabaseOptions } from './database';
export { Transactional, TransactionInterceptor } from './transactional';
export { ConstraintViolationError, toHttpError } from './problems';
export { mapDatabaseError, type DatabaseProblem, type FieldNames } from './errors';
export type { Dialect, PoolStats } from './connection';

import type { ValidationIssue } from '../errors/validation-error';

/** What a driver error means for the client, when it means something (else it stays a 500, logged). */
export interface DatabaseProblem {
  status: 409 | 422 | 503;
  detail: string;
  /** The fields at fault, located like validation errors: `loc: ['body', 'email']`. */
  errors?: ValidationIssue[];
}

/** Column names (`table.column` and `column`) to the schema's property names (`users.password_hash` → `passwordHash`). */
export type FieldNames = ReadonlyMap<string, string>;

interface DriverError { code?: unknown; message?: unknown; detail?: unknown; table?: unknown; column?: unknown; constraint?: unknown; cause?: unknown }

// node-postgres and the network: the server is gone, restarting, refusing connections, or the pool could not get one.
const LOST_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);
const LOST_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Cannot use a pool after calling end|database is locked|database is closed|Database closed/i;

/**
 * Reads a driver error (node-postgres's `DatabaseError` by SQLSTATE, sql.js's by message), unwrapping drizzle's
 * `DrizzleQueryError` and other `cause` chains. `method` is the request's: a foreign key broken by a DELETE is a 409
 * (still referenced), by a write a 422 (the body points at nothing). `undefined`: not a database error Rivet knows.
 */
export function mapDatabaseError(error: unknown, method: string, fields: FieldNames): DatabaseProblem | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as DriverError).cause, depth++) {
    const mapped = mapOne(e as DriverError, method, fields);
    if (mapped !== undefined) return mapped;
  }
  return undefined;
}

function mapOne(e: DriverError, method: string, fields: FieldNames): DatabaseProblem | undefined {
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const table = typeof e.table === 'string' ? e.table : '';
    if (code === '23505') return unique(keyColumns(e.detail).map((c) => fieldOf(fields, table, c)));
    if (code === '23503') {
      const still = typeof e.detail === 'string' && e.detail.includes('still referenced');
      return foreignKey(still || method === 'DELETE', keyColumns(e.detail).map((c) => fieldOf(fields, table, c)));
    }
    if (code === '23502') return required(typeof e.column === 'string' ? fieldOf(fields, table, e.column) : undefined);
    if (code === '23514') return check(typeof e.constraint === 'string' ? e.constraint : table);
    if (code === '22001' || code === '22003') return { status: 422, detail: code === '22001' ? 'A value is too long for its column.' : 'A number is out of range for its column.' };
    if (code.startsWith('08') || LOST_CODES.has(code)) return lost();
    return undefined;
  }
  if (LOST_CODES.has(code) || LOST_MESSAGE.test(message)) return lost();
  // SQLite (sql.js) says it in the message: "UNIQUE constraint failed: users.email", "NOT NULL constraint failed: books.title".
  const sqlite = /^(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(.*))?$/.exec(message);
  if (sqlite === null) return undefined;
  const [, kind, what = ''] = sqlite;
  const columns = what.split(',').map((s) => s.trim()).filter((s) => /^[\w$]+\.[\w$]+$/.test(s));
  const named = columns.map((c) => fields.get(c) ?? c.slice(c.indexOf('.') + 1));
  if (kind === 'UNIQUE') return unique(named);
  if (kind === 'NOT NULL') return required(named[0]);
  if (kind === 'CHECK') return check(what);
  return foreignKey(method === 'DELETE', []);
}

function fieldOf(fields: FieldNames, table: string, column: string): string {
  return fields.get(`${table}.${column}`) ?? fields.get(column) ?? column;
}

/** `Key (email)=(…) already exists.` → `['email']`; `Key (a, b)=…` → `['a', 'b']`; expressions (`lower(email)`) → their column. */
function keyColumns(detail: unknown): string[] {
  const m = typeof detail === 'string' ? /^Key \((.+?)\)=/.exec(detail) : null;
  if (m === null) return [];
  return m[1].split(',').map((s) => s.trim()).map((s) => /\(([\w$]+)[^()]*\)/.exec(s)?.[1] ?? s.replace(/"/g, ''));
}

const issue = (field: string, msg: string, type: string): ValidationIssue => ({ loc: ['body', field], msg, type });

function unique(fields: string[]): DatabaseProblem {
  if (fields.length === 0) return { status: 409, detail: 'A record with the same unique value already exists.' };
  return {
    status: 409,
    detail: `${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} already taken.`,
    errors: fields.map((f) => issue(f, 'is already taken', 'unique')),
  };
}

function foreignKey(referenced: boolean, fields: string[]): DatabaseProblem {
  if (referenced) return { status: 409, detail: 'Other records still refer to this one; remove them first.' };
  return {
    status: 422,
    detail: fields.length === 0 ? 'A reference points at a record that does not exist.' : `${fields.join(', ')} points at a record that does not exist.`,
    ...(fields.length === 0 ? {} : { errors: fields.map((f) => issue(f, 'points at a record that does not exist', 'exists')) }),
  };
}

function required(field: string | undefined): DatabaseProblem {
  if (field === undefined) return { status: 422, detail: 'A required value is missing.' };
  return { status: 422, detail: `${field} is required.`, errors: [issue(field, 'is required', 'required')] };
}

function check(constraint: string): DatabaseProblem {
  return { status: 422, detail: `A value breaks the rule ${constraint === '' ? 'of its table' : `"${constraint}"`}.` };
}

function lost(): DatabaseProblem {
  return { status: 503, detail: 'The database is unavailable; try again shortly.' };
}

import { mapDatabaseError } from 'rivetjs/drizzle';

/**
 * The driver error shapes rivetjs/drizzle reads, beyond those spec/drizzle/database.spec.ts provokes on real databases:
 * node-postgres's DatabaseError fields (code, detail, table, column, constraint) and sql.js's messages, as those
 * drivers report them, wrapped the way drizzle wraps them (DrizzleQueryError with `cause`).
 */

const fields = new Map([['users.email', 'email'], ['email', 'email'], ['orders.user_id', 'userId'], ['user_id', 'userId'], ['orders.first_name', 'firstName'], ['first_name', 'firstName']]);
const wrapped = (cause: object): Error => Object.assign(new Error('Failed query: insert into …'), { cause });

describe('mapDatabaseError', () => {
  it('reads PostgreSQL SQLSTATEs, through drizzle\'s wrapper', () => {
    expect(mapDatabaseError(wrapped({ code: '23505', table: 'users', detail: 'Key (email)=(a@b.c) already exists.' }), 'POST', fields))
      .toEqual({ status: 409, detail: 'email is already taken.', errors: [{ loc: ['body', 'email'], msg: 'is already taken', type: 'unique' }] });
    // A unique index on an expression names the column inside it; a composite key names both.
    expect(mapDatabaseError({ code: '23505', table: 'users', detail: 'Key (lower(email::text))=(a@b.c) already exists.' }, 'POST', fields)).toMatchObject({ status: 409, detail: 'email is already taken.' });
    expect(mapDatabaseError({ code: '23505', table: 'orders', detail: 'Key (user_id, first_name)=(1, x) already exists.' }, 'POST', fields)).toMatchObject({ status: 409, detail: 'userId, firstName are already taken.' });
    expect(mapDatabaseError({ code: '23503', table: 'orders', detail: 'Key (user_id)=(9) is not present in table "users".' }, 'PUT', fields))
      .toEqual({ status: 422, detail: 'userId points at a record that does not exist.', errors: [{ loc: ['body', 'userId'], msg: 'points at a record that does not exist', type: 'exists' }] });
    expect(mapDatabaseError({ code: '23503', table: 'users', detail: 'Key (id)=(1) is still referenced from table "orders".' }, 'POST', fields)).toMatchObject({ status: 409 });
    expect(mapDatabaseError({ code: '23502', table: 'orders', column: 'first_name' }, 'POST', fields)).toEqual({ status: 422, detail: 'firstName is required.', errors: [{ loc: ['body', 'firstName'], msg: 'is required', type: 'required' }] });
    expect(mapDatabaseError({ code: '23514', table: 'orders', constraint: 'orders_total_positive' }, 'POST', fields)).toEqual({ status: 422, detail: 'A value breaks the rule "orders_total_positive".' });
    expect(mapDatabaseError({ code: '22001' }, 'POST', fields)).toEqual({ status: 422, detail: 'A value is too long for its column.' });
  });

  it('answers 503 when the database is gone, and leaves other errors alone', () => {
    for (const lost of [{ code: 'ECONNREFUSED' }, { code: 'ECONNRESET' }, { code: '57P01' }, { code: '08006' }, { code: '53300' }, new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect')]) {
      expect(mapDatabaseError(wrapped(lost), 'GET', fields)).toEqual({ status: 503, detail: 'The database is unavailable; try again shortly.' });
    }
    expect(mapDatabaseError({ code: '42P01' }, 'GET', fields)).toBeUndefined();   // undefined table: a bug, a 500
    expect(mapDatabaseError(new TypeError('x is not a function'), 'GET', fields)).toBeUndefined();
    expect(mapDatabaseError(null, 'GET', fields)).toBeUndefined();
  });

  it('reads SQLite\'s messages', () => {
    expect(mapDatabaseError(wrapped(new Error('UNIQUE constraint failed: users.email')), 'POST', fields)).toMatchObject({ status: 409, detail: 'email is already taken.' });
    expect(mapDatabaseError(new Error('UNIQUE constraint failed: orders.user_id, orders.first_name'), 'POST', fields)).toMatchObject({ detail: 'userId, firstName are already taken.' });
    expect(mapDatabaseError(new Error("UNIQUE constraint failed: index 'users_lower_email'"), 'POST', fields)).toEqual({ status: 409, detail: 'A record with the same unique value already exists.' });
    expect(mapDatabaseError(new Error('NOT NULL constraint failed: orders.first_name'), 'POST', fields)).toMatchObject({ status: 422, detail: 'firstName is required.' });
    expect(mapDatabaseError(new Error('FOREIGN KEY constraint failed'), 'POST', fields)).toMatchObject({ status: 422 });
    expect(mapDatabaseError(new Error('FOREIGN KEY constraint failed'), 'DELETE', fields)).toMatchObject({ status: 409 });
    expect(mapDatabaseError(new Error('CHECK constraint failed: rating_range'), 'POST', fields)).toMatchObject({ status: 422, detail: 'A value breaks the rule "rating_range".' });
    expect(mapDatabaseError(new Error('no such table: users'), 'GET', fields)).toBeUndefined();
  });
});

import { eq } from 'drizzle-orm';
import { Database } from 'rivetjs/drizzle';
import { injectable } from 'tsyringe';
import { tablesOf, type Db, type Tables } from '../db/database';
import { hashPassword, verifyPassword } from './passwords';
import type { User } from './user.dto';

const toUser = (row: { id: number; email: string; role: string }): User => ({ id: row.id, email: row.email, role: row.role === 'admin' ? 'admin' : 'reader' });

/** Accounts, with their passwords hashed (scrypt). Emails are stored lower-cased: they compare without case. */
@injectable()
export class UsersRepository {
  readonly #users: Tables['users'];

  constructor(private readonly database: Database<Db>) {
    this.#users = tablesOf(database).users;
  }

  /**
   * A new account. The same email twice is refused by the table's unique constraint, not by a look-up first: with
   * several processes a look-up and an insert race, the constraint does not. Rivet answers it as a 409 at body.email.
   */
  async create(email: string, password: string, role: User['role'] = 'reader'): Promise<User> {
    const hash = await hashPassword(password);
    const [row] = await this.database.db.insert(this.#users).values({ email: email.toLowerCase(), passwordHash: hash, role }).returning();
    return toUser(row);
  }

  /** The account whose password matches, else `undefined` (the caller does not learn which part was wrong). */
  async verify(email: string, password: string): Promise<User | undefined> {
    const [row] = await this.database.db.select().from(this.#users).where(eq(this.#users.email, email.toLowerCase()));
    if (row === undefined) {
      await hashPassword(password);   // spend the same time as a real check, so timing does not reveal unknown emails
      return undefined;
    }
    return (await verifyPassword(password, row.passwordHash)) ? toUser(row) : undefined;
  }

  async find(id: number): Promise<User | undefined> {
    const [row] = await this.database.db.select().from(this.#users).where(eq(this.#users.id, id));
    return row === undefined ? undefined : toUser(row);
  }

  /** Creates the admin account from the config when it does not exist yet (another process may be doing the same). */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.database.db.insert(this.#users).values({ email: email.toLowerCase(), passwordHash: hash, role: 'admin' }).onConflictDoNothing();
  }
}

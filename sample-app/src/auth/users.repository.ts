import { ConflictError } from 'rivetjs';
import { injectable } from 'tsyringe';
import { Database, type Row } from '../db/database';
import { hashPassword, verifyPassword } from './passwords';
import type { User } from './user.dto';

const toUser = (row: Row): User => ({ id: Number(row.id), email: String(row.email), role: row.role === 'admin' ? 'admin' : 'reader' });

/** Accounts, with their passwords hashed (scrypt). */
@injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  /** A new account; 409 when the email is taken (emails compare without case). */
  async create(email: string, password: string, role: User['role'] = 'reader'): Promise<User> {
    const hash = await hashPassword(password);
    if (this.db.get('SELECT id FROM users WHERE email = ?', [email]) !== undefined) throw new ConflictError(`${email} already has an account.`);
    const { lastId } = this.db.run('INSERT INTO users (email, password_hash, role) VALUES (?, ?, ?)', [email, hash, role]);
    return { id: lastId, email, role };
  }

  /** The account whose password matches, else `undefined` (the caller does not learn which part was wrong). */
  async verify(email: string, password: string): Promise<User | undefined> {
    const row = this.db.get('SELECT * FROM users WHERE email = ?', [email]);
    if (row === undefined) {
      await hashPassword(password);   // spend the same time as a real check, so timing does not reveal unknown emails
      return undefined;
    }
    return (await verifyPassword(password, String(row.password_hash))) ? toUser(row) : undefined;
  }

  find(id: number): User | undefined {
    const row = this.db.get('SELECT * FROM users WHERE id = ?', [id]);
    return row === undefined ? undefined : toUser(row);
  }

  /** Creates the admin account from the config when it does not exist yet. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    if (this.db.get('SELECT id FROM users WHERE email = ?', [email]) === undefined) await this.create(email, password, 'admin');
  }
}

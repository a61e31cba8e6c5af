import { injectable } from 'tsyringe';
import { ConflictError } from 'rivetjs';
import { Database } from '../db/database.js';
import { hashPassword, verifyPassword } from './passwords.js';

export interface User {
  id: number;
  email: string;
  role: 'user' | 'admin';
}

@injectable()
export class UsersService {
  constructor(private readonly db: Database) {}

  async create(email: string, password: string, role: User['role'] = 'user'): Promise<User> {
    if (this.db.get('SELECT id FROM users WHERE email = ?', [email]) !== undefined) throw new ConflictError(`${email} is already registered.`);
    const { lastId } = this.db.run('INSERT INTO users (email, password_hash, role) VALUES (?, ?, ?)', [email, await hashPassword(password), role]);
    return { id: lastId, email, role };
  }

  /** The user whose password matches, or undefined. */
  async verify(email: string, password: string): Promise<User | undefined> {
    const row = this.db.get('SELECT id, email, role, password_hash FROM users WHERE email = ?', [email]);
    if (row === undefined || !(await verifyPassword(password, String(row.password_hash)))) return undefined;
    return { id: Number(row.id), email: String(row.email), role: row.role === 'admin' ? 'admin' : 'user' };
  }
}

import { eq } from 'drizzle-orm';
import { injectable } from 'tsyringe';
import { Database, type Db } from '../db/database.js';
import { users } from '../db/schema.js';
import { hashPassword, verifyPassword } from './passwords.js';

export interface User {
  id: number;
  email: string;
  role: 'user' | 'admin';
}

@injectable()
export class UsersService {
  constructor(private readonly database: Database<Db>) {}

  /**
   * A new account. A taken email is refused by the table's unique constraint, not by a look-up first (which races
   * when two requests sign up at once): Rivet answers it as a 409 naming `email`, and nothing is written.
   */
  async create(email: string, password: string, role: User['role'] = 'user'): Promise<User> {
    const [user] = await this.database.db.insert(users).values({ email: email.toLowerCase(), passwordHash: await hashPassword(password), role })
      .returning({ id: users.id, email: users.email, role: users.role });
    return user;
  }

  /** The user whose password matches, or undefined. */
  async verify(email: string, password: string): Promise<User | undefined> {
    const [row] = await this.database.db.select().from(users).where(eq(users.email, email.toLowerCase()));
    if (row === undefined || !(await verifyPassword(password, row.passwordHash))) return undefined;
    return { id: row.id, email: row.email, role: row.role };
  }
}

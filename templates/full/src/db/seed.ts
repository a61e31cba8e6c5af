import { eq } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.js';
import type { AppConfig } from '../config.js';
import type { Database, Db } from './database.js';
import { todos, users } from './schema.js';

/**
 * The admin account from ADMIN_EMAIL/ADMIN_PASSWORD, when both are set and it does not exist yet (an existing account
 * keeps its password). Runs at every start; ON CONFLICT DO NOTHING makes two processes starting at once safe.
 */
export async function ensureAdmin(database: Database<Db>, config: AppConfig): Promise<string | undefined> {
  if (config.ADMIN_EMAIL === undefined || config.ADMIN_PASSWORD === undefined) return undefined;
  const email = config.ADMIN_EMAIL.toLowerCase();
  await database.db.insert(users).values({ email, passwordHash: await hashPassword(config.ADMIN_PASSWORD), role: 'admin' }).onConflictDoNothing();
  return email;
}

/**
 * `npm run db:seed`: seed data, safe to load any number of times: the admin account, and a first todo for it when it
 * has none.
 */
export async function seed(database: Database<Db>, config: AppConfig): Promise<string> {
  const email = await ensureAdmin(database, config);
  if (email === undefined) return 'ADMIN_EMAIL and ADMIN_PASSWORD are not set: nothing to seed.';
  const [admin] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const [first] = await database.db.select({ id: todos.id }).from(todos).where(eq(todos.ownerId, admin.id)).limit(1);
  if (first === undefined) await database.db.insert(todos).values({ title: 'Read the data guide', ownerId: admin.id });
  return `Seeded: admin ${email}${first === undefined ? ' and a first todo' : ' (already there)'}.`;
}

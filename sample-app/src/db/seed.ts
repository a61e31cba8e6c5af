import { count, sql } from 'drizzle-orm';
import type { Database } from 'rivetjs/drizzle';
import { tablesOf, type Db } from './database';

const AUTHORS = [
  { id: 1, name: 'Ursula K. Le Guin', born: 1929 },
  { id: 2, name: 'Octavia E. Butler', born: 1947 },
  { id: 3, name: 'Ted Chiang', born: 1967 },
];
const BOOKS = [
  { id: 1, title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', year: 1968 },
  { id: 2, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { id: 3, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
  { id: 4, title: 'Stories of Your Life and Others', author: 'Ted Chiang', year: 2002 },
];
const REVIEWS = [
  { id: 1, bookId: 1, rating: 5, text: 'The shadow chapter still gives me chills.' },
  { id: 2, bookId: 1, rating: 4, text: 'Short, strange and wise.' },
  { id: 3, bookId: 3, rating: 5, text: 'Unputdownable.' },
];

/**
 * Loads the sample rows into a new database, idempotently: only when the books table is empty (so rows users
 * deleted or edited are never brought back), with fixed ids and ON CONFLICT DO NOTHING (so two processes seeding
 * at once store each row once). Returns whether it seeded.
 */
export async function seed(database: Database<Db>): Promise<boolean> {
  const t = tablesOf(database);
  const [{ n }] = await database.db.select({ n: count() }).from(t.books);
  if (Number(n) > 0) return false;
  await database.transaction(async () => {
    await database.db.insert(t.authors).values(AUTHORS).onConflictDoNothing();
    await database.db.insert(t.books).values(BOOKS).onConflictDoNothing();
    await database.db.insert(t.reviews).values(REVIEWS).onConflictDoNothing();
    if (database.dialect === 'postgres') {
      // Rows inserted with their ids leave the serial sequences behind: move them past the seeded ids.
      for (const table of ['authors', 'books', 'reviews']) {
        await database.db.execute(sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`));
      }
    }
  });
  return true;
}

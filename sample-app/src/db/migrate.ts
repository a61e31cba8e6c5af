import 'reflect-metadata';
import { loadConfig } from 'rivetjs';
import { AppConfig } from '../config';
import { openBookshelf } from './database';
import { seed } from './seed';

/**
 * `npm run db:migrate` (and `npm run db:seed`, with `--seed`): applies drizzle-kit's migrations for the database in
 * DATABASE_URL, then closes it. The app also migrates when it starts; this is for deploys that migrate first.
 */
async function main(): Promise<void> {
  const config = loadConfig(AppConfig);
  const database = await openBookshelf(config.DATABASE_URL);
  try {
    console.log(`Migrated ${database.dialect} database.`);
    if (process.argv.includes('--seed')) console.log((await seed(database)) ? 'Seeded the sample rows.' : 'Already has books: not seeded.');
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

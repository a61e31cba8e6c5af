import 'reflect-metadata';
import { loadConfig } from 'rivetjs';
import { AppConfig } from '../config.js';
import { openAppDatabase } from './database.js';
import { seed } from './seed.js';

/**
 * `npm run db:migrate`: applies the migrations in drizzle/ to DATABASE_URL (the app also does at start-up; deploys
 * often migrate first). `npm run db:seed` (`--seed`) then loads the seed data, idempotently.
 */
async function main(): Promise<void> {
  const config = loadConfig(AppConfig);
  const database = await openAppDatabase(config.DATABASE_URL);
  try {
    console.log(`Migrated the ${database.dialect} database.`);
    if (process.argv.includes('--seed')) console.log(await seed(database, config));
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

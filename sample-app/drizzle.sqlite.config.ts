import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` compares src/db/schema.sqlite.ts with the last snapshot and writes the SQL that gets there.
export default defineConfig({ dialect: 'sqlite', schema: './src/db/schema.sqlite.ts', out: './drizzle/sqlite' });

import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` compares src/db/schema.ts with the last snapshot and writes the SQL that gets there.
export default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle/postgres' });

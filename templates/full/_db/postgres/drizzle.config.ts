import { defineConfig } from 'drizzle-kit';

// `npm run db:generate`: compares src/db/schema.ts with drizzle/'s last snapshot and writes the SQL between them.
export default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle' });

import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// The tables, in TypeScript. After a change, `npm run db:generate` writes the migration (drizzle/), and the app
// applies it at start-up (or `npm run db:migrate` does, without starting).

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  // Stored lower-cased: the unique constraint refuses the same address in another case.
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['user', 'admin'] }).notNull().default('user'),
});

export const todos = sqliteTable('todos', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  done: integer('done', { mode: 'boolean' }).notNull().default(false),
  ownerId: integer('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
});

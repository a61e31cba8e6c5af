import { boolean, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';

// The tables, in TypeScript. After a change, `npm run db:generate` writes the migration (drizzle/), and the app
// applies it at start-up (or `npm run db:migrate` does, without starting).

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  // Stored lower-cased: the unique constraint refuses the same address in another case.
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['user', 'admin'] }).notNull().default('user'),
});

export const todos = pgTable('todos', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  done: boolean('done').notNull().default(false),
  ownerId: integer('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
});

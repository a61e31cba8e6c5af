import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';

/**
 * The bookshelf's tables for PostgreSQL. `schema.sqlite.ts` declares the same tables for embedded SQLite; keep the two
 * in step (same table, column and constraint names), then `npm run db:generate` writes a migration for each.
 * Repositories are typed with these tables and get the ones of the database in use from `Tables`.
 */
export const authors = pgTable('authors', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  born: integer('born'),
});

export const books = pgTable('books', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  author: text('author').notNull(),
  year: integer('year').notNull(),
}, (t) => [index('books_year').on(t.year)]);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  // Stored lower-cased, so that the unique constraint itself refuses the same address in another case.
  email: text('email').notNull().unique('users_email_unique'),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['reader', 'admin'] }).notNull().default('reader'),
}, (t) => [check('users_role', sql`${t.role} IN ('reader', 'admin')`)]);

export const reviews = pgTable('reviews', {
  id: serial('id').primaryKey(),
  bookId: integer('book_id').notNull().references(() => books.id, { onDelete: 'cascade' }),
  rating: integer('rating').notNull(),
  text: text('text').notNull(),
}, (t) => [index('reviews_book').on(t.bookId), check('reviews_rating', sql`${t.rating} BETWEEN 1 AND 5`)]);

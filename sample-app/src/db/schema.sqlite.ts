import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The bookshelf's tables for embedded SQLite: the same names and constraints as `schema.ts` (PostgreSQL). */
export const authors = sqliteTable('authors', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  born: integer('born'),
});

export const books = sqliteTable('books', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  author: text('author').notNull(),
  year: integer('year').notNull(),
}, (t) => [index('books_year').on(t.year)]);

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique('users_email_unique'),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['reader', 'admin'] }).notNull().default('reader'),
}, (t) => [check('users_role', sql`${t.role} IN ('reader', 'admin')`)]);

export const reviews = sqliteTable('reviews', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  bookId: integer('book_id').notNull().references(() => books.id, { onDelete: 'cascade' }),
  rating: integer('rating').notNull(),
  text: text('text').notNull(),
}, (t) => [index('reviews_book').on(t.bookId), check('reviews_rating', sql`${t.rating} BETWEEN 1 AND 5`)]);

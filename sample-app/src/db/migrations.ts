/**
 * Schema changes in order. The database's `user_version` counts how many have run, so each runs once per
 * database file. Append new ones; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE authors (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     born INTEGER
   )`,
  `CREATE TABLE books (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     title TEXT NOT NULL,
     author TEXT NOT NULL,
     year INTEGER NOT NULL
   );
   CREATE INDEX books_year ON books (year)`,
  // Seed data is a migration too: it runs once, on a new database, and never again after users edit the rows.
  `INSERT INTO authors (name, born) VALUES
     ('Ursula K. Le Guin', 1929), ('Octavia E. Butler', 1947), ('Ted Chiang', 1967);
   INSERT INTO books (title, author, year) VALUES
     ('A Wizard of Earthsea', 'Ursula K. Le Guin', 1968),
     ('The Left Hand of Darkness', 'Ursula K. Le Guin', 1969),
     ('Kindred', 'Octavia E. Butler', 1979),
     ('Stories of Your Life and Others', 'Ted Chiang', 2002)`,
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     email TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'admin'))
   )`,
  `CREATE TABLE reviews (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
     rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
     text TEXT NOT NULL
   );
   CREATE INDEX reviews_book ON reviews (book_id);
   INSERT INTO reviews (book_id, rating, text) VALUES
     (1, 5, 'The shadow chapter still gives me chills.'),
     (1, 4, 'Short, strange and wise.'),
     (3, 5, 'Unputdownable.')`,
];

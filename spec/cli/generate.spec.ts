import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kebabCase, runGenerateCommand, singular } from '../../lib/cli/generate';

let project: string;
const lines: string[] = [];
const log = (line: string) => { lines.push(line); };

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'rivet-generate-'));
  writeFileSync(join(project, 'package.json'), '{"name":"x"}');
  mkdirSync(join(project, 'src'));
  lines.length = 0;
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('kebabCase and singular', () => {
  it('normalizes names and singularizes the last word', () => {
    expect(['BookReviews', 'book_reviews', 'book reviews', ' book-reviews '].map(kebabCase)).toEqual(Array(4).fill('book-reviews'));
    expect(['books', 'categories', 'boxes', 'status', 'address', 'news-item'].map(singular)).toEqual(['book', 'category', 'box', 'status', 'address', 'news-item']);
  });
});

describe('runGenerateCommand', () => {
  it('writes a resource into src/<name>/ of the project around the working directory', () => {
    const written = runGenerateCommand({ kind: 'resource', name: 'BookReviews', force: false, cwd: join(project, 'src'), log });
    expect(written).toEqual(['book-reviews/book-review.dto.ts', 'book-reviews/book-reviews.service.ts', 'book-reviews/book-reviews.controller.ts', 'book-reviews/book-reviews.controller.test.ts']);
    const controller = readFileSync(join(project, 'src/book-reviews/book-reviews.controller.ts'), 'utf8');
    expect(controller).toContain("@Controller('/book-reviews', { tags: ['book-reviews'] })");
    expect(controller).toContain('export class BookReviewsController');
    expect(controller).toContain("import { CreateBookReview, UpdateBookReview, type BookReview } from './book-review.dto.js';");
    expect(controller).not.toMatch(/__[A-Z_]+__/);
    expect(lines[0]).toBe('Created book-reviews/book-review.dto.ts');
  });

  it('writes one file for a guard, a dto or a controller, into --path when given', () => {
    runGenerateCommand({ kind: 'guard', name: 'admin', force: false, cwd: project, log });
    runGenerateCommand({ kind: 'dto', name: 'create-user', path: 'src/users', force: false, cwd: project, log });
    expect(readFileSync(join(project, 'src/admin/admin.guard.ts'), 'utf8')).toContain('export class AdminGuard implements CanActivate');
    expect(readFileSync(join(project, 'src/users/create-user.dto.ts'), 'utf8')).toContain('export class CreateUser {');
  });

  it('refuses to overwrite without force and writes nothing then', () => {
    runGenerateCommand({ kind: 'controller', name: 'books', force: false, cwd: project, log });
    writeFileSync(join(project, 'src/books/books.controller.ts'), 'mine');
    expect(() => runGenerateCommand({ kind: 'resource', name: 'books', force: false, cwd: project, log })).toThrow(/books\.controller\.ts already exists\.\n {2}Fix: .*--force/);
    expect(readFileSync(join(project, 'src/books/books.controller.ts'), 'utf8')).toBe('mine');
    runGenerateCommand({ kind: 'resource', name: 'books', force: true, cwd: project, log });
    expect(readFileSync(join(project, 'src/books/books.controller.ts'), 'utf8')).toContain('BooksService');
  });

  it('writes a resource on the database of a full-template project: a guarded controller, a drizzle service, a table', () => {
    mkdirSync(join(project, 'src/db'));
    writeFileSync(join(project, 'src/db/database.ts'), "import { Database, openDatabase } from 'rivetjs/drizzle';\n");
    writeFileSync(join(project, 'src/db/schema.ts'), "import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';\n");
    runGenerateCommand({ kind: 'resource', name: 'BookReviews', force: false, cwd: project, log });
    const controller = readFileSync(join(project, 'src/book-reviews/book-reviews.controller.ts'), 'utf8');
    expect(controller).toContain('@Guard(AuthGuard, RolesGuard)');
    expect(controller).toContain("list(@Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number, @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number): Promise<BookReview[]> {");
    expect(controller).toContain("remove(@Param('id') id: number): Promise<void> {");
    const service = readFileSync(join(project, 'src/book-reviews/book-reviews.service.ts'), 'utf8');
    expect(service).toContain("import { bookReviews } from '../db/schema.js';");
    expect(service).toContain('this.database.db.insert(bookReviews)');
    expect(readFileSync(join(project, 'src/book-reviews/book-reviews.controller.test.ts'), 'utf8')).toContain("DATABASE_URL: ':memory:'");
    expect(readFileSync(join(project, 'src/db/schema.ts'), 'utf8')).toContain("export const bookReviews = sqliteTable('book_reviews', {");
    for (const file of ['controller', 'service', 'controller.test']) expect(readFileSync(join(project, `src/book-reviews/book-reviews.${file}.ts`), 'utf8')).not.toMatch(/__[A-Z_]+__/);
    // No drizzle-kit installed in this bare project: it says what to run.
    expect(lines).toContain('Added the book_reviews table to src/db/schema.ts');
    expect(lines).toContain('Run npm run db:generate (after npm install) to write its migration into drizzle/.');

    // Again with --force: the table is declared once.
    runGenerateCommand({ kind: 'resource', name: 'BookReviews', force: true, cwd: project, log });
    expect(readFileSync(join(project, 'src/db/schema.ts'), 'utf8').match(/export const bookReviews/g)).toHaveLength(1);
    expect(lines).toContain('src/db/schema.ts already declares bookReviews: left as it is.');
  });

  it('keeps a resource in memory, with explicit return types, in a project without a database', () => {
    runGenerateCommand({ kind: 'resource', name: 'books', force: false, cwd: project, log });
    const controller = readFileSync(join(project, 'src/books/books.controller.ts'), 'utf8');
    expect(controller).toContain("get(@Param('id') id: number): Book {");
    expect(readFileSync(join(project, 'src/books/books.service.ts'), 'utf8')).toContain('private readonly items = new Map<number, Book>();');
  });

  it('refuses a name that does not start with a letter', () => {
    expect(() => runGenerateCommand({ kind: 'controller', name: '42', force: false, cwd: project, log })).toThrow('"42" is not a usable name.');
  });
});

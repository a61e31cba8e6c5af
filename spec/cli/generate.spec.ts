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
    expect(controller).toContain("import { CreateBookReview, UpdateBookReview } from './book-review.dto.js';");
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

  it('refuses a name that does not start with a letter', () => {
    expect(() => runGenerateCommand({ kind: 'controller', name: '42', force: false, cwd: project, log })).toThrow('"42" is not a usable name.');
  });
});

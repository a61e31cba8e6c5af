import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DIALECTS, type DatabaseKind } from './new';
import { render, TEMPLATES, writeFromTemplate } from './scaffold';

/** What `rivet generate` makes. */
export const GENERATORS = ['controller', 'guard', 'dto', 'resource'] as const;
export type Generator = (typeof GENERATORS)[number];

/** Options of `rivet generate <kind> <name>`. */
export interface GenerateCommandOptions {
  kind: Generator;
  /** A name in any case: `books`, `BookReviews`, `book-reviews`. */
  name: string;
  /** The folder to write into, relative to `cwd`. Default: `src/<name>/` of the project around `cwd`. */
  path?: string;
  force: boolean;
  cwd?: string;
  log?: (line: string) => void;
}

/** `book-reviews` from `BookReviews`, `book_reviews` or `book reviews`. */
export function kebabCase(name: string): string {
  return name.trim().replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase();
}

const pascalCase = (kebab: string): string => kebab.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** English singular of the last word, good enough for resource names: `categories` → `category`, `books` → `book`. */
export function singular(kebab: string): string {
  if (/ies$/.test(kebab)) return kebab.replace(/ies$/, 'y');
  if (/(ss|us)$/.test(kebab)) return kebab;
  if (/(x|ch|sh|ss)es$/.test(kebab)) return kebab.replace(/es$/, '');
  return kebab.replace(/s$/, '');
}

/** The directory holding the nearest package.json at or above `from`, else `from`. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * The database of a project made from the full template (`src/db/schema.ts` with drizzle tables, `src/db/database.ts`
 * on rivetjs/drizzle): its dialect, read from the schema. `undefined` for a project without one (the minimal template).
 */
export function projectDatabase(root: string): DatabaseKind | undefined {
  const schema = join(root, 'src', 'db', 'schema.ts');
  const database = join(root, 'src', 'db', 'database.ts');
  if (!existsSync(schema) || !existsSync(database) || !readFileSync(database, 'utf8').includes('rivetjs/drizzle')) return undefined;
  const text = readFileSync(schema, 'utf8');
  return /\bpgTable\b/.test(text) ? 'postgres' : /\bsqliteTable\b/.test(text) ? 'sqlite' : undefined;
}

const camelCase = (kebab: string): string => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Writes the files of one generator from templates/generate/; returns their paths relative to `cwd`. */
export function runGenerateCommand(options: GenerateCommandOptions): string[] {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cwd = options.cwd ?? process.cwd();
  const file = kebabCase(options.name);
  if (file === '' || !/^[a-z]/.test(file)) throw new Error(`"${options.name}" is not a usable name.\n  Fix: start it with a letter, e.g. rivet generate ${options.kind} books.`);
  const root = projectRoot(cwd);
  const folder = options.path === undefined ? join(root, 'src', file) : resolve(cwd, options.path);
  const entity = singular(file);
  // In a project with a database (the full template), a resource is a table of it, guarded like the template's todos;
  // elsewhere it keeps its rows in memory.
  const db = options.kind === 'resource' ? projectDatabase(root) : undefined;
  const table = file.replace(/-/g, '_');
  const values = {
    FILE: file, CLASS: pascalCase(file), ROUTE: file, ENTITY: pascalCase(entity), FILE_ENTITY: entity,
    TABLE: table, TABLE_VAR: camelCase(file), TEST_DATABASE: db === undefined ? '' : DIALECTS[db].testDatabase,
  };
  const resource = db === undefined ? 'generate/resource' : 'generate/resource-drizzle';
  const plan: [string, string][] =
    options.kind === 'resource'
      ? [
          [`${resource}/dto.ts`, `${entity}.dto.ts`],
          [`${resource}/service.ts`, `${file}.service.ts`],
          [`${resource}/controller.ts`, `${file}.controller.ts`],
          [`${resource}/test.ts`, `${file}.controller.test.ts`],
        ]
      : [[`generate/${options.kind}.ts`, `${file}.${options.kind}.ts`]];
  const schemaFile = join(root, 'src', 'db', 'schema.ts');
  const declared = db !== undefined && new RegExp(`export const ${values.TABLE_VAR}\\b`).test(readFileSync(schemaFile, 'utf8'));
  // Check every target first, so a refusal leaves nothing half-written.
  if (!options.force) {
    const taken = plan.map(([, out]) => join(folder, out)).filter((p) => existsSync(p));
    if (taken.length > 0) throw new Error(`${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}.\n  Fix: pick another name, or pass --force to overwrite.`);
  }
  const written = plan.map(([template, out]) => {
    writeFromTemplate(template, join(folder, out), values, true);
    return relative(cwd, join(folder, out));
  });
  for (const w of written) log(`Created ${w}`);
  if (db !== undefined) {
    if (declared) {
      log(`src/db/schema.ts already declares ${values.TABLE_VAR}: left as it is.`);
    } else {
      appendFileSync(schemaFile, render(readFileSync(join(TEMPLATES, 'generate', 'resource-drizzle', `table.${db}.ts`), 'utf8'), values));
      log(`Added the ${table} table to src/db/schema.ts`);
    }
    migrate(root, table, log);
  }
  if (options.kind === 'controller' || options.kind === 'resource') {
    log(`Controllers matching *.controller.{ts,js} are discovered by createApp({ controllers: './**/*.controller.{ts,js}' }); otherwise add ${pascalCase(file)}Controller to controllers.`);
  }
  return written;
}

/** Runs the project's drizzle-kit to write the new table's migration; says what to run when it cannot. */
function migrate(root: string, table: string, log: (line: string) => void): void {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'drizzle-kit.cmd' : 'drizzle-kit');
  if (!existsSync(bin)) {
    log(`Run npm run db:generate (after npm install) to write its migration into drizzle/.`);
    return;
  }
  const res = spawnSync(bin, ['generate', '--name', `create_${table}`], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  if (res.status === 0) {
    log(`Wrote its migration into drizzle/ (drizzle-kit generate); the app applies it at start-up, or npm run db:migrate.`);
  } else {
    log(`drizzle-kit generate failed (exit ${String(res.status)}): ${(res.stderr || res.stdout || String(res.error)).trim().split('\n').slice(-3).join(' ')}\n  Fix the schema, then run npm run db:generate.`);
  }
}

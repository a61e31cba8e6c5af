import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeFromTemplate } from './scaffold';

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

/** Writes the files of one generator from templates/generate/; returns their paths relative to `cwd`. */
export function runGenerateCommand(options: GenerateCommandOptions): string[] {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cwd = options.cwd ?? process.cwd();
  const file = kebabCase(options.name);
  if (file === '' || !/^[a-z]/.test(file)) throw new Error(`"${options.name}" is not a usable name.\n  Fix: start it with a letter, e.g. rivet generate ${options.kind} books.`);
  const folder = options.path === undefined ? join(projectRoot(cwd), 'src', file) : resolve(cwd, options.path);
  const entity = singular(file);
  const values = { FILE: file, CLASS: pascalCase(file), ROUTE: file, ENTITY: pascalCase(entity), FILE_ENTITY: entity };
  const plan: [string, string][] =
    options.kind === 'resource'
      ? [
          ['generate/resource/dto.ts', `${entity}.dto.ts`],
          ['generate/resource/service.ts', `${file}.service.ts`],
          ['generate/resource/controller.ts', `${file}.controller.ts`],
          ['generate/resource/test.ts', `${file}.controller.test.ts`],
        ]
      : [[`generate/${options.kind}.ts`, `${file}.${options.kind}.ts`]];
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
  if (options.kind === 'controller' || options.kind === 'resource') {
    log(`Controllers matching *.controller.{ts,js} are discovered by createApp({ controllers: './**/*.controller.{ts,js}' }); otherwise add ${pascalCase(file)}Controller to controllers.`);
  }
  return written;
}

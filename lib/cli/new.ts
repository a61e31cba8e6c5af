import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { generateSecret } from '../config/secret';
import { dependencySpec, originOf, tail, type RivetOrigin } from './origin';
import { copyTemplate, TEMPLATES } from './scaffold';

/** The project templates under templates/. */
export const PROJECT_TEMPLATES = ['minimal', 'full'] as const;
export type ProjectTemplate = (typeof PROJECT_TEMPLATES)[number];
export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn'] as const;
/** The databases of `rivet new --db`: embedded SQLite (no server) or PostgreSQL. */
export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** Per database: the driver packages, the default DATABASE_URL and what the template's tests run on. */
export const DIALECTS: Record<DatabaseKind, { dependencies: Record<string, string>; devDependencies: Record<string, string>; url: (name: string) => string; testDatabase: string }> = {
  sqlite: {
    dependencies: { 'sql.js': '^1.13.0' },
    devDependencies: { '@types/sql.js': '^1.4.9' },
    url: () => 'data/app.sqlite',
    testDatabase: "DATABASE_URL: ':memory:',   // a new in-memory database for each run",
  },
  postgres: {
    dependencies: { pg: '^8.16.0' },
    devDependencies: { '@types/pg': '^8.15.0' },
    url: (name) => `postgres://postgres@localhost:5432/${name}`,
    testDatabase: '...(process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL }),   // else .env\'s',
  },
};
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Options of `rivet new`. */
export interface NewCommandOptions {
  /** The directory to create, relative to `cwd`; its base name becomes the package name. */
  name: string;
  template: ProjectTemplate;
  /** The full template's database (default `sqlite`); the minimal template has none. */
  db?: DatabaseKind;
  packageManager: PackageManager;
  /** `"type": "module"` in package.json (ES modules) instead of CommonJS. */
  esm: boolean;
  install: boolean;
  git: boolean;
  /** Write into a directory that is not empty. */
  force: boolean;
  /**
   * The `rivetjs` dependency spec, e.g. `file:../rivetjs-0.1.0.tgz`. Default: by where this CLI came from
   * (`^<its version>` from the registry, `file:<tarball>` from a tarball, a tarball packed into vendor/ from a
   * checkout or a copy with no record); see {@link originOf}.
   */
  rivet?: string;
  /** Where this copy of Rivet came from; default {@link originOf}() (tests set it). */
  origin?: RivetOrigin;
  cwd?: string;
  /** Where progress and next steps go. */
  log?: (line: string) => void;
}

/** A valid npm package name from a directory name: lower case, runs of other characters become '-'. */
export function packageNameOf(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name === '' ? 'rivet-app' : name;
}

/** Creates a project from a template; installs its dependencies and runs `git init` when asked. Resolves with the directory. */
export async function runNewCommand(options: NewCommandOptions): Promise<string> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.name);
  if (!(PROJECT_TEMPLATES as readonly string[]).includes(options.template)) {
    throw new Error(`Unknown template "${options.template}".\n  Fix: use --template ${PROJECT_TEMPLATES.join(' or --template ')}.`);
  }
  const db = options.db ?? 'sqlite';
  if (!(DATABASES as readonly string[]).includes(db)) {
    throw new Error(`Unknown database "${db}".\n  Fix: use --db ${DATABASES.join(' or --db ')}.`);
  }
  const overlay = join(TEMPLATES, options.template, '_db', db);
  if (options.db !== undefined && !existsSync(overlay)) {
    throw new Error(`The ${options.template} template has no database, so --db ${db} does not apply.\n  Fix: use --template full --db ${db}, or leave --db out.`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new Error(`${dir} is not empty.\n  Fix: pick a new directory name, or pass --force to write into it (existing files with the same names are overwritten).`);
  }
  const name = packageNameOf(dir);
  const values = {
    APP_NAME: name,
    RIVET_DEPENDENCY: options.rivet ?? dependencySpec(options.origin ?? originOf(), dir, log),
    JWT_SECRET: generateSecret(),
    ADMIN_PASSWORD: generateSecret(18),
    DATABASE_URL: DIALECTS[db].url(name),
    DEFAULT_DATABASE_URL: DIALECTS[db].url(name),
    TEST_DATABASE: DIALECTS[db].testDatabase,
  };
  const files = copyTemplate(join(TEMPLATES, options.template), dir, values);
  const hasDb = existsSync(overlay);
  if (hasDb) files.push(...copyTemplate(overlay, dir, values));
  const pkgFile = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  pkg.type = options.esm ? 'module' : 'commonjs';
  if (hasDb) {
    for (const key of ['dependencies', 'devDependencies'] as const) {
      pkg[key] = Object.fromEntries(Object.entries({ ...(pkg[key] as Record<string, string>), ...DIALECTS[db][key] }).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  log(`Created ${name} from the ${options.template} template in ${dir} (${files.length} files, ${options.esm ? 'ES modules' : 'CommonJS'}${hasDb ? `, ${db === 'sqlite' ? 'embedded SQLite' : 'PostgreSQL'}` : ''}).`);

  const rel = relative(cwd, dir) || '.';
  const pm = options.packageManager;
  if (options.git) run('git', ['init', '--quiet'], dir, log);
  if (options.install) {
    log(`Installing dependencies with ${pm}...`);
    await install(pm, dir, `cd ${quote(rel)} && ${pm} install`, log);
  }
  const script = (s: string) => (pm === 'npm' ? `npm run ${s}` : `${pm} ${s}`);
  log([
    '',
    'Next steps:',
    `  cd ${rel}`,
    ...(options.install ? [] : [`  ${pm} install`]),
    `  ${script('dev')}        # watch, rebuild and restart on save`,
    `  ${`${pm} test`.padEnd(script('dev').length)}        # build and run the tests`,
    `  ${script('build')} && ${pm} start`,
    ...(hasDb && db === 'postgres' ? [`  (PostgreSQL: create the database, or set DATABASE_URL in .env; then ${script('db:migrate')})`] : []),
    ...(options.template === 'full' ? ['  (.env holds a freshly generated JWT_SECRET and ADMIN_PASSWORD; it is git-ignored)'] : []),
  ].join('\n'));
  return dir;
}

/**
 * Runs the package manager's install with its output shown as it comes; on failure the error names the exit code,
 * repeats the last lines the package manager wrote (its error, which a long log scrolls away) and the retry command.
 */
function install(pm: PackageManager, cwd: string, retry: string, log: (line: string) => void): Promise<void> {
  // --prefer-offline: the packages were most often just fetched (npx rivet, or another project); npm then skips
  // revalidating each one with the registry, which took ~7 of the ~19 s of a template's install here.
  const args = pm === 'npm' ? ['install', '--no-audit', '--no-fund', '--prefer-offline'] : ['install'];
  return new Promise((done, fail) => {
    const child = spawn(pm, args, { cwd, stdio: ['ignore', 'inherit', 'pipe'], shell: process.platform === 'win32' });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      errors = (errors + chunk.toString()).slice(-16_384);
    });
    child.on('error', (err) => fail(new Error(`Could not run ${pm}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) { log(`Ran ${pm} install.`); done(); return; }
      const said = tail(errors);
      fail(new Error(`${pm} ${args.join(' ')} failed (exit ${code}) in ${cwd}.${said === '' ? '' : `\n${pm} said:\n${said}`}\n  Fix what it reports, then retry: ${retry}`));
    });
  });
}

const quote = (path: string): string => (/^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`);

function run(command: string, args: string[], cwd: string, log: (line: string) => void): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (result.error !== undefined) throw new Error(`Could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}) in ${cwd}.`);
  log(`Ran ${command} ${args[0]}.`);
}

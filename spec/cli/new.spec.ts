import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageNameOf, runNewCommand, type NewCommandOptions } from '../../lib/cli/new';
import { createProgram } from '../../lib/cli';

let work: string;
const lines: string[] = [];
const base = (over: Partial<NewCommandOptions>): NewCommandOptions => ({
  name: 'api', template: 'minimal', packageManager: 'npm', esm: false, install: false, git: false, force: false, cwd: work, log: (l) => { lines.push(l); }, ...over,
});

beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'rivet-new-unit-')); lines.length = 0; });
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('runNewCommand', () => {
  it('renders the template with the package name, the rivet spec and dotfiles, and prints next steps', async () => {
    await runNewCommand(base({ name: 'My Shop', rivet: 'file:../rivet.tgz' }));
    const dir = join(work, 'My Shop');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'my-shop', type: 'commonjs', dependencies: { rivetjs: 'file:../rivet.tgz' } });
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toContain("openapi: { title: 'my-shop'");
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);
    expect(existsSync(join(dir, '_gitignore'))).toBe(false);
    expect(lines.join('\n')).toContain('Next steps:\n  cd My Shop\n  npm install\n  npm run dev');
  });

  it('writes a fresh JWT secret into the full template\'s .env and marks ESM projects as modules; a registry copy depends on ^version', async () => {
    await runNewCommand(base({ template: 'full', esm: true, origin: { kind: 'registry', name: 'rivetjs', version: '0.1.0' } }));
    const env = readFileSync(join(work, 'api/.env'), 'utf8');
    expect(env).toMatch(/^JWT_SECRET=[A-Za-z0-9_-]{43}$/m);
    expect(env).toMatch(/^ADMIN_PASSWORD=[A-Za-z0-9_-]{24}$/m);
    expect(JSON.parse(readFileSync(join(work, 'api/package.json'), 'utf8'))).toMatchObject({ type: 'module', dependencies: { rivetjs: '^0.1.0' } });
  });

  it('writes the full template on embedded SQLite by default, and on PostgreSQL with db: postgres', async () => {
    await runNewCommand(base({ name: 'lite', template: 'full', rivet: '^0.1.0' }));
    await runNewCommand(base({ name: 'shop', template: 'full', db: 'postgres', rivet: '^0.1.0' }));
    const lite = join(work, 'lite');
    const shop = join(work, 'shop');
    expect(readFileSync(join(lite, 'src/db/schema.ts'), 'utf8')).toContain("sqliteTable('users'");
    expect(readFileSync(join(shop, 'src/db/schema.ts'), 'utf8')).toContain("pgTable('users'");
    expect(readFileSync(join(lite, 'drizzle.config.ts'), 'utf8')).toContain("dialect: 'sqlite'");
    expect(readFileSync(join(shop, 'drizzle.config.ts'), 'utf8')).toContain("dialect: 'postgresql'");
    expect(readFileSync(join(lite, 'drizzle/0000_init.sql'), 'utf8')).toContain('CREATE TABLE `todos`');
    expect(readFileSync(join(shop, 'drizzle/0000_init.sql'), 'utf8')).toContain('CREATE TABLE "todos"');
    expect(readFileSync(join(lite, '.env'), 'utf8')).toMatch(/^DATABASE_URL=data\/app\.sqlite$/m);
    expect(readFileSync(join(shop, '.env'), 'utf8')).toMatch(/^DATABASE_URL=postgres:\/\/postgres@localhost:5432\/shop$/m);
    expect(readFileSync(join(lite, 'src/app.test.ts'), 'utf8')).toContain("DATABASE_URL: ':memory:'");
    const liteDeps = JSON.parse(readFileSync(join(lite, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
    const shopDeps = JSON.parse(readFileSync(join(shop, 'package.json'), 'utf8')) as typeof liteDeps;
    expect(Object.keys(liteDeps.dependencies)).toEqual(['class-transformer', 'class-validator', 'drizzle-orm', 'reflect-metadata', 'rivetjs', 'sql.js', 'tsyringe']);
    expect(Object.keys(shopDeps.dependencies)).toEqual(['class-transformer', 'class-validator', 'drizzle-orm', 'pg', 'reflect-metadata', 'rivetjs', 'tsyringe']);
    expect(shopDeps.devDependencies).toHaveProperty('drizzle-kit');
    expect(shopDeps.scripts).toMatchObject({ 'db:generate': 'drizzle-kit generate', 'db:migrate': 'npm run build && node dist/db/migrate.js' });
    for (const dir of [lite, shop]) {
      expect(existsSync(join(dir, '_db'))).toBe(false);
      expect(readFileSync(join(dir, 'src/db/database.ts'), 'utf8')).toContain("from 'rivetjs/drizzle'");
    }
    expect(lines.join('\n')).toContain('(PostgreSQL: create the database, or set DATABASE_URL in .env; then npm run db:migrate)');
  });

  it('refuses --db for the minimal template, which has no database', async () => {
    await expect(runNewCommand(base({ db: 'postgres', rivet: '^0.1.0' }))).rejects.toThrow('The minimal template has no database, so --db postgres does not apply.\n  Fix: use --template full --db postgres, or leave --db out.');
    expect(existsSync(join(work, 'api'))).toBe(false);
  });

  it('refuses a non-empty directory unless forced', async () => {
    mkdirSync(join(work, 'api'));
    writeFileSync(join(work, 'api/notes.txt'), 'x');
    await expect(runNewCommand(base({ rivet: '^0.1.0' }))).rejects.toThrow(`${join(work, 'api')} is not empty.`);
    await runNewCommand(base({ force: true, rivet: '^0.1.0' }));
    expect(existsSync(join(work, 'api/src/main.ts'))).toBe(true);
  });

  it('derives valid package names', () => {
    expect(['My App', '.hidden', '---', 'ok_name~1'].map(packageNameOf)).toEqual(['my-app', 'hidden', 'rivet-app', 'ok_name~1']);
  });
});

describe('rivet CLI', () => {
  const parse = async (args: string[]) => {
    const out: string[] = [];
    const program = createProgram().exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
    for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
    let error: unknown;
    try { await program.parseAsync(['node', 'rivet', ...args]); } catch (err) { error = err; }
    return { out: out.join(''), error };
  };

  it('lists every command with examples in --help', async () => {
    const { out } = await parse(['--help']);
    for (const c of ['new', 'generate', 'dev', 'routes', 'openapi', 'client', 'secret']) expect(out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(out).toContain('$ rivet new my-api --template full');
  });

  it('offers --db sqlite|postgres', async () => {
    expect((await parse(['new', 'x', '--db', 'mysql'])).out).toContain("argument 'mysql' is invalid. Allowed choices are sqlite, postgres.");
    expect((await parse(['new', '--help'])).out).toMatch(/--db <database> +database of the full template/);
  });

  it('rejects an unknown template and conflicting module flags', async () => {
    expect((await parse(['new', 'x', '--template', 'huge'])).out).toContain("argument 'huge' is invalid. Allowed choices are minimal, full.");
    expect((await parse(['new', 'x', '--esm', '--cjs'])).out).toContain("option '--esm' cannot be used with option '--cjs'");
  });

  it('prints a secret of the requested size', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await parse(['secret', '--bytes', '48', '--encoding', 'hex']);
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/^[0-9a-f]{96}\n$/));
    } finally {
      write.mockRestore();
    }
  });
});

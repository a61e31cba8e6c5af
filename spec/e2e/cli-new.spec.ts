import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packRivet, type PackedRivet } from '../cli/pack';

/**
 * `rivet new` end to end, as a user runs it: Rivet packed with `npm pack`, each template generated into a temp
 * directory without prompts (stdin is not a terminal), installed from the registry, built, started, called, tested.
 */

let packed: PackedRivet;
let work: string;

beforeAll(() => {
  packed = packRivet();
  work = mkdtempSync(join(tmpdir(), 'rivet-new-'));
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(packed.dir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const res = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${res.status}:\n${output}`);
  return output;
}

/** Starts `node dist/main.js` on a free port; resolves with its URL once it prints it. */
function start(dir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no "listening on" line in 15 s:\n${output}`)); }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m !== null) { clearTimeout(timer); resolve({ url: m[1], child }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before listening:\n${output}`)); });
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => { child.removeAllListeners('exit'); child.on('exit', () => resolve()); child.kill('SIGTERM'); });

describe('rivet new', () => {
  it('creates the minimal template: it installs, builds, starts, answers, its tests pass, and so do those of a generated resource', async () => {
    const out = run(process.execPath, [packed.cli, 'new', 'minimal-api', '--template', 'minimal', '--package-manager', 'npm', '--rivet', `file:${packed.tarball}`], work);
    expect(out).toContain('Created minimal-api from the minimal template');
    expect(out).toMatch(/Next steps:\n {2}cd minimal-api\n/);
    const dir = join(work, 'minimal-api');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'minimal-api', type: 'commonjs', dependencies: { rivetjs: `file:${packed.tarball}` } });
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);

    run('npm', ['run', 'build'], dir);
    const { url, child } = await start(dir);
    try {
      const res = await fetch(`${url}/hello?name=CI`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ message: 'Hello, CI!' });
    } finally {
      await stop(child);
    }
    expect(run('npm', ['test'], dir)).toMatch(/# pass 2\n# fail 0/);

    // A generated resource is discovered and its own test passes at once.
    // The project's own rivet (node_modules/.bin), with the templates shipped in the package.
    expect(run('npx', ['--no-install', 'rivet', 'generate', 'resource', 'books'], dir)).toContain('Created src/books/books.controller.test.ts');
    expect(run('npm', ['test'], dir)).toMatch(/# pass 4\n# fail 0/);
    const again = await start(dir);
    try {
      expect(await (await fetch(`${again.url}/books`)).json()).toEqual([]);
    } finally {
      await stop(again.child);
    }
  }, 150_000);

  it('creates the full template: JWT auth, SQLite CRUD, health and metrics work, and its tests pass', async () => {
    run(process.execPath, [packed.cli, 'new', 'full-api', '--template', 'full', '--package-manager', 'npm', '--rivet', `file:${packed.tarball}`], work);
    const dir = join(work, 'full-api');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(/^JWT_SECRET=[A-Za-z0-9_-]{43}$/m);

    run('npm', ['run', 'build'], dir);
    const { url, child } = await start(dir, { DATABASE_FILE: join(dir, 'data', 'e2e.sqlite') });
    try {
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      const signup = await fetch(`${url}/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'e2e@example.com', password: 'a long enough password' }) });
      expect(signup.status).toBe(201);
      const { token } = (await signup.json()) as { token: string };
      const created = await fetch(`${url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: 'ship it' }) });
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ id: 1, title: 'ship it', done: false, ownerId: 2 });
    } finally {
      await stop(child);
    }
    expect(existsSync(join(dir, 'data', 'e2e.sqlite'))).toBe(true);
    expect(run('npm', ['test'], dir)).toMatch(/# pass 7\n# fail 0/);
  }, 150_000);

  it('creates an ES module project with --esm that builds, starts and passes its tests', async () => {
    run(process.execPath, [packed.cli, 'new', 'esm-api', '--esm', '--template', 'minimal', '--package-manager', 'npm', '--rivet', `file:${packed.tarball}`], work);
    const dir = join(work, 'esm-api');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    expect(run('npm', ['test'], dir)).toMatch(/# pass 2\n# fail 0/);
    const { url, child } = await start(dir);
    try {
      expect(await (await fetch(`${url}/hello`)).json()).toEqual({ message: 'Hello, world!' });
    } finally {
      await stop(child);
    }
  }, 90_000);

  it('rivet dev serves an edited controller within 2 s, prints compile errors and keeps the last good build', async () => {
    run(process.execPath, [packed.cli, 'new', 'dev-api', '--template', 'minimal', '--package-manager', 'npm', '--rivet', `file:${packed.tarball}`], work);
    const dir = join(work, 'dev-api');
    const controller = join(dir, 'src/hello/hello.controller.ts');
    const dev = spawn(process.execPath, [packed.cli, 'dev', '--port', '0', '--log-level', 'silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    dev.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    dev.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    const waitFor = async (predicate: () => boolean, ms: number, what: string) => {
      for (const end = Date.now() + ms; !predicate(); await new Promise((r) => setTimeout(r, 25))) {
        if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms:\n${output}`);
      }
    };
    const urls = () => [...output.matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1]);
    try {
      await waitFor(() => urls().length === 1, 30_000, 'first start');
      expect(await (await fetch(`${urls()[0]}/hello`)).json()).toEqual({ message: 'Hello, world!' });

      const saved = Date.now();
      writeFileSync(controller, readFileSync(controller, 'utf8').replace('Hello, ', 'Howdy, '));
      await waitFor(() => urls().length === 2, 2_000, 'restart');
      expect(await (await fetch(`${urls()[1]}/hello`)).json()).toEqual({ message: 'Howdy, world!' });
      expect(Date.now() - saved).toBeLessThan(2_000);

      writeFileSync(controller, readFileSync(controller, 'utf8').replace('return {', 'return {{'));
      await waitFor(() => output.includes('the previous build keeps running'), 5_000, 'compile error report');
      expect(output).toMatch(/hello\.controller\.ts.*error.*TS\d+/);
      expect(await (await fetch(`${urls()[1]}/hello`)).json()).toEqual({ message: 'Howdy, world!' });
    } finally {
      await stop(dev);
    }
  }, 90_000);

  it('prompts for what is not given when run in a terminal', async () => {
    // util-linux `script` gives the CLI a pseudo-terminal, as a user's shell would.
    const child = spawn('script', ['-qec', `${process.execPath} ${packed.cli} new tty-api --no-install --package-manager npm`, '/dev/null'], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let answered = false;
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (!answered && out.includes('Template')) {
        answered = true;
        // Down to "full", then Enter; spaced out so the prompt reads them as two keys.
        setTimeout(() => child.stdin!.write('\x1b[B'), 100);
        setTimeout(() => child.stdin!.write('\r'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, out: out.includes('Created tty-api from the full template') }).toEqual({ code: 0, out: true });
    expect(existsSync(join(work, 'tty-api', 'src', 'db', 'database.ts'))).toBe(true);
  }, 20_000);

  it('refuses a directory that is not empty unless --force is given', () => {
    const dir = join(work, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const refused = spawnSync(process.execPath, [packed.cli, 'new', 'taken', '--no-install'], { cwd: work, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${dir} is not empty.`);
    expect(refused.stderr).toContain('--force');
    run(process.execPath, [packed.cli, 'new', 'taken', '--no-install', '--force'], work);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'src', 'app.ts'))).toBe(true);
  });
});

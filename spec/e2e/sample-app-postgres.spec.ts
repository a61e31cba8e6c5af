import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { buildApp } from '../../sample-app/src/app';
import { openBookshelf } from '../../sample-app/src/db/database';
import { seed } from '../../sample-app/src/db/seed';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';
import { useSampleDatabase } from '../helpers/sample-database';

/** The sample app on a real PostgreSQL: its whole spec suite, then several processes writing at once. */

const KEY = 'test-key';
const MAIN = join(__dirname, '../../sample-app/src/main.ts');

/** Starts sample-app/src/main.ts in a child process; resolves with its URL once it listens, rejects when it exits first. */
function startMain(env: Record<string, string>): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = fork(MAIN, [], {
    execArgv: ['-r', join(__dirname, 'fixtures/register-sample.js')],
    env: { ...process.env, PORT: '0', API_KEY: KEY, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m !== null) resolve(m[1]);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`sample app exited with ${String(code)}:\n${out}`)));
  });
  return { child, url, output: () => out };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describePostgres('sample app on PostgreSQL', () => {
  let server: PostgresServer;
  let n = 0;

  beforeAll(async () => {
    server = await startPostgres();
    // One migrated, seeded database; each test gets a copy (CREATE DATABASE … TEMPLATE), as cheap as a new SQLite one.
    const template = await openBookshelf(await server.createDatabase('bookshelf'));
    await seed(template);
    await template.close();
  }, 60_000);
  afterAll(() => server?.stop());

  useSampleDatabase(() => server.createDatabase(`test_${++n}`, 'bookshelf'));
  // The same specs as on SQLite, registered here with this file's database.
  require('./sample-app.spec');

  describe('several processes on one database', () => {
    let main: ChildProcess | undefined;
    afterEach(async () => { if (main !== undefined) await stopChild(main); });

    it('loses no write: two workers and a second instance, concurrent signups and reviews', async () => {
      const url = await server.createDatabase('shared', 'bookshelf');
      const started = startMain({ DATABASE_URL: url, WORKERS: '2' });
      main = started.child;
      const first = await started.url;
      const other = await buildApp({ apiKey: KEY, database: url });
      const second = (await other.listen({ port: 0 })).url;
      try {
        // The same email from 12 clients at once, spread over both instances (and both workers of the first).
        const signups = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
          const res = await request(`${i % 2 === 0 ? first : second}/auth/signup`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: i % 3 === 0 ? 'Race@Example.com' : 'race@example.com', password: 'correct horse battery' }),
          });
          return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
        }));
        expect(signups.filter((s) => s.status === 201)).toHaveLength(1);
        const conflicts = signups.filter((s) => s.status === 409);
        expect(conflicts).toHaveLength(11);
        expect(conflicts[0].body).toEqual({
          type: 'about:blank', title: 'Conflict', status: 409, detail: 'email is already taken.', instance: '/auth/signup',
          errors: [{ loc: ['body', 'email'], msg: 'is already taken', type: 'unique' }],
        });

        // 30 reviews at once over both instances: every one stored, each with its own id.
        const posted = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
          const res = await request(`${i % 2 === 0 ? first : second}/reviews`, {
            method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify({ bookId: 2, rating: 1 + (i % 5), text: `review ${i}` }),
          });
          return { status: res.statusCode, body: (await res.body.json()) as { id: number; text: string } };
        }));
        expect(posted.map((p) => p.status)).toEqual(Array(30).fill(201));
        expect(new Set(posted.map((p) => p.body.id)).size).toBe(30);
        const page = await request(`${first}/reviews?bookId=2&limit=100`);
        const stored = (await page.body.json()) as { total: number; items: { text: string }[] };
        expect(stored.total).toBe(30);
        expect(stored.items.map((r) => r.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `review ${i}`).sort());

        // The database stops: both instances' /ready answer 503; it comes back: 200 again, with no restart of the app.
        const ready = async (base: string): Promise<number> => (await request(`${base}/ready`)).statusCode;
        await server.pause();
        expect([await ready(first), await ready(second)]).toEqual([503, 503]);
        await server.start();
        expect([await ready(first), await ready(second)]).toEqual([200, 200]);
      } finally {
        await other.close();
      }
    }, 60_000);

    it('refuses workers on the embedded SQLite database at start-up', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bookshelf-'));
      try {
        const started = startMain({ DATABASE_URL: join(dir, 'bookshelf.sqlite'), WORKERS: '2' });
        main = started.child;
        await expect(started.url).rejects.toThrow(/RIVET_DB_SQLITE_WORKERS[^]*each process would hold its own copy/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);
  });
});

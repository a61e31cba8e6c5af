import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { IsInt, IsString } from 'class-validator';
import { Body, Controller, createApp, Delete, Get, Param, Post, type App } from 'rivetjs';
import { Database, openDatabase, Transactional } from 'rivetjs/drizzle';
import { injectable } from 'tsyringe';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';
import { waitFor } from '../helpers/wait';
import * as pgSchema from './fixtures/schema.postgres';
import * as sqliteSchema from './fixtures/schema.sqlite';

/** rivetjs/drizzle on both databases: one conformance suite, run on embedded SQLite and on a real PostgreSQL. */

type Db = NodePgDatabase<typeof pgSchema>;
const PROBLEM = 'application/problem+json; charset=utf-8';

class NewAuthor { @IsString() penName!: string }
class NewBook { @IsString() title!: string; @IsInt() authorId!: number; @IsInt() rating!: number }

@injectable()
class Library {
  // The tables of whichever dialect the database speaks; typed as PostgreSQL's, which have the same columns.
  readonly t: typeof pgSchema;
  constructor(readonly database: Database<Db>) {
    this.t = (database.dialect === 'sqlite' ? sqliteSchema : pgSchema) as unknown as typeof pgSchema;
  }
  get db(): Db { return this.database.db; }
}

@Controller('/')
class LibraryController {
  constructor(private readonly lib: Library) {}

  @Post('/authors')
  async author(@Body() body: NewAuthor): Promise<unknown> {
    const [row] = await this.lib.db.insert(this.lib.t.authors).values({ penName: body.penName }).returning();
    return row;
  }

  @Post('/books')
  async book(@Body() body: NewBook): Promise<unknown> {
    const [row] = await this.lib.db.insert(this.lib.t.books).values(body).returning();
    return row;
  }

  // Title left out on purpose: the database's NOT NULL is what refuses it.
  @Post('/untitled')
  async untitled(@Body() body: NewBook): Promise<unknown> {
    return this.lib.db.insert(this.lib.t.books).values({ authorId: body.authorId, rating: body.rating, title: null as unknown as string }).returning();
  }

  @Delete('/authors/:id')
  async remove(@Param('id') id: number): Promise<void> {
    await this.lib.db.delete(this.lib.t.authors).where(eq(this.lib.t.authors.id, id));
  }

  @Get('/authors/count')
  async count(): Promise<{ n: number }> {
    const [row] = await this.lib.db.select({ n: count() }).from(this.lib.t.authors);
    return { n: Number(row.n) };
  }

  // Two inserts in one transaction; the second fails when asked to, and takes the first with it.
  @Post('/pair')
  @Transactional()
  async pair(@Body() body: NewAuthor): Promise<{ inTransaction: boolean }> {
    await this.lib.db.insert(this.lib.t.authors).values({ penName: `${body.penName} (1)` });
    await new Promise((r) => setImmediate(r));   // an await between the writes: the transaction follows the request
    if (body.penName.startsWith('fail')) throw new Error('second write failed');
    await this.lib.db.insert(this.lib.t.authors).values({ penName: `${body.penName} (2)` });
    return { inTransaction: this.lib.database.inTransaction };
  }

  // Holds its transaction open until the spec opens the gate.
  @Post('/held')
  @Transactional()
  async held(@Body() body: NewAuthor): Promise<void> {
    await this.lib.db.insert(this.lib.t.authors).values({ penName: body.penName });
    gate.entered();
    await gate.open;
  }

  // The unique violation happens inside the transaction: rolled back, and still a 409.
  @Post('/pair-duplicate')
  @Transactional()
  async duplicate(@Body() body: NewAuthor): Promise<void> {
    await this.lib.db.insert(this.lib.t.authors).values({ penName: `${body.penName} (new)` });
    await this.lib.db.insert(this.lib.t.authors).values({ penName: body.penName });
  }
}

/** A gate the /held route waits at, with the transaction open. */
const gate = { entered: () => {}, open: Promise.resolve() };

function suite(dialect: 'sqlite' | 'postgres', url: () => Promise<string>): void {
  describe(`the conformance suite on ${dialect}`, () => {
  let database: Database<Db>;
  let app: App;

  beforeEach(async () => {
    database = await openDatabase<Db>({ url: await url(), schema: dialect === 'sqlite' ? sqliteSchema : pgSchema, migrations: join(__dirname, 'fixtures', dialect) });
    app = createApp({
      controllers: [LibraryController],
      providers: database.providers,
      plugins: [database.plugin],
      health: { checks: { database } },
      metrics: true,
      logger: false,
    });
  });
  afterEach(() => app.close());

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, body: payload });

  it('applies the drizzle-kit migrations and answers the readiness check', async () => {
    expect(database.dialect).toBe(dialect);
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'up', checks: { database: { status: 'up', durationMs: expect.any(Number) } } });
  });

  it('answers a unique violation with 409 naming the field', async () => {
    expect((await post('/authors', { penName: 'Le Guin' })).status).toBe(201);
    const res = await post('/authors', { penName: 'Le Guin' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(JSON.parse(res.body)).toEqual({
      type: 'about:blank', title: 'Conflict', status: 409, detail: 'penName is already taken.', instance: '/authors',
      errors: [{ loc: ['body', 'penName'], msg: 'is already taken', type: 'unique' }],
    });
  });

  it('answers a write that points at nothing with 422, and a DELETE of a referenced row with 409', async () => {
    const missing = await post('/books', { title: 'Kindred', authorId: 99, rating: 5 });
    expect(missing.status).toBe(422);
    expect(missing.headers['content-type']).toBe(PROBLEM);
    // PostgreSQL names the column; SQLite says only that a foreign key failed.
    expect(JSON.parse(missing.body)).toEqual(dialect === 'postgres'
      ? { type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'authorId points at a record that does not exist.', instance: '/books', errors: [{ loc: ['body', 'authorId'], msg: 'points at a record that does not exist', type: 'exists' }] }
      : { type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'A reference points at a record that does not exist.', instance: '/books' });

    const author = JSON.parse((await post('/authors', { penName: 'Butler' })).body) as { id: number };
    expect((await post('/books', { title: 'Kindred', authorId: author.id, rating: 5 })).status).toBe(201);
    const referenced = await app.inject({ method: 'DELETE', url: `/authors/${author.id}` });
    expect(referenced.status).toBe(409);
    expect(JSON.parse(referenced.body)).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'Other records still refer to this one; remove them first.', instance: `/authors/${author.id}` });
  });

  it('answers not-null and check violations with 422', async () => {
    const author = JSON.parse((await post('/authors', { penName: 'Chiang' })).body) as { id: number };
    const untitled = await post('/untitled', { title: 'x', authorId: author.id, rating: 3 });
    expect(untitled.status).toBe(422);
    expect(JSON.parse(untitled.body)).toEqual({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'title is required.', instance: '/untitled', errors: [{ loc: ['body', 'title'], msg: 'is required', type: 'required' }] });
    const rating = await post('/books', { title: 'Exhalation', authorId: author.id, rating: 9 });
    expect(rating.status).toBe(422);
    expect(JSON.parse(rating.body)).toEqual({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'A value breaks the rule "books_rating_range".', instance: '/books' });
  });

  it('commits a @Transactional route that succeeds and rolls back one that throws', async () => {
    const ok = await post('/pair', { penName: 'ok' });
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.body)).toEqual({ inTransaction: true });
    const failed = await post('/pair', { penName: 'fail' });
    expect(failed.status).toBe(500);
    const dup = await post('/pair-duplicate', { penName: 'ok (1)' });
    expect(dup.status).toBe(409);
    expect(JSON.parse(dup.body)).toMatchObject({ detail: 'penName is already taken.' });
    // ok (1) and ok (2) only: nothing of the failed pair nor of the duplicate's first insert.
    expect(JSON.parse((await app.inject({ method: 'GET', url: '/authors/count' })).body)).toEqual({ n: 2 });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('db_transactions_total{outcome="commit"} 1');
    expect(metrics).toContain('db_transactions_total{outcome="rollback"} 2');
    expect(metrics).toMatch(/db_pool_connections\{state="total"\} \d+/);
  });

  it('keeps concurrent transactions apart: each commits or rolls back its own writes', async () => {
    const names = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? `w${i}` : `fail${i}`));
    const answers = await Promise.all(names.map((n) => post('/pair', { penName: n })));
    expect(answers.map((a) => a.status)).toEqual(names.map((n) => (n.startsWith('fail') ? 500 : 201)));
    expect(JSON.parse((await app.inject({ method: 'GET', url: '/authors/count' })).body)).toEqual({ n: 8 });
  });

  it('closes the database when the app closes', async () => {
    await app.close();
    await expect(database.check()).rejects.toThrow();
  });
  });
}

describe('rivetjs/drizzle on embedded SQLite', () => {
  suite('sqlite', async () => ':memory:');

  it('writes committed changes to its file and reads them back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivet-sqlite-'));
    try {
      const file = join(dir, 'nested', 'app.sqlite');
      const first = await openDatabase<Db>({ url: `file:${file}`, schema: sqliteSchema, migrations: join(__dirname, 'fixtures', 'sqlite') });
      await first.db.insert(sqliteSchema.authors as unknown as typeof pgSchema.authors).values({ penName: 'Le Guin' });
      await waitFor(() => existsSync(file), 2000);
      await first.transaction(async () => {
        await first.db.insert(sqliteSchema.authors as unknown as typeof pgSchema.authors).values({ penName: 'Butler' });
      });
      await first.close();
      const second = await openDatabase<Db>({ url: file, schema: sqliteSchema, migrations: join(__dirname, 'fixtures', 'sqlite') });
      const rows = await second.db.select().from(sqliteSchema.authors as unknown as typeof pgSchema.authors);
      expect(rows).toEqual([{ id: 1, penName: 'Le Guin' }, { id: 2, penName: 'Butler' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a write from outside while another request holds the one connection in a transaction, and lets reads through', async () => {
    const database = await openDatabase<Db>({ url: ':memory:', schema: sqliteSchema, migrations: join(__dirname, 'fixtures', 'sqlite') });
    const app = createApp({ controllers: [LibraryController], providers: database.providers, plugins: [database.plugin], logger: false });
    try {
      let release!: () => void;
      const entered = new Promise<void>((resolve) => { gate.entered = resolve; });
      gate.open = new Promise<void>((resolve) => { release = resolve; });
      const held = app.inject({ method: 'POST', url: '/held', body: { penName: 'Held' } });
      await entered;
      // Without the refusal this insert would run inside /held's transaction, and vanish if it rolled back.
      const refused = await app.inject({ method: 'POST', url: '/authors', body: { penName: 'Outside' } });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect((await app.inject({ method: 'GET', url: '/authors/count' })).status).toBe(200);
      release();
      expect((await held).status).toBe(204);
      expect((await app.inject({ method: 'POST', url: '/authors', body: { penName: 'Outside' } })).status).toBe(201);
      expect(JSON.parse((await app.inject({ method: 'GET', url: '/authors/count' })).body)).toEqual({ n: 2 });
    } finally {
      gate.open = Promise.resolve();
      await app.close();
    }
  });

  it('refuses a URL it does not know', async () => {
    await expect(openDatabase({ url: 'mysql://root@localhost/app' })).rejects.toThrow(expect.objectContaining({ code: 'RIVET_DB_URL_INVALID' }));
    await expect(openDatabase({ url: '' })).rejects.toThrow(expect.objectContaining({ code: 'RIVET_DB_URL_INVALID' }));
  });
});

describePostgres('rivetjs/drizzle on PostgreSQL', () => {
  let server: PostgresServer;
  let n = 0;
  beforeAll(async () => { server = await startPostgres(); }, 60_000);
  afterAll(() => server?.stop());

  suite('postgres', () => server.createDatabase(`t${++n}`));

  it('turns /ready 503 while the server is down, maps a lost connection to 503, and recovers', async () => {
    const database = await openDatabase<Db>({ url: await server.createDatabase('outage'), schema: pgSchema, migrations: join(__dirname, 'fixtures', 'postgres'), onError: () => undefined, pool: { connectionTimeoutMillis: 1000 } });
    const app = createApp({ controllers: [LibraryController], providers: database.providers, plugins: [database.plugin], health: { checks: { database } }, logger: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/ready' })).status).toBe(200);
      await server.pause();
      const down = await app.inject({ method: 'GET', url: '/ready' });
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toMatchObject({ status: 'down', checks: { database: { status: 'down' } } });
      const lost = await app.inject({ method: 'GET', url: '/authors/count' });
      expect(lost.status).toBe(503);
      expect(lost.headers['retry-after']).toBe('5');
      // 5xx details stay private (debug mode shows them); the cause is logged.
      expect(JSON.parse(lost.body)).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, instance: '/authors/count' });
      await server.start();
      expect((await app.inject({ method: 'GET', url: '/ready' })).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 60_000);
});

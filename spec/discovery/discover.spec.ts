import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, RivetError } from '../../lib';
import { Controller, Get } from '../../lib';
import { discoverControllers } from '../../lib/discovery/discover';

const FIXTURES = join(__dirname, 'fixtures');
const routesOf = (app: ReturnType<typeof createApp>) => app.routes().map((r) => `${r.method} ${r.path} ${r.controller}`).sort();

describe('discoverControllers', () => {
  it('mounts every exported @Controller class matched by a glob pattern relative to the calling file', async () => {
    const app = createApp({ controllers: './fixtures/ok/**/*.controller.{ts,js}' });
    expect(routesOf(app)).toEqual(['GET /authors AuthorsController', 'GET /books BooksController']);
    const res = await app.inject('/authors');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(['Herbert']);
  });

  it('loads every module of a directory and mounts a re-exported controller once', () => {
    const app = createApp({ controllers: 'fixtures/ok' });
    expect(routesOf(app)).toEqual(['GET /authors AuthorsController', 'GET /books BooksController']);
  });

  it('resolves patterns against the calling file whatever the working directory', () => {
    const cwd = process.cwd();
    // An empty directory of its own, rather than the shared temp directory and whatever lives there.
    const elsewhere = mkdtempSync(join(tmpdir(), 'rivet-discover-cwd-'));
    process.chdir(elsewhere);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { buildApp } = require('./fixtures/app') as typeof import('./fixtures/app');
      expect(routesOf(buildApp())).toEqual(['GET /authors AuthorsController', 'GET /books BooksController']);
    } finally {
      process.chdir(cwd);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('resolves patterns against an explicit root and mixes them with classes', () => {
    @Controller('/inline') class Inline { @Get('/') get() { return 1; } }
    const app = createApp({ root: FIXTURES, controllers: [Inline, 'ok/nested/*.controller.ts'] });
    expect(routesOf(app)).toEqual(['GET /authors AuthorsController', 'GET /inline Inline']);
  });

  it('fails start-up naming the file and the original error when a discovered module throws', () => {
    let error: unknown;
    try { createApp({ root: FIXTURES, controllers: 'broken/*.controller.ts' }); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(RivetError);
    expect(error).toMatchObject({ code: 'RIVET_DISCOVERY_IMPORT_FAILED', cause: expect.objectContaining({ message: 'cannot connect the warehouse driver' }) });
    expect((error as Error).message).toContain(join(FIXTURES, 'broken/bad.controller.ts'));
    expect((error as Error).message).toContain('cannot connect the warehouse driver');
  });

  it('fails start-up when a pattern matches no file', () => {
    expect(() => createApp({ root: FIXTURES, controllers: 'nowhere/*.controller.ts' }))
      .toThrow(expect.objectContaining({ code: 'RIVET_DISCOVERY_EMPTY', message: expect.stringContaining('matched no file') }));
  });

  it('fails start-up when matched files export no controller', () => {
    expect(() => discoverControllers(['app.ts'], FIXTURES))
      .toThrow(expect.objectContaining({ code: 'RIVET_DISCOVERY_EMPTY', message: expect.stringContaining('none exports a @Controller class') }));
  });

  it('rejects a controllers entry that is neither a class nor a pattern', () => {
    expect(() => createApp({ controllers: [42 as unknown as string] })).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' }));
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateClient, runClientCommand } from '../../lib/cli/client';
import type { OpenApiDocument } from '../../lib/openapi/types';
import { buildApp } from '../../sample-app/src/app';

const ROOT = resolve(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample-app', 'src', 'app.ts');

/** Type-checks files with the repository's TypeScript, strict, as a user's project would. */
function typeCheck(...files: string[]): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'node20', '--lib', 'es2023',
    '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), '--skipLibCheck', '--ignoreConfig', ...files], { stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    throw new Error(`tsc rejected the generated client:\n${(err as { stdout: string }).stdout}`);
  }
}

/** What the spec uses of the generated module, loaded at run time (its own types were checked by tsc above). */
type GeneratedError = Error & { status: number; problem: { status: number; title: string; errors?: unknown[] } };
interface GeneratedModule {
  createClient(options: { baseUrl: string; headers?: Record<string, string> }): Record<string, (args?: unknown) => Promise<unknown>>;
  ApiError: new (...args: never[]) => GeneratedError;
}

let out: string;
beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'rivet-client-')); });
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('rivet client', () => {
  it('generates a client from the sample app that type-checks and calls the running app, problems included', async () => {
    // buildApp() is called without options, as the CLI does: keep its database in memory.
    process.env.DATABASE_URL = ':memory:';
    let file: string;
    try {
      file = await runClientCommand({ app: SAMPLE, export: 'buildApp', out });
    } finally {
      delete process.env.DATABASE_URL;
    }
    expect(file).toBe(join(out, 'index.ts'));
    const source = readFileSync(file, 'utf8');
    expect(source).toContain('export interface CreateBook {');
    expect(source).toMatch(/booksGet: \(args: \{ path: \{ id: number \} \}, init\?: RequestOptions\)/);
    expect(source).toMatch(/booksCreate: \(args: \{ body: CreateBook \}/);
    expect(source).toContain('reviewsList: (args: { query?: {');
    expect(source).not.toContain('reviewsLive');   // an event stream: EventSource, not fetch

    // A user's file, using the client as documented; tsc must accept both.
    writeFileSync(join(out, 'use.ts'), `import { createClient, ApiError } from './index.js';
const api = createClient({ baseUrl: 'http://localhost:3000', headers: { 'x-api-key': 'k' } });
export async function demo(): Promise<string> {
  await api.booksCreate({ body: { title: 'T', author: 'A', year: 2000 } });
  try { await api.booksGet({ path: { id: 1 } }); } catch (err) { if (err instanceof ApiError) return err.problem.title + err.status; }
  return 'ok';
}
`);
    typeCheck(file, join(out, 'use.ts'));

    const app = await buildApp({ apiKey: 'test-key', database: ':memory:' });
    const { url } = await app.listen({ port: 0 });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createClient, ApiError } = require(file) as GeneratedModule;
      const api = createClient({ baseUrl: url, headers: { 'x-api-key': 'test-key' } });
      expect(await api.booksGet({ path: { id: 1 } })).toEqual({ id: 1, title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', year: 1968 });
      expect(await api.booksCreate({ body: { title: 'Exhalation', author: 'Ted Chiang', year: 2019 } })).toMatchObject({ title: 'Exhalation' });
      const missing = await api.booksGet({ path: { id: 999 } }).catch((err: unknown) => err);
      expect(missing).toBeInstanceOf(ApiError);
      expect((missing as GeneratedError).problem).toMatchObject({ status: 404, title: 'Not Found' });
      const invalid = await api.booksCreate({ body: { title: '', author: 'X', year: 2019 } }).catch((err: unknown) => err) as GeneratedError;
      expect(invalid.status).toBe(422);
      expect(invalid.problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ['body', 'title'] })]));
    } finally {
      await app.close();
    }
  });

  it('emits names, paths and descriptions from the document as data, never as code', () => {
    const evil = "'); process.exit(1); //";
    const doc = {
      openapi: '3.1.0',
      info: { title: 'x */ evil', version: '1' },
      paths: {
        [`/items/{id}/${evil}`]: {
          post: {
            operationId: evil,
            summary: 'ends a comment */ here',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { name: evil, in: 'query', schema: { type: 'integer' } }],
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
            responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } } },
          },
        },
      },
      components: { schemas: { Item: { type: 'object', description: 'has */ in it', required: [evil], properties: { [evil]: { type: 'string', enum: ['a', "b'"] }, n: { type: ['number', 'null'] } } } } },
    } as unknown as OpenApiDocument;
    const source = generateClient(doc);
    expect(source).toContain(`${JSON.stringify(evil)}: "a" | "b'";`);
    expect(source).toContain('n?: number | null;');
    expect(source).not.toMatch(/\*\/ (here|in it|evil)/);
    writeFileSync(join(out, 'index.ts'), source);
    typeCheck(join(out, 'index.ts'));
  });
});

import { resolve } from 'node:path';
import { generateClient } from '../../lib/cli/client';
import { runTypesCommand } from '../../lib/cli/return-types';
import type { OpenApiDocument, ResponseObject } from '../../lib/openapi/types';
import { buildApp } from '../../sample-app/src/app';

/** The sample app documents every success body from its handlers' return types, without one @ApiResponse. */

const SAMPLE = resolve(__dirname, '..', '..', 'sample-app');
const REF = '#/components/schemas/';

let doc: OpenApiDocument;
beforeAll(async () => {
  const app = await buildApp({ apiKey: 'k', database: ':memory:' });
  doc = app.openapi();
  await app.close();
});

/** Every `$ref` in `value` names a component of the document. */
function danglingRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) danglingRefs(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF) && doc.components.schemas?.[v.slice(REF.length)] === undefined) out.push(v);
      else danglingRefs(v, out);
    }
  }
  return out;
}

const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([verb, op]) => ({ at: `${verb.toUpperCase()} ${path}`, op: op! })));

describe('sample app response types', () => {
  it('has its committed rivet.meta.ts up to date with its sources', () => {
    const result = runTypesCommand({ cwd: SAMPLE, check: true });
    expect({ changed: result.changed, controllers: result.controllers, handlers: result.handlers, skipped: result.skipped })
      .toEqual({ changed: false, controllers: 4, handlers: 18, skipped: [] });
  }, 60000);

  it('documents a schema for every 2xx body, and 204 with no body for the deletes', () => {
    const untyped: string[] = [];
    const successes: string[] = [];
    for (const { at, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^2\d\d$/.test(status)) continue;
        successes.push(`${at} ${status}`);
        if (status === '204') continue;
        const content = Object.values((response as ResponseObject).content ?? {});
        if (content.length === 0 || content.some((m) => m.schema === undefined || Object.keys(m.schema).length === 0)) untyped.push(`${at} ${status}`);
      }
    }
    expect(untyped).toEqual([]);
    expect(successes.filter((s) => s.startsWith('DELETE')).sort()).toEqual(['DELETE /authors/{id} 204', 'DELETE /books/{id} 204', 'DELETE /reviews/{id} 204']);
    expect(successes).toHaveLength(19);
    expect(danglingRefs(doc)).toEqual([]);
  });

  it('gives the book and its page their TypeScript shapes', () => {
    const ok = (path: string) => (doc.paths[path].get!.responses['200'] as ResponseObject).content!['application/json'].schema;
    expect(ok('/books/{id}')).toEqual({ $ref: `${REF}Book` });
    expect(ok('/books')).toEqual({ $ref: `${REF}PageBook` });
    expect(doc.components.schemas!.Book).toEqual({
      type: 'object',
      properties: { id: { type: 'number' }, title: { type: 'string' }, author: { type: 'string' }, year: { type: 'number' } },
      required: ['id', 'title', 'author', 'year'],
    });
  });

  it('makes rivet client return the inferred types, never unknown', () => {
    const source = generateClient(doc);
    // Each operation is `name: (args, init?: RequestOptions): Promise<Body> =>`.
    expect(source.match(/init\?: RequestOptions\): Promise<[^>]*>/g)?.filter((t) => t.endsWith('<unknown>'))).toEqual([]);
    expect(source).toMatch(/Promise<Book>/);
    expect(source).toMatch(/Promise<PageBook>/);
    expect(source).toMatch(/Promise<void>/);
  });
});

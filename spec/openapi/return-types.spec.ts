import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** lib/openapi/return-types.ts: the table `rivet types` writes, as createApp takes it. Each test gets fresh modules. */

type Rivet = typeof import('../../lib');
const fresh = (): Rivet => {
  let rivet!: Rivet;
  jest.isolateModules(() => { rivet = require('../../lib') as Rivet; });
  return rivet;
};

function controller(rivet: Rivet): Function {
  class Hello { hello(): object { return { message: 'hi', secret: 's' }; } bye(): void { /* nothing */ } }
  rivet.Get('/')(Hello.prototype, 'hello', Object.getOwnPropertyDescriptor(Hello.prototype, 'hello')!);
  rivet.Delete('/')(Hello.prototype, 'bye', Object.getOwnPropertyDescriptor(Hello.prototype, 'bye')!);
  rivet.Controller('/hello')(Hello);
  return Hello;
}

describe('defineResponseTypes', () => {
  it('documents, serializes and answers from a table passed as createApp({ types })', async () => {
    const rivet = fresh();
    const Hello = controller(rivet);
    const types = rivet.defineResponseTypes({
      version: 1,
      components: { Greeting: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
      classes: {},
      routes: [[() => Hello, { hello: { kind: 'json', schema: { $ref: '#/components/schemas/Greeting' } }, bye: { kind: 'void' } }]],
    });
    const app = rivet.createApp({ controllers: [Hello], types, openapi: { title: 't', version: '1' } });
    const doc = app.openapi();
    expect(doc.paths['/hello'].get!.responses).toEqual({ 200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Greeting' } } } } });
    expect(doc.paths['/hello'].delete!.responses).toEqual({ 204: { description: 'No Content' } });
    expect(doc.components.schemas).toEqual({ Greeting: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } });
    const hello = await app.inject('/hello');
    expect([hello.status, hello.body]).toEqual([200, '{"message":"hi"}']);
    expect((await app.inject({ method: 'DELETE', url: '/hello' })).status).toBe(204);
  });

  it('changes nothing for an app given types: false, even with a table registered', async () => {
    const rivet = fresh();
    const Hello = controller(rivet);
    rivet.defineResponseTypes({ version: 1, components: {}, classes: {}, routes: [[() => Hello, { hello: { kind: 'json', schema: { type: 'object', properties: {} } }, bye: { kind: 'void' } }]] });
    expect(rivet.createApp({ controllers: [Hello] }).openapi().paths['/hello'].delete!.responses).toEqual({ 204: { description: 'No Content' } });
    const app = rivet.createApp({ controllers: [Hello], types: false, openapi: { title: 't', version: '1' } });
    expect(app.openapi().paths['/hello'].get!.responses).toEqual({ 200: { description: 'OK' } });
    expect(app.openapi().paths['/hello'].delete!.responses).toEqual({ 200: { description: 'OK' } });
    expect((await app.inject('/hello')).body).toBe('{"message":"hi","secret":"s"}');
    expect((await app.inject({ method: 'DELETE', url: '/hello' })).status).toBe(204);
  });

  it('refuses a value that is not a table with RIVET_TYPES_INVALID', () => {
    const rivet = fresh();
    const Hello = controller(rivet);
    expect(() => rivet.createApp({ controllers: [Hello], types: { default: {} } as never }))
      .toThrow(expect.objectContaining({ code: 'RIVET_TYPES_INVALID', message: expect.stringContaining('npx rivet types') }));
  });

  it('says the table is older than the code when it names a controller no longer exported', () => {
    const rivet = fresh();
    const Hello = controller(rivet);
    rivet.defineResponseTypes({ version: 1, components: {}, classes: {}, routes: [[() => undefined as unknown as Function, { gone: { kind: 'void' } }]] });
    expect(() => rivet.createApp({ controllers: [Hello] }))
      .toThrow(expect.objectContaining({ code: 'RIVET_TYPES_INVALID', message: expect.stringContaining('(handlers gone) that its module no longer exports') }));
  });

  it('reports a rivet.meta module beside discovered controllers that fails to load with RIVET_TYPES_IMPORT_FAILED', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivet-meta-'));
    try {
      writeFileSync(join(dir, 'hello.controller.ts'), "import { Controller, Get } from 'rivetjs';\n@Controller('/hello')\nexport class Hello { @Get('/') hi() { return 'hi'; } }\n");
      writeFileSync(join(dir, 'rivet.meta.ts'), "throw new Error('stale import');\n");
      let failure: unknown;
      let routes = 0;
      // Discovery requires the controller file, whose 'rivetjs' must be the same (isolated) copy as createApp's.
      jest.isolateModules(() => {
        const rivet = require('../../lib') as Rivet;
        try { rivet.createApp({ controllers: './*.controller.ts', root: dir }); } catch (err) { failure = err; }
        // types: false skips the module.
        routes = rivet.createApp({ controllers: './*.controller.ts', root: dir, types: false }).routes().length;
      });
      expect(failure).toMatchObject({
        code: 'RIVET_TYPES_IMPORT_FAILED',
        message: expect.stringContaining(`could not load ${join(dir, 'rivet.meta.ts')}, the response types \`rivet types\` wrote:\n  stale import`),
      });
      expect(routes).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

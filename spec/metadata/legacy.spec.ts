import * as ts from 'typescript';
import * as rivet from '../../lib';
import { Body, Controller, Get, Guard, HttpCode, Param, Roles, SetMetadata, UseFilters, ApiProperty, ApiResponse, Sse, OnMessage, WebSocketGateway, Cache, type RivetError } from '../../lib';
import { legacyDecorator, standardDecoratorsHint } from '../../lib/metadata/legacy';

/** What TypeScript 5+ passes a decorator when "experimentalDecorators" is off. */
const methodContext = (name: string) => ({ kind: 'method', name, static: false, private: false, access: { has: () => true, get: () => undefined }, metadata: {}, addInitializer: () => undefined });
const classContext = (name: string) => ({ kind: 'class', name, metadata: {}, addInitializer: () => undefined });
const fieldContext = (name: string) => ({ kind: 'field', name, static: false, private: false, access: { has: () => true, get: () => undefined, set: () => undefined }, metadata: {}, addInitializer: () => undefined });

function thrownBy(run: () => unknown): RivetError {
  try {
    run();
  } catch (err) {
    return err as RivetError;
  }
  throw new Error('nothing was thrown');
}

// regression: issue 19 (with TC39 decorators the app started with no error and every route answered 404)
describe('Rivet decorators called as TC39 standard decorators', () => {
  it('throw RIVET_DECORATORS_STANDARD explaining that experimentalDecorators is required, and why', () => {
    const err = thrownBy(() => Get('/')(function list() { return []; } as never, methodContext('list') as never, undefined as never));
    expect(err.code).toBe('RIVET_DECORATORS_STANDARD');
    expect(err.message).toBe(
      '[RIVET_DECORATORS_STANDARD] @Get was applied to method list as a TC39 standard decorator: "experimentalDecorators" is off in the tsconfig that compiled it. '
      + 'Rivet needs TypeScript\'s experimental (legacy) decorators: standard decorators cannot decorate parameters (@Param, @Body, @Query, constructor injection) '
      + 'and get no emitted design:paramtypes, which Rivet reads to coerce and validate parameters and tsyringe reads to inject dependencies; class-validator\'s decorators need them too.\n'
      + '  Fix: set "experimentalDecorators": true and "emitDecoratorMetadata": true in compilerOptions of tsconfig.json (as the Rivet templates do), and compile with tsc or swc.',
    );
  });

  it('refuse in every decorator factory, class, method, field and parameter alike', () => {
    class Target {}
    const method = function handler() { return 1; };
    const cases: [string, () => unknown][] = [
      ['@Controller', () => (Controller('/x') as unknown as (v: unknown, c: unknown) => void)(Target, classContext('Target'))],
      ['@Post', () => rivet.Post('/')(method as never, methodContext('handler') as never, undefined as never)],
      ['@Guard', () => (Guard(class G { canActivate() { return true; } }) as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@HttpCode', () => (HttpCode(204) as unknown as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@SetMetadata', () => (SetMetadata('k', 1) as (v: unknown, c: unknown) => void)(Target, classContext('Target'))],
      ['@SetMetadata', () => (Roles('admin') as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@UseFilters', () => (UseFilters(class F { catch() { return undefined; } }) as (v: unknown, c: unknown) => void)(Target, classContext('Target'))],
      ['@Body', () => (Body() as unknown as (v: unknown, c: unknown) => void)(undefined, fieldContext('body'))],
      ['@Param', () => (Param('id') as unknown as (v: unknown, c: unknown) => void)(undefined, fieldContext('id'))],
      ['@ApiProperty', () => (ApiProperty({ description: 'x' }) as unknown as (v: unknown, c: unknown) => void)(undefined, fieldContext('name'))],
      ['@ApiResponse', () => (ApiResponse(404) as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@Sse', () => (Sse('/e') as unknown as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@Cache', () => (Cache({ ttl: 5 }) as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
      ['@WebSocketGateway', () => (WebSocketGateway('/ws') as unknown as (v: unknown, c: unknown) => void)(Target, classContext('Target'))],
      ['@OnMessage', () => (OnMessage('say') as unknown as (v: unknown, c: unknown) => void)(method, methodContext('handler'))],
    ];
    for (const [name, run] of cases) {
      const err = thrownBy(run);
      expect([name, err.code, err.message.includes(`${name} `) || err.message.includes(`${name} (`)]).toEqual([name, 'RIVET_DECORATORS_STANDARD', true]);
    }
  });

  it('still run as legacy decorators, returning what the decorator returns', () => {
    const wrapped = legacyDecorator<MethodDecorator>('@Test', (_proto, _name, descriptor) => descriptor);
    const descriptor = { value: () => 1 };
    expect(wrapped({}, 'm', descriptor)).toBe(descriptor);
  });

  it('fail when TypeScript compiles a controller with experimentalDecorators off', () => {
    const source = [
      "import { Controller, Get } from 'rivetjs';",
      "@Controller('/hello') export class Hello { @Get('/') hello() { return 'hi'; } }",
    ].join('\n');
    const out = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: false } }).outputText;
    expect(out).toContain('__esDecorate');   // the TC39 protocol, not __decorate
    const module = { exports: {} };
    const run = new Function('require', 'module', 'exports', out) as (r: (id: string) => unknown, m: object, e: object) => void;
    const err = thrownBy(() => run((id) => (id === 'rivetjs' ? rivet : require(id)), module, module.exports));
    expect(err).toMatchObject({ code: 'RIVET_DECORATORS_STANDARD', message: expect.stringContaining('@Get was applied to method hello as a TC39 standard decorator') });
  });
});

// regression: issue 19 (with class-validator DTOs the app died inside class-validator, before any Rivet decorator ran)
describe('standardDecoratorsHint', () => {
  it('explains an error thrown by a class-validator decorator compiled as a TC39 standard decorator', () => {
    const out = ts.transpileModule("import { IsString } from 'class-validator'; export class Config { @IsString() HOST: string = 'x'; }", {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: false },
    }).outputText;
    const module = { exports: {} };
    let crash: unknown;
    try {
      (new Function('require', 'module', 'exports', out) as (r: NodeRequire, m: object, e: object) => void)(require, module, module.exports);
    } catch (err) {
      crash = err;
    }
    expect(crash).toBeInstanceOf(TypeError);
    expect(standardDecoratorsHint(crash)).toBe('[rivet] RIVET_DECORATORS_STANDARD: the error below was thrown by a decorator running as a TC39 standard decorator, because "experimentalDecorators" is off in the tsconfig that compiled this file. '
      + 'Rivet, class-validator and tsyringe need TypeScript\'s experimental decorators. Fix: set "experimentalDecorators": true and "emitDecoratorMetadata": true in compilerOptions of tsconfig.json, and rebuild.\n');
  });

  it('says nothing about other errors', () => {
    expect(standardDecoratorsHint(new TypeError("Cannot read properties of undefined (reading 'constructor')"))).toBeUndefined();
    expect(standardDecoratorsHint('a string')).toBeUndefined();
  });

  it('is registered once per process as an uncaughtExceptionMonitor', () => {
    expect(process.listeners('uncaughtExceptionMonitor').filter((l) => l.name === 'rivetStandardDecoratorsHint')).toHaveLength(1);
  });
});

import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Length, ValidateNested } from 'class-validator';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { createParamDecorator } from '../../lib/decorators/param-decorator';
import { Query } from '../../lib/decorators/params';
import { Get } from '../../lib/decorators/routes';
import { NotFoundError } from '../../lib/errors/http-error';
import { RivetError } from '../../lib/errors/rivet-error';
import { ValidationFailedError } from '../../lib/errors/validation-error';
import { peekMeta } from '../../lib/metadata/store';
import { RequestContext, type RouteInfo } from '../../lib/pipeline/context';
import { compileParam, type CompiledParam } from '../../lib/pipeline/extract';

// regression: an invalid inline pattern used to escape createApp as a bare SyntaxError naming no route.
describe('compileParam', () => {
  it('throws a RivetError naming the route when an inline pattern is not a valid regular expression', () => {
    @Controller('/items')
    class Items { @Get('/') list(@Query('slug', { pattern: '[a-' }) slug: string) { return slug; } }
    let thrown: unknown;
    try {
      createApp({ controllers: [Items] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RivetError);
    expect((thrown as Error).message).toContain('Items#list');
  });
});

describe('compileParam for a createParamDecorator parameter', () => {
  class Address { @IsString() @Length(1, 10) city!: string; }
  class User { @IsInt() id!: number; @IsEmail() email!: string; @ValidateNested() @Type(() => Address) address!: Address; }
  const info: RouteInfo = { method: 'GET', path: '/x', controller: Object, handler: 'x', where: 'Object#x', options: {}, metadata: new Map() };

  /** A context whose state holds `user`, as a guard would have left it. */
  function contextWith(user: unknown, headers: Record<string, string> = {}): RequestContext {
    const ctx = new RequestContext({ headers } as IncomingMessage, {} as ServerResponse, info, {}, '');
    ctx.state.user = user;
    return ctx;
  }

  /** The compiled parameter 0 of a handler decorated with `decorator`. */
  function compiled(decorator: ParameterDecorator): CompiledParam {
    class C { run(_: unknown) { return _; } }
    decorator(C.prototype, 'run', 0);
    const meta = peekMeta(C)!.members.get('run')!.params![0];
    return compileParam(meta, Object, 'C#run');
  }

  /** The 422 issues `run` throws, or that its promise rejects with. */
  async function issuesOf(run: () => unknown): Promise<unknown> {
    try {
      await run();
    } catch (err) {
      if (err instanceof ValidationFailedError) return { detail: err.message, errors: err.errors };
      throw err;
    }
    throw new Error('no 422');
  }

  const CurrentUser = createParamDecorator((ctx: RequestContext, field?: string) => (field === undefined ? ctx.state.user : (ctx.state.user as Record<string, unknown> | undefined)?.[field]), { label: 'CurrentUser' });

  it('passes the context and the data of the use to the factory, synchronously', () => {
    const whole = compiled(CurrentUser());
    const id = compiled(CurrentUser('id'));
    expect(whole.async).toBe(false);
    expect(whole.extract(contextWith({ id: 7 }))).toEqual({ id: 7 });
    expect(id.extract(contextWith({ id: 7 }))).toBe(7);
  });

  it('is async when the factory is an async function, and resolves to its value', async () => {
    const Lookup = createParamDecorator(async (ctx: RequestContext, field: string) => `${field}:${String(ctx.state.user)}`);
    const p = compiled(Lookup('name'));
    expect(p.async).toBe(true);
    const out = p.extract(contextWith('ada'));
    expect(out).toBeInstanceOf(Promise);
    await expect(out).resolves.toBe('name:ada');
  });

  it('is async when the decorator says so for a plain function that returns a promise', async () => {
    const Lookup = createParamDecorator((ctx: RequestContext) => Promise.resolve(ctx.state.user), { async: true });
    const p = compiled(Lookup());
    expect(p.async).toBe(true);
    await expect(p.extract(contextWith('ada'))).resolves.toBe('ada');
  });

  it('throws RIVET_PARAM_DECORATOR_ASYNC when a factory not declared async returns a promise', () => {
    const Undeclared = createParamDecorator((ctx: RequestContext) => Promise.reject(new Error(`no ${String(ctx.state.user)}`)), { label: 'Lazy' });
    const p = compiled(Undeclared());
    expect(p.async).toBe(false);
    expect(() => p.extract(contextWith('ada'))).toThrow(expect.objectContaining({
      code: 'RIVET_PARAM_DECORATOR_ASYNC',
      message: expect.stringContaining('C#run parameter 0 (@Lazy()) got a promise from its factory, which is not declared async'),
    }));
  });

  it('lets an error thrown by the factory through as it is', () => {
    const Failing = createParamDecorator((): unknown => { throw new NotFoundError('no such user'); });
    expect(() => compiled(Failing()).extract(contextWith(undefined))).toThrow(NotFoundError);
  });

  it('answers 422 at [label] when a required value is absent, and passes an absent optional one on', async () => {
    const Required = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'user', required: true });
    await expect(issuesOf(() => compiled(Required()).extract(contextWith(null)))).resolves.toEqual({
      detail: 'Validation failed: user: is required', errors: [{ loc: ['user'], msg: 'is required', type: 'required' }],
    });
    expect(compiled(CurrentUser()).extract(contextWith(null))).toBeNull();
  });

  it('validates the value with its dto, locating failures under the label', async () => {
    const Valid = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'user', dto: User });
    const p = compiled(Valid());
    expect(p.dto).toBe(User);
    const good = p.extract(contextWith({ id: 1, email: 'a@b.co', address: { city: 'Oslo' }, extra: 'dropped' }));
    expect(good).toBeInstanceOf(User);
    expect(good).toEqual({ id: 1, email: 'a@b.co', address: { city: 'Oslo' } });
    await expect(issuesOf(() => p.extract(contextWith({ id: '1', email: 'nope', address: { city: '' } })))).resolves.toEqual({
      detail: 'Validation failed: 3 errors',
      errors: [
        { loc: ['user', 'id'], msg: 'id must be an integer number', type: 'isInt' },
        { loc: ['user', 'email'], msg: 'email must be an email', type: 'isEmail' },
        { loc: ['user', 'address', 'city'], msg: 'city must be longer than or equal to 1 characters', type: 'isLength' },
      ],
    });
    // With a dto the value is required unless the decorator says otherwise.
    await expect(issuesOf(() => p.extract(contextWith(undefined)))).resolves.toMatchObject({ errors: [{ loc: ['user'], msg: 'is required', type: 'required' }] });
  });

  it('locates the failures of a documented parameter under [in, name]', async () => {
    const Tenant = createParamDecorator((ctx: RequestContext) => (ctx.request.headers['x-tenant'] === undefined ? undefined : { city: ctx.request.headers['x-tenant'] }), {
      dto: Address, in: 'header', name: 'X-Tenant',
    });
    const p = compiled(Tenant());
    await expect(issuesOf(() => p.extract(contextWith(null, { 'x-tenant': 'far-too-long-a-city' })))).resolves.toEqual({
      detail: 'Validation failed: header.X-Tenant.city: city must be shorter than or equal to 10 characters',
      errors: [{ loc: ['header', 'X-Tenant', 'city'], msg: 'city must be shorter than or equal to 10 characters', type: 'isLength' }],
    });
    await expect(issuesOf(() => p.extract(contextWith(null)))).resolves.toMatchObject({ errors: [{ loc: ['header', 'X-Tenant'], msg: 'is required', type: 'required' }] });
  });

  it('validates the resolved value of an async factory and rejects with the 422', async () => {
    const Valid = createParamDecorator(async (ctx: RequestContext) => ctx.state.user, { label: 'user', dto: Address });
    const p = compiled(Valid());
    await expect(p.extract(contextWith({ city: 'Oslo' }))).resolves.toBeInstanceOf(Address);
    await expect(issuesOf(() => p.extract(contextWith({ city: '' })))).resolves.toMatchObject({ errors: [{ loc: ['user', 'city'], type: 'isLength' }] });
  });

  it('throws RIVET_PARAM_DECORATOR_INVALID at compile time when the dto has no class-validator decorators', () => {
    class Plain { name!: string; }
    const Bad = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'Me', dto: Plain });
    expect(() => compiled(Bad())).toThrow(expect.objectContaining({
      code: 'RIVET_PARAM_DECORATOR_INVALID',
      message: expect.stringContaining('C#run parameter 0 (@Me()) validates its value with Plain, which has no class-validator decorators'),
    }));
  });
});

import 'reflect-metadata';
import { IsString } from 'class-validator';
import { createParamDecorator } from '../../lib/decorators/param-decorator';
import { RivetError } from '../../lib/errors/rivet-error';
import { peekMeta } from '../../lib/metadata/store';
import type { ParamMeta } from '../../lib/metadata/types';
import type { RequestContext } from '../../lib/pipeline/context';

const paramsOf = (ctor: Function, name: string): ParamMeta[] => [...(peekMeta(ctor)?.members.get(name)?.params ?? [])].sort((a, b) => a.index - b.index);

/** The error thrown while `define` runs (a class definition applying decorators). */
function thrownBy(define: () => unknown): RivetError {
  try {
    define();
  } catch (err) {
    if (err instanceof RivetError) return err;
    throw err;
  }
  throw new Error('nothing was thrown');
}

class Profile { @IsString() name!: string; }

describe('createParamDecorator', () => {
  it('records the factory and what each use passes it, under the custom source', () => {
    const factory = (ctx: RequestContext, field?: string) => (field === undefined ? ctx.state.user : (ctx.state.user as Record<string, unknown>)[field]);
    const CurrentUser = createParamDecorator(factory, { label: 'CurrentUser' });
    class C { run(@CurrentUser() a: unknown, @CurrentUser('id') b: unknown) { return [a, b]; } }
    const [whole, id] = paramsOf(C, 'run');
    expect(whole).toEqual({
      index: 0, source: 'custom', name: undefined, options: {},
      custom: { factory, data: undefined, label: 'CurrentUser', display: '@CurrentUser()', async: false, options: { label: 'CurrentUser' } },
    });
    expect(id.custom).toMatchObject({ data: 'id', display: "@CurrentUser('id')" });
  });

  it('names the decorator after its factory when no label is given, else "custom"', () => {
    const Named = createParamDecorator(function tenant(ctx: RequestContext) { return ctx.params.tenant; });
    const Anonymous = createParamDecorator((ctx: RequestContext) => ctx.params.tenant);
    class C { run(@Named() a: unknown, @Anonymous() b: unknown) { return [a, b]; } }
    expect(paramsOf(C, 'run').map((p) => p.custom?.display)).toEqual(['@tenant()', '@custom()']);
  });

  it('marks the decorator async when its factory is an async function or async is set', () => {
    const Declared = createParamDecorator(async (ctx: RequestContext) => ctx.state.user);
    const Flagged = createParamDecorator((ctx: RequestContext) => Promise.resolve(ctx.state.user), { async: true });
    const Plain = createParamDecorator((ctx: RequestContext) => ctx.state.user);
    class C { run(@Declared() a: unknown, @Flagged() b: unknown, @Plain() c: unknown) { return [a, b, c]; } }
    expect(paramsOf(C, 'run').map((p) => p.custom?.async)).toEqual([true, true, false]);
  });

  it('records the wire name of a decorator that documents a parameter', () => {
    const Tenant = createParamDecorator((ctx: RequestContext) => ctx.request.headers['x-tenant'], { in: 'header', name: 'X-Tenant', schema: { type: 'string' } });
    class C { run(@Tenant() t: string) { return t; } }
    expect(paramsOf(C, 'run')).toMatchObject([{ index: 0, source: 'custom', name: 'X-Tenant' }]);
  });

  it('ignores constructor parameters, as the built-in parameter decorators do', () => {
    const User = createParamDecorator((ctx: RequestContext) => ctx.state.user);
    class C { constructor(@User() readonly user: unknown) {} }
    expect(peekMeta(C)).toBeUndefined();
  });

  it('throws RIVET_PARAM_DECORATOR_INVALID naming the parameter when the factory is not a function', () => {
    const Broken = createParamDecorator(42 as unknown as (ctx: RequestContext, field: string) => unknown);
    const err = thrownBy(() => { class Users { get(@Broken('id') id: unknown) { return id; } } return Users; });
    expect(err.code).toBe('RIVET_PARAM_DECORATOR_INVALID');
    expect(err.message).toBe(
      "[RIVET_PARAM_DECORATOR_INVALID] Users#get parameter 0 (@custom('id')): its decorator was made by a createParamDecorator call with a mistake.\n" +
      '  The factory is number 42, not a function.\n' +
      "  Fix: pass a function of the request context and the decorator's data: createParamDecorator((ctx: RequestContext, data?: string) => value).",
    );
  });

  it('lists every malformed option in one error, each with its fix', () => {
    const Broken = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'Me', requried: true, async: 'yes', in: 'body' } as never);
    const err = thrownBy(() => { class Users { me(@Broken() user: unknown) { return user; } } return Users; });
    expect(err.message).toBe(
      '[RIVET_PARAM_DECORATOR_INVALID] Users#me parameter 0 (@Me()): its decorator was made by a createParamDecorator call with 3 mistakes.\n' +
      '  Unknown option "requried".\n' +
      '  Fix: use only label, async, dto, required, in, name, schema, description, deprecated.\n' +
      '  Option async is "yes".\n' +
      '  Fix: true or false.\n' +
      '  Option in is "body".\n' +
      "  Fix: 'query', 'header' or 'cookie' (with name), or leave in out to keep the value out of the OpenAPI document.",
    );
  });

  it.each([
    ['options that are not an object', 'nope', 'The options are "nope".'],
    ['a dto that is not a class', { dto: 'UserDto' }, 'Option dto is "UserDto".'],
    ['a schema that is not an object', { in: 'header', name: 'X-A', schema: [] }, 'Option schema is an array.'],
    ['a label that is empty', { label: '' }, 'Option label is "".'],
    ['in without a name', { in: 'header' }, "Option in is 'header' but there is no name."],
    ['in: path', { in: 'path', name: 'id' }, "Option in is 'path': a path parameter is documented from the route's template"],
    ['documentation without in', { name: 'X-A', description: 'd' }, 'Options name, description without in'],
  ])('rejects %s', (_, options, expected) => {
    const Broken = createParamDecorator((ctx: RequestContext) => ctx.state.user, options as never);
    const err = thrownBy(() => { class C { run(@Broken() v: unknown) { return v; } } return C; });
    expect(err.code).toBe('RIVET_PARAM_DECORATOR_INVALID');
    expect(err.message).toContain('C#run parameter 0');
    expect(err.message).toContain(expected);
    expect(err.message).toContain('Fix: ');
  });

  it('types the data of a use after the factory\'s second parameter', () => {
    const Optional = createParamDecorator((ctx: RequestContext, field?: 'id' | 'name') => (field === undefined ? ctx.state.user : field));
    const Needed = createParamDecorator((ctx: RequestContext, field: 'id' | 'name') => field);
    const None = createParamDecorator((ctx: RequestContext) => ctx.state.user);
    class C {
      run(
        @Optional() a: unknown, @Optional('id') b: unknown, @Needed('name') c: unknown, @None() d: unknown,
        // @ts-expect-error: not one of the factory's fields
        @Optional('email') e: unknown,
        // @ts-expect-error: this factory needs its data
        @Needed() f: unknown,
        // @ts-expect-error: this factory takes no data
        @None('id') g: unknown,
      ) { return [a, b, c, d, e, f, g]; }
    }
    expect(paramsOf(C, 'run').map((p) => p.custom?.data)).toEqual([undefined, 'id', 'name', undefined, 'email', undefined, 'id']);
  });

  it('accepts every documented option together', () => {
    const Tenant = createParamDecorator((ctx: RequestContext) => ({ name: ctx.request.headers['x-tenant'] }), {
      label: 'tenant', async: false, dto: Profile, required: true, in: 'header', name: 'X-Tenant', schema: { type: 'string' }, description: 'd', deprecated: true,
    });
    class C { run(@Tenant() t: Profile) { return t; } }
    expect(paramsOf(C, 'run')).toHaveLength(1);
  });
});

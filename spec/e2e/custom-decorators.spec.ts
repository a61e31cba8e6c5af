import { IsEmail, IsInt, IsString, Length, Min } from 'class-validator';
import {
  BadRequestError, Controller, createApp, createParamDecorator, Get, Guard, NotFoundError, Query, RequestContext, UnauthorizedError, type CanActivate,
} from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { operations, unresolvedRefs, validateOpenApi } from '../openapi/support/validate';
import { stderrOf } from '../helpers/stderr';

/** Custom parameter decorators over a socket: what guards learned, async lookups, DTO validation, OpenAPI, inheritance. */

interface User { id: number; name: string; email: string }

const USERS: Record<string, User> = {
  'token-ada': { id: 1, name: 'Ada', email: 'ada@example.com' },
  // A stored record that breaks UserDto, for the 422.
  'token-ghost': { id: 0, name: '', email: 'not-an-email' },
};
const PROFILES = new Map([[1, { bio: 'Wrote the first program.' }]]);

/** Authenticates by token and leaves the principal in ctx.state.user. */
class SessionGuard implements CanActivate {
  canActivate(ctx: RequestContext) {
    const user = USERS[String(ctx.request.headers.authorization)];
    if (user === undefined) throw new UnauthorizedError('Send a known token.');
    ctx.state.user = user;
    return true;
  }
}

const CurrentUser = createParamDecorator((ctx: RequestContext, field?: keyof User) => {
  const user = ctx.state.user as User | undefined;
  return field === undefined ? user : user?.[field];
});

/** An async lookup, as a database read would be. */
const Profile = createParamDecorator(async (ctx: RequestContext) => {
  await Promise.resolve();
  const { id } = ctx.state.user as User;
  const profile = PROFILES.get(id);
  if (profile === undefined) throw new NotFoundError(`User ${id} has no profile.`);
  return profile;
});

class UserDto {
  @IsInt() @Min(1) id!: number;
  @IsString() @Length(1, 50) name!: string;
  @IsEmail() email!: string;
}
const ValidUser = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'user', dto: UserDto });

const Broken = createParamDecorator((): unknown => { throw new TypeError('the factory fell over'); });

const Tenant = createParamDecorator((ctx: RequestContext) => {
  const value = ctx.request.headers['x-tenant'];
  if (typeof value === 'string' && !/^[a-z]+$/.test(value)) throw new BadRequestError('X-Tenant must be lower-case letters.');
  return value;
}, { in: 'header', name: 'X-Tenant', schema: { type: 'string', pattern: '^[a-z]+$' }, required: true, description: 'The tenant the request acts for.' });

@Controller('/me')
@Guard(SessionGuard)
class MeController {
  @Get('/') whole(@CurrentUser() user: User) { return user; }
  @Get('/fields') fields(@CurrentUser('id') id: number, @CurrentUser('name') name: string) { return { id, name }; }
  @Get('/profile') profile(@CurrentUser('name') name: string, @Profile() profile: { bio: string }) { return { name, ...profile }; }
  @Get('/valid') valid(@ValidUser() user: UserDto) { return { isDto: user instanceof UserDto, user }; }
  @Get('/broken') broken(@Broken() value: unknown) { return value; }
  @Get('/mixed') mixed(@Profile() profile: { bio: string }, @Query('n') n: number) { return { profile, n }; }
}

@Controller('/tenants')
class TenantsController {
  @Get('/current') current(@Tenant() tenant: string, @Query('verbose') verbose?: boolean) { return { tenant, verbose: verbose ?? false }; }
}

/** A base controller whose handler reads custom decorators; the subclasses inherit it. */
@Guard(SessionGuard)
abstract class AccountBase {
  @Get('/whoami') whoami(@CurrentUser('name') name: string, @Tenant() tenant: string) { return { name, tenant, by: this.constructor.name }; }
}
@Controller('/accounts') class AccountsController extends AccountBase {}
@Controller('/admins') class AdminsController extends AccountBase {
  // Overridden without re-decorating: the inherited parameter decorators still apply.
  override whoami(name: string, tenant: string) { return { name: name.toUpperCase(), tenant, by: 'override' }; }
}

@Controller('/scoped', { scope: 'request' })
@Guard(SessionGuard)
class ScopedController {
  constructor(private readonly ctx: RequestContext) {}
  @Get('/') get(@CurrentUser('id') id: number, @Profile() profile: { bio: string }) { return { id, profile, sameContext: this.ctx.state.user === USERS['token-ada'] }; }
}

const controllers = [MeController, TenantsController, AccountsController, AdminsController, ScopedController];


describe('custom parameter decorators over a socket', () => {
  const app = createApp({ controllers, openapi: { title: 'Custom decorators', version: '1.0.0' } });
  let client: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => { client = await serve(app); });
  afterAll(() => client.close());

  it('gives @CurrentUser() the principal a guard stored, and @CurrentUser(field) one field of it', async () => {
    await client.get('/me').set('authorization', 'token-ada').expect(200)
      .expectHeader('content-type', 'application/json; charset=utf-8')
      .expectJson({ id: 1, name: 'Ada', email: 'ada@example.com' });
    await client.get('/me/fields').set('authorization', 'token-ada').expect(200).expectJson({ id: 1, name: 'Ada' });
  });

  it('runs the factory after the guards, so an unauthenticated request never reaches it', async () => {
    const res = await client.get('/me/fields').expect(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Send a known token.', instance: '/me/fields' });
  });

  it('waits for an async factory, and sends the HttpError it throws as it is', async () => {
    await client.get('/me/profile').set('authorization', 'token-ada').expect(200).expectJson({ name: 'Ada', bio: 'Wrote the first program.' });
    const res = await client.get('/me/profile').set('authorization', 'token-ghost').expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'User 0 has no profile.', instance: '/me/profile' });
  });

  it('validates the value with the decorator\'s DTO and answers 422 with every failure located under its label', async () => {
    await client.get('/me/valid').set('authorization', 'token-ada').expect(200)
      .expectJson({ isDto: true, user: { id: 1, name: 'Ada', email: 'ada@example.com' } });
    const res = await client.get('/me/valid').set('authorization', 'token-ghost').expect(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'Validation failed: 3 errors',
      instance: '/me/valid',
      errors: [
        { loc: ['user', 'id'], msg: 'id must not be less than 1', type: 'min' },
        { loc: ['user', 'name'], msg: 'name must be longer than or equal to 1 characters', type: 'isLength' },
        { loc: ['user', 'email'], msg: 'email must be an email', type: 'isEmail' },
      ],
    });
  });

  it('answers a factory\'s unexpected error with a bare 500 and reports it', async () => {
    const out = await stderrOf(async () => {
      const res = await client.get('/me/broken').set('authorization', 'token-ada').expect(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/me/broken' });
    });
    expect(out).toContain('[rivet] GET /me/broken failed with 500: TypeError: the factory fell over');
  });

  it('reports a bad sibling parameter with a 422 while an async factory is pending, and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      // The ghost has no profile: the lookup rejects after the 422 for n has been sent.
      const res = await client.get('/me/mixed?n=abc').set('authorization', 'token-ghost').expect(422);
      expect(res.json()).toEqual({
        type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Validation failed: query.n: must be a valid number, got "abc"', instance: '/me/mixed',
        errors: [{ loc: ['query', 'n'], msg: 'must be a valid number, got "abc"', type: 'type' }],
      });
      await client.get('/me/mixed?n=2').set('authorization', 'token-ada').expect(200).expectJson({ profile: { bio: 'Wrote the first program.' }, n: 2 });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('reads a header-sourced decorator, answers 422 at [header, name] when it is missing, and lets its own 400 through', async () => {
    await client.get('/tenants/current?verbose=true').set('x-tenant', 'acme').expect(200).expectJson({ tenant: 'acme', verbose: true });
    const missing = await client.get('/tenants/current').expect(422);
    expect(missing.headers['content-type']).toMatch(PROBLEM);
    expect(missing.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Validation failed: header.X-Tenant: is required', instance: '/tenants/current',
      errors: [{ loc: ['header', 'X-Tenant'], msg: 'is required', type: 'required' }],
    });
    const bad = await client.get('/tenants/current').set('x-tenant', 'ACME').expect(400);
    expect(bad.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'X-Tenant must be lower-case letters.', instance: '/tenants/current' });
  });

  it('documents the header-sourced decorator on every operation using it, and nothing for the others', () => {
    const doc = app.openapi();
    const tenant = { name: 'X-Tenant', in: 'header', description: 'The tenant the request acts for.', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } };
    const parameters = Object.fromEntries(operations(doc).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, op.parameters]));
    expect(parameters).toEqual({
      'GET /me': undefined,
      'GET /me/fields': undefined,
      'GET /me/profile': undefined,
      'GET /me/valid': undefined,
      'GET /me/broken': undefined,
      'GET /me/mixed': [{ name: 'n', in: 'query', required: false, schema: { type: 'number' } }],
      'GET /tenants/current': [tenant, { name: 'verbose', in: 'query', required: false, schema: { type: 'boolean' } }],
      'GET /accounts/whoami': [tenant],
      'GET /admins/whoami': [tenant],
      'GET /scoped': undefined,
    });
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
  });

  it('applies the decorators of an inherited handler in each subclass, an override included', async () => {
    await client.get('/accounts/whoami').set('authorization', 'token-ada').set('x-tenant', 'acme').expect(200)
      .expectJson({ name: 'Ada', tenant: 'acme', by: 'AccountsController' });
    await client.get('/admins/whoami').set('authorization', 'token-ada').set('x-tenant', 'acme').expect(200)
      .expectJson({ name: 'ADA', tenant: 'acme', by: 'override' });
    const res = await client.get('/admins/whoami').set('authorization', 'token-ada').expect(422);
    expect(res.json()).toMatchObject({ status: 422, errors: [{ loc: ['header', 'X-Tenant'], msg: 'is required', type: 'required' }] });
  });

  it('works in a request-scoped controller, with the same context the controller gets', async () => {
    await client.get('/scoped').set('authorization', 'token-ada').expect(200)
      .expectJson({ id: 1, profile: { bio: 'Wrote the first program.' }, sameContext: true });
  });
});

describe('custom parameter decorators at start-up', () => {
  it('counts a custom-decorated parameter as decorated, and still reports an undecorated neighbour', () => {
    @Controller('/ok') class Ok { @Get('/') get(@CurrentUser() user: unknown, @CurrentUser('id') id: unknown) { return [user, id]; } }
    expect(() => createApp({ controllers: [Ok] })).not.toThrow();
    @Controller('/half') class Half { @Get('/') get(@CurrentUser() user: unknown, id: unknown) { return [user, id]; } }
    expect(() => createApp({ controllers: [Half] })).toThrow(expect.objectContaining({ code: 'RIVET_PARAM_UNDECORATED', message: expect.stringContaining('Half#get parameter 1') }));
  });

  it('refuses a dto without class-validator decorators when the app is created', () => {
    class Plain { id!: number; }
    const Loose = createParamDecorator((ctx: RequestContext) => ctx.state.user, { label: 'Loose', dto: Plain });
    @Controller('/loose') class LooseController { @Get('/') get(@Loose() user: Plain) { return user; } }
    expect(() => createApp({ controllers: [LooseController] })).toThrow(expect.objectContaining({
      code: 'RIVET_PARAM_DECORATOR_INVALID',
      message: expect.stringContaining('LooseController#get parameter 0 (@Loose()) validates its value with Plain, which has no class-validator decorators'),
    }));
  });
});

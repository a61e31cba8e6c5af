import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, createApp, Delete, ForbiddenError, Get, Guard, RequestContext, Roles, RolesGuard, Scopes, UnauthorizedError, type CanActivate } from '../../lib';
import { rivetErrorOf } from '../helpers/errors';
import { declaredScopes, ROLES, SCOPES } from '../../lib/security/roles';

const ctxWith = (metadata: Map<unknown, unknown>, user?: unknown) => {
  const ctx = new RequestContext({ headers: {} } as IncomingMessage, {} as ServerResponse, { method: 'GET', path: '/x', controller: Object, handler: 'x', where: 'Object#x', options: {}, metadata }, {}, '');
  if (user !== undefined) ctx.state.user = user;
  return ctx;
};

describe('RolesGuard', () => {
  const guard = new RolesGuard();

  it('passes routes that declare neither roles nor scopes, even without a principal', () => {
    expect(guard.canActivate(ctxWith(new Map()))).toBe(true);
  });

  it('needs any one of the roles and all of the scopes', () => {
    const meta = new Map<unknown, unknown>([[ROLES, ['admin', 'editor']], [SCOPES, ['a', 'b']]]);
    expect(guard.canActivate(ctxWith(meta, { roles: ['editor'], scopes: ['b', 'a'] }))).toBe(true);
    expect(() => guard.canActivate(ctxWith(meta, { roles: ['viewer'], scopes: ['a', 'b'] }))).toThrow(new ForbiddenError('This route requires one of the roles "admin", "editor".'));
    expect(() => guard.canActivate(ctxWith(meta, { roles: 'admin', scopes: ['a'] }))).toThrow(new ForbiddenError('This route requires the scope "b".'));
  });

  it('reads OAuth scope strings (scope, scp) as well as scopes arrays', () => {
    const meta = new Map<unknown, unknown>([[SCOPES, ['read', 'write']]]);
    expect(guard.canActivate(ctxWith(meta, { scope: 'read write' }))).toBe(true);
    expect(guard.canActivate(ctxWith(meta, { scp: ['write', 'read'] }))).toBe(true);
    expect(() => guard.canActivate(ctxWith(meta, { scope: 'read' }))).toThrow(ForbiddenError);
  });

  it('answers 401 without a principal when the route declares roles', () => {
    expect(() => guard.canActivate(ctxWith(new Map([[ROLES, ['admin']]])))).toThrow(UnauthorizedError);
  });

  it('takes custom readers for roles and scopes', () => {
    const custom = new RolesGuard({ rolesOf: (u) => (u.groups as string[]).map((g) => g.toLowerCase()), scopesOf: () => ['all'] });
    expect(custom.canActivate(ctxWith(new Map<unknown, unknown>([[ROLES, ['admin']], [SCOPES, ['all']]]), { groups: ['ADMIN'] }))).toBe(true);
  });
});

describe('@Roles and @Scopes', () => {
  it('refuse empty names when the class is defined', () => {
    expect(() => Roles()).toThrow(expect.objectContaining({ code: 'RIVET_ROLES_INVALID' }));
    expect(() => Scopes('ok', ' ')).toThrow(/one or more non-empty names/);
  });

  it('feed an authenticating guard\'s OpenAPI scopes: scopes first, then roles', () => {
    expect(declaredScopes(new Map<unknown, unknown>([[ROLES, ['admin']], [SCOPES, ['s']]]))).toEqual(['s', 'admin']);
    expect(declaredScopes(new Map())).toEqual([]);
  });
});

describe('a route with @Roles or @Scopes but no RolesGuard', () => {
  class Auth implements CanActivate {
    canActivate(ctx: RequestContext): boolean {
      ctx.state.user = { roles: ['admin'] };
      return true;
    }
  }

  it('fails at start-up, naming Controller#method, what it declares and the fix', () => {
    @Controller('/admin') @Guard(Auth)
    class AdminController {
      @Delete('/:id') @Roles('admin', 'owner') @Scopes('books:write') remove() {}
      @Get('/') list() { return []; }
    }
    const err = rivetErrorOf(() => createApp({ controllers: [AdminController] }));
    expect(err.code).toBe('RIVET_ROLES_UNCHECKED');
    expect(err.message).toBe('[RIVET_ROLES_UNCHECKED] AdminController#remove declares @Roles("admin", "owner") and @Scopes("books:write"), but no RolesGuard runs on it: anyone its other guards let through could call it.\n  Fix: add RolesGuard after the guard that authenticates, e.g. @Guard(jwt, RolesGuard) on the controller or the method, or createApp({ guards: [auth, RolesGuard] }).');
  });

  it('also when @Roles is on the controller', () => {
    @Controller('/reports') @Roles('auditor')
    class ReportsController { @Get('/') list() { return []; } }
    expect(rivetErrorOf(() => createApp({ controllers: [ReportsController] })).message).toMatch(/^\[RIVET_ROLES_UNCHECKED\] ReportsController#list declares @Roles\("auditor"\)/);
  });

  it('starts when a RolesGuard (or a subclass) runs on the route: method, controller or app', async () => {
    class StrictRoles extends RolesGuard {}
    @Controller('/a') class A { @Get('/') @Guard(Auth, RolesGuard) @Roles('admin') get() { return 'a'; } }
    @Controller('/b') @Guard(Auth, StrictRoles) @Roles('admin') class B { @Get('/') get() { return 'b'; } }
    @Controller('/c') class C { @Get('/') @Roles('admin') get() { return 'c'; } }
    const app = createApp({ controllers: [A, B, C], guards: [Auth, RolesGuard] });
    for (const path of ['/a', '/b', '/c']) expect((await app.inject({ method: 'GET', url: path })).status).toBe(200);
    const noAuth = createApp({ controllers: [C], guards: [RolesGuard] });
    expect((await noAuth.inject({ method: 'GET', url: '/c' })).status).toBe(401);
  });
});

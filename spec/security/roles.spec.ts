import type { IncomingMessage, ServerResponse } from 'node:http';
import { ForbiddenError, RequestContext, Roles, RolesGuard, Scopes, UnauthorizedError } from '../../lib';
import { declaredScopes, ROLES, SCOPES } from '../../lib/security/roles';

const ctxWith = (metadata: Map<unknown, unknown>, user?: unknown) => {
  const ctx = new RequestContext({ headers: {} } as IncomingMessage, {} as ServerResponse, { method: 'GET', path: '/x', controller: Object, handler: 'x', metadata }, {}, '');
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

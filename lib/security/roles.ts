import { SetMetadata } from '../decorators/meta';
import { ForbiddenError, UnauthorizedError } from '../errors/http-error';
import { RivetError } from '../errors/rivet-error';
import type { RequestContext } from '../pipeline/context';
import type { CanActivate } from '../pipeline/guards';

/** Metadata key of `@Roles`: the roles a route accepts (any one of them). */
export const ROLES = Symbol('rivet:roles');
/** Metadata key of `@Scopes`: the scopes a route requires (all of them). */
export const SCOPES = Symbol('rivet:scopes');
/**
 * Set on the request context by an optional authentication guard that let an anonymous request through: the
 * `WWW-Authenticate` challenge it would have sent, so that a later 401 (no principal for `@Roles`) names the same
 * scheme (`Token`, say) rather than a default `Bearer`.
 */
export const AUTH_CHALLENGE = Symbol('rivet:auth-challenge');

function names(decorator: string, values: readonly string[]): readonly string[] {
  if (values.length === 0 || values.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new RivetError('RIVET_ROLES_INVALID', `${decorator}(${values.map((v) => JSON.stringify(v)).join(', ')}) needs one or more non-empty names.\n  Fix: e.g. ${decorator}('admin').`);
  }
  return Object.freeze([...values]);
}

/**
 * The roles that may call a route (or every route of a controller): the principal needs at least one of them.
 * Checked by {@link RolesGuard}, which must run after the guard that authenticates (it reads `ctx.state.user`).
 * @example @Guard(jwt, RolesGuard) @Roles('admin', 'editor')
 */
export function Roles(...roles: string[]): ClassDecorator & MethodDecorator {
  return SetMetadata(ROLES, names('@Roles', roles));
}

/**
 * The scopes a route requires (OAuth 2 style): the principal needs every one of them. Checked by {@link RolesGuard}.
 * @example @Scopes('books:write')
 */
export function Scopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  return SetMetadata(SCOPES, names('@Scopes', scopes));
}

/**
 * Start-up check of one route: `@Roles` and `@Scopes` only record metadata, so a route that declares them must have
 * a {@link RolesGuard} (or a subclass) among its guards (app, controller, method). Without one, the route would
 * answer anyone its other guards let through: a `RivetError` naming `Controller#method` says how to fix it.
 */
export function assertRolesChecked(where: string, metadata: ReadonlyMap<unknown, unknown>, guards: readonly CanActivate[]): void {
  const roles = metadata.get(ROLES) as readonly string[] | undefined;
  const scopes = metadata.get(SCOPES) as readonly string[] | undefined;
  if ((roles === undefined && scopes === undefined) || guards.some((g) => g instanceof RolesGuard)) return;
  const quoted = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');
  const declared = [roles && `@Roles(${quoted(roles)})`, scopes && `@Scopes(${quoted(scopes)})`].filter(Boolean).join(' and ');
  throw new RivetError('RIVET_ROLES_UNCHECKED', `${where} declares ${declared}, but no RolesGuard runs on it: anyone its other guards let through could call it.\n  Fix: add RolesGuard after the guard that authenticates, e.g. @Guard(jwt, RolesGuard) on the controller or the method, or createApp({ guards: [auth, RolesGuard] }).`);
}

/** Where {@link RolesGuard} finds roles and scopes on the principal. */
export interface RolesGuardOptions {
  /** The principal's roles. Default: its `roles` property (an array, or one string). */
  rolesOf?: (user: Record<string, unknown>) => readonly string[];
  /**
   * The principal's scopes. Default: its `scopes` array, else its `scope` claim (space-separated, RFC 8693 /
   * RFC 9068), else `scp` (an array or a space-separated string).
   */
  scopesOf?: (user: Record<string, unknown>) => readonly string[];
}

const list = (value: unknown): string[] => {
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
};
const defaultRoles = (user: Record<string, unknown>): string[] => list(user.roles);
const defaultScopes = (user: Record<string, unknown>): string[] => list(user.scopes ?? user.scope ?? user.scp);

/**
 * Checks the route's `@Roles` (any one) and `@Scopes` (all) against `ctx.state.user`, which an authenticating
 * guard (JwtGuard, ApiKeyGuard, your own) set before it. Routes with neither pass. No principal → 401;
 * a principal without the role or scopes → 403 naming what is missing.
 * @example @Controller('/admin') @Guard(new JwtGuard({ secret, algorithms: ['HS256'] }), RolesGuard) @Roles('admin') class Admin {}
 */
export class RolesGuard implements CanActivate {
  readonly #rolesOf: (user: Record<string, unknown>) => readonly string[];
  readonly #scopesOf: (user: Record<string, unknown>) => readonly string[];

  constructor(options: RolesGuardOptions = {}) {
    this.#rolesOf = options.rolesOf ?? defaultRoles;
    this.#scopesOf = options.scopesOf ?? defaultScopes;
  }

  canActivate(ctx: RequestContext): boolean {
    const roles = ctx.getMetadata<readonly string[]>(ROLES);
    const scopes = ctx.getMetadata<readonly string[]>(SCOPES);
    if (roles === undefined && scopes === undefined) return true;
    const user = ctx.state.user;
    if (user === null || typeof user !== 'object') {
      const challenge = (ctx as { [AUTH_CHALLENGE]?: string })[AUTH_CHALLENGE] ?? 'Bearer';
      throw new UnauthorizedError('This route needs an authenticated principal.', { headers: { 'www-authenticate': challenge } });
    }
    const principal = user as Record<string, unknown>;
    if (roles !== undefined) {
      const has = this.#rolesOf(principal);
      if (!roles.some((r) => has.includes(r))) {
        throw new ForbiddenError(roles.length === 1 ? `This route requires the role "${roles[0]}".` : `This route requires one of the roles ${roles.map((r) => `"${r}"`).join(', ')}.`);
      }
    }
    if (scopes !== undefined) {
      const has = this.#scopesOf(principal);
      const missing = scopes.filter((s) => !has.includes(s));
      if (missing.length > 0) throw new ForbiddenError(`This route requires the scope${missing.length === 1 ? '' : 's'} ${missing.map((s) => `"${s}"`).join(', ')}.`);
    }
    return true;
  }
}

/** The roles and scopes a route declares, for an authenticating guard's OpenAPI security requirement. */
export function declaredScopes(metadata: ReadonlyMap<unknown, unknown>): string[] {
  return [...((metadata.get(SCOPES) as readonly string[] | undefined) ?? []), ...((metadata.get(ROLES) as readonly string[] | undefined) ?? [])];
}

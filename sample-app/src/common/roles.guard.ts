import type { CanActivate, RequestContext } from 'rivet';

/** The metadata key routes use to require a role: `@SetMetadata(ROLE, 'admin')`. */
export const ROLE = 'role';

/**
 * Lets a request through when it has the role its route requires with `@SetMetadata('role', 'admin')`;
 * answers 403 otherwise (a guard returning `false` means 403). Routes that require no role pass.
 *
 * DEMO ONLY: the role is read from the `X-Role` header, which any client can set. A real app takes the
 * role from a verified credential (a JWT claim, a session) that an earlier guard left in `ctx.state.user`.
 */
export class RolesGuard implements CanActivate {
  canActivate(ctx: RequestContext): boolean {
    const required = ctx.getMetadata<string>(ROLE);
    if (required === undefined) return true;
    return ctx.request.headers['x-role'] === required;
  }
}

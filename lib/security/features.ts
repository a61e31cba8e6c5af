import type { ErrorPolicy } from '../errors/problem';
import type { Plugin } from '../pipeline/plugin';
import type { Store } from '../store/store';
import { corsPlugin } from './cors';
import { securityHeadersPlugin } from './headers';
import { limitsPlugin } from './limits';
import type { NormalizedSecurity } from './options';
import { rateLimitPlugin } from './rate-limit';
import { assertRolesChecked } from './roles';
import { sessionPlugin } from './session';

/**
 * The security plugins, in request order. Before routing: security headers (so every answer, 404s included,
 * carries them), then CORS (so error answers are readable cross-origin). Around each route, outermost first:
 * request limits (cheap refusals first), rate limits (before guards, body and session), then the session.
 * Request limits and rate limits are always present because they read per-route decorators; a route without
 * a limit is left unwrapped, so they cost nothing there.
 */
export function securityPlugins(security: NormalizedSecurity, store: Store, errors: ErrorPolicy): Plugin[] {
  const app = { store, trustProxy: security.trustProxy, errors };
  const plugins: Plugin[] = [];
  if (security.securityHeaders !== null) plugins.push(securityHeadersPlugin(security.securityHeaders, security.trustProxy));
  if (security.cors !== null) plugins.push(corsPlugin(security.cors));
  plugins.push(limitsPlugin(security.limits, errors));
  plugins.push(rateLimitPlugin(security.rateLimit, app));
  if (security.session !== null) plugins.push(sessionPlugin(security.session, app));
  // @Roles / @Scopes only record metadata: a route declaring them without a RolesGuard fails at start-up.
  plugins.push({ name: 'roles', check: (route, guards) => assertRolesChecked(route.where, route.metadata, guards) });
  return plugins;
}

import type { ErrorPolicy } from '../errors/problem';
import type { Feature } from '../pipeline/feature';
import type { Store } from '../store/store';
import { corsFeature } from './cors';
import { securityHeadersFeature } from './headers';
import { limitsFeature } from './limits';
import type { NormalizedSecurity } from './options';
import { rateLimitFeature } from './rate-limit';
import { assertRolesChecked } from './roles';
import { sessionFeature } from './session';

/**
 * The security features, in request order. Before routing: security headers (so every answer, 404s included,
 * carries them), then CORS (so error answers are readable cross-origin). Around each route, outermost first:
 * request limits (cheap refusals first), rate limits (before guards, body and session), then the session.
 * Request limits and rate limits are always present because they read per-route decorators; a route without
 * a limit is left unwrapped, so they cost nothing there.
 */
export function securityFeatures(security: NormalizedSecurity, store: Store, errors: ErrorPolicy): Feature[] {
  const app = { store, trustProxy: security.trustProxy, errors };
  const features: Feature[] = [];
  if (security.securityHeaders !== null) features.push(securityHeadersFeature(security.securityHeaders, security.trustProxy));
  if (security.cors !== null) features.push(corsFeature(security.cors));
  features.push(limitsFeature(security.limits, errors));
  features.push(rateLimitFeature(security.rateLimit, app));
  if (security.session !== null) features.push(sessionFeature(security.session, app));
  // @Roles / @Scopes only record metadata: a route declaring them without a RolesGuard fails at start-up.
  features.push({ name: 'roles', checkRoute: (route) => assertRolesChecked(route.descriptor.where, route.descriptor.metadata, route.guards) });
  return features;
}

import { isDeepStrictEqual } from 'node:util';
import { RivetError } from '../errors/rivet-error';
import type { CompiledRoute } from '../pipeline/compiled-route';
import { securityOf } from './decorators';
import type { SecurityRequirementObject, SecuritySchemeObject } from './types';

/** Security schemes met so far, with the guard that first declared each (for conflict messages). */
export type SchemeRegistry = Map<string, { scheme: SecuritySchemeObject; by: string }>;

/**
 * The `security` of one operation: one requirement naming the scheme of every guard on the route that
 * declares one (all guards must pass, so their schemes combine with AND), or `[]` when none does.
 */
export function describeSecurity(route: CompiledRoute, schemes: SchemeRegistry): SecurityRequirementObject[] {
  const d = route.descriptor;
  const requirement: SecurityRequirementObject = {};
  for (const guard of route.guards) {
    const declared = securityOf(guard, { method: d.method, path: d.path, metadata: d.metadata });
    if (declared === null) continue;
    const by = guard.constructor?.name || 'a guard';
    const known = schemes.get(declared.name);
    if (known === undefined) {
      schemes.set(declared.name, { scheme: declared.scheme, by });
    } else if (!isDeepStrictEqual(known.scheme, declared.scheme)) {
      throw new RivetError('RIVET_OPENAPI_SECURITY_SCHEME_CONFLICT', `${d.where}: guard ${by} declares security scheme "${declared.name}" as ${JSON.stringify(declared.scheme)}, but ${known.by} declared it as ${JSON.stringify(known.scheme)}.\n  Fix: give different schemes different names, or declare the same scheme object.`);
    }
    const scopes = requirement[declared.name] ?? [];
    for (const s of declared.scopes ?? []) if (!scopes.includes(s)) scopes.push(s);
    requirement[declared.name] = scopes;
  }
  return Object.keys(requirement).length === 0 ? [] : [requirement];
}

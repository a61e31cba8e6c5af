import { randomUUID } from 'node:crypto';
import type { Segment } from '../router/path';
import type { Store } from '../store/store';

/**
 * Invalidates cached responses; inject it where data changes. Every process sharing the store sees an
 * invalidation at once: entries are not deleted one by one but tagged with a generation that is replaced.
 */
export class CacheService {
  #state: CacheState | null = null;

  /**
   * Invalidates the cached responses under `target`: a route template (`'/books/:id'`) or a path prefix
   * (`'/books'`: every cached route whose template starts with it), a concrete path (`'/books/7'`: the entries of
   * the route it matches, for those parameter values only), or a controller class (all its cached routes).
   * Resolves with the number of routes touched.
   */
  async invalidate(target: string | Function): Promise<number> {
    const state = this.#state;
    if (state === null) return 0;
    const bumps: Promise<void>[] = [];
    let touched = 0;
    if (typeof target === 'function') {
      for (const r of state.routes) if (r.controller === target) { touched++; bumps.push(bump(state.store, r.genKey, r.ttlMs)); }
    } else {
      const path = normalizeTarget(target);
      for (const r of state.routes) {
        if (path === '/' || r.path === path || r.path.startsWith(`${path}/`)) {
          touched++;
          bumps.push(bump(state.store, r.genKey, r.ttlMs));
          continue;
        }
        const values = matchTemplate(r.segments, path);
        if (values !== null && values.length > 0) {
          touched++;
          bumps.push(bump(state.store, paramGenKey(r.genKey, values), r.ttlMs));
        }
      }
    }
    await Promise.all(bumps);
    return touched;
  }

  /** Invalidates every cached route of the app. */
  clear(): Promise<number> {
    return this.invalidate('/');
  }

  /** @internal Gives the service the app's cached routes and store; called once by `createApp`. */
  static bind(service: CacheService, state: CacheState): void {
    service.#state = state;
  }
}

/** What a {@link CacheService} knows of its app. */
export interface CacheState {
  readonly store: Store;
  readonly routes: CachedRouteInfo[];
}

interface CachedRouteInfo {
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly controller: Function;
  readonly genKey: string;
  readonly ttlMs: number;
}

/** The store key of the generation of one route's entries for one set of parameter values. */
export const paramGenKey = (genKey: string, values: readonly string[]): string => `${genKey}|${values.map(encodeURIComponent).join('/')}`;

/** A new generation; the key expires with the route's entries, so invalidations leave nothing behind for long. */
function bump(store: Store, key: string, ttlMs: number): Promise<void> {
  return store.set(key, randomUUID(), ttlMs);
}

function normalizeTarget(target: string): string {
  const q = target.indexOf('?');
  let path = q === -1 ? target : target.slice(0, q);
  if (!path.startsWith('/')) path = `/${path}`;
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** The (decoded) parameter values of `path` under a route template, or `null` when it does not match. */
function matchTemplate(segments: readonly Segment[], path: string): string[] | null {
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const values: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'wildcard') {
      values.push(parts.slice(i).map(decode).join('/'));
      return values;
    }
    if (i >= parts.length) return null;
    const part = decode(parts[i]);
    if (s.kind === 'static') {
      if (s.value !== part) return null;
    } else {
      if (part === '') return null;
      values.push(part);
    }
  }
  return parts.length === segments.length ? values : null;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}


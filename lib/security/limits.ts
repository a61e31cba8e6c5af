import { SetMetadata } from '../decorators/meta';
import { HttpError } from '../errors/http-error';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import type { Plugin } from '../pipeline/plugin';
import { parseTemplate } from '../router/path';

/** `createApp({ limits })`: what one request may weigh. Each is on by default; `Infinity` lifts one. */
export interface LimitsOptions {
  /** Largest body in bytes, as read (413). Default 1 MiB. */
  body?: number;
  /** Largest request line plus headers in bytes (431), enforced by node:http before routing. Default 16 KiB. */
  headerSize?: number;
  /** Longest path parameter value, in characters as received (414). Default 1024. */
  paramLength?: number;
  /** Longest request target (path and query), in characters (414). Default 8192. */
  url?: number;
  /**
   * Deepest nesting of arrays and objects in a JSON body or WebSocket message (400). Default 64, as ASP.NET Core's
   * System.Text.Json: far beyond any DTO, and far from the depth where walking a value could exhaust the stack.
   */
  depth?: number;
  /**
   * Most properties one object of a JSON body or WebSocket message may have (400). Default 10,000: parsing an object
   * of 100,000 keys costs tens of milliseconds of CPU by itself, before anything could refuse it.
   */
  properties?: number;
}

/** `@Limits(...)` on a route or controller: overrides of the app's limits (the header size is server-wide). */
export type RouteLimits = Omit<LimitsOptions, 'headerSize'>;

/** The app's limits after defaults; `headerSize` is `null` when node's own default applies. */
export interface NormalizedLimits {
  readonly body: number;
  readonly headerSize: number | null;
  readonly paramLength: number;
  readonly url: number;
  readonly depth: number;
  readonly properties: number;
}

const LIMITS = Symbol('rivet:limits');
const DEFAULTS = { body: 1024 * 1024, paramLength: 1024, url: 8192, depth: 64, properties: 10_000 } as const;

function check(where: string, key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= (key === 'body' ? 0 : 1))) return value;
  const unit = key === 'body' || key === 'headerSize' ? ' of bytes, e.g. 1048576' : key === 'depth' ? ' of levels, e.g. 64' : key === 'properties' ? ' of properties, e.g. 10000' : ' of characters, e.g. 2048';
  throw new RivetError('RIVET_OPTIONS_INVALID', `${where}.${key} is ${String(value)}.\n  Fix: give a whole number${unit}, or Infinity for no limit.`);
}

/** Applies defaults to `createApp({ limits })` and checks it. */
export function normalizeLimits(limits: LimitsOptions | undefined): NormalizedLimits {
  const l = limits ?? {};
  if (l === null || typeof l !== 'object') throw new RivetError('RIVET_OPTIONS_INVALID', `limits is ${String(l)}.\n  Fix: an object such as { body: 1048576, url: 8192 }.`);
  const headerSize = check('limits', 'headerSize', l.headerSize);
  if (headerSize === Infinity) throw new RivetError('RIVET_OPTIONS_INVALID', 'limits.headerSize cannot be Infinity.\n  Fix: give a number of bytes (node\'s default is 16384).');
  return {
    body: check('limits', 'body', l.body) ?? DEFAULTS.body,
    headerSize: headerSize ?? null,
    paramLength: check('limits', 'paramLength', l.paramLength) ?? DEFAULTS.paramLength,
    url: check('limits', 'url', l.url) ?? DEFAULTS.url,
    depth: check('limits', 'depth', l.depth) ?? DEFAULTS.depth,
    properties: check('limits', 'properties', l.properties) ?? DEFAULTS.properties,
  };
}

/**
 * Overrides the app's request limits for a route, or every route of a controller, e.g. a larger body for an
 * upload or a longer path parameter for an opaque token.
 * @example @Limits({ body: 10 * 1024 * 1024 })
 */
export function Limits(limits: RouteLimits): ClassDecorator & MethodDecorator {
  if (limits === null || typeof limits !== 'object') throw new RivetError('RIVET_OPTIONS_INVALID', `@Limits(${String(limits)}) needs an object.\n  Fix: e.g. @Limits({ body: 10485760 }).`);
  if ('headerSize' in limits) throw new RivetError('RIVET_OPTIONS_INVALID', '@Limits cannot change headerSize: node reads headers before any route is known.\n  Fix: set limits.headerSize in createApp.');
  for (const key of ['body', 'paramLength', 'url', 'depth', 'properties'] as const) check('@Limits', key, limits[key]);
  return SetMetadata(LIMITS, Object.freeze({ ...limits }));
}

/** The body limits of a route: its `@Limits({ body, depth, properties })`, else the app's. */
export function bodyLimitsOf(metadata: ReadonlyMap<unknown, unknown>, app: NormalizedLimits): { limit: number; json: { depth: number; properties: number } } {
  const own = metadata.get(LIMITS) as RouteLimits | undefined;
  return { limit: own?.body ?? app.body, json: { depth: own?.depth ?? app.depth, properties: own?.properties ?? app.properties } };
}

/**
 * Checks the request target and path parameter lengths of each route (414 problem+json) and sets node's
 * `maxHeaderSize` (431, answered by the server before routing). The body limit is applied where the body is read.
 */
export function limitsPlugin(limits: NormalizedLimits, errors: ErrorPolicy): Plugin {
  return {
    name: 'limits',
    serverOptions: limits.headerSize === null ? undefined : { maxHeaderSize: limits.headerSize },
    wrap(route, handler) {
      const own = route.metadata.get(LIMITS) as RouteLimits | undefined;
      const url = own?.url ?? limits.url;
      // Named parameters only: a wildcard (`*`) captures a rest of path and is bounded by `url`.
      const captured = parseTemplate(route.path, route.where).filter((s) => s.kind !== 'static');
      const checked = captured.flatMap((s, i) => (s.kind === 'param' ? [i] : []));
      const param = checked.length === 0 ? Infinity : own?.paramLength ?? limits.paramLength;
      if (url === Infinity && param === Infinity) return handler;
      const names = captured.map((s) => (s as { name: string }).name);
      return (req, res, values, rawQuery) => {
        if ((req.url?.length ?? 0) > url) return sendError(req, res, new HttpError(414, `The request target is longer than ${url} characters.`), errors);
        if (param !== Infinity) {
          for (let k = 0; k < checked.length; k++) {
            const i = checked[k];
            if (values[i].length > param) return sendError(req, res, new HttpError(414, `Path parameter "${names[i]}" is longer than ${param} characters.`), errors);
          }
        }
        handler(req, res, values, rawQuery);
      };
    },
  };
}

import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import secureJson from 'secure-json-parse';
import { SetMetadata } from '../decorators/meta';
import { Query } from '../decorators/params';
import { RivetError } from '../errors/rivet-error';
import { ValidationFailedError } from '../errors/validation-error';
import type { GenericTypeMeta } from '../metadata/types';
import { genericType } from '../openapi/decorators';
import { ApiProperty } from '../openapi/schema';
import type { Writer } from '../pipeline/write';
import { originPath } from './url';
import { legacyDecorator } from '../metadata/legacy';

/** Route metadata recorded by `@Paginate`: the route's writer adds `Link` headers. */
export const PAGINATE: unique symbol = Symbol('rivet.paginate');

/** Options of {@link Paginate}. */
export interface PaginateOptions {
  /** `'offset'` (`?limit=&offset=`, default) or `'cursor'` (`?limit=&cursor=`). */
  mode?: 'offset' | 'cursor';
  /** The page size when the client sends no `limit` (default 20). */
  defaultLimit?: number;
  /** The largest `limit` accepted; more is a 422 (default 100). */
  maxLimit?: number;
}

/** What an offset-paginated handler receives from `@Paginate()`: validated, with defaults applied. */
export class OffsetPageQuery {
  /** Items per page, from 1 to `maxLimit`. */
  limit!: number;
  /** Items to skip, from 0. */
  offset!: number;
}

/** What a cursor-paginated handler receives from `@Paginate({ mode: 'cursor' })`. */
export class CursorPageQuery {
  limit!: number;
  /** The opaque position to continue from (`nextCursor` of the previous page); absent for the first page. */
  cursor?: string;
}

/** A page of an offset-paginated list. `total` is `null` when the count is unknown. */
export interface OffsetPaginated<T> {
  items: T[];
  total: number | null;
  limit: number;
  offset: number;
}

/** A page of a cursor-paginated list; a `null` cursor means there is no page that way. */
export interface CursorPaginated<T> {
  items: T[];
  limit: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

/** A page of `T`, as {@link paginate} builds it. */
export type Paginated<T> = OffsetPaginated<T> | CursorPaginated<T>;

/**
 * The OpenAPI type of a page of `item`, for `@ApiResponse({ type: Paginated(Book) })`: one named component per
 * item class, `PaginatedBook` (offset) or `CursorPaginatedBook` (cursor).
 */
export function Paginated(item: Function, mode: 'offset' | 'cursor' = 'offset'): GenericTypeMeta {
  const count = { type: 'integer', minimum: 0 };
  if (mode === 'cursor') {
    return genericType('CursorPaginated', item, (ref) => ({
      type: 'object',
      properties: {
        items: { type: 'array', items: ref },
        limit: { ...count, minimum: 1 },
        nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
        prevCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the previous page; null when unknown or on the first page.' },
      },
      required: ['items', 'limit', 'nextCursor', 'prevCursor'],
    }));
  }
  return genericType('Paginated', item, (ref) => ({
    type: 'object',
    properties: {
      items: { type: 'array', items: ref },
      total: { type: ['integer', 'null'], minimum: 0, description: 'Items in the whole list; null when unknown.' },
      limit: { ...count, minimum: 1 },
      offset: count,
    },
    required: ['items', 'total', 'limit', 'offset'],
  }));
}

interface PageMode {
  readonly mode: 'offset' | 'cursor';
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

// One generated DTO per distinct (mode, defaultLimit, maxLimit): routes with the same limits share it.
const pageClasses = new Map<string, Function>();

/**
 * Reads the page from the query string: `limit` and `offset` (or `cursor`), validated like any query DTO, so a
 * bad value is a 422 naming `['query', 'limit']`, and documented in OpenAPI with its bounds. Routes with this
 * parameter send a `Link` header (next, prev, first, last) when they return {@link paginate}'s result.
 * @example list(@Paginate({ maxLimit: 50 }) page: OffsetPageQuery) { return paginate(this.books.slice(page.offset, page.offset + page.limit), page, { total: this.books.length }); }
 */
export function Paginate(options: PaginateOptions = {}): ParameterDecorator {
  const mode = normalizePaginate(options);
  const key = `${mode.mode}:${mode.defaultLimit}:${mode.maxLimit}`;
  let dto = pageClasses.get(key);
  if (dto === undefined) pageClasses.set(key, (dto = pageClass(mode)));
  const query = Query({ type: dto });
  const mark = SetMetadata(PAGINATE, mode) as MethodDecorator;
  return legacyDecorator<ParameterDecorator>('@Paginate', (proto, name, index) => {
    query(proto, name, index);
    if (name !== undefined) mark(proto, name, undefined as never);
  });
}

function normalizePaginate(o: PaginateOptions): PageMode {
  const mode = o.mode ?? 'offset';
  const maxLimit = o.maxLimit ?? 100;
  const defaultLimit = o.defaultLimit ?? Math.min(20, maxLimit);
  if ((mode !== 'offset' && mode !== 'cursor') || !Number.isInteger(maxLimit) || maxLimit < 1 || !Number.isInteger(defaultLimit) || defaultLimit < 1 || defaultLimit > maxLimit) {
    throw new RivetError('RIVET_PAGINATE_INVALID', `@Paginate(${JSON.stringify(o)}) is not valid.\n  Fix: mode is 'offset' or 'cursor'; maxLimit and defaultLimit are whole numbers with 1 <= defaultLimit <= maxLimit.`);
  }
  return { mode, defaultLimit, maxLimit };
}

function pageClass({ mode, defaultLimit, maxLimit }: PageMode): Function {
  const Base = mode === 'offset' ? OffsetPageQuery : CursorPageQuery;
  const Page = class extends (Base as new () => { limit: number; offset?: number; cursor?: string }) {
    constructor() {
      super();
      // Defaults, kept by class-transformer (exposeDefaultValues) when the query leaves a value out.
      this.limit = defaultLimit;
      if (mode === 'offset') this.offset = 0;
    }
  };
  Object.defineProperty(Page, 'name', { value: `${Base.name}_${defaultLimit}_${maxLimit}` });
  const proto = Page.prototype as object;
  const number = (property: string, min: number, max: number | null, description: string): void => {
    // design:type drives the strict text → number reading of query DTOs ('1e3' yes, '0x10' no).
    Reflect.defineMetadata('design:type', Number, proto, property);
    IsOptional()(proto, property);
    IsInt()(proto, property);
    Min(min)(proto, property);
    if (max !== null) Max(max)(proto, property);
    ApiProperty({ description })(proto, property);
  };
  number('limit', 1, maxLimit, `Items per page, 1 to ${maxLimit} (default ${defaultLimit}).`);
  if (mode === 'offset') {
    number('offset', 0, null, 'Items to skip (default 0).');
  } else {
    Reflect.defineMetadata('design:type', String, proto, 'cursor');
    IsOptional()(proto, 'cursor');
    IsString()(proto, 'cursor');
    MaxLength(2048)(proto, 'cursor');
    ApiProperty({ description: 'Where to continue: the nextCursor (or prevCursor) of another page; absent for the first page.' })(proto, 'cursor');
  }
  return Page;
}

/** The result of {@link paginate}: its class tells the writer of a `@Paginate` route to add `Link` headers. */
class PageResult {}

/**
 * Builds the page a paginated handler returns. Offset pages take the `total` count when known (then `last` is
 * linked); cursor pages take the cursors of the neighbouring pages (see {@link encodeCursor}).
 */
export function paginate<T>(items: readonly T[], page: OffsetPageQuery, meta?: { total?: number | null }): OffsetPaginated<T>;
export function paginate<T>(items: readonly T[], page: CursorPageQuery, meta: { nextCursor: string | null; prevCursor?: string | null }): CursorPaginated<T>;
export function paginate<T>(items: readonly T[], page: OffsetPageQuery | CursorPageQuery, meta: { total?: number | null; nextCursor?: string | null; prevCursor?: string | null } = {}): Paginated<T> {
  const out = new PageResult() as Record<string, unknown>;
  out.items = [...items];
  if ('offset' in page && typeof page.offset === 'number') {
    out.total = meta.total ?? null;
    out.limit = page.limit;
    out.offset = page.offset;
  } else {
    out.limit = page.limit;
    out.nextCursor = meta.nextCursor ?? null;
    out.prevCursor = meta.prevCursor ?? null;
  }
  return out as unknown as Paginated<T>;
}

/** Turns a position (an id, a sort key and id, …) into an opaque URL-safe cursor: base64url of its JSON. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}. Anything else is a 422 at `['query', 'cursor']`. Cursors come from
 * clients: treat the position as untrusted input (check its shape) like any other query value.
 */
export function decodeCursor<T = unknown>(cursor: string): T {
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's base64url decoder skips characters it does not know: a cursor must round-trip exactly.
  if (bytes.toString('base64url') === cursor && cursor !== '') {
    try {
      return secureJson.parse(bytes.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }) as T;
    } catch {
      // fall through to the 422
    }
  }
  throw new ValidationFailedError([{ loc: ['query', 'cursor'], msg: 'is not a valid cursor (pass the nextCursor or prevCursor of a page)', type: 'cursor' }]);
}

// The query parameters the links set; every other parameter of the request is kept as it was sent.
const PAGE_PARAMS = new Set(['limit', 'offset', 'cursor']);

/**
 * The `Link` header value (RFC 8288) for a page answering `url`: `first`, `prev`, `next` and (offset pages with a
 * total) `last`, as absolute-path URLs that keep the request's other query parameters byte for byte.
 */
export function pageLinks(page: Record<string, unknown>, url: string): string {
  const q = url.indexOf('?');
  const path = originPath(q === -1 ? url : url.slice(0, q));
  const kept = q === -1 ? [] : url.slice(q + 1).split('&').filter((p) => p !== '' && !PAGE_PARAMS.has(paramName(p)));
  const links: string[] = [];
  const add = (rel: string, params: string[]): void => {
    links.push(`<${path}?${[...kept, ...params].join('&')}>; rel="${rel}"`);
  };
  const limit = page.limit as number;
  if (typeof page.offset === 'number') {
    const offset = page.offset;
    const total = page.total as number | null;
    const count = (page.items as unknown[]).length;
    const at = (o: number): string[] => [`limit=${limit}`, `offset=${o}`];
    add('first', at(0));
    if (offset > 0) add('prev', at(Math.max(0, offset - limit)));
    // Without a total, a full page suggests there may be more.
    if (total === null ? count >= limit : offset + limit < total) add('next', at(offset + limit));
    if (total !== null) add('last', at(total === 0 ? 0 : Math.floor((total - 1) / limit) * limit));
  } else {
    add('first', [`limit=${limit}`]);
    if (typeof page.prevCursor === 'string') add('prev', [`limit=${limit}`, `cursor=${encodeURIComponent(page.prevCursor)}`]);
    if (typeof page.nextCursor === 'string') add('next', [`limit=${limit}`, `cursor=${encodeURIComponent(page.nextCursor)}`]);
  }
  return links.join(', ');
}

/** Wraps the writer of a `@Paginate` route: a page returned by {@link paginate} gets its `Link` header. */
export function withPageLinks(inner: Writer): Writer {
  return (res, result) => {
    if (result instanceof PageResult && !res.headersSent) {
      const existing = res.getHeader('link');
      const links = pageLinks(result as Record<string, unknown>, res.req.url ?? '/');
      res.setHeader('link', existing === undefined ? links : `${String(existing)}, ${links}`);
    }
    inner(res, result);
  };
}

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

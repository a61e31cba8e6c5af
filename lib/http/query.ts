import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import { BadRequestError } from '../errors/http-error';

/**
 * What {@link parseQuery} returns: an object whose prototype has no prototype. Like querystring's own result it
 * inherits nothing (no `toString`, no `__proto__` setter, so every key is an own property), but V8 keeps it a
 * fast object where querystring's `{ __proto__: null }` starts in dictionary mode.
 */
const Query = function Query() {} as unknown as new () => ParsedUrlQuery;
Query.prototype = Object.create(null) as ParsedUrlQuery;

/**
 * The most pairs a query string or form body may have: querystring's default `maxKeys`, past which it would
 * silently drop the rest (and a field after them would read as missing). More is a 400 instead.
 */
export const MAX_PAIRS = 1000;

/**
 * `querystring.parse(raw)`, faster for what most query strings are: pairs of plain text. Repeated keys become
 * arrays; a pair without `=` has the value `''`; empty pairs are skipped. Text with a percent escape or a `+`
 * goes to querystring itself, for its decoding and its tolerance of malformed escapes. More than
 * {@link MAX_PAIRS} pairs is a 400 naming `what` ("query string", "form body").
 */
export function parseQuery(raw: string, what = 'query string'): ParsedUrlQuery {
  if (raw.includes('%') || raw.includes('+')) {
    if (tooManyPairs(raw)) throw new BadRequestError(`The ${what} has more than ${MAX_PAIRS} parameters.`);
    // Bounded above: querystring's own maxKeys would also count empty pairs ('&&&') and drop what follows them.
    return parseQueryString(raw, undefined, undefined, { maxKeys: 0 });
  }
  const query = new Query();
  let start = 0;
  let pairs = 0;
  // The next '=' at or after `start`, found again only once passed: one scan of the text in all.
  let eq = raw.indexOf('=');
  while (start < raw.length) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (end > start && ++pairs > MAX_PAIRS) throw new BadRequestError(`The ${what} has more than ${MAX_PAIRS} parameters.`);
    if (end > start) {
      if (eq !== -1 && eq < start) eq = raw.indexOf('=', start);
      if (eq === -1 || eq > end) add(query, raw.slice(start, end), '');
      else add(query, raw.slice(start, eq), raw.slice(eq + 1, end));
    }
    start = end + 1;
  }
  return query;
}

/** Whether `raw` has more than {@link MAX_PAIRS} non-empty `&`-separated pairs (querystring's count). */
function tooManyPairs(raw: string): boolean {
  let pairs = 0;
  for (let start = 0; start < raw.length;) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (end > start && ++pairs > MAX_PAIRS) return true;
    start = end + 1;
  }
  return false;
}

function add(query: ParsedUrlQuery, key: string, value: string): void {
  const prev = query[key];
  if (prev === undefined) query[key] = value;
  else if (typeof prev === 'string') query[key] = [prev, value];
  else prev.push(value);
}

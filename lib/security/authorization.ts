/**
 * Reading `<scheme> <token>` credentials (RFC 9110 §11.4) against the auth schemes a guard accepts, and writing the
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1) that name them.
 */
import { RivetError } from '../errors/rivet-error';

/** RFC 9110 §5.6.2: an auth-scheme is one `token` of these characters. */
const TCHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A compact JWS (three base64url parts) sent with no scheme before it, the most common mistake. */
const BARE_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Longer "scheme" words are echoed as "not of the form" rather than quoted back to the client. */
const MAX_ECHOED = 40;

/** The schemes one guard accepts in one header, with the texts its answers use, all made once at start-up. */
export interface AuthSchemes {
  /** As configured, e.g. `['Bearer', 'Token']`: what challenges and messages show. */
  readonly names: readonly string[];
  /** Lowercased, compared with what clients send (RFC 9110 §11.1: schemes are case-insensitive). */
  readonly lower: readonly string[];
  /** The header's name as configured, e.g. `Authorization`. */
  readonly field: string;
  /** `"Bearer" or "Token"`. */
  readonly accepted: string;
  /** `"Authorization: Bearer <token>" or "Authorization: Token <token>"`. */
  readonly forms: string;
}

/** What a request's header carries: a token under one of the schemes (its index), a reason to refuse it, or nothing. */
export type Credentials = { readonly scheme: number; readonly token: string } | { readonly refused: string } | null;

const quoteList = (words: readonly string[]): string => words.map((w) => `"${w}"`).join(' or ');

/**
 * Validates a guard's `scheme` option (a word or a non-empty list, default `Bearer`) and makes its texts once.
 * Throws `code` naming `who` when a scheme is not an RFC 9110 token or is listed twice.
 */
export function authSchemes(scheme: unknown, field: string, who: string, code: string): AuthSchemes {
  const names = scheme === undefined ? ['Bearer'] : typeof scheme === 'string' ? [scheme] : Array.isArray(scheme) ? [...scheme as unknown[]] : null;
  if (names === null || names.length === 0) {
    throw new RivetError(code, `${who} scheme is ${JSON.stringify(scheme)}.\n  Fix: give an auth scheme word or a list of them, e.g. scheme: 'Token' or ['Bearer', 'Token'].`);
  }
  const lower: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !TCHARS.test(name)) {
      throw new RivetError(code, `${who} scheme ${JSON.stringify(name)} is not an auth scheme (RFC 9110: one token, no spaces).\n  Fix: e.g. 'Bearer' or 'Token'.`);
    }
    if (lower.includes(name.toLowerCase())) {
      throw new RivetError(code, `${who} scheme lists ${JSON.stringify(name)} twice (schemes are case-insensitive).\n  Fix: list each scheme once.`);
    }
    lower.push(name.toLowerCase());
  }
  const words = names as string[];
  return { names: words, lower, field, accepted: quoteList(words), forms: quoteList(words.map((n) => `${field}: ${n} <token>`)) };
}

/**
 * Reads one header value as `<scheme> <token>`. `null` when it is absent or empty: the request carries no
 * credentials. A scheme the guard does not accept, a scheme with no token, a bare token and a list of credentials
 * are refused with a client-safe reason that says what to send instead.
 * @example readCredentials('token eyJ…', authSchemes(['Bearer', 'Token'], …)) // { scheme: 1, token: 'eyJ…' }
 */
export function readCredentials(value: string | readonly string[] | undefined, schemes: AuthSchemes): Credentials {
  if (value === undefined) return null;
  // node:http keeps one Authorization field and joins other repeated fields with ", "; an array only comes from
  // code that builds requests itself. Either way two credentials are one too many.
  if (typeof value !== 'string') return value.length === 0 ? null : value.length === 1 ? readCredentials(value[0], schemes) : several(schemes);
  const text = value.trim();
  if (text === '') return null;
  // RFC 9110 §11.4: credentials = auth-scheme [ 1*SP token68 ]; tabs and runs of spaces are tolerated.
  let end = 0;
  while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
  const word = text.slice(0, end);
  const index = schemes.lower.indexOf(word.toLowerCase());
  if (index === -1) {
    if (end === text.length && BARE_JWT.test(text)) return { refused: `${schemes.field} carries a token without a scheme; send ${schemes.forms}.` };
    if (!TCHARS.test(word) || word.length > MAX_ECHOED) return { refused: `${schemes.field} is not of the form ${schemes.forms}.` };
    return { refused: `${schemes.field} uses the "${word}" scheme; this route accepts ${schemes.accepted}.` };
  }
  const token = text.slice(end).trim();
  if (token === '') return { refused: `${schemes.field} has the "${schemes.names[index]}" scheme but no token; send ${schemes.forms}.` };
  // A token68 has no comma: "Bearer a, Bearer b" is two fields joined by a proxy, or a client sending a list.
  if (token.includes(',')) return several(schemes);
  return { scheme: index, token };
}

function several(schemes: AuthSchemes): Credentials {
  return { refused: `${schemes.field} carries more than one credential; send one, ${schemes.forms}.` };
}

/**
 * The `WWW-Authenticate` value naming every accepted scheme, one challenge each (RFC 9110 §11.6.1), with the
 * realm if any. With `error`, the challenge of scheme `error.scheme` also carries RFC 6750 §3's
 * `error="invalid_token"` and the description.
 * @example challenges(['Bearer', 'Token'], 'api') // 'Bearer realm="api", Token realm="api"'
 */
export function challenges(names: readonly string[], realm: string | undefined, error?: { scheme: number; description: string }): string {
  const realmParam = realm === undefined ? '' : `realm="${realm.replace(/["\\]/g, '')}"`;
  return names.map((name, i) => {
    const params = realmParam === '' ? [] : [realmParam];
    if (error !== undefined && error.scheme === i) params.push('error="invalid_token"', `error_description="${error.description.replace(/["\\]/g, '')}"`);
    return params.length === 0 ? name : `${name} ${params.join(', ')}`;
  }).join(', ');
}

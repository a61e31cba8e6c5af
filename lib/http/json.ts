import secureJson from 'secure-json-parse';
import { BadRequestError } from '../errors/http-error';

/** What one JSON text (a body, a WebSocket message) may hold: `limits.depth` and `limits.properties`. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  readonly depth: number;
  /** Most properties one object may have. */
  readonly properties: number;
}

const FORBIDDEN = 'contains a forbidden key ("__proto__" or "constructor.prototype")';

/**
 * Parses JSON text from a client. Before `JSON.parse`, one pass over the text refuses nesting deeper than
 * `limits.depth` (whatever walks the value afterwards — validation, serializers, user code — stays far from the end
 * of the stack) and objects with more than `limits.properties` properties (parsing an object of 100,000 keys costs
 * tens of milliseconds by itself, for keys no DTO reads). After it, `__proto__` and `constructor.prototype` keys
 * are refused as secure-json-parse does; that scan (two regular expressions over the text) only runs when the text
 * could spell such a key: any spelling of "__proto__" or "constructor" holds the word itself or a `\u` escape.
 * Every refusal is a 400 naming the text (`what`: "body", "message"); `invalid` replaces the malformed-JSON detail.
 * Blank text is `undefined`.
 */
export function parseJson(text: string, limits: JsonLimits, what: string, invalid?: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const over = exceeds(text, limits);
  if (over === 'depth') throw new BadRequestError(`The JSON ${what} is nested deeper than ${limits.depth} levels (limits.depth).`);
  if (over === 'properties') throw new BadRequestError(`The JSON ${what} has an object with more than ${limits.properties} properties (limits.properties).`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (text.trim() === '') return undefined;
    throw new BadRequestError(invalid ?? `The request ${what} is not valid JSON: ${err instanceof Error ? err.message : 'parse error'}.`);
  }
  if (value === null || typeof value !== 'object') return value;
  if (!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u')) return value;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    // The text parsed above, so the only error left is the forbidden key.
    throw new BadRequestError(`The JSON ${what} ${FORBIDDEN}.`);
  }
}

/**
 * Which limit the text breaks, if any, counted on the text itself: brackets and the commas of objects outside
 * strings (strings are skipped with `indexOf`, so the cost is the number of tokens outside them). Text that is not
 * JSON is left to `JSON.parse` to refuse. Short text is not scanned: each level takes two characters, each property
 * after the first at least five (`,"":0`).
 */
export function exceeds(text: string, limits: JsonLimits): 'depth' | 'properties' | null {
  const n = text.length;
  if (n <= 2 * limits.depth && n < 5 * limits.properties) return null;
  const { depth: maxDepth, properties: maxProperties } = limits;
  // Per open level: whether it is an object, and how many properties it has so far.
  const objects: boolean[] = [false];
  const counts: number[] = [0];
  let level = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return null;
        let b = i - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((i - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++level > maxDepth) return 'depth';
      objects[level] = c === 0x7b;
      counts[level] = 1;
    } else if (c === 0x7d || c === 0x5d) {
      if (--level < 0) return null;
    } else if (c === 0x2c && objects[level]) {
      if (++counts[level] > maxProperties) return 'properties';
    }
  }
  return null;
}

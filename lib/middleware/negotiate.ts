import type { Serialize } from '../pipeline/write';
import { RivetError } from '../errors/rivet-error';
import { compileMediaChoice } from './accept';
import { addVary } from './compress';
import { NotAcceptableError } from './errors';

/** Turns a handler's data result into the bytes (or text) of one media type. */
export type Serializer = (value: unknown) => string | Uint8Array;

/**
 * `createApp({ serializers })`: the formats data results can be sent in, by media type. `true` picks the built-in
 * serializer of that type (`application/json`, `application/msgpack`); a function is your own. JSON is always
 * offered, first: it is what a client without `Accept` (or with `*\/*`) gets.
 * @example createApp({ controllers, serializers: { 'application/msgpack': true, 'text/csv': toCsv } })
 */
export type SerializersOption = Record<string, Serializer | true>;

/** Negotiation compiled at start-up. */
export interface NormalizedSerializers {
  /** Media types offered (no parameters), JSON first: what the OpenAPI document lists as response content. */
  readonly mediaTypes: readonly string[];
  /** The writer stage that picks a serializer from `Accept`. */
  readonly serialize: Serialize;
  /** The index in `mediaTypes` for an `Accept` value; -1 when none is acceptable. */
  readonly choose: (accept: string | undefined) => number;
}

const JSON_MEDIA = 'application/json';
const MSGPACK = ['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack'];
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const TEXTUAL = /^text\/|\+(?:json|xml)$|^application\/(?:json|xml|javascript)$/;

const jsonSerializer: Serializer = (value) => JSON.stringify(value) ?? 'null';

/** Checks `serializers` once at start-up; `undefined` → `null`: every data result is JSON, `Accept` is not read. */
export function normalizeSerializers(option: SerializersOption | undefined): NormalizedSerializers | null {
  if (option === undefined) return null;
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw invalid(`serializers is ${JSON.stringify(option)}.\n  Fix: pass an object keyed by media type, e.g. { 'application/msgpack': true }.`);
  }
  const offers = new Map<string, Serializer>([[JSON_MEDIA, jsonSerializer]]);
  for (const [key, value] of Object.entries(option)) {
    const media = key.trim().toLowerCase();
    if (!MEDIA_TYPE.test(media)) {
      throw invalid(`serializers has the key "${key}", which is not a media type.\n  Fix: use a type/subtype without wildcards or parameters, e.g. 'application/msgpack'.`);
    }
    if (typeof value === 'function') offers.set(media, value);
    else if (value === true) offers.set(media, builtIn(media));
    else throw invalid(`serializers['${key}'] is ${String(value)}.\n  Fix: give true for a built-in serializer, or a function (value) => string | Uint8Array.`);
  }
  const mediaTypes = [...offers.keys()];
  const fns = [...offers.values()];
  const contentTypes = mediaTypes.map((m) => (TEXTUAL.test(m) ? `${m}; charset=utf-8` : m));
  const choose = compileMediaChoice(mediaTypes);
  const offered = mediaTypes.join(', ');
  const many = mediaTypes.length > 1;

  const serialize: Serialize = (req, res, value, preset) => {
    // A Content-Type set by the handler (or @ResponseHeader) is its choice: use that type's serializer, else JSON.
    if (preset !== undefined) {
      const i = mediaTypes.indexOf(preset.split(';')[0].trim().toLowerCase());
      return { body: (i === -1 ? jsonSerializer : fns[i])(value), type: preset };
    }
    const accept = req.headers.accept;
    const i = choose(accept);
    if (i === -1) throw new NotAcceptableError(`None of the available formats (${offered}) matches Accept: ${accept ?? ''}`);
    if (many) addVary(res, 'Accept');
    return { body: fns[i](value), type: contentTypes[i] };
  };
  return { mediaTypes, serialize, choose };
}

function builtIn(media: string): Serializer {
  if (media === JSON_MEDIA) return jsonSerializer;
  if (MSGPACK.includes(media)) {
    let msgpack: typeof import('@msgpack/msgpack');
    try {
      msgpack = require('@msgpack/msgpack') as typeof import('@msgpack/msgpack');
    } catch (err) {
      throw new RivetError('RIVET_SERIALIZER_PACKAGE_MISSING', `serializers['${media}']: true needs the "@msgpack/msgpack" package, which is not installed.\n  Fix: npm install @msgpack/msgpack`, { cause: err });
    }
    // One encoder, reused: it keeps its buffer between calls. undefined properties are left out, as JSON does.
    const encoder = new msgpack.Encoder({ ignoreUndefined: true, useBigInt64: true });
    return (value) => encoder.encode(value);
  }
  throw new RivetError('RIVET_SERIALIZER_UNKNOWN', `serializers['${media}'] is true, but Rivet has no built-in serializer for ${media}.\n  Fix: give a function (value) => string | Uint8Array, or use a built-in type: application/json, ${MSGPACK.join(', ')}.`);
}

function invalid(message: string): RivetError {
  return new RivetError('RIVET_OPTIONS_INVALID', message);
}

/**
 * How each class-validator constraint narrows a JSON Schema (draft 2020-12, the OpenAPI 3.1 dialect).
 *
 * A rule reads the constraint's recorded arguments and writes into a {@link ValueDraft}: the
 * property's own draft, or its items' draft when the decorator was declared with `each: true`.
 * Constraints without a rule (custom validators, locale tables) leave the schema as it is.
 */

/** A JSON Schema object: plain, serialisable data. */
export type JsonSchema = { [key: string]: unknown };

/** The JSON Schema primitive types a rule may assign (`null` is added later, for nullable properties). */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

/** What the rules have learned about one value: the property itself, or each of its items. */
export interface ValueDraft {
  /** The JSON type, when a constraint implies one. */
  type?: JsonType;
  /** A class the value must be an instance of (`@IsInstance`), rendered later as a `$ref`. */
  ref?: Function;
  /** Every other keyword (format, minLength, enum, …), in the order the constraints added them. */
  readonly keywords: JsonSchema;
  /** `@IsNotEmpty`: becomes `minLength: 1` once the value is known to be a string. */
  notEmpty: boolean;
  /** `@IsEmpty`: only `''`, `null` or an absent value pass. */
  empty: boolean;
}

/** Applies one constraint's recorded arguments (`ValidationMetadata.constraints`) to a draft. */
export type ConstraintRule = (draft: ValueDraft, args: readonly unknown[]) => void;

/** A fresh, empty draft. */
export function createDraft(): ValueDraft {
  return { type: undefined, ref: undefined, keywords: {}, notEmpty: false, empty: false };
}

/**
 * Sets the draft's type unless a constraint already chose one. `integer` refines `number`
 * (`@IsNumber() @Min(1) @IsInt()` is an integer), never the other way round.
 */
export function setType(draft: ValueDraft, type: JsonType): void {
  if (draft.type === undefined || (draft.type === 'number' && type === 'integer')) draft.type = type;
}

/** Keeps the stricter of two numeric bounds: `pick` is `Math.max` for lower bounds, `Math.min` for upper ones. */
function bound(draft: ValueDraft, keyword: string, value: unknown, pick: (a: number, b: number) => number): void {
  if (typeof value !== 'number') return;
  const current = draft.keywords[keyword];
  draft.keywords[keyword] = typeof current === 'number' ? pick(current, value) : value;
}

/** Adds a pattern; a second pattern goes into `allOf` so that both apply. */
function addPattern(draft: ValueDraft, source: string): void {
  setType(draft, 'string');
  if (draft.keywords.pattern === undefined) {
    draft.keywords.pattern = source;
    return;
  }
  const allOf = (draft.keywords.allOf as JsonSchema[] | undefined) ?? [];
  draft.keywords.allOf = [...allOf, { pattern: source }];
}

/** Sets `format` (the first format wins) and makes the value a string. */
function addFormat(draft: ValueDraft, format: string): void {
  setType(draft, 'string');
  if (draft.keywords.format === undefined) draft.keywords.format = format;
}

/** Sets `enum`, keeping only the values allowed by both when a second list arrives. */
function addEnum(draft: ValueDraft, values: readonly unknown[]): void {
  const current = draft.keywords.enum as unknown[] | undefined;
  const next = current === undefined ? [...values] : current.filter((v) => values.includes(v));
  draft.keywords.enum = next;
  const type = enumType(next);
  if (type !== undefined) setType(draft, type);
}

/** The single JSON type shared by every enum value, if there is one. */
function enumType(values: readonly unknown[]): JsonType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => typeof v === 'string')) return 'string';
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'integer';
  if (values.every((v) => typeof v === 'number')) return 'number';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  return undefined;
}

/**
 * The member values of a TypeScript enum object. A numeric enum `{ A = 1 }` compiles to
 * `{ A: 1, '1': 'A' }`; the reverse-mapping entry `'1': 'A'` is dropped.
 */
export function enumValues(entity: unknown): unknown[] {
  if (entity === null || typeof entity !== 'object') return [];
  const record = entity as Record<string, unknown>;
  return Object.keys(record)
    .filter((key) => {
      const value = record[key];
      return !(typeof value === 'string' && typeof record[value] === 'number' && String(record[value]) === key);
    })
    .map((key) => record[key]);
}

/** Escapes a literal string for use inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Flags that change what a pattern matches and that JSON Schema `pattern` cannot carry. */
const UNPORTABLE_FLAGS = /[ims]/;

/** The `pattern` for `@Matches(pattern, modifiers)`, or `undefined` when its flags cannot be expressed. */
function patternOf(pattern: unknown, modifiers: unknown): string | undefined {
  if (pattern instanceof RegExp) return UNPORTABLE_FLAGS.test(pattern.flags) ? undefined : pattern.source;
  if (typeof pattern !== 'string') return undefined;
  if (typeof modifiers === 'string' && UNPORTABLE_FLAGS.test(modifiers)) return undefined;
  return pattern;
}

/** Validators from validator.js: they accept strings only, but their rule (locale tables, checksums) has no JSON Schema form. */
const STRING_ONLY = [
  'isAlpha', 'isAlphanumeric', 'isAscii', 'isBIC', 'isBase32', 'isBase58', 'isBooleanString', 'isBtcAddress',
  'isByteLength', 'isCreditCard', 'isCurrency', 'isDataURI', 'isDecimal', 'isEAN', 'isEthereumAddress',
  'IsFirebasePushId', 'isFullWidth', 'isHSL', 'isHalfWidth', 'isHash', 'isIBAN', 'isISO31661Alpha2',
  'isISO31661Alpha3', 'isISO31661Numeric', 'isISO4217CurrencyCode', 'isISO6391', 'isISRC', 'isISSN',
  'isIdentityCard', 'isIsbn', 'isIsin', 'isJwt', 'isLatLong', 'isLocale', 'isLowercase', 'isMacAddress',
  'isMagnetURI', 'isMimeType', 'isMobilePhone', 'isMultibyte', 'isNumberString', 'isOctal', 'isPassportNumber',
  'isPhoneNumber', 'isPostalCode', 'isRgbColor', 'isSemVer', 'isStrongPassword', 'isSurrogatePair', 'isTaxId',
  'isTimeZone', 'isUppercase', 'isVariableWidth',
];

/** Port numbers 0–65535 written without leading zeros, as `@IsPort` requires. */
const PORT_PATTERN = '^(0|[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])$';

const rules = new Map<string, ConstraintRule>([
  // type checkers
  ['isString', (d) => setType(d, 'string')],
  ['isInt', (d) => setType(d, 'integer')],
  ['isNumber', (d) => setType(d, 'number')],
  ['isBoolean', (d) => setType(d, 'boolean')],
  ['isDate', (d) => addFormat(d, 'date-time')],
  ['isArray', (d) => setType(d, 'array')],
  ['isObject', (d) => setType(d, 'object')],
  ['isEnum', (d, [entity]) => addEnum(d, enumValues(entity))],
  ['isInstance', (d, [target]) => { if (typeof target === 'function') d.ref = target; }],
  // common
  ['equals', (d, [value]) => { d.keywords.const = value; }],
  ['notEquals', (d, [value]) => { d.keywords.not = { const: value }; }],
  ['isIn', (d, [values]) => { if (Array.isArray(values)) addEnum(d, values); }],
  ['isNotIn', (d, [values]) => { if (Array.isArray(values)) d.keywords.not = { enum: [...values] }; }],
  ['isNotEmpty', (d) => { d.notEmpty = true; }],
  ['isEmpty', (d) => { d.empty = true; }],
  // strings with a JSON Schema format
  ['isDateString', (d) => addFormat(d, 'date-time')],
  ['isIso8601', (d) => addFormat(d, 'date-time')],
  ['isRFC3339', (d) => addFormat(d, 'date-time')],
  ['isEmail', (d) => addFormat(d, 'email')],
  ['isUuid', (d) => addFormat(d, 'uuid')],
  ['isUrl', (d) => addFormat(d, 'uri')],
  ['isFqdn', (d) => addFormat(d, 'hostname')],
  ['isIp', (d, [version]) => {
    const v = String(version ?? '');
    if (v === '4' || v === '6') return addFormat(d, `ipv${v}`);
    setType(d, 'string');
    d.keywords.anyOf = [{ format: 'ipv4' }, { format: 'ipv6' }];
  }],
  // strings with a pattern or a content keyword
  ['matches', (d, [pattern, modifiers]) => {
    const source = patternOf(pattern, modifiers);
    if (source === undefined) setType(d, 'string');
    else addPattern(d, source);
  }],
  ['contains', (d, [seed]) => { if (typeof seed === 'string') addPattern(d, escapeRegExp(seed)); }],
  ['notContains', (d, [seed]) => {
    setType(d, 'string');
    if (typeof seed === 'string') d.keywords.not = { pattern: escapeRegExp(seed) };
  }],
  ['isHexColor', (d) => addPattern(d, '^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$')],
  ['isHexadecimal', (d) => addPattern(d, '^(0[xXhH])?[0-9a-fA-F]+$')],
  ['isMongoId', (d) => addPattern(d, '^[0-9a-fA-F]{24}$')],
  ['isMilitaryTime', (d) => addPattern(d, '^([01]\\d|2[0-3]):?([0-5]\\d)$')],
  ['isPort', (d) => addPattern(d, PORT_PATTERN)],
  ['isJson', (d) => { setType(d, 'string'); d.keywords.contentMediaType = 'application/json'; }],
  ['isBase64', (d) => { setType(d, 'string'); d.keywords.contentEncoding = 'base64'; }],
  // string lengths
  ['isLength', (d, [min, max]) => {
    setType(d, 'string');
    bound(d, 'minLength', min, Math.max);
    bound(d, 'maxLength', max, Math.min);
  }],
  ['minLength', (d, [min]) => { setType(d, 'string'); bound(d, 'minLength', min, Math.max); }],
  ['maxLength', (d, [max]) => { setType(d, 'string'); bound(d, 'maxLength', max, Math.min); }],
  // numbers
  ['min', (d, [min]) => { setType(d, 'number'); bound(d, 'minimum', min, Math.max); }],
  ['max', (d, [max]) => { setType(d, 'number'); bound(d, 'maximum', max, Math.min); }],
  ['isPositive', (d) => { setType(d, 'number'); bound(d, 'exclusiveMinimum', 0, Math.max); }],
  ['isNegative', (d) => { setType(d, 'number'); bound(d, 'exclusiveMaximum', 0, Math.min); }],
  ['isDivisibleBy', (d, [n]) => { setType(d, 'number'); if (typeof n === 'number') d.keywords.multipleOf = n; }],
  // dates (the bound itself has no standard keyword)
  ['minDate', (d) => addFormat(d, 'date-time')],
  ['maxDate', (d) => addFormat(d, 'date-time')],
  // arrays
  ['arrayMinSize', (d, [min]) => { setType(d, 'array'); bound(d, 'minItems', min, Math.max); }],
  ['arrayMaxSize', (d, [max]) => { setType(d, 'array'); bound(d, 'maxItems', max, Math.min); }],
  ['arrayNotEmpty', (d) => { setType(d, 'array'); bound(d, 'minItems', 1, Math.max); }],
  ['arrayUnique', (d) => { setType(d, 'array'); d.keywords.uniqueItems = true; }],
  ['arrayContains', (d, [values]) => {
    setType(d, 'array');
    if (Array.isArray(values)) d.keywords.allOf = values.map((v: unknown) => ({ contains: { const: v } }));
  }],
  ['arrayNotContains', (d, [values]) => {
    setType(d, 'array');
    if (Array.isArray(values)) d.keywords.not = { contains: { enum: [...values] } };
  }],
  // objects
  ['isNotEmptyObject', (d) => { setType(d, 'object'); d.keywords.minProperties = 1; }],
  ...STRING_ONLY.map((name): [string, ConstraintRule] => [name, (d) => setType(d, 'string')]),
]);

/** The rule for a class-validator constraint name (`ValidationMetadata.name`), if it has a JSON Schema form. */
export function ruleFor(name: string | undefined): ConstraintRule | undefined {
  return name === undefined ? undefined : rules.get(name);
}

/** Every constraint name with a rule, for documentation and tests. */
export const mappedConstraints: readonly string[] = [...rules.keys()];

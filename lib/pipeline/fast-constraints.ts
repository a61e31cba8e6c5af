import type { ValidationArguments } from 'class-validator';

/**
 * Inline JavaScript for class-validator's most used built-in constraints, used by the compiled DTO check
 * (./fast-dto.ts) instead of a call through the constraint's `validate(value, args)`.
 *
 * Each inline is one of two kinds:
 * - **exact**: the same expression class-validator 0.15 evaluates (`isString`, `isInt`, `min`, `matches` …), so a
 *   `false` is class-validator's `false` too;
 * - **sure**: a cheaper sufficient condition (`isLength` without surrogates or variation selectors, `isEmail` on a
 *   plain ASCII address). Its `true` implies class-validator's `true`; its `false` means "ask the real constraint",
 *   which the caller then calls.
 *
 * A constraint is recognised by its registered name (`isEmail` …) and its arguments, then confirmed at start-up: the
 * inline and the registered constraint's own `validate` are run side by side over {@link PROBES} and must agree
 * (exact) or never contradict (sure). A custom constraint that merely reuses a built-in's name fails that and keeps
 * the generic call.
 */
export interface Inline {
  /** A JavaScript boolean expression over the value expression `x`; `ref` turns a constant into an identifier. */
  readonly expr: (x: string, ref: (value: unknown) => string) => string;
  readonly exact: boolean;
  /**
   * For a sure inline: a cheap condition under which the real constraint certainly says no (a non-string for
   * `isEmail`, no `@` in it), so an invalid value is refused without the real, slower check. Proven like the rest.
   */
  readonly refute?: (x: string, ref: (value: unknown) => string) => string;
}

type Recognizer = (constraints: readonly unknown[]) => Inline | null;

const exact = (expr: Inline['expr']): Inline => ({ expr, exact: true });
const isNumber = (v: unknown): v is number => typeof v === 'number';

/**
 * Plain ASCII addresses validator.js's `isEmail` (default options) always accepts: dot-separated atoms of its
 * local-part characters (≤ 64 bytes), then at least two domain labels of letters, digits and inner hyphens
 * (≤ 63 each), the last all letters (2–63); the caller also requires ≤ 254 characters in all.
 */
const EMAIL = /^[a-z\d!#$%&'*+\-/=?^_`{|}~]+(?:\.[a-z\d!#$%&'*+\-/=?^_`{|}~]+)*@(?:[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?\.)+[a-z]{2,63}$/i;
/** Characters validator.js's `isLength` does not count one for one: surrogate pairs and variation selectors. */
const UNCOUNTED = /[\uD800-\uDBFF\uFE0E\uFE0F]/;

const RECOGNIZERS: Readonly<Record<string, Recognizer>> = {
  isString: () => exact((x) => `(typeof ${x} === 'string' || ${x} instanceof String)`),
  isBoolean: () => exact((x) => `(typeof ${x} === 'boolean' || ${x} instanceof Boolean)`),
  isInt: () => exact((x) => `(typeof ${x} === 'number' && Number.isInteger(${x}))`),
  isArray: () => exact((x) => `Array.isArray(${x})`),
  isObject: () => exact((x) => `(${x} != null && (typeof ${x} === 'object' || typeof ${x} === 'function') && !Array.isArray(${x}))`),
  isDefined: () => exact((x) => `(${x} !== undefined && ${x} !== null)`),
  isNotEmpty: () => exact((x) => `(${x} !== '' && ${x} !== null && ${x} !== undefined)`),
  isPositive: () => exact((x) => `(typeof ${x} === 'number' && ${x} > 0)`),
  isNegative: () => exact((x) => `(typeof ${x} === 'number' && ${x} < 0)`),
  min: ([m]) => (isNumber(m) ? exact((x, ref) => `(typeof ${x} === 'number' && ${x} >= ${ref(m)})`) : null),
  max: ([m]) => (isNumber(m) ? exact((x, ref) => `(typeof ${x} === 'number' && ${x} <= ${ref(m)})`) : null),
  arrayMinSize: ([m]) => (isNumber(m) ? exact((x, ref) => `(Array.isArray(${x}) && ${x}.length >= ${ref(m)})`) : null),
  arrayMaxSize: ([m]) => (isNumber(m) ? exact((x, ref) => `(Array.isArray(${x}) && ${x}.length <= ${ref(m)})`) : null),
  // The live array, as class-validator reads it: a list changed after start-up still decides.
  isIn: ([list]) => (Array.isArray(list) ? exact((x, ref) => `${ref(inList)}(${ref(list)}, ${x})`) : null),
  isNumber: ([options]) => {
    // Finite numbers pass whatever allowNaN / allowInfinity say; maxDecimalPlaces needs the real check.
    if (options !== undefined && (options === null || typeof options !== 'object' || (options as { maxDecimalPlaces?: unknown }).maxDecimalPlaces !== undefined)) return null;
    return { exact: false, expr: (x) => `(typeof ${x} === 'number' && Number.isFinite(${x}))`, refute: (x) => `(typeof ${x} !== 'number')` };
  },
  isLength: ([min, max]) => {
    if (!(min === undefined || min === null || isNumber(min)) || !(max === undefined || isNumber(max))) return null;
    const lo = min || 0;   // validator.js: `options.min || 0`
    return {
      exact: false,
      expr: (x, ref) => `(typeof ${x} === 'string' && ${x}.length >= ${ref(lo)}${max === undefined ? '' : ` && ${x}.length <= ${ref(max)}`} && !${ref(UNCOUNTED)}.test(${x}))`,
      // Without surrogates or variation selectors validator.js counts code units: out of range is a sure no.
      refute: (x, ref) => `(typeof ${x} !== 'string' || (!${ref(UNCOUNTED)}.test(${x}) && (${x}.length < ${ref(lo)}${max === undefined ? '' : ` || ${x}.length > ${ref(max)}`})))`,
    };
  },
  matches: ([pattern]) => {
    // A plain RegExp without g/y: `pattern.test(s)` is exactly validator.js's `!!s.match(pattern)` (no lastIndex use).
    if (!(pattern instanceof RegExp) || Object.getPrototypeOf(pattern) !== RegExp.prototype || pattern.global || pattern.sticky) return null;
    if (Object.getOwnPropertyNames(pattern).some((k) => k !== 'lastIndex') || Object.getOwnPropertySymbols(pattern).length > 0) return null;
    return exact((x, ref) => `(typeof ${x} === 'string' && ${ref(pattern)}.test(${x}))`);
  },
  isEmail: ([options]) => {
    if (options !== undefined && (options === null || typeof options !== 'object' || Object.keys(options).length > 0)) return null;
    return {
      exact: false,
      expr: (x, ref) => `(typeof ${x} === 'string' && ${x}.length <= 254 && ${ref(EMAIL)}.test(${x}) && ${x}.indexOf('@') <= 64)`,
      // validator.js splits at the last '@': with none, the local part is empty, which it refuses.
      refute: (x) => `(typeof ${x} !== 'string' || ${x}.indexOf('@') === -1)`,
    };
  },
};

/** Probe functions by source: the same few shapes recur in every DTO of an app, so each is compiled once. */
const probes = new Map<string, (r: unknown[], x: unknown) => boolean>();

function probeFunction(body: string): (r: unknown[], x: unknown) => boolean {
  let fn = probes.get(body);
  if (fn === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled at start-up from Rivet's own templates
    fn = new Function('R', 'x', body) as (r: unknown[], x: unknown) => boolean;
    probes.set(body, fn);
  }
  return fn;
}

function inList(list: readonly unknown[], value: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/** Values every recognised inline is checked against, next to the real constraint, before it is used. */
const PROBES: readonly unknown[] = [
  undefined, null, 0, -0, 1, -1, 2, 5, 36, 50, 100, 150, 151, 1.5, -2.5, 1e21, NaN, Infinity, -Infinity,
  '', ' ', 'a', 'Ada', '12345', '1234', 'RVT-001', 'x'.repeat(50), 'x'.repeat(51), '\uFE0F', 'a\uFE0Fb', '😀', 'é',
  'ada@example.com', 'Ada.Lovelace+tag@mail.example.co.uk', 'a@b', 'a@b.c', 'a..b@example.com', '@example.com',
  'a@-example.com', 'a@example.com.', '"a b"@example.com', 'ü@example.com', 'retail', 'true',
  true, false, new String('s'), new Boolean(true), [], [1], ['a', 'b'], new Array(60).fill(1), {}, { a: 1 }, new Date(0), () => 1,
];

/**
 * The inline for one constraint of class-validator's built-ins, or `null` (not recognised, or the probes disagreed).
 * `validate` is the registered constraint's own method, `args` arguments like class-validator's.
 */
export function inlineFor(name: string | undefined, constraints: readonly unknown[] | undefined, validate: (value: unknown, args: ValidationArguments) => unknown, args: ValidationArguments): Inline | null {
  if (name === undefined || !Object.prototype.hasOwnProperty.call(RECOGNIZERS, name)) return null;
  const inline = RECOGNIZERS[name](constraints ?? []);
  if (inline === null) return null;
  const refs: unknown[] = [];
  const ref = (value: unknown): string => `R[${refs.push(value) - 1}]`;
  const probe = probeFunction(`return ${inline.expr('x', ref)};`);
  const refuteRefs: unknown[] = [];
  const refute = inline.refute === undefined ? null : probeFunction(`return ${inline.refute('x', (value) => `R[${refuteRefs.push(value) - 1}]`)};`);
  for (const value of PROBES) {
    // A sure "no" must be the real constraint's "no" wherever it says so.
    if (refute !== null && refute(refuteRefs, value)) {
      let real: unknown;
      try {
        real = validate(value, { ...args, value });
      } catch {
        return null;
      }
      if (real === true) return null;
    }
    const fast = probe(refs, value);
    // A sufficient check only has to be right where it says yes: the real one (validator.js's isEmail is slow to
    // start up with, on every DTO) is asked only there.
    if (!inline.exact && !fast) continue;
    let real: unknown;
    try {
      real = validate(value, { ...args, value });
    } catch {
      return null;
    }
    if (fast !== (real === true)) return null;
  }
  return inline;
}

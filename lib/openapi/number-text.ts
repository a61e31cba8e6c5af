/**
 * The JSON text of a finite number, exactly `String(v)`, for the compiled JSON writer (./json-writer.ts).
 *
 * Why not `'' + v`: V8 turns a number into a string through its number-string cache, and a string made on a cache
 * miss is allocated straight in the OLD generation (the cache lives there). A list of prices or of ids beyond the
 * cache's small range misses often, so every response left kilobytes of dead strings in old space: on the 1000-item
 * bench list the old generation grew ~20 MB between scavenges and the server's RSS ended ~30 MB above raw node:http,
 * whose JSON.stringify writes numbers straight into its buffer. A miss also costs a runtime call (~700 instructions
 * per price on average). Here the usual numbers are assembled from digit tables built once, with short-string
 * concatenations that V8 allocates in the young generation; the rest still go through `'' + v`.
 */

/** `'0'` … `'999'`. */
const DIGITS: string[] = [];
/** `'000'` … `'999'`: a lower group of three digits. */
const GROUPS: string[] = [];
/** FRACTIONS[d][f]: the point and `f` padded to `d` digits (`FRACTIONS[2][5]` is `'.05'`), for d = 1 … 3. */
const FRACTIONS: string[][] = [[], [], [], []];
for (let i = 0; i < 1000; i++) {
  DIGITS.push(String(i));
  GROUPS.push(String(i).padStart(3, '0'));
  for (let d = 1; d <= 3; d++) if (i < 10 ** d) FRACTIONS[d].push(`.${String(i).padStart(d, '0')}`);
}
/** 10 ** d, for the fraction digits tried. */
const POWERS = [1, 10, 100, 1000, 1e4, 1e5, 1e6];

/** The decimal digits of an integer 0 ≤ n < 1e15. */
function integerText(n: number): string {
  if (n < 1000) return DIGITS[n];
  let high = Math.floor(n / 1000);
  let text = GROUPS[n - high * 1000];
  while (high >= 1000) {
    const next = Math.floor(high / 1000);
    text = GROUPS[high - next * 1000] + text;
    high = next;
  }
  return DIGITS[high] + text;
}

/**
 * `String(v)` for a finite number. Integers below 1e15 and non-integers below 1e9 with at most 6 fraction digits
 * (prices, ratios, coordinates to 6 places) are assembled here; everything else (exponents, longer fractions) is
 * `'' + v`.
 *
 * The fraction: for the smallest d with `Math.round(a * 10^d) / 10^d === a`, the text is s = round(a·10^d) with a
 * point d digits from the right. That is what ECMAScript's Number::toString gives: the division is correctly
 * rounded, so s·10^-d reads back as `a`; below 1e9 (a·10^d < 2^51) the rounding of `a * 10^d` cannot miss a
 * candidate that reads back, so no shorter one exists, and two d-digit candidates are further apart than one ulp
 * of `a`, so it is the only (hence the closest) one of its length.
 */
export function numberText(v: number): string {
  const a = v < 0 ? -v : v;
  if (Number.isInteger(a)) {
    // -0 is written `0`, as String(-0) does; `v < 0` is false for it.
    if (a < 1e15) return v < 0 ? `-${integerText(a)}` : integerText(a);
  } else if (a < 1e9) {
    for (let d = 1; d <= 6; d++) {
      const p = POWERS[d];
      const s = Math.round(a * p);
      if (s / p !== a) continue;
      const whole = Math.floor(s / p);
      const fraction = s - whole * p;
      let text: string;
      if (d <= 3) text = integerText(whole) + FRACTIONS[d][fraction];
      else {
        const high = Math.floor(fraction / 1000);
        text = integerText(whole) + FRACTIONS[d - 3][high] + GROUPS[fraction - high * 1000];
      }
      return v < 0 ? `-${text}` : text;
    }
  }
  return '' + v;
}

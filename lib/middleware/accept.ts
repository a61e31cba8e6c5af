/**
 * Proactive negotiation (RFC 9110 §12): `Accept` and `Accept-Encoding` with q-values. Parsing happens once per
 * distinct header value: clients send the same few strings over and over, so each negotiator memoizes its answers
 * in a small bounded map instead of re-parsing on every request.
 */

/** One element of an `Accept`-style list: a token (media range or content coding) and its weight. */
export interface Weighted {
  readonly value: string;
  readonly q: number;
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Splits a header such as `gzip;q=0.8, br, *;q=0` into lower-cased tokens with their weights (default 1),
 * ignoring other parameters. An element whose `q` is malformed is dropped, as RFC 9110 lets a recipient do.
 */
export function parseWeighted(header: string): Weighted[] {
  const out: Weighted[] = [];
  for (const part of header.split(',')) {
    const semi = part.indexOf(';');
    const value = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase();
    if (value === '') continue;
    let q = 1;
    let ok = true;
    if (semi !== -1) {
      for (const param of part.slice(semi + 1).split(';')) {
        const eq = param.indexOf('=');
        if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
        const text = param.slice(eq + 1).trim();
        if (QVALUE.test(text)) q = Number(text);
        else ok = false;
      }
    }
    if (ok) out.push({ value, q });
  }
  return out;
}

/**
 * A memo of header value → answer, bounded so that a client sending endless distinct headers cannot grow it:
 * when full it is cleared (the common values are back after a few requests).
 */
export function memo<T>(compute: (header: string) => T, limit = 256): (header: string) => T {
  const seen = new Map<string, T>();
  return (header) => {
    let answer = seen.get(header);
    if (answer === undefined && !seen.has(header)) {
      answer = compute(header);
      if (seen.size >= limit) seen.clear();
      seen.set(header, answer);
    }
    return answer as T;
  };
}

/**
 * Compiles the content-coding choice for `supported` codings (server preference order). Returns the coding to
 * use for an `Accept-Encoding` value, or `null` for identity. RFC 9110 §12.5.3: the highest q wins, ties go to the
 * server's order; `*` weighs every coding not listed; q=0 excludes; no header means no coding is wanted.
 */
export function compileEncodingChoice(supported: readonly string[]): (acceptEncoding: string | undefined) => string | null {
  const choose = memo((header: string): string | null => {
    const listed = parseWeighted(header);
    const star = listed.find((w) => w.value === '*');
    let best: string | null = null;
    let bestQ = 0;
    for (const coding of supported) {
      // x-gzip is an alias of gzip (RFC 9110 §8.4.1.3).
      const own = listed.find((w) => w.value === coding || (coding === 'gzip' && w.value === 'x-gzip'));
      const q = own !== undefined ? own.q : star !== undefined ? star.q : 0;
      if (q > bestQ) {
        best = coding;
        bestQ = q;
      }
    }
    return best;
  });
  return (header) => (header === undefined || header === '' ? null : choose(header));
}

/** A media type the server can produce, split once at start-up. */
interface Offer {
  readonly type: string;
  readonly subtype: string;
}

/**
 * Compiles the media-type choice among `offers` (server preference order, first = default). Returns the index of
 * the offer to send for an `Accept` value, or -1 when none is acceptable (406). RFC 9110 §12.5.1: the most specific
 * matching range gives an offer its weight (`type/subtype` over `type/*` over `*\/*`); the highest weight wins,
 * ties go to the server's order. A missing or empty `Accept` accepts anything, so the default is sent.
 */
export function compileMediaChoice(offers: readonly string[]): (accept: string | undefined) => number {
  const parsed: Offer[] = offers.map((o) => {
    const [type, subtype = ''] = o.split(';')[0].trim().toLowerCase().split('/');
    return { type, subtype };
  });
  const choose = memo((header: string): number => {
    const ranges = parseWeighted(header).map((w) => {
      const [type, subtype = ''] = w.value.split('/');
      return { type, subtype, q: w.q };
    });
    if (ranges.length === 0) return 0;
    let best = -1;
    let bestQ = 0;
    parsed.forEach((offer, i) => {
      let specificity = -1;
      let q = 0;
      for (const r of ranges) {
        let s: number;
        if (r.type === offer.type && r.subtype === offer.subtype) s = 2;
        else if (r.type === offer.type && r.subtype === '*') s = 1;
        else if (r.type === '*' && r.subtype === '*') s = 0;
        else continue;
        if (s > specificity) {
          specificity = s;
          q = r.q;
        }
      }
      if (q > bestQ) {
        best = i;
        bestQ = q;
      }
    });
    return best;
  });
  return (header) => (header === undefined || header.trim() === '' ? 0 : choose(header));
}

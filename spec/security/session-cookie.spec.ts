import { newSessionId, SessionCookieCodec } from '../../lib/security/session-cookie';

const A = 'first-secret-of-at-least-32-characters';
const B = 'second-secret-of-at-least-32-characters';

describe('SessionCookieCodec', () => {
  it('round-trips a signed id and refuses every altered spelling, including spare base64url bits', () => {
    const codec = new SessionCookieCodec([A], false);
    const id = newSessionId();
    const value = codec.encode(id);
    expect(value).toMatch(new RegExp(`^${id}\\.[A-Za-z0-9_-]{43}$`));
    expect(codec.decode(value)).toBe(id);
    const last = value.at(-1)!;
    // The last character of a 32-byte base64url value carries 2 unused bits: a byte-wise compare would accept this.
    const spare = value.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) ^ 1);
    expect(codec.decode(spare)).toBeUndefined();
    expect(codec.decode(`${id}.`)).toBeUndefined();
    expect(codec.decode(`.${value.split('.')[1]}`)).toBeUndefined();
    expect(codec.decode('no-dot')).toBeUndefined();
  });

  it('never accepts an id that is not one it could have made, even correctly signed', () => {
    const codec = new SessionCookieCodec([A], false);
    const forged = new SessionCookieCodec([A], false).encode('short');
    expect(codec.decode(forged)).toBeUndefined();
  });

  it('accepts every listed secret and signs with the first', () => {
    const id = newSessionId();
    const old = new SessionCookieCodec([B], false).encode(id);
    const rotated = new SessionCookieCodec([A, B], false);
    expect(rotated.decode(old)).toBe(id);
    expect(rotated.encode(id)).toBe(new SessionCookieCodec([A], false).encode(id));
    expect(new SessionCookieCodec([A], false).decode(old)).toBeUndefined();
  });

  it('encrypts with a fresh IV each time and authenticates the ciphertext', () => {
    const codec = new SessionCookieCodec([A, B], true);
    const id = newSessionId();
    const one = codec.encode(id);
    expect(one).not.toContain(id);
    expect(codec.encode(id)).not.toBe(one);
    expect(codec.decode(one)).toBe(id);
    const raw = Buffer.from(one, 'base64url');
    raw[15] ^= 1;
    expect(codec.decode(raw.toString('base64url'))).toBeUndefined();
    expect(codec.decode('AAAA')).toBeUndefined();
    expect(new SessionCookieCodec([B], true).decode(new SessionCookieCodec([B], true).encode(id))).toBe(id);
    expect(new SessionCookieCodec([B], true).decode(one)).toBeUndefined();
  });

  it('makes 192-bit url-safe ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newSessionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

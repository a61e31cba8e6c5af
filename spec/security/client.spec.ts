import type { IncomingMessage } from 'node:http';
import { addressKey, clientIp, isTls, normalizeTrustProxy } from '../../lib/security/client';

const req = (remoteAddress: string, headers: Record<string, string | string[]> = {}, encrypted = false) =>
  ({ socket: { remoteAddress, encrypted }, headers }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIp(req('10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }), 0)).toBe('10.0.0.1');
  });

  it('counts trusted hops from the right, ignoring what the client prepended', () => {
    const r = req('10.0.0.2', { 'x-forwarded-for': 'spoof, 198.51.100.9, 10.0.0.1' });
    expect(clientIp(r, 1)).toBe('10.0.0.1');
    expect(clientIp(r, 2)).toBe('198.51.100.9');
    expect(clientIp(r, 3)).toBe('spoof');
    // More hops trusted than present: the leftmost entry, never beyond.
    expect(clientIp(r, 9)).toBe('spoof');
  });

  it('joins repeated X-Forwarded-For headers in order and falls back to the socket without one', () => {
    expect(clientIp(req('10.0.0.2', { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] }), 1)).toBe('2.2.2.2');
    expect(clientIp(req('10.0.0.2'), 1)).toBe('10.0.0.2');
  });
});

describe('isTls', () => {
  it('trusts the socket, and X-Forwarded-Proto only through a trusted proxy', () => {
    expect(isTls(req('1.1.1.1', {}, true), 0)).toBe(true);
    expect(isTls(req('1.1.1.1', { 'x-forwarded-proto': 'https' }), 0)).toBe(false);
    expect(isTls(req('1.1.1.1', { 'x-forwarded-proto': 'HTTPS' }), 1)).toBe(true);
    expect(isTls(req('1.1.1.1', { 'x-forwarded-proto': 'https, http' }), 1)).toBe(false);
    expect(isTls(req('1.1.1.1', { 'x-forwarded-proto': 'http, https' }), 1)).toBe(true);
  });
});

describe('addressKey', () => {
  it('keys IPv4 (also IPv4-mapped) as is and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0DB8:0000:0001:ffff:0:0:2')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('normalizeTrustProxy', () => {
  it('takes a hop count and refuses "trust everything"', () => {
    expect(normalizeTrustProxy(undefined)).toBe(0);
    expect(normalizeTrustProxy(false)).toBe(0);
    expect(normalizeTrustProxy(2)).toBe(2);
    for (const bad of [true, -1, 1.5, '1']) expect(() => normalizeTrustProxy(bad)).toThrow(expect.objectContaining({ code: 'RIVET_TRUST_PROXY_INVALID' }));
  });
});

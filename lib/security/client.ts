import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RivetError } from '../errors/rivet-error';

/**
 * Checks `trustProxy`: how many reverse proxies stand in front of the app. Only a count is accepted, never
 * "trust everything": with `true`, any client could choose its own address by sending `X-Forwarded-For`.
 */
export function normalizeTrustProxy(value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RivetError('RIVET_TRUST_PROXY_INVALID', `trustProxy is ${String(value)}.\n  Fix: give the number of reverse proxies in front of the app (0 when clients connect directly, 1 behind one load balancer). Trusting every X-Forwarded-For hop would let any client pick its address.`);
  }
  return value;
}

/** The entries of a comma-separated forwarding header, trimmed; repeated headers count as one list. */
function hops(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The client's address. Each trusted proxy appends the address it received the request from to
 * `X-Forwarded-For`, so with `trusted` proxies the client is `trusted` entries from the right of
 * `[...X-Forwarded-For, socket address]`; whatever a client wrote further left is ignored.
 */
export function clientIp(req: IncomingMessage, trusted: number): string {
  const socket = req.socket?.remoteAddress ?? '';
  if (trusted === 0) return socket;
  const chain = hops(req.headers['x-forwarded-for']);
  chain.push(socket);
  return chain[Math.max(0, chain.length - 1 - trusted)];
}

/** Whether the request reached the app over TLS: its own socket, or `X-Forwarded-Proto` as set by a trusted proxy. */
export function isTls(req: IncomingMessage, trusted: number): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted === true) return true;
  if (trusted === 0) return false;
  const chain = hops(req.headers['x-forwarded-proto']);
  return chain.length > 0 && chain[Math.max(0, chain.length - trusted)].toLowerCase() === 'https';
}

/**
 * The rate-limit identity of an address: IPv4 as is (IPv4-mapped IPv6 included), IPv6 by its /64 prefix, since
 * one subscriber usually holds a whole /64 and could otherwise rotate through 2^64 addresses.
 */
export function addressKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  const [head, tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => (g.replace(/^0+/, '') || '0').toLowerCase()).join(':')}::/64`;
}

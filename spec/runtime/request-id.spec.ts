import type { IncomingMessage } from 'node:http';
import { isValidRequestId, requestIdOf } from '../../lib/runtime/request-id';

describe('isValidRequestId', () => {
  it('accepts 1 to 128 characters from letters, digits and -_.:+=/@', () => {
    for (const id of ['a', 'A-z_0.9:+=/@', '0f8fad5b-d9cb-469f-a165-70867728950e', 'x'.repeat(128)]) expect(isValidRequestId(id)).toBe(true);
  });

  it('refuses empty, too long, spaces, quotes, newlines and non-strings', () => {
    for (const id of ['', 'x'.repeat(129), 'a b', 'a"b', "a'b", 'a\nb', 'é', ['a'], undefined]) expect(isValidRequestId(id)).toBe(false);
  });
});

describe('requestIdOf', () => {
  const req = (headers: Record<string, string | string[]>): IncomingMessage => ({ headers } as unknown as IncomingMessage);

  it('keeps a valid header, generates otherwise, and ignores repeated headers', () => {
    expect(requestIdOf(req({ 'x-request-id': 'abc' }), 'x-request-id', null)).toBe('abc');
    expect(requestIdOf(req({ 'x-request-id': 'a b' }), 'x-request-id', () => 'gen')).toBe('gen');
    expect(requestIdOf(req({ 'x-request-id': ['a', 'b'] }), 'x-request-id', () => 'gen')).toBe('gen');
    expect(requestIdOf(req({}), 'x-request-id', null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

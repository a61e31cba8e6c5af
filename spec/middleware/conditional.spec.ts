import { ifRangeMatches, isNotModified, noneMatch, notModifiedSince, parseRange } from '../../lib/middleware/conditional';

describe('noneMatch', () => {
  it('compares weakly: W/ on either side still matches', () => {
    expect(noneMatch('"a"', 'W/"a"')).toBe(true);
    expect(noneMatch('W/"a"', '"a"')).toBe(true);
    expect(noneMatch('"b", W/"a"', '"a"')).toBe(true);
  });

  it('matches * and nothing else', () => {
    expect(noneMatch('*', '"x"')).toBe(true);
    expect(noneMatch('"b"', '"a"')).toBe(false);
    expect(noneMatch('', '"a"')).toBe(false);
  });
});

describe('notModifiedSince', () => {
  const lm = Date.parse('2024-05-01T10:00:00.500Z');

  it('compares whole seconds, as HTTP dates carry', () => {
    expect(notModifiedSince('Wed, 01 May 2024 10:00:00 GMT', lm)).toBe(true);
    expect(notModifiedSince('Wed, 01 May 2024 09:59:59 GMT', lm)).toBe(false);
  });

  it('ignores a date it cannot parse', () => {
    expect(notModifiedSince('soon', lm)).toBe(false);
  });
});

describe('isNotModified', () => {
  it('uses If-None-Match when present, ignoring If-Modified-Since', () => {
    expect(isNotModified({ 'if-none-match': '"x"', 'if-modified-since': 'Wed, 01 May 2030 10:00:00 GMT' }, '"y"', 0)).toBe(false);
    expect(isNotModified({ 'if-none-match': '"y"' }, '"y"', null)).toBe(true);
  });

  it('falls back to If-Modified-Since, only when there is a Last-Modified', () => {
    expect(isNotModified({ 'if-modified-since': 'Wed, 01 May 2030 10:00:00 GMT' }, '"y"', 0)).toBe(true);
    expect(isNotModified({ 'if-modified-since': 'Wed, 01 May 2030 10:00:00 GMT' }, '"y"', null)).toBe(false);
    expect(isNotModified({}, '"y"', 0)).toBe(false);
  });
});

describe('ifRangeMatches', () => {
  it('matches a strong tag exactly, never a weak one', () => {
    expect(ifRangeMatches('"a"', '"a"', null)).toBe(true);
    expect(ifRangeMatches('W/"a"', '"a"', null)).toBe(false);
    expect(ifRangeMatches('"a"', 'W/"a"', null)).toBe(false);
  });

  it('matches the exact Last-Modified date', () => {
    expect(ifRangeMatches('Wed, 01 May 2024 10:00:00 GMT', null, 'Wed, 01 May 2024 10:00:00 GMT')).toBe(true);
    expect(ifRangeMatches('Wed, 01 May 2024 10:00:01 GMT', null, 'Wed, 01 May 2024 10:00:00 GMT')).toBe(false);
  });
});

describe('parseRange', () => {
  it.each<[string, number, ReturnType<typeof parseRange>]>([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=50-5000', 100, { start: 50, end: 99 }],
    [' BYTES = 1-2 ', 100, { start: 1, end: 2 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=99999999999999999999-', 100, 'unsatisfiable'],
    ['bytes=0-1,3-4', 100, null],
    ['bytes=5-2', 100, null],
    ['bytes=-', 100, null],
    ['bytes=a-b', 100, null],
    ['items=0-1', 100, null],
    ['bytes', 100, null],
  ])('reads %p against %p bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

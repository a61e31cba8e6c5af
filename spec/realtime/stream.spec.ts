import { Readable } from 'node:stream';
import { isStreamResult, StreamResponse } from '../../lib/pipeline/stream';

// lib/pipeline/stream.ts is the streaming branch of the writer, built for the realtime issue.
describe('isStreamResult', () => {
  it('is false for data results', () => {
    for (const value of [{}, { pipe: 1 }, [1, 2], new Map(), new Date(), Object.create(null)]) expect(isStreamResult(value as object)).toBe(false);
  });

  it('is true for Readables, async iterables, web streams and StreamResponse', () => {
    const values: object[] = [
      Readable.from([]),
      (async function* () { /* empty */ })(),
      new ReadableStream(),
      new StreamResponse(Readable.from([])),
    ];
    for (const value of values) expect(isStreamResult(value)).toBe(true);
  });
});

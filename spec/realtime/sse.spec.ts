import { EventStream } from '../../lib/realtime/sse';

/** Everything the stream has buffered so far, as text. */
function drain(stream: EventStream): string {
  let out = '';
  let chunk: Buffer | null;
  while ((chunk = stream.read() as Buffer | null) !== null) out += chunk.toString();
  return out;
}

describe('EventStream', () => {
  it('formats event, id, retry and data fields, with JSON for non-string data', () => {
    const s = new EventStream({ keepAlive: false });
    s.send({ event: 'update', id: 7, retry: 500, data: { a: [1, 2] } });
    s.send({ data: 'plain' });
    expect(drain(s)).toBe('event: update\nid: 7\nretry: 500\ndata: {"a":[1,2]}\n\ndata: plain\n\n');
    s.destroy();
  });

  it('keeps a newline in a field from injecting other fields', () => {
    const s = new EventStream({ keepAlive: false });
    s.send({ event: 'a\r\nid: 1', id: 'x\ny', data: 'one\r\ntwo' });
    s.comment('c\nd');
    expect(drain(s)).toBe('event: a id: 1\nid: x y\ndata: one\ndata: two\n\n: c d\n\n');
    s.destroy();
  });

  it('runs an onClose callback registered after the stream closed at once', () => {
    const s = new EventStream({ keepAlive: false });
    const calls: string[] = [];
    s.onClose(() => calls.push('early'));
    s.destroy();
    expect(calls).toEqual(['early']);
    s.onClose(() => calls.push('late'));
    expect(calls).toEqual(['early', 'late']);
    expect(s.signal.aborted).toBe(true);
  });

  it('runs every cleanup even when one throws', () => {
    const s = new EventStream({ keepAlive: false });
    const calls: string[] = [];
    s.onClose(() => { throw new Error('x'); });
    s.onClose(() => calls.push('second'));
    s.destroy();
    expect(calls).toEqual(['second']);
  });

  it('refuses events once closed', () => {
    const s = new EventStream({ keepAlive: false });
    s.close();
    expect(s.send({ data: 'late' })).toBe(false);
    expect(s.comment('late')).toBe(false);
    s.destroy();
  });

  it('sends the retry field first when given', () => {
    const s = new EventStream({ keepAlive: false, retry: 2500 });
    s.send({ data: 1 });
    expect(drain(s)).toBe('retry: 2500\n\ndata: 1\n\n');
    s.destroy();
  });
});

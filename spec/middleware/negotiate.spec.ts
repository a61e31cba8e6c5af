import inject from 'light-my-request';
import { normalizeSerializers } from '../../lib/middleware/negotiate';
import { NotAcceptableError } from '../../lib/middleware/errors';

describe('normalizeSerializers', () => {
  it('is off when absent, so the writer keeps plain JSON', () => {
    expect(normalizeSerializers(undefined)).toBeNull();
  });

  it('offers JSON first, then the given types in order, lower-cased', () => {
    expect(normalizeSerializers({ 'Text/CSV': () => '', 'application/msgpack': true })!.mediaTypes).toEqual(['application/json', 'text/csv', 'application/msgpack']);
  });

  it('serializes with the chosen format and its content type', async () => {
    const n = normalizeSerializers({ 'text/csv': (v) => `csv:${String(v)}`, 'application/x-thing': () => new Uint8Array([1, 2]) })!;
    const res = await inject((req, res) => {
      const p = n.serialize(req, res, 7, undefined);
      res.setHeader('content-type', p.type);
      res.end(typeof p.body === 'string' ? p.body : Buffer.from(p.body));
    }, { url: '/', headers: { accept: 'text/csv' } });
    expect([res.headers['content-type'], res.payload, res.headers.vary]).toEqual(['text/csv; charset=utf-8', 'csv:7', 'Accept']);
  });

  it('throws a NotAcceptableError naming what is offered when nothing fits', async () => {
    const n = normalizeSerializers({ 'text/csv': () => '' })!;
    let thrown: unknown;
    await inject((req, res) => {
      try { n.serialize(req, res, 1, undefined); } catch (err) { thrown = err; }
      res.end();
    }, { url: '/', headers: { accept: 'image/png' } });
    expect(thrown).toBeInstanceOf(NotAcceptableError);
    expect(thrown).toMatchObject({ status: 406, message: 'None of the available formats (application/json, text/csv) matches Accept: image/png' });
  });

  it('builds MessagePack for each of its media type names', () => {
    for (const m of ['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']) expect(normalizeSerializers({ [m]: true })!.mediaTypes).toContain(m);
  });
});

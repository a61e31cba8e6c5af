import { UploadedFile, UploadedFiles } from '../../lib/realtime/upload';

describe('upload decorators', () => {
  it.each([
    ['@UploadedFile without a field name', () => (UploadedFile as unknown as (o: object) => ParameterDecorator)({})],
    ['a maxSize that is not a whole number', () => UploadedFile('f', { maxSize: 1.5 })],
    ['a maxCount of 0', () => UploadedFiles('f', { maxCount: 0 })],
    ['an unknown storage', () => UploadedFiles({ storage: 's3' as 'disk' })],
  ])('throws RIVET_UPLOAD_INVALID for %s', (_label, make) => {
    expect(() => {
      class C { m(_f: unknown) {} }
      make()(C.prototype, 'm', 0);
    }).toThrow(expect.objectContaining({ code: 'RIVET_UPLOAD_INVALID' }));
  });
});

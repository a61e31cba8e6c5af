import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { Body, Controller, createApp, Post, UploadedFile, UploadedFiles, type UploadedFileInfo } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

class AvatarForm {
  @IsString() @Length(1, 20) name!: string;
  @IsInt() @Min(0) age!: number;
}

class BrokenForm {
  @Transform(() => { throw new TypeError('transform bug'); }) @IsString() note!: string;
}

/**
 * Watches a directory (inotify/FSEvents through fs.watch) from now on. `writtenAndRemoved()` holds once some file
 * came into being there and the directory is empty again: a test waits for it rather than sleeping, and it cannot
 * pass on an upload that never wrote its file.
 */
function watchDir(dir: string): { writtenAndRemoved: () => boolean; close: () => void } {
  let touched = false;
  const watcher = watch(dir, () => { touched = true; });
  return { writtenAndRemoved: () => touched && readdirSync(dir).length === 0, close: () => watcher.close() };
}

/** A multipart body from fields and files. */
function multipart(parts: { name: string; value?: string; filename?: string; content?: Buffer | string; type?: string }[]): { body: Buffer; type: string } {
  const boundary = `----rivet${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), Buffer.from(p.content ?? p.value ?? ''), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe('multipart uploads', () => {
  const seen: { path?: string; existed?: boolean }[] = [];

  @Controller('/up')
  class Uploads {
    @Post('/avatar')
    avatar(@UploadedFile('avatar', { maxSize: 1024 }) file: UploadedFileInfo, @Body() form: AvatarForm) {
      return { name: form.name, age: form.age, file: { field: file.fieldName, filename: file.filename, type: file.mimeType, size: file.size, text: file.buffer?.toString() } };
    }

    @Post('/disk')
    disk(@UploadedFile('doc', { storage: 'disk', maxSize: 64 * 1024 }) file: UploadedFileInfo) {
      seen.push({ path: file.path, existed: existsSync(file.path!) });
      return { size: file.size, content: readFileSync(file.path!, 'utf8').slice(0, 5) };
    }

    @Post('/many')
    many(@UploadedFiles('photos', { maxCount: 2, storage: 'disk' }) photos: UploadedFileInfo[]) {
      return photos.map((p) => p.filename);
    }

    @Post('/json')
    json(@Body() form: AvatarForm) { return form; }
    // regression: an argument read before the file throwing a non-validation error used to leave the temp file behind.
    @Post('/broken')
    broken(@Body() form: BrokenForm, @UploadedFile('doc', { storage: 'disk' }) file: UploadedFileInfo) { return [form, file.size]; }
  }

  // The app's own temp directory: what it leaves behind is visible without listing the shared /tmp.
  const tempDir = mkdtempSync(join(tmpdir(), 'rivet-uploads-spec-'));
  const app = createApp({ controllers: [Uploads], openapi: { title: 't', version: '1' }, uploads: { tempDir } });
  let client: Awaited<ReturnType<typeof serve>>;
  let temp: ReturnType<typeof watchDir>;
  beforeAll(async () => { client = await serve(app); });
  beforeEach(() => { temp = watchDir(tempDir); });
  afterEach(() => {
    temp.close();
    // Nothing is left behind; should a test leave something, the next one still starts from an empty directory.
    const left = readdirSync(tempDir);
    for (const name of left) rmSync(join(tempDir, name), { force: true });
    expect(left).toEqual([]);
  });
  afterAll(async () => {
    await client.close();
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('hands the file and the validated form fields to the handler', async () => {
    const { body, type } = multipart([{ name: 'name', value: 'Ada' }, { name: 'age', value: '36' }, { name: 'avatar', filename: 'a.txt', type: 'text/plain', content: 'hello' }]);
    await client.post('/up/avatar').send(body, type).expect(201).expectJson({
      name: 'Ada', age: 36, file: { field: 'avatar', filename: 'a.txt', type: 'text/plain', size: 5, text: 'hello' },
    });
  });

  it('answers 422 with body locations when a form field is invalid or the file is missing', async () => {
    const { body, type } = multipart([{ name: 'name', value: '' }, { name: 'age', value: '36' }]);
    const res = await client.post('/up/avatar').send(body, type).expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({
      status: 422,
      errors: expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'avatar'], type: 'required' }),
        expect.objectContaining({ loc: ['body', 'name'], type: 'isLength' }),
      ]),
    });
  });

  it('answers 413 for a file over maxSize and leaves no temporary file behind', async () => {
    const { body, type } = multipart([{ name: 'doc', filename: 'big.bin', content: Buffer.alloc(200 * 1024, 1) }]);
    const res = await client.post('/up/disk').send(body, type).expect(413).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The file in "doc" exceeds 65536 bytes.', instance: '/up/disk' });
    // The file was being written when the limit hit; it is removed once its stream closed, after the answer.
    await waitFor(temp.writtenAndRemoved);
  });

  it('stores a file on disk, in uploads.tempDir, for the handler and removes it after the response', async () => {
    const { body, type } = multipart([{ name: 'doc', filename: 'd.txt', content: 'hello disk' }]);
    await client.post('/up/disk').send(body, type).expect(201).expectJson({ size: 10, content: 'hello' });
    const { path, existed } = seen.at(-1)!;
    expect(existed).toBe(true);
    expect(path!.startsWith(tempDir + sep)).toBe(true);
    await waitFor(() => !existsSync(path!));
  });

  it('answers 413 for more files than maxCount', async () => {
    const { body, type } = multipart([1, 2, 3].map((i) => ({ name: 'photos', filename: `p${i}.jpg`, content: 'x' })));
    const res = await client.post('/up/many').send(body, type).expect(413);
    expect(res.json()).toMatchObject({ detail: 'The form field "photos" takes at most 2 files.' });
    await waitFor(temp.writtenAndRemoved);
  });

  it('refuses files in fields the route does not declare with 400', async () => {
    const { body, type } = multipart([{ name: 'other', filename: 'x', content: 'x' }]);
    await client.post('/up/many').send(body, type).expect(400).expectHeader('content-type', PROBLEM);
  });

  it('answers 400 for a malformed multipart body', async () => {
    await client.post('/up/many').send('garbage', 'multipart/form-data; boundary=abc').expect(400);
  });

  it('keeps multipart a 415 on routes without upload parameters', async () => {
    const { body, type } = multipart([{ name: 'name', value: 'Ada' }]);
    await client.post('/up/json').send(body, type).expect(415);
  });

  it('removes the temporary files of an upload the client aborts', async () => {
    const { type } = multipart([]);
    const boundary = type.split('boundary=')[1];
    const req = httpRequest(`${client.url}/up/disk`, { method: 'POST', headers: { 'content-type': type, 'content-length': 100000 } });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="doc"; filename="x"\r\n\r\n${'a'.repeat(1000)}`);
    // The client leaves once the server is writing the file.
    await waitFor(() => readdirSync(tempDir).length === 1);
    req.destroy();
    await waitFor(() => readdirSync(tempDir).length === 0);
  });

  it('documents upload routes as multipart/form-data in OpenAPI', () => {
    const op = app.openapi().paths['/up/avatar']?.post as { requestBody: { content: Record<string, { schema: unknown }> } };
    expect(op.requestBody.content).toEqual({
      'multipart/form-data': {
        schema: { allOf: [{ $ref: '#/components/schemas/AvatarForm' }, { type: 'object', properties: { avatar: { type: 'string', format: 'binary' } }, required: ['avatar'] }] },
      },
    });
  });

  it('removes the temporary files when an argument read before the file fails with a 500', async () => {
    const { body, type } = multipart([{ name: 'note', value: 'x' }, { name: 'doc', filename: 'd.txt', content: 'data' }]);
    await client.post('/up/broken').send(body, type).expect(500);
    await waitFor(temp.writtenAndRemoved);
  });

  it('refuses an uploads.tempDir that is not an existing directory at start-up', () => {
    for (const bad of [join(tempDir, 'missing'), '', 42]) {
      expect(() => createApp({ controllers: [Uploads], uploads: { tempDir: bad as string } })).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID', message: expect.stringContaining('uploads.tempDir') }));
    }
  });
});

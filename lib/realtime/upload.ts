import { randomUUID } from 'node:crypto';
import { createWriteStream, statSync, unlink, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BadRequestError, PayloadTooLargeError } from '../errors/http-error';
import { RivetError } from '../errors/rivet-error';
import { REQUEST_FILES, type MultipartReader, type RequestFiles, type UploadedFileInfo } from '../http/uploads';
import { ownMember } from '../metadata/store';
import type { ParamMeta } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/** Options of {@link UploadedFile} and {@link UploadedFiles}. */
export interface UploadOptions {
  /** Largest file in bytes (default 10 MiB); a larger one is answered 413. */
  maxSize?: number;
  /** Where file content goes: `'memory'` (a Buffer, the default) or `'disk'` (a temporary file, removed after the response). */
  storage?: 'memory' | 'disk';
  /** `@UploadedFiles` only: most files accepted in the field (default 10); more is a 413. */
  maxCount?: number;
  /** `@UploadedFile` only: whether the file must be present (default true; missing → 422). */
  required?: boolean;
  /** For the OpenAPI document. */
  description?: string;
}

/** The app-wide `uploads` option of `createApp`. */
export interface UploadsOptions {
  /**
   * The directory `storage: 'disk'` files are written to (and removed from). Default: the OS temp directory
   * (`os.tmpdir()`). A relative path resolves against the working directory; the directory must exist.
   */
  tempDir?: string;
}

/** Checks the `uploads` option at start-up: the temp directory of disk storage, or `null` for the OS one. */
export function normalizeUploads(option: UploadsOptions | undefined): { readonly tempDir: string | null } {
  if (option === undefined) return { tempDir: null };
  if (option === null || typeof option !== 'object') {
    throw new RivetError('RIVET_OPTIONS_INVALID', `uploads is ${String(option)}, not an object.\n  Fix: pass { tempDir: '/var/tmp/uploads' }, or leave uploads out.`);
  }
  const dir = option.tempDir;
  if (dir === undefined) return { tempDir: null };
  const abs = typeof dir === 'string' && dir !== '' ? resolve(dir) : null;
  let isDirectory = false;
  try { isDirectory = abs !== null && statSync(abs).isDirectory(); } catch { /* reported below */ }
  if (!isDirectory) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `uploads.tempDir ${JSON.stringify(dir) ?? String(dir)}${abs !== null && abs !== dir ? ` (${abs})` : ''} is not an existing directory.\n  Fix: create it first (e.g. fs.mkdirSync(dir, { recursive: true })), or leave tempDir out for the OS temp directory.`);
  }
  return { tempDir: abs };
}

/** Limits of a whole multipart body, from the route's body limit, and where disk storage writes. */
export interface MultipartLimits {
  /** Largest form field value in bytes (the route's body limit). */
  readonly fieldSize: number;
  /** The directory of `storage: 'disk'` files (`uploads.tempDir`); `null`: the OS temp directory. */
  readonly tempDir: string | null;
}

const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
const MAX_FIELDS = 1000;
const uploadOptions = new WeakMap<ParamMeta, Required<Pick<UploadOptions, 'maxSize' | 'storage' | 'maxCount'>>>();

function uploadDecorator(list: boolean) {
  return (nameOrOptions?: string | UploadOptions, maybeOptions?: UploadOptions): ParameterDecorator => legacyDecorator<ParameterDecorator>(list ? '@UploadedFiles' : '@UploadedFile', (proto, member, index) => {
    if (member === undefined) return;
    const field = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
    const o = (typeof nameOrOptions === 'object' ? nameOrOptions : maybeOptions) ?? {};
    const where = `${(proto as object).constructor.name}#${String(member)} parameter ${index} (@${list ? 'UploadedFiles' : 'UploadedFile'})`;
    if (!list && field === undefined) throw new RivetError('RIVET_UPLOAD_INVALID', `${where} needs the form field name.\n  Fix: e.g. @UploadedFile('avatar'); use @UploadedFiles() for every file of the form.`);
    const maxSize = o.maxSize ?? DEFAULT_MAX_SIZE;
    const maxCount = list ? (o.maxCount ?? 10) : 1;
    if (!Number.isInteger(maxSize) || maxSize <= 0) throw new RivetError('RIVET_UPLOAD_INVALID', `${where}: maxSize is ${String(o.maxSize)}.\n  Fix: give a whole number of bytes, e.g. 5 * 1024 * 1024.`);
    if (!Number.isInteger(maxCount) || maxCount <= 0) throw new RivetError('RIVET_UPLOAD_INVALID', `${where}: maxCount is ${String(o.maxCount)}.\n  Fix: give a whole number of files, e.g. 5.`);
    if (o.storage !== undefined && o.storage !== 'memory' && o.storage !== 'disk') throw new RivetError('RIVET_UPLOAD_INVALID', `${where}: storage is ${JSON.stringify(o.storage)}.\n  Fix: 'memory' or 'disk'.`);
    const meta: ParamMeta = {
      index,
      source: 'file',
      name: field,
      options: { type: list ? [Object] : Object, required: list ? false : o.required !== false, description: o.description },
    };
    uploadOptions.set(meta, { maxSize, maxCount, storage: o.storage ?? 'memory' });
    (ownMember((proto as object).constructor, member).params ??= []).push(meta);
  });
}

/**
 * One uploaded file of a `multipart/form-data` request (an {@link UploadedFileInfo}); the other form fields go to
 * `@Body() dto`, validated like a form. Over `maxSize` → 413, and no temporary file is left behind.
 * @example @Post('/avatar') upload(@UploadedFile('avatar', { maxSize: 1_000_000 }) file: UploadedFileInfo, @Body() form: AvatarForm) {}
 */
export const UploadedFile: (field: string, options?: UploadOptions) => ParameterDecorator = uploadDecorator(false);

/** The files of one field (`@UploadedFiles('photos', { maxCount: 5 })`), or of every field (`@UploadedFiles()`), as a list. */
export const UploadedFiles: (fieldOrOptions?: string | UploadOptions, options?: UploadOptions) => ParameterDecorator = uploadDecorator(true);

/**
 * The multipart reader of a route with upload parameters, or `null` when it has none (multipart then stays a 415).
 * Files for fields the route does not declare are refused (400) rather than stored.
 */
export function compileMultipart(params: readonly ParamMeta[], limits: MultipartLimits): MultipartReader | null {
  const fields = new Map<string, { maxSize: number; maxCount: number; storage: 'memory' | 'disk' }>();
  let any: { maxSize: number; maxCount: number; storage: 'memory' | 'disk' } | null = null;
  for (const p of params) {
    const o = uploadOptions.get(p);
    if (o === undefined) continue;
    if (p.name === undefined) any = o;
    else fields.set(p.name, o);
  }
  if (fields.size === 0 && any === null) return null;
  const totalFiles = any !== null ? any.maxCount : [...fields.values()].reduce((n, f) => n + f.maxCount, 0);
  const largest = Math.max(...[...fields.values(), ...(any === null ? [] : [any])].map((f) => f.maxSize));
  const Busboy = require('busboy') as typeof import('busboy');
  const tempDir = limits.tempDir ?? tmpdir();
  return (req) => readMultipart(req, Busboy, (name) => fields.get(name) ?? any, { files: totalFiles + 1, fileSize: largest + 1, fieldSize: limits.fieldSize, fields: MAX_FIELDS, tempDir });
}

interface Limits { files: number; fileSize: number; fieldSize: number; fields: number; tempDir: string }

function readMultipart(
  req: IncomingMessage, Busboy: typeof import('busboy'), policyOf: (field: string) => { maxSize: number; maxCount: number; storage: 'memory' | 'disk' } | null | undefined, limits: Limits,
): Promise<Record<string, string | string[]>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    const files: Record<string, UploadedFileInfo[]> = {};
    const paths: string[] = [];
    const counts: Record<string, number> = {};
    const writes: Promise<void>[] = [];
    const open = new Set<WriteStream>();
    let failed = false;
    const cleanup = (): void => {
      for (const p of paths.splice(0)) unlink(p, ignore);
    };
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({ headers: req.headers, limits: { files: limits.files, fileSize: limits.fileSize, fieldSize: limits.fieldSize, fields: limits.fields, parts: limits.files + limits.fields } });
    } catch (err) {
      reject(new BadRequestError(`The multipart body cannot be read: ${(err as Error).message}.`));
      return;
    }
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // Stop reading: the connection is closed after the answer so the rest of the upload is never received.
      req.pause();
      // Not destroyed: that would fail the part streams still open; unpiped, busboy gets no more input and is collected.
      bb.removeAllListeners();
      bb.on('error', ignore);
      for (const w of open) w.destroy();
      // A file stream may still be flushing its first bytes: remove once every write stream has closed.
      // (A destroyed stream still opening creates its file first, so an earlier unlink would miss it.)
      void Promise.allSettled(writes).then(cleanup);
      reject(err);
    };
    const tooLarge = (detail: string): PayloadTooLargeError => new PayloadTooLargeError(detail, { headers: { connection: 'close' } });
    const onAbort = (): void => { if (!req.complete) fail(new BadRequestError('The client aborted the upload.')); };
    req.once('close', onAbort);

    // The text fields together may weigh no more than the body limit (each one alone is capped by busboy).
    let fieldBytes = 0;
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(tooLarge(`The form field "${name}" exceeds ${limits.fieldSize} bytes.`));
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (fieldBytes > limits.fieldSize) return fail(tooLarge(`The form fields exceed ${limits.fieldSize} bytes in all.`));
      const prior = fields[name];
      if (prior === undefined) fields[name] = value;
      else if (Array.isArray(prior)) prior.push(value);
      else fields[name] = [prior, value];
    });
    bb.on('file', (name, stream, info) => {
      stream.on('error', ignore);
      const policy = policyOf(name);
      if (policy == null) {
        stream.resume();
        return fail(new BadRequestError(`The form field "${name}" does not take files here.`));
      }
      const list = (files[name] ??= []);
      // Counted when a file starts: it joins `list` only once fully received.
      counts[name] = (counts[name] ?? 0) + 1;
      if (counts[name] > policy.maxCount) {
        stream.resume();
        return fail(tooLarge(`The form field "${name}" takes at most ${policy.maxCount} file${policy.maxCount === 1 ? '' : 's'}.`));
      }
      let size = 0;
      const chunks: Buffer[] = [];
      let out: WriteStream | null = null;
      let path: string | undefined;
      if (policy.storage === 'disk') {
        path = join(limits.tempDir, `rivet-upload-${randomUUID()}`);
        paths.push(path);
        out = createWriteStream(path);
        open.add(out);
        const w = out;
        writes.push(new Promise((r) => w.once('close', () => { open.delete(w); r(); })));
        out.on('error', (err) => fail(err));
      }
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > policy.maxSize) return fail(tooLarge(`The file in "${name}" exceeds ${policy.maxSize} bytes.`));
        if (out !== null) {
          if (!out.write(chunk)) { stream.pause(); out.once('drain', () => stream.resume()); }
        } else {
          chunks.push(chunk);
        }
      });
      stream.on('limit', () => fail(tooLarge(`The file in "${name}" exceeds ${policy.maxSize} bytes.`)));
      stream.on('end', () => {
        if (failed) return;
        out?.end();
        const file: UploadedFileInfo = { fieldName: name, filename: info.filename ?? '', mimeType: info.mimeType, encoding: info.encoding, size, ...(out === null ? { buffer: Buffer.concat(chunks, size) } : { path: path! }) };
        list.push(file);
      });
    });
    bb.on('filesLimit', () => fail(tooLarge(`The form carries more than ${limits.files - 1} files.`)));
    bb.on('fieldsLimit', () => fail(tooLarge(`The form carries more than ${limits.fields} fields.`)));
    bb.on('partsLimit', () => fail(tooLarge('The form carries too many parts.')));
    bb.on('error', (err: Error) => fail(new BadRequestError(`The multipart body is malformed: ${err.message}.`)));
    bb.on('close', () => {
      if (failed) return;
      void Promise.all(writes).then(() => {
        if (failed) return;
        req.off('close', onAbort);
        const stash: RequestFiles = { files, cleanup, bound: false };
        (req as IncomingMessage & { [REQUEST_FILES]?: RequestFiles })[REQUEST_FILES] = stash;
        resolve(fields);
      });
    });
    req.pipe(bb);
  });
}

function ignore(): void {}


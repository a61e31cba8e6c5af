import type { IncomingMessage, ServerResponse } from 'node:http';

/** One uploaded file, as `@UploadedFile()` hands it to a handler. */
export interface UploadedFileInfo {
  /** The form field it came in. */
  readonly fieldName: string;
  /** The client's file name (untrusted: never use it as a path). */
  readonly filename: string;
  /** The client's declared media type (untrusted). */
  readonly mimeType: string;
  readonly encoding: string;
  /** Size in bytes. */
  readonly size: number;
  /** The content, with `storage: 'memory'`. */
  readonly buffer?: Buffer;
  /** A temporary file, with `storage: 'disk'`; removed once the response is sent, so move it (`fs.rename`) to keep it. */
  readonly path?: string;
}

/** Reads a `multipart/form-data` body: resolves with the form fields and leaves the files on the request. */
export type MultipartReader = (req: IncomingMessage) => Promise<Record<string, string | string[]>>;

/** The files of a multipart request, by field, with the removal of their temporary files. */
export interface RequestFiles {
  readonly files: Record<string, UploadedFileInfo[]>;
  /** Removes the temporary files; bound to the response's 'close' as soon as the body is read. */
  readonly cleanup: () => void;
  bound: boolean;
}

/** Where a multipart reader leaves {@link RequestFiles} on the request. */
export const REQUEST_FILES: unique symbol = Symbol('rivet.requestFiles');

/**
 * Ties the removal of a request's temporary upload files to the end of its response (sent, failed or aborted), so
 * no path — a handler that never reads them, an earlier parameter that throws — leaves files behind. Idempotent.
 */
export function releaseFilesWithResponse(req: IncomingMessage, res: ServerResponse): void {
  const stash = (req as IncomingMessage & { [REQUEST_FILES]?: RequestFiles })[REQUEST_FILES];
  if (stash === undefined || stash.bound) return;
  stash.bound = true;
  if (res.closed) stash.cleanup();
  else res.once('close', stash.cleanup);
}

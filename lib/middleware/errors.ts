import { HttpError, type HttpErrorOptions } from '../errors/http-error';

/** 406: none of the formats the server can produce is acceptable to the client (`Accept`). */
export class NotAcceptableError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(406, detail, options); }
}

/** 416: the `Range` asks for bytes the file does not have; carries `Content-Range: bytes *\/<size>` (RFC 9110 §15.5.17). */
export class RangeNotSatisfiableError extends HttpError {
  constructor(size: number, detail?: string) { super(416, detail, { headers: { 'content-range': `bytes */${size}` } }); }
}

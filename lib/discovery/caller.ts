import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// lib/ when run from source (ts-jest), dist/ when built: frames inside it are Rivet's own, not the caller's.
const OWN_ROOT = resolve(__dirname, '..') + sep;

/**
 * The directory of the first file on the stack outside Rivet itself: the file that called `createApp`.
 * Controller patterns resolve against it, so discovery does not depend on the working directory.
 * Falls back to `process.cwd()` when the stack has no file name (eval, REPL).
 */
export function callerDirectory(): string {
  const previous = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    for (const frame of frames) {
      let file = frame.getFileName();
      if (file === undefined || file === null || file.startsWith('node:')) continue;
      if (file.startsWith('file://')) file = fileURLToPath(file);
      if (!file.startsWith(OWN_ROOT)) return dirname(file);
    }
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = limit;
  }
  return process.cwd();
}

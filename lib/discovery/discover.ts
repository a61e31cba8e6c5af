import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { RivetError } from '../errors/rivet-error';
import { peekMeta } from '../metadata/store';

/** What `createApp({ controllers })` accepts: classes, glob patterns, directories, or a mix. */
export type ControllerSource = Function | string;

// A directory means "every module in it"; declarations, source maps and tests are never controllers.
const DIRECTORY_PATTERN = '**/*.{ts,js,cts,cjs}';
const IGNORE = ['**/node_modules/**', '**/*.d.ts', '**/*.d.cts', '**/*.map', '**/*.spec.*', '**/*.test.*'];

/**
 * Turns controller sources into controller classes. Classes pass through; a string is a glob pattern or a
 * directory, resolved against `root`. Every matched module is loaded with `require` (synchronously, so
 * `createApp` stays synchronous), and each exported class with its own `@Controller` is mounted, once.
 * A module that fails to load stops start-up with the file and the original error: never skipped silently.
 */
export function discoverControllers(sources: readonly ControllerSource[], root: string): Function[] {
  const out = new Set<Function>();
  for (const source of sources) {
    if (typeof source === 'function') { out.add(source); continue; }
    const files = filesOf(source, root);
    let found = 0;
    for (const file of files) {
      for (const value of exportedValues(loadModule(file, source))) {
        if (typeof value === 'function' && peekMeta(value)?.controller !== undefined) {
          if (!out.has(value)) found++;
          out.add(value);
        }
      }
    }
    if (found === 0) {
      const where = files.length === 0 ? 'matched no file' : `matched ${files.length} file(s) but none exports a @Controller class`;
      throw new RivetError('RIVET_DISCOVERY_EMPTY', `controllers: "${source}" (resolved against ${root}) ${where}.\n  Fix: check the pattern and the root (createApp({ root })); patterns are relative to the file that calls createApp unless root is given, and controller classes must be exported.`);
    }
  }
  return [...out];
}

/** The files a pattern or directory names, sorted so that mounting order does not depend on the file system. */
function filesOf(source: string, root: string): string[] {
  const absolute = isAbsolute(source) ? source : resolve(root, source);
  let isDirectory = false;
  try { isDirectory = statSync(absolute).isDirectory(); } catch { /* not a path: a pattern */ }
  const cwd = isDirectory ? absolute : root;
  const pattern = isDirectory ? DIRECTORY_PATTERN : isAbsolute(source) ? relative(root, source) : source;
  return globSync(pattern, { cwd, absolute: true, ignore: IGNORE, onlyFiles: true, expandDirectories: false }).sort();
}

function loadModule(file: string, source: string): unknown {
  try {
    return require(file);
  } catch (err) {
    const original = err instanceof Error ? err.message : String(err);
    throw new RivetError('RIVET_DISCOVERY_IMPORT_FAILED', `could not load ${file} (matched by controllers: "${source}"):\n  ${original.split('\n').join('\n  ')}\n  Fix: correct the error in that file (the original error is this error's cause), or narrow the pattern so it does not match it.`, { cause: err });
  }
}

function exportedValues(exports: unknown): unknown[] {
  if (typeof exports === 'function') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports as Record<string, unknown>);
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RivetError } from '../errors/rivet-error';

/** The file names `rivet types` writes its module under, compiled or not, in the order they are looked for. */
const NAMES = ['rivet.meta.js', 'rivet.meta.cjs', 'rivet.meta.ts', 'rivet.meta.cts'];

/**
 * Loads the response type module `rivet types` generated (`rivet.meta.ts`, compiled beside the controllers) from
 * `root`, when there is one: importing it registers the handlers' inferred response types. Used when controllers
 * are discovered by pattern, so that the module is found the same way they are. Returns the file loaded, if any.
 */
export function loadTypesModule(root: string): string | undefined {
  const file = NAMES.map((name) => join(root, name)).find((f) => existsSync(f));
  if (file === undefined) return undefined;
  try {
    require(file);
  } catch (err) {
    const original = err instanceof Error ? err.message : String(err);
    throw new RivetError('RIVET_TYPES_IMPORT_FAILED', `could not load ${file}, the response types \`rivet types\` wrote:\n  ${original.split('\n').join('\n  ')}\n  Fix: regenerate it with \`npx rivet types\` (or delete it to go without inferred response types), or pass createApp({ types: false }).`, { cause: err });
  }
  return file;
}

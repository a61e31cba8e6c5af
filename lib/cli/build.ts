import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultTypesFile, loadCompilerApi, runTypesCommand, type TypesResult } from './return-types';

/** Options of `rivet build`. */
export interface BuildCommandOptions {
  cwd?: string;
  /** The tsconfig to read and compile. Default `tsconfig.json`. */
  project?: string;
}

/**
 * Runs `rivet build`: writes the response types (`rivet types`), then compiles with the project's own tsc. Projects
 * built by swc or esbuild run `rivet types && <their compiler>` instead: the module is plain TypeScript.
 * Resolves with the types result; throws when tsc reports errors (it prints them).
 */
export function runBuildCommand(options: BuildCommandOptions = {}): TypesResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const project = options.project ?? 'tsconfig.json';
  const types = runTypesCommand({ cwd, project });
  const tsc = join(dirname(require.resolve('typescript/package.json', { paths: [cwd] })), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`rivet build: tsc -p ${project} failed${run.status === null ? ` (${String(run.signal)})` : ` with exit code ${run.status}`}.`);
  return types;
}

/**
 * Before `rivet openapi` and `rivet client` load a compiled app: refreshes the response types of the project the app
 * module belongs to (the nearest folder above it with a tsconfig.json), when that project uses them, i.e. already has
 * its `rivet.meta.ts`. A project without one is left alone. Returns the result, or `undefined` when skipped.
 */
export function refreshTypesFor(appModule: string): TypesResult | undefined {
  for (let dir = dirname(resolve(appModule)); ; dir = dirname(dir)) {
    const config = join(dir, 'tsconfig.json');
    if (existsSync(config)) {
      return existsSync(defaultTypesFile(loadCompilerApi(dir), config)) ? runTypesCommand({ cwd: dir }) : undefined;
    }
    if (dirname(dir) === dir || existsSync(join(dir, 'package.json'))) return undefined;
  }
}

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Rivet's peer dependencies that every app loads: the user's project installs them, never the CLI. */
export const APP_PEERS = ['reflect-metadata', 'class-validator', 'class-transformer', 'tsyringe'] as const;

/**
 * Resolves Rivet's peer dependencies the way the user's code in `dir` resolves them,
 * so the CLI and the app share one copy of each; with one missing, stops with one line naming it and how to install
 * it. Returns the resolved paths, in the order of {@link APP_PEERS}.
 */
export function resolveProjectPeers(dir: string, command: string): string[] {
  // Resolution starts in the folder of the file named here; the file need not exist.
  const requireFrom = createRequire(join(dir, 'noop.js'));
  const found: string[] = [];
  const missing: string[] = [];
  for (const name of APP_PEERS) {
    try {
      found.push(requireFrom.resolve(name));
    } catch {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    const project = projectDirOf(dir);
    throw new Error(`rivet ${command}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed in ${project}; install with: ${installCommand(project)} ${missing.join(' ')}`);
  }
  return found;
}

/**
 * Loads the project's reflect-metadata before its app module runs: decorator metadata is recorded only when the
 * `Reflect.metadata` polyfill is in place, and it must be the project's copy (the one its tsyringe reads).
 */
export function loadProjectPeers(dir: string, command: string): void {
  const [reflectMetadata] = resolveProjectPeers(dir, command);
  require(reflectMetadata);
}

/** The nearest folder at or above `dir` with a package.json (else `dir`). */
function projectDirOf(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return dir;
  }
}

/** `npm install`, `pnpm add` or `yarn add`, by the project's lock file. */
function installCommand(project: string): string {
  if (existsSync(join(project, 'pnpm-lock.yaml'))) return 'pnpm add';
  if (existsSync(join(project, 'yarn.lock'))) return 'yarn add';
  return 'npm install';
}

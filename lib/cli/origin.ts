import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The root of this copy of Rivet: the folder holding its package.json (above `lib/` or `dist/`). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/**
 * Written into `dist/` by the `prepack` script when npm packs for `npm publish` (and removed for any other pack):
 * a copy that carries it came from the registry.
 */
export const PUBLISHED_MARKER = join('dist', 'published.json');

/** Where this copy of Rivet came from, which decides the dependency `rivet new` writes into a project. */
export type RivetOrigin =
  /** Installed from the npm registry (or a copy of what was published there): depend on `^version`. */
  | { kind: 'registry'; name: string; version: string }
  /** Installed from a tarball that still exists (`npx --package=x.tgz`, `npm i x.tgz`): depend on that file. */
  | { kind: 'tarball'; name: string; version: string; file: string }
  /** A checkout or a copy with no record of its source (`npm i -g x.tgz` keeps none): pack it for the project. */
  | { kind: 'folder'; name: string; version: string; root: string };

interface Manifest { name: string; version: string }

/** This package's name and version, read from its package.json. */
export function ownManifest(root: string = PACKAGE_ROOT): Manifest {
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  return { name, version };
}

/**
 * Finds out how the copy of Rivet at `root` was obtained. npm records an installed package's source in the lock of
 * the tree that holds it (`node_modules/.package-lock.json`, or `package-lock.json` beside `node_modules`; npx
 * keeps one per package set), keyed by its path from that tree's root; a registry URL or a `file:` tarball says it.
 * With no such record (a checkout, a global install), a published copy carries {@link PUBLISHED_MARKER}; anything
 * else is a folder that `rivet new` packs.
 */
export function originOf(root: string = PACKAGE_ROOT): RivetOrigin {
  const { name, version } = ownManifest(root);
  const resolved = lockedSource(root);
  if (resolved !== undefined) {
    if (/^https?:\/\//.test(resolved)) return { kind: 'registry', name, version };
    if (resolved.startsWith('file:') && /\.t(ar\.)?gz$/.test(resolved)) {
      const file = resolved.slice('file:'.length);
      if (isAbsolute(file) && existsSync(file)) return { kind: 'tarball', name, version, file };
    }
  }
  if (existsSync(join(root, PUBLISHED_MARKER))) return { kind: 'registry', name, version };
  return { kind: 'folder', name, version, root };
}

/** The `resolved` field the lock of the enclosing install tree holds for `root`, made absolute for `file:` specs. */
function lockedSource(root: string): string | undefined {
  // <tree>/node_modules/rivetjs or <tree>/node_modules/@scope/name
  const modules = root.split(sep).lastIndexOf('node_modules');
  if (modules < 0) return undefined;
  const tree = root.split(sep).slice(0, modules).join(sep) || sep;
  const key = relative(tree, root).split(sep).join('/');
  for (const lock of [join(tree, 'node_modules', '.package-lock.json'), join(tree, 'package-lock.json')]) {
    let entry: { resolved?: unknown } | undefined;
    try {
      entry = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { resolved?: unknown }> }).packages?.[key];
    } catch {
      continue;   // no lock here, or one npm is still writing
    }
    if (typeof entry?.resolved !== 'string') continue;
    const spec = entry.resolved;
    // npm writes file: specs relative to the tree's root.
    return spec.startsWith('file:') ? `file:${resolve(tree, spec.slice('file:'.length))}` : spec;
  }
  return undefined;
}

/**
 * The `rivetjs` dependency spec for a new project in `projectDir`: `^version` for a registry copy, `file:<tarball>`
 * for a tarball install, and for a folder a tarball packed into `<projectDir>/vendor/` (a relative `file:` spec, so
 * the project installs wherever it is cloned). Packing copies the package as npm would publish it, so the project
 * gets its own copy of Rivet's peer dependencies, never the checkout's.
 */
export function dependencySpec(origin: RivetOrigin, projectDir: string, log: (line: string) => void): string {
  switch (origin.kind) {
    case 'registry': return `^${origin.version}`;
    case 'tarball': return `file:${origin.file}`;
    case 'folder': {
      const vendor = join(projectDir, 'vendor');
      mkdirSync(vendor, { recursive: true });
      const file = packFolder(origin.root, vendor);
      log(`This ${origin.name} is a local copy (${origin.root}), not a registry install: packed it into vendor/${basename(file)}.`);
      return `file:vendor/${basename(file)}`;
    }
  }
}

/** Runs `npm pack` on a folder into `destination`; returns the tarball's path. Scripts are skipped: the copy is built. */
export function packFolder(folder: string, destination: string): string {
  if (!existsSync(join(folder, 'dist', 'index.js'))) {
    throw new Error(`${folder} has no build (dist/index.js).\n  Fix: run npm run build in ${folder}, or pass --rivet <spec>.`);
  }
  const res = spawnSync('npm', ['pack', folder, '--pack-destination', destination, '--ignore-scripts', '--json'], {
    cwd: destination, encoding: 'utf8', shell: process.platform === 'win32',
  });
  if (res.error !== undefined) throw new Error(`Could not run npm pack: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`npm pack ${folder} failed (exit ${res.status}):\n${tail(res.stderr)}`);
  const [{ filename }] = JSON.parse(res.stdout) as Array<{ filename: string }>;
  return join(destination, basename(filename));
}

/** The last `count` non-empty lines of a command's output, indented, for an error message. */
export function tail(output: string, count = 12): string {
  return output.split('\n').filter((line) => line.trim() !== '').slice(-count).map((line) => `  ${line}`).join('\n');
}

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dependencySpec, originOf, ownManifest } from '../../lib/cli/origin';

let tree: string;
beforeEach(() => { tree = mkdtempSync(join(tmpdir(), 'rivet-origin-')); });
afterEach(() => rmSync(tree, { recursive: true, force: true }));

/** A copy of the package at `dir` (package.json and a build), as npm would have unpacked it. */
function copyAt(dir: string, files: Record<string, string> = {}): string {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rivetjs', version: '1.2.3', files: ['dist'] }));
  writeFileSync(join(dir, 'dist', 'index.js'), 'module.exports = {};\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const lock = (resolved: string) => JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/rivetjs': { version: '1.2.3', resolved } } });

describe('originOf', () => {
  it('takes a registry install from the lock npm (or npx) wrote beside it', () => {
    const root = copyAt(join(tree, 'node_modules', 'rivetjs'));
    writeFileSync(join(tree, 'node_modules', '.package-lock.json'), lock('https://registry.npmjs.org/rivetjs/-/rivetjs-1.2.3.tgz'));
    expect(originOf(root)).toEqual({ kind: 'registry', name: 'rivetjs', version: '1.2.3' });
  });

  it('takes a tarball install from a file: spec relative to the tree, while the tarball exists', () => {
    const root = copyAt(join(tree, 'project', 'node_modules', 'rivetjs'));
    writeFileSync(join(tree, 'rivetjs-1.2.3.tgz'), '');
    writeFileSync(join(tree, 'project', 'package-lock.json'), lock('file:../rivetjs-1.2.3.tgz'));
    expect(originOf(root)).toEqual({ kind: 'tarball', name: 'rivetjs', version: '1.2.3', file: join(tree, 'rivetjs-1.2.3.tgz') });
    rmSync(join(tree, 'rivetjs-1.2.3.tgz'));
    expect(originOf(root)).toEqual({ kind: 'folder', name: 'rivetjs', version: '1.2.3', root });
  });

  it('takes a copy with no lock record as published when it carries the marker, else as a folder to pack', () => {
    const root = copyAt(join(tree, 'lib', 'node_modules', 'rivetjs'));     // npm install -g keeps no lock
    expect(originOf(root)).toEqual({ kind: 'folder', name: 'rivetjs', version: '1.2.3', root });
    writeFileSync(join(root, 'dist', 'published.json'), '{}');
    expect(originOf(root)).toEqual({ kind: 'registry', name: 'rivetjs', version: '1.2.3' });
  });

  it('takes a checkout as a folder', () => {
    const root = copyAt(join(tree, 'rivet'));
    expect(originOf(root)).toEqual({ kind: 'folder', name: 'rivetjs', version: '1.2.3', root });
  });

  it('reads this package', () => {
    expect(ownManifest().name).toBe('rivetjs');
  });
});

describe('dependencySpec', () => {
  const lines: string[] = [];
  const log = (line: string) => { lines.push(line); };

  it('is ^version for a registry copy and file:<tarball> for a tarball', () => {
    expect(dependencySpec({ kind: 'registry', name: 'rivetjs', version: '1.2.3' }, tree, log)).toBe('^1.2.3');
    expect(dependencySpec({ kind: 'tarball', name: 'rivetjs', version: '1.2.3', file: '/x/rivetjs-1.2.3.tgz' }, tree, log)).toBe('file:/x/rivetjs-1.2.3.tgz');
    expect(lines).toEqual([]);
  });

  it('packs a folder into the project\'s vendor/ and says so', () => {
    const root = copyAt(join(tree, 'checkout'));
    const project = join(tree, 'project');
    expect(dependencySpec({ kind: 'folder', name: 'rivetjs', version: '1.2.3', root }, project, log)).toBe('file:vendor/rivetjs-1.2.3.tgz');
    expect(existsSync(join(project, 'vendor', 'rivetjs-1.2.3.tgz'))).toBe(true);
    expect(lines).toEqual([`This rivetjs is a local copy (${root}), not a registry install: packed it into vendor/rivetjs-1.2.3.tgz.`]);
  });

  it('refuses to pack a folder that was never built', () => {
    const root = join(tree, 'unbuilt');
    mkdirSync(root);
    expect(() => dependencySpec({ kind: 'folder', name: 'rivetjs', version: '1.2.3', root }, join(tree, 'p'), log))
      .toThrow(`${root} has no build (dist/index.js).\n  Fix: run npm run build in ${root}, or pass --rivet <spec>.`);
  });
});

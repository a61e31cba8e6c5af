import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** What `packRivet` made: the tarball a project can depend on (`file:<tarball>`), and the CLI inside the build. */
export interface PackedRivet {
  dir: string;
  tarball: string;
  cli: string;
}

/**
 * Builds Rivet into a temporary directory and packs it with `npm pack`, as a release would, without touching the
 * checkout's own dist/ (other specs and the sample app read it).
 */
export function packRivet(): PackedRivet {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-pack-'));
  const pkg = join(dir, 'rivet');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], { stdio: 'pipe' });
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'templates']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: pkg, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return { dir, tarball: join(dir, tarball), cli: join(pkg, 'dist', 'cli', 'index.js') };
}

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The environment of a user's shell: this process's, less what npm sets for the script it runs (`npm test` puts
 * npm_config_*, npm_package_* and npm_lifecycle_* there, which would steer the npm commands these specs run).
 */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Runs a command in a user's environment; throws with its whole output when it fails. */
export function run(command: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): string {
  const res = spawnSync(command, args, { cwd, encoding: 'utf8', env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${res.status}:\n${output}`);
  return output;
}

/** What `packRivet` made: a scratch folder, and in it the tarball a registry would serve. */
export interface PackedRivet {
  dir: string;
  tarball: string;
}

/**
 * Builds Rivet into a scratch folder and packs it with `npm pack`, as a release would, without touching the
 * checkout's own dist/ (other specs and the sample app read it). The build is done here, so npm's prepack is skipped.
 */
export function packRivet(): PackedRivet {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-pack-'));
  const pkg = join(dir, 'rivetjs');
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], ROOT);
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'templates', 'lib']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  run('npm', ['pack', '--pack-destination', dir, '--ignore-scripts', '--silent'], pkg);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return { dir, tarball: join(dir, tarball) };
}

/**
 * Installs the tarball with npm into a new folder of `packed.dir`, as `npm install rivetjs` would, but without
 * Rivet's peer dependencies (`--legacy-peer-deps`): the CLI must run without them. Returns the `rivet` bin.
 */
export function installRivet(packed: PackedRivet, name: string): string {
  const project = join(packed.dir, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name, private: true })}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', packed.tarball], project);
  return join(project, 'node_modules', '.bin', 'rivet');
}

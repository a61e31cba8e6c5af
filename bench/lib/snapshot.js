'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { BUILD, ROOT } = require('./compile');

const SNAPSHOT = path.join(BUILD, 'rivet');

/**
 * Copies the built package (dist/ and package.json) into bench/.build/rivet/ and makes it the `rivet` every
 * server, generated cold-start app and micro-benchmark of this run loads (bench/.build/node_modules/rivetjs links to
 * it, ahead of bench/node_modules/rivetjs in their resolution path). On a shared checkout another engineer's
 * `npm run build` deletes and rewrites dist/ at any moment; a run measures one build from start to end.
 * The copy resolves its own dependencies from the root node_modules (a link), exactly as dist/ does, so
 * class-validator and class-transformer stay single copies. Returns the snapshot's dist/ directory.
 * `source` is another build to measure instead of the repository's dist/ (`--dist`, e.g. a commit built by
 * bench/tools/build-at.js, whose package.json sits beside its dist/).
 */
function snapshotDist(source = '') {
  const dist = source === '' ? path.join(ROOT, 'dist') : path.resolve(source);
  if (!fs.existsSync(path.join(dist, 'index.js'))) {
    throw new Error(source === '' ? 'dist/ is missing: run `npm run build` first (or use `npm run bench`).' : `${dist} holds no built Rivet (index.js): give a dist/ directory, e.g. the one bench/tools/build-at.js prints.`);
  }
  const pkg = source === '' ? path.join(ROOT, 'package.json') : path.join(dist, '..', 'package.json');
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT, { recursive: true });
  fs.cpSync(dist, path.join(SNAPSHOT, 'dist'), { recursive: true });
  fs.copyFileSync(fs.existsSync(pkg) ? pkg : path.join(ROOT, 'package.json'), path.join(SNAPSHOT, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(SNAPSHOT, 'node_modules'), 'dir');
  const modules = path.join(BUILD, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  fs.rmSync(path.join(modules, 'rivetjs'), { recursive: true, force: true });
  fs.symlinkSync(SNAPSHOT, path.join(modules, 'rivetjs'), 'dir');
  // A build caught halfway (another engineer's tsc writing dist/) would not load: say so now, not mid-run.
  const probe = spawnSync(process.execPath, ['-e', "require('reflect-metadata'); require('rivetjs')"], { cwd: BUILD, encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`the copy of dist/ does not load (a build in progress?): ${probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? probe.stderr.slice(0, 300)}`);
  return path.join(SNAPSHOT, 'dist');
}

/**
 * Which source the measured build came from: for the repository's dist/, the commit and whether lib/ had
 * uncommitted changes (others work in parallel); for a `--dist` built by bench/tools/build-at.js (bench/.build/at-<sha>/),
 * that commit's committed lib/.
 */
function describeBuild(source = '') {
  try {
    if (source !== '') {
      const dist = path.resolve(source);
      const at = /(?:^|[\\/])at-([0-9a-f]{7,40})[\\/]dist[\\/]?$/.exec(dist);
      const built = fs.statSync(path.join(dist, 'index.js')).mtime.toISOString();
      return at === null
        ? `built ${built} in ${path.relative(ROOT, dist) || dist} (--dist), copied to bench/.build/rivet/ at ${new Date().toISOString()} and loaded from there for the whole run`
        : `built ${built} by bench/tools/build-at.js from commit ${at[1]} (its committed lib/ only), copied to bench/.build/rivet/ at ${new Date().toISOString()} and loaded from there for the whole run`;
    }
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'lib'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    const built = fs.statSync(path.join(ROOT, 'dist', 'index.js')).mtime.toISOString();
    return `built ${built} from commit ${head}${dirty > 0 ? ` plus uncommitted changes to ${dirty} path${dirty === 1 ? '' : 's'} in lib/ (work in progress by other engineers)` : ''}, copied to bench/.build/rivet/ at ${new Date().toISOString()} and loaded from there for the whole run`;
  } catch {
    return 'git state unknown';
  }
}

module.exports = { snapshotDist, describeBuild, SNAPSHOT };

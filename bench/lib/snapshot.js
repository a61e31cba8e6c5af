'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BUILD, ROOT } = require('./compile');

const SNAPSHOT = path.join(BUILD, 'rivet');

/**
 * Copies the built package (dist/ and package.json) into bench/.build/rivet/ and makes it the `rivet` every
 * server, generated cold-start app and micro-benchmark of this run loads (bench/.build/node_modules/rivetjs links to
 * it, ahead of bench/node_modules/rivetjs in their resolution path). On a shared checkout another engineer's
 * `npm run build` deletes and rewrites dist/ at any moment; a run measures one build from start to end.
 * The copy resolves its own dependencies from the root node_modules (a link), exactly as dist/ does, so
 * class-validator and class-transformer stay single copies. Returns the snapshot's dist/ directory.
 */
function snapshotDist() {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (or use `npm run bench`).');
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT, { recursive: true });
  fs.cpSync(dist, path.join(SNAPSHOT, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(SNAPSHOT, 'package.json'));
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

module.exports = { snapshotDist, SNAPSHOT };

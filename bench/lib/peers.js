'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT } = require('./compile');

const BENCH = path.join(ROOT, 'bench');

/** What is missing or differs from bench/package.json's pins in bench/node_modules; empty when up to date. */
function stalePeers() {
  const { devDependencies } = JSON.parse(fs.readFileSync(path.join(BENCH, 'package.json'), 'utf8'));
  const stale = [];
  for (const [name, wanted] of Object.entries(devDependencies)) {
    const dir = path.join(BENCH, 'node_modules', name);
    if (wanted.startsWith('file:')) {
      if (!fs.existsSync(dir) || fs.realpathSync(dir) !== path.resolve(BENCH, wanted.slice(5))) stale.push(`${name} (link)`);
      continue;
    }
    let version = null;
    try {
      version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    } catch { /* missing */ }
    if (version !== wanted) stale.push(`${name}@${wanted}${version === null ? ' (missing)' : ` (have ${version})`}`);
  }
  return stale;
}

/** Installs bench/package.json's peers (`npm install --prefix bench`) unless bench/node_modules already has them. */
function ensurePeers({ log = console.log } = {}) {
  const stale = stalePeers();
  if (stale.length === 0) return false;
  log(`bench: installing the peers into bench/node_modules (${stale.join(', ')})`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', BENCH, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', cwd: BENCH });
  if (r.error || r.status !== 0) throw new Error(`npm install --prefix bench failed (${r.error?.message ?? `exit ${r.status}`})`);
  const still = stalePeers();
  if (still.length > 0) throw new Error(`bench/node_modules still lacks ${still.join(', ')} after npm install`);
  return true;
}

/**
 * The servers and dist/ must share one copy of class-validator, class-transformer and Rivet itself: a second
 * class-transformer would keep the servers' @Type() metadata where dist/ never looks. Throws when they differ.
 */
function checkSingleCopies(serversDir, distDir = path.join(ROOT, 'dist')) {
  const from = (dir, id) => {
    try {
      return fs.realpathSync(require.resolve(id, { paths: [dir] }));
    } catch {
      return null;
    }
  };
  const problems = [];
  for (const id of ['class-validator', 'class-transformer']) {
    const a = from(serversDir, id);
    const b = from(distDir, id);
    if (a === null || a !== b) problems.push(`${id}: the servers get ${a ?? 'nothing'}, dist/ gets ${b ?? 'nothing'}`);
  }
  const rivet = from(serversDir, 'rivetjs');
  if (rivet !== fs.realpathSync(path.join(distDir, 'index.js'))) problems.push(`rivet: the servers get ${rivet ?? 'nothing'}, not ${path.join(distDir, 'index.js')}`);
  if (problems.length > 0) {
    throw new Error(`the benchmark needs one copy of each of these (remove it from bench/node_modules, keep it in the root devDependencies):\n  ${problems.join('\n  ')}`);
  }
}

/** Versions of the installed peers, for the report. */
function peerVersions() {
  // Some packages do not export their package.json: find it above the resolved entry point instead.
  const v = (name, from = BENCH) => {
    try {
      for (let dir = path.dirname(require.resolve(name, { paths: [from] })); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, 'package.json');
        if (!fs.existsSync(file)) continue;
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
    } catch { /* not installed */ }
    return null;
  };
  const nestFastify = path.join(BENCH, 'node_modules', '@nestjs', 'platform-fastify');
  return {
    fastify: v('fastify'),
    nest: v('@nestjs/core'),
    express: v('express', path.join(BENCH, 'node_modules', '@nestjs', 'platform-express')),
    nestFastify: v('fastify', nestFastify),
    classValidator: v('class-validator', ROOT),
    classTransformer: v('class-transformer', ROOT),
    autocannon: v('autocannon', ROOT),
  };
}

module.exports = { ensurePeers, stalePeers, checkSingleCopies, peerVersions };

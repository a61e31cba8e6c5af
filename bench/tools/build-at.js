#!/usr/bin/env node
'use strict';
/**
 * Builds Rivet as it was at a commit, for a before/after in one run: `git archive <commit>` of lib/ and the
 * tsconfigs into bench/.build/at-<sha>/, the root node_modules linked in, compiled with the root's tsc. Prints the
 * dist/ directory, to pass as BENCH_BEFORE_DIST or BENCH_AFTER_DIST (variants/rivet-before.js, rivet-after.js, and
 * the cold start). Read-only for the repository: no checkout, no worktree.
 * Usage: node bench/tools/build-at.js <commit>
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const commit = process.argv[2];
if (!commit) {
  console.error('usage: node bench/tools/build-at.js <commit>');
  process.exit(1);
}
const sha = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', commit], { encoding: 'utf8' }).trim();
const dir = path.join(ROOT, 'bench', '.build', `at-${sha}`);
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', sha, 'lib', 'tsconfig.json', 'tsconfig.build.json', 'package.json'], { maxBuffer: 1 << 30 });
execFileSync('tar', ['-x', '-C', dir], { input: tar });
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
console.log(path.join(dir, 'dist'));

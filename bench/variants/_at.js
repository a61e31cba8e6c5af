'use strict';
// Runs the Rivet server (bench/servers/rivet.ts, compiled) on another build of Rivet: `require('rivetjs')` answers
// with `<dist>/index.js`, e.g. a commit before an optimisation built by bench/tools/build-at.js. That build resolves
// its own dependencies from its own folder (the root node_modules, linked), so the copies stay single.
const Module = require('node:module');
const path = require('node:path');

module.exports = function runAt(envName) {
  const dist = process.env[envName];
  if (!dist) throw new Error(`set ${envName} to a built dist/ directory (node bench/tools/build-at.js <commit> prints one)`);
  const index = path.join(path.resolve(dist), 'index.js');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'rivetjs' ? index : resolve.call(this, request, ...rest);
  };
  require(path.resolve(__dirname, '..', '.build', 'servers', 'rivet.js'));
};

'use strict';
// Variant (run only when named: `node bench/run.js --servers node-http,fastify,rivet,rivet-no-fast-dto`): the Rivet
// server with the compiled DTO fast path (lib/pipeline/fast-dto.ts) switched off, so every body goes through
// class-transformer + class-validator as before commit d04d03e: the "before" of that optimisation, measured with
// today's code. It patches dist/ (CommonJS, read at call time) before the server builds its app.
const path = require('node:path');

const servers = path.resolve(__dirname, '..', '.build', 'servers');
// The dist/ the Rivet server loads (bench/run.js's copy, bench/.build/rivet/dist).
const dist = path.dirname(require.resolve('rivetjs', { paths: [servers] }));
require(path.join(dist, 'pipeline', 'fast-dto')).compileFastDto = () => null;
require(path.join(servers, 'rivet.js'));

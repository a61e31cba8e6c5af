'use strict';
// Variant (run only when named: `node bench/run.js --servers rivet,rivet-intercepted --routes get,post`): the Rivet
// server with one interceptor and one exception filter on every route (app-wide, so each route's chain holds both),
// both doing nothing but pass on. Issue 16's budget: a route with one of each costs ≤ 5% over the same route
// without them. It wraps dist/'s createApp (CommonJS, read at call time) before the server builds its app.
const path = require('node:path');
require('reflect-metadata');   // before dist/app (tsyringe), as the server's own first import

const servers = path.resolve(__dirname, '..', '.build', 'servers');
const dist = path.dirname(require.resolve('rivetjs', { paths: [servers] }));
const app = require(path.join(dist, 'app'));
const createApp = app.createApp;
const passThrough = { intercept: (ctx, next) => next() };
const passOn = { catch: () => undefined };
app.createApp = (options) => createApp({ ...options, interceptors: [passThrough], filters: [passOn] });
require(path.join(servers, 'rivet.js'));

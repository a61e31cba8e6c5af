'use strict';
/**
 * One server process of bench/realtime.js. argv: <mode> <rivet dist dir> [redis url].
 * Modes: `rivet-ws` (a gateway that echoes every JSON message), `raw-ws` (the same echo on a bare `ws` server:
 * parse, serialize, send), `rivet-sse` (Channels: GET /live streams channel "bench", POST /publish publishes the
 * time), `rivet-download` (GET /download streams 100 MB in 64 KiB chunks). Reports { port } over IPC; answers
 * 'rss' with its RSS in bytes (after a GC when run with --expose-gc), and 'cpu' with its CPU time in µs.
 */
require('reflect-metadata');
const http = require('node:http');
const { Readable } = require('node:stream');

const [mode, dist, redisUrl] = process.argv.slice(2);

async function start() {
  if (mode === 'raw-ws') {
    const { WebSocketServer } = require('ws');
    const server = http.createServer((req, res) => { res.statusCode = 404; res.end(); });
    const wss = new WebSocketServer({ server, path: '/echo', maxPayload: 1024 * 1024 });
    wss.on('connection', (ws) => {
      ws.on('error', () => undefined);
      ws.on('message', (data) => ws.send(JSON.stringify(JSON.parse(data.toString('utf8')))));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server.address().port;
  }
  const rivet = require(dist);
  const options = { controllers: [], logger: false, limits: false };
  if (redisUrl) options.pubsub = new rivet.RedisPubSub({ url: redisUrl, prefix: 'bench:' });
  if (mode === 'rivet-ws') {
    class EchoGateway { echo(message) { return message; } }
    rivet.OnMessage()(EchoGateway.prototype, 'echo', Object.getOwnPropertyDescriptor(EchoGateway.prototype, 'echo'));
    rivet.WebSocketGateway('/echo', { heartbeat: false })(EchoGateway);
    options.gateways = [EchoGateway];
  } else if (mode === 'rivet-sse') {
    class Live {
      constructor(channels) { this.channels = channels; }
      live() { return this.channels.stream('bench', { keepAlive: false }); }
      async publish() { return { id: await this.channels.publish('bench', { t: Date.now() }, { event: 'tick' }) }; }
    }
    Reflect.defineMetadata('design:paramtypes', [rivet.Channels], Live);
    rivet.Sse('/live')(Live.prototype, 'live', Object.getOwnPropertyDescriptor(Live.prototype, 'live'));
    rivet.Post('/publish')(Live.prototype, 'publish', Object.getOwnPropertyDescriptor(Live.prototype, 'publish'));
    rivet.Controller('/')(Live);
    options.controllers = [Live];
  } else if (mode === 'rivet-download') {
    const SIZE = 100 * 1024 * 1024;
    const CHUNK = Buffer.alloc(64 * 1024, 120);
    class Files {
      download() {
        let sent = 0;
        return new Readable({ read() { if (sent >= SIZE) return this.push(null); sent += CHUNK.length; this.push(CHUNK); } });
      }
    }
    rivet.Get('/download')(Files.prototype, 'download', Object.getOwnPropertyDescriptor(Files.prototype, 'download'));
    rivet.Controller('/')(Files);
    options.controllers = [Files];
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  delete options.limits;
  const app = rivet.createApp(options);
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' });
  return port;
}

start().then((port) => {
  process.send({ port });
  process.on('message', (m) => {
    if (m === 'exit') process.exit(0);   // lets --cpu-prof write its profile
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    }
    if (m === 'rss') {
      if (typeof global.gc === 'function') global.gc();
      process.send({ rss: process.memoryUsage().rss });
    }
  });
}, (err) => {
  console.error(err);
  process.exit(1);
});

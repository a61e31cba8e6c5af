'use strict';
/**
 * Cold start: a generated application with 100 controllers and 300 routes (per controller: GET / with a query
 * parameter, GET /:id with a number parameter, POST / with its own 3-field DTO; every other controller guarded),
 * written as TypeScript into bench/.build/coldstart/<variant>/ (one file per controller, as a real app), compiled
 * with swc, then started again and again: the time from spawning node to the first successful response to
 * GET /c099/42, median over several runs. Each app also reports its phases on stderr (node's own boot, loading
 * the modules, building the app, listening), measured from the process's time origin.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { compileFile, BUILD } = require('./compile');
const { median } = require('./stats');

const CONTROLLERS = 100;
const ROUTES_PER_CONTROLLER = 3;
const pad = (i) => String(i).padStart(3, '0');
const LAST = pad(CONTROLLERS - 1);
const PROBE = `/c${LAST}/42`; // the last controller is guarded (odd index)

/**
 * Phase marks, printed as one JSON line on stderr, prefixed, once the app listens. `start` is taken by the first
 * import (imports run before the module body), so `load` covers every other import: framework, decorators, classes.
 */
const MARK = "(globalThis as any).__t = { start: performance.now() };\n";
const PHASES = `import './mark';
const __t = (globalThis as any).__t;
const __report = (port) => {
  __t.listening = performance.now();
  process.stderr.write('coldstart:' + JSON.stringify(__t) + '\\n');
  process.stdout.write(port + '\\n');
};`;

const DTO = (i) => `export class Create${i} {
  @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}`;

const VARIANTS = {
  'node-http': {
    label: 'raw node:http (floor: node\'s own start, no routes)',
    files: () => ({
      'main.ts': `${PHASES}
import * as http from 'node:http';
__t.loaded = performance.now();
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id":42}'); });
__t.created = performance.now();
server.listen(0, '127.0.0.1', () => __report((server.address() as any).port));
`,
    }),
  },
  fastify: {
    label: 'Fastify, 100 plugins × 3 routes with JSON schemas',
    files: () => {
      const files = {};
      for (let c = 0; c < CONTROLLERS; c++) {
        const i = pad(c);
        files[`c${i}.ts`] = `const body = { type: 'object', additionalProperties: false, required: ['name', 'email', 'age'], properties: { name: { type: 'string', minLength: 1, maxLength: 50 }, email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0, maximum: 150 } } };
export default async function c${i}(app: any) {
${c % 2 === 1 ? `  app.addHook('onRequest', (req: any, reply: any, done: any) => { if (req.headers['x-api-key'] === 'secret') done(); else reply.code(403).send({ error: 'forbidden' }); });\n` : ''}  app.get('/', { schema: { querystring: { type: 'object', properties: { limit: { type: 'integer' } } }, response: { 200: { type: 'object', properties: { c: { type: 'integer' }, limit: { type: 'integer' } } } } } }, async (req: any) => ({ c: ${c}, limit: req.query.limit }));
  app.get('/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } }, response: { 200: { type: 'object', properties: { c: { type: 'integer' }, id: { type: 'integer' } } } } } }, async (req: any) => ({ c: ${c}, id: req.params.id }));
  app.post('/', { schema: { body, response: { 201: body } } }, async (req: any, reply: any) => { reply.code(201); return req.body; });
}
`;
      }
      files['main.ts'] = `${PHASES}
import fastify from 'fastify';
${Array.from({ length: CONTROLLERS }, (_, c) => `import c${pad(c)} from './c${pad(c)}';`).join('\n')}
__t.loaded = performance.now();
const app = fastify({ logger: false });
${Array.from({ length: CONTROLLERS }, (_, c) => `app.register(c${pad(c)}, { prefix: '/c${pad(c)}' });`).join('\n')}
app.ready().then(() => { __t.created = performance.now(); return app.listen({ port: 0, host: '127.0.0.1' }); })
  .then(() => __report((app.server.address() as any).port));
`;
      return files;
    },
  },
  rivet: {
    label: 'Rivet, 100 controllers × 3 routes, DTOs, guards',
    files: () => rivetFiles(false),
  },
  'rivet-openapi': {
    label: 'Rivet, the same app with `openapi` on (document built at start-up)',
    files: () => rivetFiles(true),
  },
  'nest-express': {
    label: 'NestJS 11 on Express, the same app (module, DTOs, guard class, ValidationPipe)',
    files: () => nestFiles('express'),
  },
  'nest-fastify': {
    label: 'NestJS 11 on Fastify, the same app',
    files: () => nestFiles('fastify'),
  },
};

// Before/after builds (bench/tools/build-at.js): the same Rivet app on the build named by each variable.
const OTHER_BUILDS = { 'rivet-before': 'BENCH_BEFORE_DIST', 'rivet-after': 'BENCH_AFTER_DIST' };
for (const [name, env] of Object.entries(OTHER_BUILDS)) {
  if (process.env[env]) VARIANTS[name] = { label: `Rivet, the same app, on the build in ${env}`, files: () => rivetFiles(false), dist: path.resolve(process.env[env]) };
}

function rivetFiles(openapi) {
  const files = {
    'guard.ts': `import type { CanActivate, RequestContext } from 'rivetjs';
export class ApiKeyGuard implements CanActivate {
  canActivate(ctx: RequestContext): boolean { return ctx.request.headers['x-api-key'] === 'secret'; }
}
`,
  };
  for (let c = 0; c < CONTROLLERS; c++) {
    const i = pad(c);
    files[`c${i}.ts`] = `import { Body, Controller, Get, Guard, Param, Post, Query } from 'rivetjs';
import { IsEmail, IsInt, Length, Max, Min } from 'class-validator';
import { ApiKeyGuard } from './guard';

${DTO(i)}

@Controller('/c${i}')${c % 2 === 1 ? '\n@Guard(ApiKeyGuard)' : ''}
export class C${i} {
  @Get('/') list(@Query('limit') limit?: number) { return { c: ${c}, limit }; }
  @Get('/:id') one(@Param('id') id: number) { return { c: ${c}, id }; }
  @Post('/') create(@Body() body: Create${i}) { return { c: ${c}, ...body }; }
}
`;
  }
  files['main.ts'] = `${PHASES}
import 'reflect-metadata';
import { createApp } from 'rivetjs';
${Array.from({ length: CONTROLLERS }, (_, c) => `import { C${pad(c)} } from './c${pad(c)}';`).join('\n')}
__t.loaded = performance.now();
const app = createApp({ controllers: [${Array.from({ length: CONTROLLERS }, (_, c) => `C${pad(c)}`).join(', ')}]${openapi ? ", openapi: { title: 'Cold start', version: '1.0.0' }" : ''} });
__t.created = performance.now();
app.listen({ port: 0, host: '127.0.0.1' }).then(({ port }) => __report(port));
`;
  return files;
}

function nestFiles(platform) {
  const files = {
    'guard.ts': `import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean { return context.switchToHttp().getRequest().headers['x-api-key'] === 'secret'; }
}
`,
  };
  for (let c = 0; c < CONTROLLERS; c++) {
    const i = pad(c);
    files[`c${i}.ts`] = `import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
import { IsEmail, IsInt, Length, Max, Min } from 'class-validator';
import { ApiKeyGuard } from './guard';

${DTO(i)}

@Controller('c${i}')${c % 2 === 1 ? '\n@UseGuards(ApiKeyGuard)' : ''}
export class C${i} {
  @Get() list(@Query('limit') limit?: string) { return { c: ${c}, limit: limit === undefined ? undefined : Number(limit) }; }
  @Get(':id') one(@Param('id', ParseIntPipe) id: number) { return { c: ${c}, id }; }
  @Post() create(@Body() body: Create${i}) { return { c: ${c}, ...body }; }
}
`;
  }
  const adapter = platform === 'fastify'
    ? { imp: "import { FastifyAdapter } from '@nestjs/platform-fastify';\n", arg: 'new FastifyAdapter(), ' }
    : { imp: '', arg: '' };
  files['main.ts'] = `${PHASES}
import 'reflect-metadata';
import { Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
${adapter.imp}import { ApiKeyGuard } from './guard';
${Array.from({ length: CONTROLLERS }, (_, c) => `import { C${pad(c)} } from './c${pad(c)}';`).join('\n')}
__t.loaded = performance.now();
@Module({ controllers: [${Array.from({ length: CONTROLLERS }, (_, c) => `C${pad(c)}`).join(', ')}], providers: [ApiKeyGuard] })
class AppModule {}
NestFactory.create(AppModule, ${adapter.arg}{ logger: ['error', 'warn'] }).then(async (app: any) => {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));
  await app.init();
  __t.created = performance.now();
  await app.listen(0, '127.0.0.1');
  __report(app.getHttpServer().address().port);
});
`;
  return files;
}

/** Writes and compiles every variant; returns { name: main.js path }. */
function generate(names = Object.keys(VARIANTS)) {
  const root = path.join(BUILD, 'coldstart');
  fs.rmSync(root, { recursive: true, force: true });
  const out = {};
  for (const name of names) {
    const dir = path.join(root, name);
    const src = path.join(dir, 'src');
    fs.mkdirSync(src, { recursive: true });
    for (const [file, text] of Object.entries({ 'mark.ts': MARK, ...VARIANTS[name].files() })) {
      fs.writeFileSync(path.join(src, file), text);
      compileFile(path.join(src, file), path.join(dir, file.replace(/\.ts$/, '.js')), { sourceMaps: false });
    }
    if (VARIANTS[name].dist !== undefined) {
      // Its own node_modules/rivetjs, found before bench/.build/node_modules/rivetjs: the package root of that build.
      fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
      fs.symlinkSync(path.dirname(VARIANTS[name].dist), path.join(dir, 'node_modules', 'rivetjs'), 'dir');
    }
    out[name] = path.join(dir, 'main.js');
  }
  return out;
}

/** GET PROBE once; resolves with the status (no keep-alive: a cold client, like the first user). */
function probe(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: PROBE, headers: { 'x-api-key': 'secret' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
  });
}

/** One cold start of `script`: ms from spawn to the first 200, the app's own phase marks, and RSS then. */
function once(script, cpus) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const args = [script];
    const child = cpus ? spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    let err = '';
    let phases = null;
    let done = false;
    const timer = setTimeout(() => finish(new Error(`${script} gave no port within 30 s; stderr: ${err.slice(0, 500)}`)), 30000);
    const finish = (error, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.once('exit', () => (error ? reject(error) : resolve(value)));
      if (child.exitCode !== null || child.signalCode !== null) child.emit('exit');
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      err += d;
      const m = /^coldstart:(.*)$/m.exec(err);
      if (m !== null && phases === null) phases = JSON.parse(m[1]);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', async (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1 || done) return;
      const port = Number(out.slice(0, nl));
      const tPort = process.hrtime.bigint();
      try {
        let status = await probe(port);
        for (let i = 0; i < 50 && status !== 200; i++) status = await probe(port);
        const t1 = process.hrtime.bigint();
        if (status !== 200) return finish(new Error(`${script}: GET ${PROBE} answered ${status}`));
        const rss = readRss(child.pid);
        finish(null, { ms: Number(t1 - t0) / 1e6, portMs: Number(tPort - t0) / 1e6, phases, rss });
      } catch (e) {
        finish(e);
      }
    });
    child.once('exit', (code) => { if (!done) finish(new Error(`${script} exited (${code}) before answering; stderr: ${err.slice(0, 500)}`)); });
  });
}

function readRss(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return null;
  }
}

/**
 * Generates, compiles and starts each variant `runs` times (plus one discarded warm-up start each, for the disk
 * cache), interleaved. Resolves with one summary per variant: medians and ranges.
 */
async function coldStart({ runs = 7, cpus = null, names = Object.keys(VARIANTS), log = () => {} } = {}) {
  for (const n of names) if (!(n in VARIANTS)) throw new Error(`Unknown cold-start app "${n}"; there are: ${Object.keys(VARIANTS).join(', ')}.`);
  const scripts = generate(names);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await once(scripts[name], cpus);
  for (let r = 0; r < runs; r++) {
    for (const name of names) {
      const s = await once(scripts[name], cpus);
      samples[name].push(s);
      log(`  cold start ${r + 1}/${runs}  ${name.padEnd(13)} ${s.ms.toFixed(0).padStart(5)} ms to the first response`);
    }
  }
  return names.map((name) => {
    const list = samples[name];
    const ph = (f) => median(list.map((s) => (s.phases === null ? null : f(s.phases))));
    return {
      name, label: VARIANTS[name].label, runs: list.length,
      ms: median(list.map((s) => s.ms)), min: Math.min(...list.map((s) => s.ms)), max: Math.max(...list.map((s) => s.ms)),
      portMs: median(list.map((s) => s.portMs)),
      boot: ph((p) => p.start), load: ph((p) => p.loaded - p.start), build: ph((p) => p.created - p.loaded), listen: ph((p) => p.listening - p.created),
      rss: median(list.map((s) => s.rss)),
    };
  });
}

module.exports = { coldStart, generate, VARIANTS, CONTROLLERS, ROUTES_PER_CONTROLLER, PROBE };

'use strict';
/**
 * Start-up with inferred response types: a generated app of 100 controllers / 300 routes whose handlers return
 * typed values (a DTO class, an interface, a generic page of it), no @ApiResponse. Measures `rivet types` on it (the
 * build step), then `createApp` with the OpenAPI document on, with and without the generated rivet.meta module,
 * median over several fresh processes (wall and CPU time: on a shared machine CPU time is the steadier measure). Run after `npm run build` (it uses dist/):
 *   node bench/tools/types-startup.js [runs=7]
 * Writes into bench/.build/types-startup/ (ignored by git) and prints one JSON line.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { compileFile } = require('../lib/compile');

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, 'bench', '.build', 'types-startup');
const SRC = path.join(DIR, 'src');
const OUT = path.join(DIR, 'out');
const CONTROLLERS = 100;
const pad = (i) => String(i).padStart(3, '0');

function generate() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(SRC, { recursive: true });
  fs.mkdirSync(path.join(DIR, 'node_modules'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(DIR, 'node_modules', 'rivetjs'), 'dir');
  fs.writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'node20', moduleResolution: 'node16', lib: ['ES2023'], types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
      rootDir: 'src', outDir: 'out', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: true,
    },
    include: ['src'],
  }, null, 2));
  fs.writeFileSync(path.join(SRC, 'page.ts'), 'export interface Page<T> { items: T[]; total: number; limit: number; offset: number }\n');
  for (let c = 0; c < CONTROLLERS; c++) {
    const i = pad(c);
    fs.writeFileSync(path.join(SRC, `c${i}.controller.ts`), `import { Body, Controller, Get, Param, Post, Query } from 'rivetjs';
import { IsEmail, IsInt, Length, Max, Min } from 'class-validator';
import type { Page } from './page';

export class Create${i} {
  @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

export interface Item${i} { id: number; name: string; email: string; age: number; tags: string[]; note: string | null }

@Controller('/c${i}')
export class C${i} {
  @Get('/') list(@Query('limit') limit?: number): Page<Item${i}> { return { items: [], total: 0, limit: limit ?? 20, offset: 0 }; }
  @Get('/:id') one(@Param('id') id: number): Item${i} { return { id, name: 'n', email: 'e@x.io', age: 1, tags: [], note: null }; }
  @Post('/') create(@Body() body: Create${i}): Create${i} { return body; }
}
`);
  }
  fs.writeFileSync(path.join(SRC, 'main.ts'), `import 'reflect-metadata';
const t0 = performance.now();
import { createApp } from 'rivetjs';
const withTypes = process.argv[2] === 'types';
const controllers = [${Array.from({ length: CONTROLLERS }, (_, c) => `require('./c${pad(c)}.controller').C${pad(c)}`).join(', ')}];
const types = withTypes ? require('./rivet.meta').default : false;
const loaded = performance.now();
const cpu0 = process.cpuUsage();
const app = createApp({ controllers, types, openapi: { title: 'Start-up', version: '1' } });
const created = performance.now();
const cpu = process.cpuUsage(cpu0);
const doc = app.openapi();
const typed = Object.values(doc.paths).filter((p) => p.get && (p.get.responses['200'] as any).content !== undefined).length;
process.stdout.write(JSON.stringify({ load: loaded - t0, create: created - loaded, createCpu: (cpu.user + cpu.system) / 1000, typed }) + '\\n');
`);
}

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const runs = Number(process.argv[2] ?? 7);
  generate();
  const t = performance.now();
  const cli = path.join(ROOT, 'dist', 'cli', 'index.js');
  execFileSync(process.execPath, [cli, 'types'], { cwd: DIR, stdio: ['ignore', 'ignore', 'pipe'] });
  const typesMs = performance.now() - t;
  fs.mkdirSync(OUT, { recursive: true });
  for (const file of fs.readdirSync(SRC)) compileFile(path.join(SRC, file), path.join(OUT, file.replace(/\.ts$/, '.js')), { sourceMaps: false });
  const result = { routes: CONTROLLERS * 3, rivetTypesMs: Math.round(typesMs), metaBytes: fs.statSync(path.join(SRC, 'rivet.meta.ts')).size };
  for (const variant of ['plain', 'types']) {
    const samples = [];
    for (let r = 0; r < runs; r++) samples.push(JSON.parse(execFileSync(process.execPath, [path.join(OUT, 'main.js'), variant], { cwd: DIR, encoding: 'utf8' })));
    result[variant] = { loadMs: +median(samples.map((s) => s.load)).toFixed(1), createAppMs: +median(samples.map((s) => s.create)).toFixed(1), createAppCpuMs: +median(samples.map((s) => s.createCpu)).toFixed(1), typedGetOperations: samples[0].typed };
  }
  console.log(JSON.stringify(result));
}

main();

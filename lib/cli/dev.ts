import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import type * as TS from 'typescript';
import { RivetError } from '../errors/rivet-error';
import { resolveProjectPeers } from './peers';
import { defaultTypesFile, writeTypes } from './return-types';

/** Options of `rivet dev`. */
export interface DevCommandOptions {
  /** The project directory. Default: `process.cwd()`. */
  cwd?: string;
  /** The tsconfig to compile with. Default `tsconfig.json`. */
  project?: string;
  /** The compiled file to run. Default: package.json `main`, else `dist/main.js`. */
  entry?: string;
  /** Sets `PORT` for the app. */
  port?: number;
  /** Sets `LOG_LEVEL` for the app. */
  logLevel?: string;
  /** Sets `RIVETJS_CONTRACT=1`: the app checks each answer against its OpenAPI document and warns on a mismatch. */
  contract?: boolean;
  log?: (line: string) => void;
}

/** A running `rivet dev`: stop it with `close()`. */
export interface DevSession {
  close(): Promise<void>;
}

// TypeScript's watch status codes: "Found 0 errors. Watching for file changes." and "Found N errors…".
const DONE_CODES = new Set([6193, 6194]);

/**
 * Compiles the project with the TypeScript watch API (tsc, so decorator metadata is emitted as in a build), runs
 * the entry with node, and after each successful recompile restarts it at once; no second file watcher, so the
 * restart follows the emit without a debounce. The next app process is started ahead, its packages loaded
 * (dev-preload.ts), so a reload pays only for the app's own code. Each start is reported once the app listens.
 * Compile errors are printed and the last good build keeps running.
 */
export function runDevCommand(options: DevCommandOptions = {}): DevSession {
  const cwd = resolve(options.cwd ?? process.cwd());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  resolveProjectPeers(cwd, 'dev');
  const ts = loadTypeScript(cwd);
  const configFile = resolve(cwd, options.project ?? 'tsconfig.json');
  if (!existsSync(configFile)) throw new Error(`${configFile} does not exist.\n  Fix: run rivet dev in the project directory, or pass --project <tsconfig>.`);
  const entry = resolve(cwd, options.entry ?? mainOf(cwd));
  // A dev server is development, whatever the shell exported (a stray NODE_ENV=production or test): readable logs
  // (pino-pretty), the route table in the banner, the DTO warnings.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development' };
  if (options.port !== undefined) env.PORT = String(options.port);
  if (options.logLevel !== undefined) env.LOG_LEVEL = options.logLevel;
  if (options.contract === true) env.RIVETJS_CONTRACT = '1';

  // The app learns through RIVET_DEV_IPC that it may report when it listens (lib/http/server.ts).
  env.RIVET_DEV_IPC = '1';
  const preload = join(__dirname, `dev-preload${extname(__filename)}`);

  let child: ChildProcess | null = null;
  // The next app process, spawned while the current one serves: its framework packages are loaded already.
  let warm: ChildProcess | null = null;
  let closing = false;
  let changedAt = 0;
  let restarts: Promise<void> = Promise.resolve();
  const formatHost: TS.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' };
  const errors: TS.Diagnostic[] = [];

  const stopChild = (): Promise<void> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      const force = setTimeout(() => running.kill('SIGKILL'), 2000);
      running.once('exit', () => { clearTimeout(force); done(); });
      running.kill('SIGTERM');
    });
  };
  const spawnApp = (): ChildProcess => {
    const next = spawn(process.execPath, ['--enable-source-maps', '--require', preload, entry], { cwd, env, stdio: ['pipe', 'inherit', 'inherit', 'ipc'] });
    next.stdin!.on('error', () => undefined);   // a process that died while waiting: noticed when it is started
    return next;
  };
  const startChild = (since: number): void => {
    if (closing) return;
    const ready = warm !== null && warm.exitCode === null && warm.signalCode === null ? warm : spawnApp();
    warm = null;
    child = ready;
    const started = ready;
    started.on('message', (m: { rivet?: string; url?: string }) => {
      if (child !== started || m?.rivet !== 'listening') return;
      log(since === 0 ? `[rivet dev] serving ${m.url} (${entry})` : `[rivet dev] serving the change at ${m.url}, ${Math.round(Date.now() - since)} ms after the save`);
      // Only now: loading the next process's packages would otherwise compete with this start for the CPU.
      if (warm === null && !closing) warm = spawnApp();
    });
    started.on('exit', (code, signal) => {
      if (child === started && !closing) log(`[rivet dev] the app exited (${signal ?? `code ${code}`}); waiting for changes.`);
    });
    started.stdin!.end('g');
  };
  const stopWarm = (): void => {
    const idle = warm;
    warm = null;
    // Ending its stdin lets it exit by itself; the kill covers a process still loading its packages.
    if (idle !== null && idle.exitCode === null) { idle.stdin!.end(); idle.kill('SIGTERM'); }
  };

  requireLegacyDecorators(ts, configFile);
  cleanOutDir(ts, configFile, cwd, log);
  const host = ts.createWatchCompilerHost(
    configFile,
    {},
    ts.sys,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (diagnostic) => { errors.push(diagnostic); },
    (diagnostic, _newLine, _options, errorCount) => {
      if (!DONE_CODES.has(diagnostic.code)) return;
      if ((errorCount ?? errors.length) > 0) {
        log(ts.formatDiagnosticsWithColorAndContext(errors, formatHost));
        log(`[rivet dev] ${errors.length} compile error${errors.length === 1 ? '' : 's'}; ${child === null ? 'not starting' : 'the previous build keeps running'}. Waiting for changes.`);
        errors.length = 0;
        changedAt = 0;
        return;
      }
      errors.length = 0;
      // The response types (rivet types) from the program just compiled; when they changed, the watcher compiles
      // rivet.meta.ts next and that build restarts the app, so this one does not.
      if (refreshTypes()) return;
      const since = changedAt;
      changedAt = 0;
      restarts = restarts.then(stopChild).then(() => startChild(since));
    },
  );
  let latest: TS.Program | null = null;
  const created = host.afterProgramCreate;
  host.afterProgramCreate = (builder) => {
    latest = builder.getProgram();
    created?.call(host, builder);
  };
  const typesFile = defaultTypesFile(ts, configFile);
  const refreshTypes = (): boolean => {
    if (latest === null) return false;
    try {
      const result = writeTypes(ts, latest, latest.getCompilerOptions(), typesFile, cwd);
      if (result.changed) log(`[rivet dev] response types changed: wrote ${relative(cwd, result.file)} (${result.ms} ms)`);
      return result.changed;
    } catch (err) {
      log(`[rivet dev] rivet types failed, response types not refreshed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return false;
    }
  };
  // TypeScript waits 250 ms after a file event before recompiling, to gather a burst of writes; an editor's save is
  // one burst within a few milliseconds, and the wait was a third of the time a reload took. The first event of a
  // burst is when the save was seen: the "serving" message counts from it.
  const schedule = host.setTimeout!.bind(host);
  host.setTimeout = (callback, ms, ...args) => {
    if (args[0] !== 'timerToUpdateProgram') return schedule(callback, ms, ...args);
    if (changedAt === 0) changedAt = Date.now();
    return schedule(callback, Math.min(ms, 20), ...args);
  };
  // The saved file's modification time is the moment of the save, however late the event is handled.
  const watchFile = host.watchFile.bind(host);
  host.watchFile = (path, callback, ...rest) => watchFile(path, (fileName, kind, modified) => {
    if (changedAt === 0) changedAt = savedAt(fileName);
    callback(fileName, kind, modified);
  }, ...rest);
  const watch = ts.createWatchProgram(host);

  return {
    async close() {
      closing = true;
      watch.close();
      await restarts;
      stopWarm();
      await stopChild();
    },
  };
}

/**
 * Refuses a tsconfig without `experimentalDecorators` and `emitDecoratorMetadata` before compiling: otherwise the
 * app would crash inside class-validator (TC39 decorators) or start without parameter types (issue 19).
 */
function requireLegacyDecorators(ts: typeof TS, configFile: string): void {
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error !== undefined) return;   // the watch program reports it
  const options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile)).options;
  const missing = (['experimentalDecorators', 'emitDecoratorMetadata'] as const).filter((k) => options[k] !== true);
  if (missing.length === 0) return;
  throw new RivetError('RIVET_DECORATORS_STANDARD', `${configFile} does not set ${missing.map((k) => `"${k}": true`).join(' and ')}. Rivet needs TypeScript's experimental (legacy) decorators with emitted metadata: standard (TC39) decorators cannot decorate parameters and emit no design:paramtypes, which Rivet reads to coerce and validate parameters and tsyringe reads to inject dependencies.\n  Fix: add ${missing.map((k) => `"${k}": true`).join(' and ')} to compilerOptions (as the Rivet templates do).`);
}

/**
 * Empties the project's outDir first: a controller deleted or renamed in src/ would otherwise live on as stale
 * JavaScript in dist/, and controller discovery would still mount it. Only a directory inside the project is removed.
 */
function cleanOutDir(ts: typeof TS, configFile: string, cwd: string, log: (line: string) => void): void {
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error !== undefined) return;   // the watch program reports it
  const outDir = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile)).options.outDir;
  if (outDir === undefined) return;
  const rel = relative(cwd, outDir);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    log(`[rivet dev] not cleaning ${outDir}: it is not inside ${cwd}.`);
    return;
  }
  rmSync(outDir, { recursive: true, force: true });
}

function savedAt(file: string): number {
  try {
    return Math.min(statSync(file).mtimeMs, Date.now());
  } catch {
    return Date.now();   // deleted
  }
}

function loadTypeScript(cwd: string): typeof TS {
  try {
    return require(require.resolve('typescript', { paths: [cwd] })) as typeof TS;
  } catch {
    throw new Error(`typescript is not installed in ${cwd}.\n  Fix: npm install --save-dev typescript (rivet dev compiles with the project's own TypeScript).`);
  }
}

function mainOf(cwd: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { main?: string };
    if (typeof pkg.main === 'string') return pkg.main;
  } catch { /* no package.json: the default */ }
  return 'dist/main.js';
}

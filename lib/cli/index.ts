#!/usr/bin/env node
// No peer dependency is imported here: `new`, `generate`, `secret`, `--help` and `--version` run without them, and
// the commands that load the user's app resolve them from the user's project (./peers).
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { generateSecret } from '../config/secret';
import { runBuildCommand } from './build';
import { runClientCommand } from './client';
import { runDevCommand } from './dev';
import { GENERATORS, runGenerateCommand, type Generator } from './generate';
import { DATABASES, PACKAGE_MANAGERS, PROJECT_TEMPLATES, runNewCommand, type DatabaseKind, type PackageManager, type ProjectTemplate } from './new';
import { runOpenApiCommand } from './openapi';
import { runAsyncApiCommand } from './asyncapi';
import { ownManifest } from './origin';
import { runRoutesCommand } from './routes';
import { runTypesCommand, type TypesResult } from './return-types';
import { runWorkerCommand } from './worker';

/** The `rivet` command line: `rivet new my-api`, `rivet openapi --app dist/app.js --out openapi.json`, … */
export function createProgram(): Command {
  const program = new Command('rivet').description('The Rivet command line.').showHelpAfterError()
    .version(ownManifest().version, '-v, --version', 'print the version of Rivet');
  program
    .command('new')
    .description('Create a project from a template (prompts for what is not given when run in a terminal).')
    .argument('<name>', 'directory to create; its name becomes the package name')
    .addOption(new Option('-t, --template <template>', 'project template').choices(PROJECT_TEMPLATES))
    .addOption(new Option('-p, --package-manager <pm>', 'package manager used to install').choices(PACKAGE_MANAGERS))
    .addOption(new Option('--db <database>', 'database of the full template (implied by --db): sqlite, embedded (the default), or postgres').choices(DATABASES))
    .addOption(new Option('--esm', 'ES modules ("type": "module")').conflicts('cjs'))
    .addOption(new Option('--cjs', 'CommonJS (the default)').conflicts('esm'))
    .option('--no-install', 'do not install dependencies')
    .option('--git', 'run git init in the new directory')
    .option('-f, --force', 'write into a directory that is not empty')
    .option('--rivet <spec>', 'the rivetjs dependency spec, e.g. file:../rivetjs-0.1.0.tgz (default: ^<this version> when this CLI came from the registry; else the tarball it came from, or this copy packed into vendor/)')
    .action(async (name: string, opts: { template?: ProjectTemplate; db?: DatabaseKind; packageManager?: PackageManager; esm?: boolean; install: boolean; git?: boolean; force?: boolean; rivet?: string }) => {
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
      let { template, packageManager } = opts;
      if (opts.db !== undefined) template ??= 'full';   // only the full template has a database
      if (interactive && (template === undefined || packageManager === undefined)) {
        // Loaded only in a terminal: scripted runs and CI never pay for the prompt library.
        const { select } = await import('@inquirer/prompts');
        template ??= await select({ message: 'Template', choices: [
          { value: 'minimal' as const, name: 'minimal: one controller, typed config, tests' },
          { value: 'full' as const, name: 'full: JWT auth with roles, CRUD on Drizzle (SQLite, or PostgreSQL with --db postgres), health, metrics, security headers, tests' },
        ] });
        packageManager ??= await select({ message: 'Package manager', choices: PACKAGE_MANAGERS.map((value) => ({ value })) });
      }
      await runNewCommand({
        name, template: template ?? 'minimal', packageManager: packageManager ?? detectPackageManager(), esm: opts.esm === true,
        install: opts.install, git: opts.git === true, force: opts.force === true, rivet: opts.rivet, db: opts.db,
      });
    });
  program
    .command('generate')
    .alias('g')
    .description('Add a controller, guard, DTO or resource (CRUD controller + DTOs + service + test) to the project.')
    .addArgument(new Argument('<kind>', 'what to generate').choices(GENERATORS))
    .argument('<name>', 'its name, e.g. books or BookReviews')
    .option('--path <dir>', 'folder to write into (default: src/<name>/ of the project)')
    .option('-f, --force', 'overwrite existing files')
    .action((kind: Generator, name: string, opts: { path?: string; force?: boolean }) => {
      runGenerateCommand({ kind, name, path: opts.path, force: opts.force === true });
    });
  program
    .command('dev')
    .description('Compile with tsc in watch mode and restart the app after each save; compile errors are printed and the last good build keeps running.')
    .option('--port <port>', 'sets PORT for the app', parsePort)
    .option('--log-level <level>', 'sets LOG_LEVEL for the app (fatal, error, warn, info, debug, trace, silent)')
    .option('--project <tsconfig>', 'the tsconfig to compile with', 'tsconfig.json')
    .option('--entry <file>', 'the compiled file to run (default: package.json main, else dist/main.js)')
    .option('--contract', 'checks every answer against the OpenAPI document and logs a warning for each mismatch (sets RIVETJS_CONTRACT=1)')
    .action((opts: { port?: number; logLevel?: string; project: string; entry?: string; contract?: boolean }) => {
      const session = runDevCommand(opts);
      const stop = () => { session.close().then(() => process.exit(0), () => process.exit(1)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Keeps running until a signal: the watcher holds the event loop open.
      return new Promise<void>(() => undefined);
    });
  program
    .command('client')
    .description('Generate a typed TypeScript client (fetch, one function per operation, typed problems) from an app, without listening.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .requiredOption('-o, --out <dir>', 'the directory to write index.ts into')
    .option('--no-types', 'do not refresh the response types (rivet.meta.ts) first')
    .action(async (opts: { app: string; export?: string; out: string; types: boolean }) => {
      process.stderr.write(`Wrote ${await runClientCommand(opts)}\n`);
    });
  program
    .command('secret')
    .description('Print a random secret (for JWT_SECRET, session secrets) from the system CSPRNG.')
    .option('-b, --bytes <n>', 'random bytes, 16 to 1024', parseBytes, 32)
    .addOption(new Option('-e, --encoding <encoding>', 'output encoding').choices(['base64url', 'hex', 'base64']).default('base64url'))
    .action((opts: { bytes: number; encoding: 'base64url' | 'hex' | 'base64' }) => {
      process.stdout.write(`${generateSecret(opts.bytes, opts.encoding)}\n`);
    });
  program
    .command('openapi')
    .description('Write the OpenAPI document of an app to a file, without listening.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .option('-o, --out <file>', 'the file to write; - for standard output', '-')
    .option('--indent <spaces>', 'JSON indentation', parseIndent, 2)
    .option('--no-types', 'do not refresh the response types (rivet.meta.ts) first')
    .action(async (opts: { app: string; export?: string; out: string; indent: number; types: boolean }) => {
      const text = await runOpenApiCommand(opts);
      // Resolve once the text is flushed: stdout is asynchronous on some platforms, and the process exits next.
      if (opts.out === '-') await new Promise((done) => process.stdout.write(text, done));
      else process.stderr.write(`Wrote ${opts.out}\n`);
    });
  program
    .command('types')
    .description('Read the handlers\' TypeScript return types and write rivet.meta.ts, which documents and serializes their responses.')
    .option('--project <tsconfig>', 'the tsconfig whose files are read', 'tsconfig.json')
    .option('-o, --out <file>', 'the module to write (default: rivet.meta.ts in rootDir, else src/)')
    .option('--check', 'write nothing; exit with 1 when the module is out of date (for CI)')
    .action((opts: { project: string; out?: string; check?: boolean }) => {
      const result = runTypesCommand(opts);
      reportTypes(result, opts.check === true);
      if (opts.check === true && result.changed) throw new Error(`rivet types --check: ${result.file} is out of date.\n  Fix: run npx rivet types and commit the result.`);
    });
  program
    .command('build')
    .description('Write the response types (rivet types), then compile with the project\'s tsc.')
    .option('--project <tsconfig>', 'the tsconfig to read and compile', 'tsconfig.json')
    .action((opts: { project: string }) => {
      reportTypes(runBuildCommand(opts));
    });
  program
    .command('asyncapi')
    .description('Write the AsyncAPI 3.0 document of an app (its WebSocket gateways and SSE routes) to a file, without listening.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .option('-o, --out <file>', 'the file to write; - for standard output', '-')
    .option('--indent <spaces>', 'JSON indentation', parseIndent, 2)
    .action(async (opts: { app: string; export?: string; out: string; indent: number }) => {
      const text = await runAsyncApiCommand(opts);
      if (opts.out === '-') await new Promise((done) => process.stdout.write(text, done));
      else process.stderr.write(`Wrote ${opts.out}\n`);
    });
  program
    .command('routes')
    .description('Print the compiled route table of an app: method, path, Controller#handler, guards.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { app: string; export?: string; json?: boolean }) => {
      const text = await runRoutesCommand(opts);
      await new Promise((done) => process.stdout.write(text, done));
    });
  program
    .command('worker')
    .description('Run the job processors of an app (createApp({ jobs })) without serving HTTP; SIGTERM or SIGINT lets running jobs finish, then exits.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .action(async (opts: { app: string; export?: string }) => {
      const session = await runWorkerCommand(opts);
      process.stderr.write(`rivet worker ${process.pid}: processing queue(s) ${session.queues.join(', ')}\n`);
      const stop = (signal: NodeJS.Signals): void => {
        process.stderr.write(`rivet worker ${process.pid}: ${signal}, finishing running jobs\n`);
        session.stop().then(() => process.exit(0), (err: unknown) => {
          process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
          process.exit(1);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Runs until a signal: the workers hold the event loop open.
      return new Promise<void>(() => undefined);
    });
  program.addHelpText('after', `
Examples:
  $ rivet new my-api --template full --package-manager npm
  $ rivet new shop --db postgres
  $ rivet new my-api --template minimal --no-install --rivet file:../rivetjs-0.1.0.tgz
  $ rivet generate resource books
  $ rivet generate guard admin
  $ rivet types
  $ rivet build
  $ rivet dev --port 3001 --log-level debug
  $ rivet client --app dist/app.js --export buildApp --out ./client
  $ rivet secret --bytes 48
  $ rivet openapi --app dist/app.js --export buildApp --out openapi.json
  $ rivet routes --app dist/app.js --export buildApp
  $ rivet asyncapi --app dist/app.js --export buildApp --out asyncapi.json
  $ rivet worker --app dist/app.js --export buildApp`);
  return program;
}

function reportTypes(result: TypesResult, check = false): void {
  for (const line of result.skipped) process.stderr.write(`rivet types: skipped ${line}\n`);
  const verb = !result.changed ? 'Unchanged:' : check ? 'Out of date:' : 'Wrote';
  process.stderr.write(`${verb} ${result.file} (${result.handlers} handlers in ${result.controllers} controllers, ${result.ms} ms)\n`);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a port from 0 to 65535.');
  return n;
}

function parseBytes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 16 || n > 1024) throw new InvalidArgumentError('give a whole number from 16 to 1024.');
  return n;
}

// npm, pnpm and yarn set npm_config_user_agent ("pnpm/9.1.0 npm/? node/v20…") for what they run, npx/pnpm dlx included.
function detectPackageManager(): PackageManager {
  const agent = process.env.npm_config_user_agent ?? '';
  return PACKAGE_MANAGERS.find((pm) => agent.startsWith(`${pm}/`)) ?? 'npm';
}

function parseIndent(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('give a whole number from 0 to 10.');
  return n;
}

if (require.main === module) {
  createProgram().parseAsync(process.argv).then(
    // The app's module may hold open handles (a database pool it created); the document is written, so end here.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

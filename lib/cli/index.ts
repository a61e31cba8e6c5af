#!/usr/bin/env node
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { runOpenApiCommand } from './openapi';
import { runRoutesCommand } from './routes';

/** The `rivet` command line: `rivet openapi --app dist/app.js --out openapi.json`. */
export function createProgram(): Command {
  const program = new Command('rivet').description('The Rivet command line.').showHelpAfterError();
  program
    .command('openapi')
    .description('Write the OpenAPI document of an app to a file, without listening.')
    .requiredOption('-a, --app <module>', 'module exporting the app, or a function that returns it (e.g. dist/app.js)')
    .option('-e, --export <name>', 'the export to use (default: default, app, or the only app/function exported)')
    .option('-o, --out <file>', 'the file to write; - for standard output', '-')
    .option('--indent <spaces>', 'JSON indentation', parseIndent, 2)
    .action(async (opts: { app: string; export?: string; out: string; indent: number }) => {
      const text = await runOpenApiCommand(opts);
      // Resolve once the text is flushed: stdout is asynchronous on some platforms, and the process exits next.
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
  program.addHelpText('after', `
Examples:
  $ rivet openapi --app dist/app.js --export buildApp --out openapi.json
  $ rivet routes --app dist/app.js --export buildApp`);
  return program;
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

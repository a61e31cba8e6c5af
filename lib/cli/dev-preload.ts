/**
 * Loaded with `node --require` into each app process of `rivet dev`, before the app's entry: it loads the
 * project's framework packages (the bulk of an app's start-up, ~0.2-0.5 s here), then blocks until `rivet dev`
 * writes to its stdin. `rivet dev` starts the next process while the current one serves, so a reload only pays
 * for the app's own modules and `createApp`. Blocking here, rather than waiting for a message, keeps the entry the
 * main module (`require.main === module` and `process.argv` unchanged).
 */
import { readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const WARM = ['reflect-metadata', 'rivetjs', 'class-validator', 'class-transformer', 'tsyringe', 'pino', 'pino-pretty'];

const load = createRequire(join(process.cwd(), 'package.json'));
for (const name of WARM) {
  try {
    load(name);
  } catch {
    // Not a dependency of this project: the app loads what it needs itself.
  }
}

// stdin is a pipe from rivet dev, in blocking mode (as node leaves fds 0-2 of a child): this read sleeps until the
// go byte or the end of the pipe (rivet dev stopped without starting this process: exit quietly).
const byte = Buffer.alloc(1);
const pause = new Int32Array(new SharedArrayBuffer(4));
let read = -1;
while (read === -1) {
  try {
    read = readSync(0, byte, 0, 1, null);
  } catch (err) {
    // A non-blocking pipe (not expected on Linux or macOS): poll it, sleeping between reads.
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') read = 0;
    else Atomics.wait(pause, 0, 0, 5);
  }
}
if (read === 0) process.exit(0);

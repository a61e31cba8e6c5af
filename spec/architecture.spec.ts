import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const LIB = resolve(__dirname, '../lib');

/**
 * Which lib/ folders each folder may import from. Dependencies point downward only: decorators record into
 * metadata; router and pipeline read metadata; http knows nothing about decorators; errors is a leaf.
 * Files at the top of lib/ (app.ts, options.ts, index.ts) wire everything together; testing and cli sit above them.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  metadata: ['errors'],
  decorators: ['metadata', 'errors'],
  router: ['metadata', 'errors'],
  http: ['errors', 'router'],
  pipeline: ['metadata', 'errors', 'router', 'http'],
  di: ['errors', 'metadata', 'pipeline'],
  openapi: ['errors', 'metadata', 'router', 'pipeline', 'http', 'di', 'decorators'],
  store: ['errors'],
  security: ['errors', 'metadata', 'decorators', 'router', 'pipeline', 'http', 'di', 'openapi', 'store'],
  middleware: ['errors', 'metadata', 'decorators', 'router', 'pipeline', 'http', 'di', 'openapi', 'store'],
  realtime: ['errors', 'metadata', 'decorators', 'router', 'pipeline', 'http', 'di', 'openapi'],
  runtime: ['errors', 'metadata', 'decorators', 'router', 'pipeline', 'http', 'di', 'store'],
  discovery: ['errors', 'metadata'],
  config: ['errors', 'pipeline'],
  pubsub: ['errors', 'pipeline', 'realtime', 'store'],
  jobs: ['errors', 'metadata', 'pipeline', 'di', 'runtime'],
  asyncapi: ['errors', 'metadata', 'pipeline', 'openapi', 'realtime'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const folderOf = (file: string): string => {
  const rel = relative(LIB, file).split('/');
  return rel.length === 1 ? '.' : rel[0];
};

describe('lib/ architecture', () => {
  it('imports only downward between folders', () => {
    const violations: string[] = [];
    for (const file of files(LIB)) {
      const from = folderOf(file);
      const allowed = ALLOWED[from];
      if (allowed === undefined) continue; // top-level wiring, testing, cli
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)) {
        const target = folderOf(resolve(dirname(file), m[1]));
        if (target !== from && !allowed.includes(target)) violations.push(`${relative(LIB, file)} imports ${m[1]} (${from} -> ${target})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps every lib/ file under 400 lines', () => {
    const long = files(LIB).map((f) => [relative(LIB, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});

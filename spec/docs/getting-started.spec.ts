import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packRivet, userEnv, type PackedRivet } from '../cli/pack';

/**
 * Runs docs/guides/getting-started.md as a reader would, in a new folder, against Rivet packed as a release.
 * Every fenced block of shell, TypeScript, JavaScript or JSON carries a marker comment on the line above it:
 *
 * - `<!-- docs-spec: file <path> -->`: the block is written to that file of the project;
 * - `<!-- docs-spec: run -->`: each line of the block is run by the shell in the project folder, in order;
 * - `<!-- docs-spec: serve -->`: the first line starts a server (its output must say "listening on <url>"), the
 *   other lines run while it serves, then it is stopped;
 * - `<!-- docs-spec: skip (<reason>) -->`: not run, with the reason;
 * - `, expect "<text>"` after run or serve: the output of the block must contain the text.
 *
 * A block without a marker fails the spec, so that a new step cannot go unchecked. The only changes made to a
 * step: the tarball path `/path/to/rivet/rivetjs-0.1.0.tgz` becomes the packed tarball, and `localhost:3000`
 * becomes the address the server reported (it runs with PORT=0).
 */
const GUIDE = join(__dirname, '..', '..', 'docs', 'guides', 'getting-started.md');
const TARBALL = '/path/to/rivet/rivetjs-0.1.0.tgz';

interface Step { kind: 'file' | 'run' | 'serve' | 'skip'; arg: string; expect: string | undefined; body: string; line: number }

/** The guide's fenced blocks with their markers; throws on a checked block without one. */
export function stepsOf(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const steps: Step[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (fence === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`getting-started.md:${i + 1}: the fenced block is not closed`);
    const body = lines.slice(i + 1, end).join('\n');
    const marker = /^<!-- docs-spec: (file|run|serve|skip)\b\s*(.*?)\s*-->$/.exec(lines[i - 1] ?? '');
    if (marker === null) {
      if (['sh', 'ts', 'js', 'json'].includes(fence[1])) throw new Error(`getting-started.md:${i + 1}: a \`\`\`${fence[1]} block without a <!-- docs-spec: … --> marker above it`);
    } else {
      const rest = marker[2];
      const expect = /expect "([^"]+)"/.exec(rest)?.[1];
      steps.push({ kind: marker[1] as Step['kind'], arg: rest.replace(/^,?\s*expect "[^"]+"/, '').replace(/,\s*expect "[^"]+"/, '').trim(), expect, body, line: i + 1 });
    }
    i = end;
  }
  return steps;
}

let packed: PackedRivet;
let dir: string;

beforeAll(() => {
  packed = packRivet();
  dir = mkdtempSync(join(tmpdir(), 'rivet-guide-'));
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(packed.dir, { recursive: true, force: true });
});

const shell = (command: string, env: NodeJS.ProcessEnv): string => {
  const res = spawnSync('sh', ['-c', command.split(TARBALL).join(packed.tarball)], { cwd: dir, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Error(`\`${command}\` exited ${res.status}:\n${output}`);
  return output;
};

async function serve(step: Step, env: NodeJS.ProcessEnv): Promise<string> {
  const [server, ...rest] = step.body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const child = spawn('sh', ['-c', server], { cwd: dir, env: { ...env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" within 60 s from \`${server}\`:\n${output}`)), 60_000);
      const seen = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /listening on http:\/\/([^\s/]+)/.exec(output);
        if (m !== null) { clearTimeout(timer); resolve(m[1]); }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`\`${server}\` exited ${code}:\n${output}`)); });
    });
    for (const line of rest) output += shell(line.split('localhost:3000').join(url), env);
    return output;
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }
}

describe('docs/guides/getting-started.md', () => {
  it('marks every step, and has steps of each kind', () => {
    const kinds = stepsOf(readFileSync(GUIDE, 'utf8')).map((s) => s.kind);
    expect(new Set(kinds)).toEqual(new Set(['skip', 'run', 'file', 'serve']));
  });

  it('refuses a block without a marker', () => {
    expect(() => stepsOf('text\n\n```sh\nnpm install\n```\n')).toThrow('getting-started.md:3: a ```sh block without a <!-- docs-spec: … --> marker above it');
  });

  it('runs as written in a new folder against the packed tarball: install, compile, serve, curl, test', async () => {
    const env = userEnv({ PORT: undefined, NODE_ENV: undefined, LOG_LEVEL: undefined });
    for (const step of stepsOf(readFileSync(GUIDE, 'utf8'))) {
      let output = '';
      if (step.kind === 'skip') continue;
      if (step.kind === 'file') {
        mkdirSync(dirname(join(dir, step.arg)), { recursive: true });
        writeFileSync(join(dir, step.arg), `${step.body}\n`);
        continue;
      }
      if (step.kind === 'serve') output = await serve(step, env);
      else for (const line of step.body.split('\n')) if (line.trim() !== '' && !line.trim().startsWith('#')) output += shell(line, env);
      if (step.expect !== undefined && !output.includes(step.expect)) throw new Error(`getting-started.md:${step.line}: the output does not contain "${step.expect}":\n${output}`);
    }
  }, 300_000);
});

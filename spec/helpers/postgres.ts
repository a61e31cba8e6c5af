import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './port';

/**
 * Where PostgreSQL's server programs are: on PATH (this machine links them into /usr/local/bin), or where Debian's
 * `postgresql` package puts them (/usr/lib/postgresql/<version>/bin, newest first). `undefined` when not installed.
 */
function findBin(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath !== '' && existsSync(join(onPath, '..', 'postgres'))) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(root, versions[0], 'bin');
}

const BIN = findBin();

/** Whether PostgreSQL's server is installed here. In CI it must be (.ci/run installs it): specs fail there rather than skip. */
export const hasPostgres = BIN !== undefined;
if (!hasPostgres && process.env.CI !== undefined) throw new Error('PostgreSQL is not installed, and CI must run the PostgreSQL specs (apt-get install postgresql).');

/** Describes PostgreSQL specs, skipped (with this reason) only off CI when PostgreSQL is not installed. */
export const describePostgres = hasPostgres ? describe : describe.skip; // skipped only when PostgreSQL is absent outside CI

// initdb and postgres refuse to run as root: as root, they run as the `postgres` account Debian's package creates
// (or `nobody`), which owns the cluster's folder (spawn's uid and gid options).
const asUser = ((): { uid: number; gid: number; name: string } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
  }
  throw new Error('Running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as.');
})();

const runAs = asUser === undefined ? {} : { uid: asUser.uid, gid: asUser.gid };

/** A throwaway PostgreSQL cluster on a free loopback port, trust authentication, user `rivet`. */
export interface PostgresServer {
  /** `postgres://rivet@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  port: number;
  /** Creates a database (optionally from a template database) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Stops the server and keeps its data, as an outage would; `start()` brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * initdb into a temporary folder, then the server in the foreground (its socket in that folder, TCP on 127.0.0.1 only,
 * no fsync: nothing here needs to survive a crash). Resolves once it accepts connections. One per spec file.
 */
// Servers this test file started: stopped by this root hook should a spec's own afterAll fail first (a running child
// would keep jest from exiting).
const running = new Set<ChildProcess>();
afterAll(() => { for (const proc of running) proc.kill('SIGKILL'); });

export async function startPostgres(): Promise<PostgresServer> {
  if (BIN === undefined) throw new Error('PostgreSQL is not installed.');
  const dir = mkdtempSync(join(tmpdir(), 'rivet-pg-'));
  const data = join(dir, 'data');
  if (asUser !== undefined) chownSync(dir, asUser.uid, asUser.gid);
  const init = spawnSync(join(BIN, 'initdb'), ['-D', data, '-U', 'rivet', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N'], { encoding: 'utf8', cwd: dir, ...runAs });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${String(init.status)}): ${init.stderr}${init.stdout}`);
  }
  let port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (attempts = 5): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
    const proc = spawn(join(BIN!, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...runAs });
    child = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`postgres did not start: ${out}`)); }, 15_000);
        const read = (chunk: Buffer): void => {
          out += chunk.toString();
          if (out.includes('ready to accept connections')) { clearTimeout(timer); resolve(); }
        };
        proc.stdout!.on('data', read);
        proc.stderr!.on('data', read);
        proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`postgres exited with ${String(code)}: ${out}`)); });
      });
    } catch (err) {
      if (attempts > 1 && /already in use|could not bind/i.test((err as Error).message)) {
        port = await freePort();
        return start(attempts - 1);
      }
      throw err;
    }
  };

  const halt = (): Promise<void> => new Promise<void>((resolve) => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGINT');   // fast shutdown: disconnects clients, no waiting for them
  });

  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = (database = 'postgres'): string => `postgres://rivet@127.0.0.1:${port}/${database}`;
  return {
    url,
    get port() { return port; },
    async createDatabase(name, template) {
      const { Client } = require('pg') as typeof import('pg');
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"${template === undefined ? '' : ` TEMPLATE "${template}"`}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    pause: halt,
    start: () => start(),
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

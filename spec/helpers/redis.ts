import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './port';

/** Whether redis-server is installed here. In CI it must be (.ci/run installs it): specs fail there rather than skip. */
export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI !== undefined) throw new Error('redis-server is not installed, and CI must run the Redis specs (apt-get install redis-server).');

/** Describes Redis specs, skipped (with this reason) only off CI when redis-server is not installed. */
export const describeRedis = hasRedis ? describe : describe.skip; // skipped only when redis-server is absent outside CI

// Servers this test file started. Should a spec's own afterAll fail before stopping one (a failed beforeAll leaves it
// nothing to close), this root hook still stops it: a running child would keep jest from exiting.
const running = new Set<ChildProcess>();
afterAll(() => { for (const child of running) child.kill('SIGKILL'); });

/** A real redis-server on a free loopback port, without persistence; `stop()` kills it. */
export interface RedisServer { url: string; port: number; stop(): Promise<void> }

/**
 * Starts redis-server in the foreground and resolves once it accepts connections. The free port is found first
 * and bound by redis a moment later; should another process take it in between, it starts again on another one.
 */
export async function startRedis(attempts = 5): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`redis-server did not start: ${out}`)); }, 5000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${String(code)}: ${out}`)); });
    });
  } catch (err) {
    if (attempts > 1 && /already in use/i.test((err as Error).message)) return startRedis(attempts - 1);
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

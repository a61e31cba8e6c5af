import type { ChildProcess } from 'node:child_process';
import { Client } from 'undici';
import { waitFor } from '../helpers/wait';
import { forkServer } from '../runtime/support';

interface Line { msg?: string; listening?: string; pid?: number; status?: number; route?: string }

describe('listen({ workers }) with node:cluster', () => {
  let child: ChildProcess | undefined;
  afterEach(() => { if (child?.exitCode === null) child.kill('SIGKILL'); });

  it('serves from two workers on one port and drains both on SIGTERM', async () => {
    const server = forkServer<Line>({ WORKERS: '2', WORK_MS: '300' });
    child = server.child;
    const { lines, listening, exited } = server;
    const url = await listening;

    // A new connection per request: the primary hands connections to the workers in turn.
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const client = new Client(url);
      const res = await client.request({ method: 'GET', path: '/pid' });
      pids.add(((await res.body.json()) as { pid: number }).pid);
      await client.close();
    }
    expect(pids.size).toBe(2);
    expect(pids.has(child.pid!)).toBe(false);

    // One slow request in flight on each worker, and one background task, when the primary gets SIGTERM.
    const clients = [new Client(url), new Client(url), new Client(url)];
    const inFlight = clients.slice(0, 2).map((c) => c.request({ method: 'GET', path: '/work' }).then(async (r) => ({ status: r.statusCode, body: await r.body.json() })));
    await (await clients[2].request({ method: 'GET', path: '/later' })).body.text();
    // Both /work handlers have started (each logs it) before the signal; the background task was queued with /later.
    await waitFor(() => lines.filter((l) => l.msg === 'work started').length === 2, 5000);
    child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await exited).toBe(0);
    await Promise.all(clients.map((c) => c.close()));

    const workerPids = [...pids];
    expect(lines.filter((l) => l.msg === 'worker listening')).toHaveLength(2);
    for (const pid of workerPids) expect(lines).toContainEqual(expect.objectContaining({ msg: 'shutting down', pid }));
    expect(lines.filter((l) => l.msg === 'background task done')).toHaveLength(1);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'shutting down the cluster', pid: child.pid }));
  }, 20000);

  it('answers /metrics from any worker with the whole cluster\'s counts', async () => {
    const server = forkServer<Line>({ WORKERS: '2', METRICS: '1' });
    child = server.child;
    const url = await server.listening;
    const once = async (path: string): Promise<{ status: number; type: unknown; text: string }> => {
      const client = new Client(url);   // a new connection each time: the primary deals them out to both workers
      try {
        const res = await client.request({ method: 'GET', path });
        return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
      } finally {
        await client.close();
      }
    };
    const pids = new Set<number>();
    for (let i = 0; i < 12; i++) pids.add((JSON.parse((await once('/pid')).text) as { pid: number }).pid);
    expect(pids.size).toBe(2);
    const counted = (text: string): number => text.split('\n')
      .filter((line) => line.startsWith('http_requests_total{') && line.includes('route="/pid"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    for (let i = 0; i < 4; i++) {
      const scrape = await once('/metrics');
      expect([scrape.status, scrape.type]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
      expect(counted(scrape.text)).toBe(12);
    }
    child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 20000);
});

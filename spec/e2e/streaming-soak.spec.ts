import { request as httpRequest, Agent } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Controller, createApp, Ctx, EventStream, Get, RequestContext, Sse } from '../../lib';
import { serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

// A full collection before each heap reading, without starting jest with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Opens a GET, waits for the first body bytes, then destroys the socket (a client abort mid-stream). */
function openAndAbort(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent }, (res) => {
      res.once('data', () => { req.destroy(); });
      res.on('error', () => undefined);
      res.once('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

const resources = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

describe('streams and event streams under client aborts', () => {
  it('returns to its baseline of handles, listeners and heap after 2,000 aborted downloads and SSE connections', async () => {
    let cleanups = 0;
    @Controller('/soak')
    class Soak {
      @Get('/download')
      download(@Ctx() ctx: RequestContext) {
        const signal = ctx.signal;
        return (async function* () {
          try {
            while (!signal.aborted) {
              yield Buffer.alloc(16 * 1024, 97);
              await new Promise((r) => setTimeout(r, 1));
            }
          } finally {
            cleanups++;
          }
        })();
      }

      @Sse('/events')
      events() {
        const stream = new EventStream({ keepAlive: 1000 });
        const timer = setInterval(() => stream.send({ event: 'tick', data: { at: Date.now() } }), 1);
        stream.send({ event: 'hello', data: 'first' });
        stream.onClose(() => { clearInterval(timer); cleanups++; });
        return stream;
      }
    }

    const warnings: Error[] = [];
    const onWarning = (w: Error): void => { warnings.push(w); };
    process.on('warning', onWarning);
    const app = createApp({ controllers: [Soak] });
    const client = await serve(app);
    const connections = (): Promise<number> => new Promise((resolve, reject) => app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    // Warm up once so lazily created module state (timers lists, parsers) is in the baseline.
    const warm = new Agent({ keepAlive: false });
    await openAndAbort(`${client.url}/soak/download`, warm);
    await openAndAbort(`${client.url}/soak/events`, warm);
    // The baseline is taken once both producers cleaned up and the server closed both sockets.
    await waitFor(async () => cleanups === 2 && (await connections()) === 0);
    gc();
    const baseline = resources();
    const heapBefore = process.memoryUsage().heapUsed;

    const TOTAL = 2000;
    const CONCURRENCY = 50;
    const agent = new Agent({ keepAlive: false, maxSockets: CONCURRENCY });
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const i = next++;
        await openAndAbort(`${client.url}/soak/${i % 2 === 0 ? 'download' : 'events'}`, agent);
      }
    }));
    agent.destroy();
    warm.destroy();

    await waitFor(() => cleanups >= TOTAL + 2, 5000).catch(() => undefined);
    expect(cleanups).toBe(TOTAL + 2);
    // Sockets close asynchronously on the server side: wait until the handles are back to the baseline (or time
    // out), then compare, so a leak fails with the difference.
    await waitFor(() => JSON.stringify(resources()) === JSON.stringify(baseline), 5000).catch(() => undefined);
    expect(resources()).toEqual(baseline);
    gc();
    const growth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(growth).toBeLessThan(16);
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    await client.close();
  });
});

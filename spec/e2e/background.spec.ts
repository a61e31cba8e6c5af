import { Controller, createApp, Ctx, Get, RequestContext } from '../../lib';
import { serve } from '../helpers/http';
import { captureLogs, until } from '../runtime/support';

const events: string[] = [];
/** The slow task finishes when a test opens this gate. */
const slowTask = { gate: Promise.resolve(), release: (): void => undefined };

@Controller('/')
class Jobs {
  @Get('/later') later(@Ctx() ctx: RequestContext) {
    ctx.background(() => { events.push(`task sees response finished: ${String(ctx.response.writableFinished)}`); });
    events.push('handler returns');
    return 'queued';
  }
  @Get('/fails') fails(@Ctx() ctx: RequestContext) {
    ctx.background(() => { throw new Error('smtp down'); });
    ctx.background(() => Promise.reject(new Error('async smtp down')));
    return 'queued';
  }
  @Get('/slow-task') slowTask(@Ctx() ctx: RequestContext) {
    ctx.background(async () => { await slowTask.gate; events.push('slow task done'); });
    return 'queued';
  }
}

describe('ctx.background over a socket', () => {
  it('runs the task after the response has been sent', async () => {
    events.length = 0;
    const client = await serve(createApp({ controllers: [Jobs] }));
    await client.get('/later').expect(200).expectText('queued');
    await until(() => events.length === 2);
    expect(events).toEqual(['handler returns', 'task sees response finished: true']);
    await client.close();
  });

  it('logs a failing task with the request id and keeps serving', async () => {
    const logs = captureLogs();
    const client = await serve(createApp({ controllers: [Jobs], logger: { destination: logs.destination }, requestId: true }));
    await client.get('/fails').set('x-request-id', 'job-1').expect(200);
    await until(() => logs.lines.filter((l) => l.msg === 'background task failed').length === 2);
    expect(logs.lines.filter((l) => l.msg === 'background task failed').map((l) => [l.level, l.reqId, (l.err as { message: string }).message]))
      .toEqual(expect.arrayContaining([[50, 'job-1', 'smtp down'], [50, 'job-1', 'async smtp down']]));
    await client.get('/later').expect(200);
    await client.close();
  });

  it('reports a failing task on stderr when logging is off', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = await serve(createApp({ controllers: [Jobs] }));
    await client.get('/fails').expect(200);
    await until(() => spy.mock.calls.length === 2);
    expect(spy.mock.calls.map((c) => (c[1] as Error).message).sort()).toEqual(['async smtp down', 'smtp down']);
    spy.mockRestore();
    await client.close();
  });

  it('makes app.close() wait for pending tasks', async () => {
    events.length = 0;
    slowTask.gate = new Promise((r) => { slowTask.release = r; });
    const app = createApp({ controllers: [Jobs] });
    const client = await serve(app);
    await client.get('/slow-task').expect(200);
    const serverClosed = new Promise((r) => app.server.once('close', r));
    const closed = client.close().then(() => { events.push('closed'); });
    // Once the server has closed, only the pending task holds close() back: it must still be waiting.
    await serverClosed;
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]);
    slowTask.release();
    await closed;
    expect(events).toEqual(['slow task done', 'closed']);
  });

  it('runs tasks for in-process inject requests too', async () => {
    events.length = 0;
    const app = createApp({ controllers: [Jobs] });
    expect((await app.inject('/later')).body).toBe('queued');
    await until(() => events.length === 2);
    expect(events[0]).toBe('handler returns');
  });
});

import { request } from 'undici';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { waitFor } from '../helpers/wait';
import { openSse, type SseClient } from '../helpers/sse';
import { connectJson, type JsonSocket } from '../helpers/ws';
import { startFixture, type FixtureProcess } from '../pubsub/fixtures/processes';

/**
 * Two app processes on different ports share one real redis-server through RedisPubSub (spec/pubsub/fixtures/scale-app.ts).
 * A WebSocket client and an SSE client on each: every broadcast and publish, from either process, reaches all four once.
 */
describeRedis('scaling out: two processes on one Redis', () => {
  let redis: RedisServer;
  let apps: FixtureProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    apps = await Promise.all([startFixture('scale-app', [redis.url, 'scale:']), startFixture('scale-app', [redis.url, 'scale:'])]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await redis.stop();
  });

  const post = async (app: FixtureProcess, path: string, text: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await request(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    return { status: res.statusCode, body: await res.body.json() as Record<string, unknown> };
  };

  /** Collects every message of a socket, in order. */
  const collect = (socket: JsonSocket): unknown[] => {
    const got: unknown[] = [];
    socket.ws.on('message', (data) => got.push(JSON.parse(data.toString())));
    return got;
  };

  it('delivers each WebSocket broadcast, from either process, to the room members of both, exactly once', async () => {
    const sockets = await Promise.all(apps.map((a) => connectJson(`${a.url.replace('http', 'ws')}/ws`)));
    try {
      for (const [i, s] of sockets.entries()) {
        s.ws.send(JSON.stringify({ type: 'join', data: { room: 'news' } }));
        expect(await s.next()).toEqual({ type: 'join', data: { room: 'news', pid: apps[i].pid } });
      }
      // An outsider on process 0 that joined no room hears nothing.
      const outsider = await connectJson(`${apps[0].url.replace('http', 'ws')}/ws`);
      const outsiderGot = collect(outsider);
      const got = sockets.map(collect);
      expect(await post(apps[0], '/broadcast', 'one')).toEqual({ status: 201, body: { pid: apps[0].pid } });
      expect(await post(apps[1], '/broadcast', 'two')).toEqual({ status: 201, body: { pid: apps[1].pid } });
      // Redis delivers in publish order: once "end" arrived everywhere, every earlier broadcast has too.
      await post(apps[0], '/broadcast', 'end');
      await Promise.all(got.map((list) => waitFor(() => list.some((m) => (m as { data: string }).data === 'end'), 5000)));
      for (const list of got) {
        expect(list).toEqual([
          { type: 'news', data: 'one', from: apps[0].pid },
          { type: 'news', data: 'two', from: apps[1].pid },
          { type: 'news', data: 'end', from: apps[0].pid },
        ]);
      }
      expect(outsiderGot).toEqual([]);
      outsider.ws.close();
    } finally {
      for (const s of sockets) s.ws.close();
    }
  });

  it('streams each channel event, published by either process, to the SSE clients of both, exactly once, with ids', async () => {
    const streams = await Promise.all(apps.map((a) => openSse(`${a.url}/live`)));
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      await Promise.all(streams.map((s) => s.waitForComment('listening')));
      const one = await post(apps[0], '/publish', 'one');
      const two = await post(apps[1], '/publish', 'two');
      const end = await post(apps[1], '/publish', 'end');
      expect(one.status).toBe(201);
      const ids = [one, two, end].map((r) => r.body.id as string);
      expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
      for (const s of streams) {
        await s.waitForEvents(3);
        // Nothing more comes: "end" was the last publish, and Redis keeps the order.
        expect(s.events).toEqual([
          { id: ids[0], event: 'news', data: JSON.stringify({ text: 'one', from: apps[0].pid }) },
          { id: ids[1], event: 'news', data: JSON.stringify({ text: 'two', from: apps[1].pid }) },
          { id: ids[2], event: 'news', data: JSON.stringify({ text: 'end', from: apps[1].pid }) },
        ]);
      }
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('resumes an SSE client on the other process from Last-Event-ID: what it missed, then live events, none twice', async () => {
    const first = await openSse(`${apps[0].url}/live`);
    await first.waitForComment('listening');
    const a = await post(apps[0], '/publish', 'a');
    const b = await post(apps[1], '/publish', 'b');
    const [, seen] = await first.waitForEvents(2);
    expect(seen.id).toBe(b.body.id);
    first.close();
    // While it is away, two more events, one from each process.
    const c = await post(apps[1], '/publish', 'c');
    const d = await post(apps[0], '/publish', 'd');
    let second: SseClient | null = null;
    try {
      second = await openSse(`${apps[1].url}/live`, { 'last-event-id': seen.id! });
      await second.waitForComment('listening');
      const e = await post(apps[0], '/publish', 'e');
      const events = await second.waitForEvents(3);
      expect(events.map((x) => [x.id, JSON.parse(x.data).text])).toEqual([[c.body.id, 'c'], [d.body.id, 'd'], [e.body.id, 'e']]);
      expect(second.events).toHaveLength(3);
      expect(a.body.id).not.toBe(b.body.id);
    } finally {
      second?.close();
    }
  });

  it('ignores a Last-Event-ID that is not an event id: live events only, no error', async () => {
    const s = await openSse(`${apps[0].url}/live`, { 'last-event-id': 'not-an-id' });
    try {
      expect(s.status).toBe(200);
      await s.waitForComment('listening');
      const x = await post(apps[1], '/publish', 'x');
      expect(await s.waitForEvents(1)).toEqual([{ id: x.body.id, event: 'news', data: JSON.stringify({ text: 'x', from: apps[1].pid }) }]);
    } finally {
      s.close();
    }
  });

  it('reports the pub/sub in /ready', async () => {
    const res = await request(`${apps[0].url}/ready`);
    const body = await res.body.json() as { status: string; checks: Record<string, { status: string }> };
    expect(res.statusCode).toBe(200);
    expect(body.status).toBe('up');
    expect(body.checks.pubsub.status).toBe('up');
  });
});

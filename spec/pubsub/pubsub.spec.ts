import { Channels, compareEventIds, Controller, createApp, MemoryPubSub, Post, RivetError, Sse, WebSocketHub, type EventStream } from '../../lib';
import { RedisPubSub } from '../../lib/pubsub/redis';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { waitFor } from '../helpers/wait';
import { openSse } from '../helpers/sse';

describe('MemoryPubSub', () => {
  it('numbers history entries like Redis streams, never backwards, and keeps a bounded ring', async () => {
    let now = 1000;
    const bus = new MemoryPubSub({ historySize: 3, now: () => now });
    const ids: (string | undefined)[] = [];
    for (const p of ['a', 'b']) ids.push(await bus.publish('c', p, { history: true }));
    now = 900;   // the clock went back: ids still increase
    ids.push(await bus.publish('c', 'c', { history: true }));
    now = 2000;
    ids.push(await bus.publish('c', 'd', { history: true }));
    expect(ids).toEqual(['1000-0', '1000-1', '1000-2', '2000-0']);
    expect(await bus.publish('c', 'no history')).toBeUndefined();
    // Three kept: "a" fell out of the ring.
    expect(await bus.history('c', '0-0')).toEqual([{ id: '1000-1', payload: 'b' }, { id: '1000-2', payload: 'c' }, { id: '2000-0', payload: 'd' }]);
    expect(await bus.history('c', '1000-2')).toEqual([{ id: '2000-0', payload: 'd' }]);
    expect(await bus.history('other', '0-0')).toEqual([]);
  });

  it('calls each listener once per message until it stops; a throwing listener does not stop the others', async () => {
    const bus = new MemoryPubSub();
    const errors: unknown[] = [];
    bus.onError = (err) => errors.push(err);
    const got: string[] = [];
    const off = await bus.subscribe('c', (p) => got.push(`1:${p}`));
    await bus.subscribe('c', () => { throw new Error('boom'); });
    await bus.subscribe('c', (p, id) => got.push(`3:${p}:${id ?? '-'}`));
    await bus.publish('c', 'x');
    off();
    await bus.publish('c', 'y', { history: true });
    expect(got).toEqual(['1:x', '3:x:-', expect.stringMatching(/^3:y:\d+-0$/)]);
    expect(errors).toHaveLength(2);
  });

  it('orders event ids numerically, not as text', () => {
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(compareEventIds('5-5', '5-5')).toBe(0);
  });
});

describe('Channels and the hub in one process (the in-memory default)', () => {
  @Controller('/')
  class Feed {
    constructor(readonly channels: Channels, readonly hub: WebSocketHub) {}
    @Post('/publish') publish() { return this.channels.publish('feed', { n: 1 }, { event: 'item' }).then((id) => ({ id })); }
    @Sse('/live') live(): EventStream { return this.channels.stream('feed', { keepAlive: false }); }
  }

  it('injects Channels; an SSE client resumes from the in-memory ring', async () => {
    const app = createApp({ controllers: [Feed] });
    const { url } = await app.listen({ port: 0 });
    try {
      const channels = app.container.resolve(Channels);
      const first = await channels.publish('feed', { n: 1 }, { event: 'item' });
      const second = await channels.publish('feed', 'two');
      const s = await openSse(`${url}/live`, { 'last-event-id': first });
      await s.waitForComment('listening');
      const third = await channels.publish('feed', { n: 3 });
      expect(await s.waitForEvents(2)).toEqual([{ id: second, data: 'two' }, { id: third, data: '{"n":3}' }]);
      expect(s.status).toBe(200);
      s.close();
      const got: unknown[] = [];
      const off = await channels.subscribe('feed', (e) => got.push(e));
      const fourth = await channels.publish('feed', [4], { event: 'list' });
      off();
      await channels.publish('feed', 5);
      expect(got).toEqual([{ id: fourth, event: 'list', data: [4] }]);
      expect((await channels.since('feed', third)).map((e) => e.data)).toEqual([[4], 5]);
      expect(await channels.since('feed', 'garbage')).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('broadcasts synchronously through the in-memory bus (the count is of clients reached)', () => {
    const app = createApp({ controllers: [Feed] });
    expect(app.container.resolve(WebSocketHub).broadcast({ hi: 1 })).toBe(0);
  });

  it('refuses a channel name that is empty or has a line break, naming the fix', () => {
    const channels = new Channels(new MemoryPubSub());
    expect(() => channels.stream('')).toThrow(RivetError);
    expect(() => channels.stream('a\nb')).toThrow(/RIVET_CHANNEL_INVALID|non-empty string without line breaks/);
  });

  it('refuses a pubsub option that is not a bus, at start-up', () => {
    expect(() => createApp({ controllers: [Feed], pubsub: {} as never })).toThrow(/pubsub is .*not a pub\/sub bus/);
  });
});

describeRedis('RedisPubSub', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(async () => { await redis.stop(); });

  it('keeps a bounded history stream (MAXLEN ~) and reads it back after an id', async () => {
    const bus = new RedisPubSub({ url: redis.url, prefix: 'h1:', historySize: 10 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) ids.push((await bus.publish('c', `m${i}`, { history: true }))!);
      const length = await bus.client.xlen('h1:history:c');
      // Approximate trimming keeps at least 10 and far fewer than 300 (whole macro nodes of 100 are dropped).
      expect(length).toBeGreaterThanOrEqual(10);
      expect(length).toBeLessThan(300);
      expect(await bus.history('c', ids[297])).toEqual([{ id: ids[298], payload: 'm298' }, { id: ids[299], payload: 'm299' }]);
    } finally {
      await bus.close();
    }
  });

  it('subscribes once per channel per process, whatever the listeners, and unsubscribes after the last', async () => {
    const bus = new RedisPubSub({ url: redis.url, prefix: 'h2:' });
    const probe = new RedisPubSub({ url: redis.url, prefix: 'h2:' });
    try {
      const got: string[] = [];
      const offA = await bus.subscribe('c', (p) => got.push(`a:${p}`));
      const offB = await bus.subscribe('c', (p) => got.push(`b:${p}`));
      expect(await probe.client.pubsub('NUMSUB', 'h2:ch:c')).toEqual(['h2:ch:c', 1]);
      await probe.publish('c', 'x');
      await waitFor(() => got.length === 2);
      expect(got.sort()).toEqual(['a:x', 'b:x']);
      offA();
      offB();
      await waitFor(async () => ((await probe.client.pubsub('NUMSUB', 'h2:ch:c')) as [string, number])[1] === 0);
    } finally {
      await bus.close();
      await probe.close();
    }
  });

  it('fails ping() when Redis is unreachable', async () => {
    const dead = await startRedis();
    await dead.stop();
    const errors: unknown[] = [];
    const bus = new RedisPubSub({ url: dead.url, options: { maxRetriesPerRequest: 0, retryStrategy: () => null }, onError: (e) => errors.push(e) });
    try {
      await expect(bus.ping()).rejects.toThrow();
    } finally {
      await bus.close();
    }
  });
});

import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import WebSocket from 'ws';
import {
  Body, Controller, createApp, Get, OnMessage, Post, Query, UploadedFile, WebSocketGateway,
  type UploadedFileInfo, type ValidationIssue,
} from '../../lib';
import type { TestClient, TestRequest, TestResponse } from '../../lib/testing';
import { serve } from '../helpers/http';
import { connectJson } from '../helpers/ws';

/**
 * Issue 15: hostile bodies. Shapes that once cost seconds of CPU, a 500 or a 16.8 MB answer, sent over a real
 * socket: each gets a bounded 4xx problem (400 for nesting deeper than limits.depth, 413 over limits.body, a 422
 * listing at most 100 issues plus `omittedErrors`), never a 500, and the server keeps answering.
 * Expected issue lists are derived from small requests to the same route, never written out by hand.
 */

class Address {
  @IsString() city!: string;
}

class Line {
  @IsString() sku!: string;
  @IsInt() @Min(1) q!: number;
  @ValidateNested() @Type(() => Address) address!: Address;
}

class CreateOrder {
  @IsString() customer!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
}

/** A self-referencing DTO: nesting reached through declared fields, which the validators walk. */
class TreeNode {
  @IsString() name!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => TreeNode) children?: TreeNode[];
}

/** A linked list, for WebSocket messages: 9 bytes per level, so 100,000 levels fit under 1 MiB. */
class Chain {
  @IsOptional() @IsString() name?: string;
  @IsOptional() @ValidateNested() @Type(() => Chain) next?: Chain;
}

class ListQuery {
  // A one-letter name, so that a value repeated 1,500 times still fits in limits.url.
  @IsOptional() @IsInt() @Min(1) @Max(100) n?: number;
  @IsOptional() @IsString() sort?: string;
}

class ContactForm {
  @IsString() name!: string;
  @IsInt() @Min(0) age!: number;
}

class ProfileForm {
  @IsString() name!: string;
  @IsOptional() @IsString() bio?: string;
}

@Controller('/')
class Shop {
  @Post('/orders') create(@Body() order: CreateOrder) { return order; }
  // Two parameters: the case whose issues were once spread into push(...) and overflowed the stack.
  @Post('/orders/tagged') createTagged(@Body() order: CreateOrder, @Query('x') x?: string) { return { order, x: x ?? null }; }
  @Post('/trees') tree(@Body() tree: TreeNode) { return { name: tree.name, children: tree.children?.length ?? 0 }; }
  @Get('/search') search(@Query() q: ListQuery) { return q; }
  @Post('/contacts') contact(@Body() form: ContactForm) { return form; }
  @Post('/profiles') profile(@Body() form: ProfileForm, @UploadedFile('avatar', { required: false }) avatar?: UploadedFileInfo) {
    return { name: form.name, bio: form.bio ?? null, avatar: avatar?.size ?? null };
  }
}

@WebSocketGateway('/ws', { heartbeat: false })
class OrdersGateway {
  @OnMessage('order') order(msg: CreateOrder) { return { customer: msg.customer, lines: msg.lines.length }; }
  @OnMessage('chain') chain(msg: Chain) { return { name: msg.name ?? null }; }
}

const MiB = 1024 * 1024;
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const HOSTILE_COUNT = 100_000;
/** The defaults of issue 15. */
const DEFAULT_DEPTH = 64;
const DEFAULT_MAX_ISSUES = 100;
/**
 * Before the fix, some of these requests cost seconds of CPU (in this very process); the tests assert answers, never
 * times, so they get room to fail on their assertions rather than on jest's timeout.
 */
const HOSTILE_TIMEOUT = 90_000;

interface Problem422 {
  type: string; title: string; status: number; detail: string; instance: string;
  errors: ValidationIssue[]; omittedErrors?: number;
}

/** Asserts the body fits under the default body limit: these shapes are hostile by their form, not their size. */
function underLimit(body: string): string {
  expect(Buffer.byteLength(body)).toBeLessThan(MiB);
  return body;
}

/** `n` unknown keys `"x0":0,"x1":0,…` (no closing brace, no leading comma): none can collide with a DTO property. */
function unknownKeys(n: number): string {
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = `"x${i.toString(36)}":0`;
  return parts.join(',');
}

/** A JSON array of `n` copies of `item`. */
const repeatItems = (item: string, n: number): string => `[${new Array<string>(n).fill(item).join(',')}]`;

/** A TreeNode `levels` deep through `children`. */
const deepTree = (levels: number): string => `${'{"name":"n","children":['.repeat(levels)}{"name":"leaf"}${']}'.repeat(levels)}`;

/** The issues of `n` items, from the issues of the one-item reference (located at index 0 of `field`). */
function issuesForItems(reference: readonly ValidationIssue[], field: string, n: number): ValidationIssue[] {
  const perItem = reference.filter((e) => e.loc[1] === field && e.loc[2] === 0);
  // The reference must be made of item issues only, so the expansion is exact.
  expect(perItem).toHaveLength(reference.length);
  expect(perItem.length).toBeGreaterThan(0);
  const out: ValidationIssue[] = [];
  for (let i = 0; i < n; i++) for (const e of perItem) out.push({ ...e, loc: [e.loc[0], e.loc[1], i, ...e.loc.slice(3)] });
  return out;
}

/** The 422 problem for `all` issues once capped at `max`: the first `max`, the count of the rest, and the total in `detail`. */
function capped(reference: Problem422, instance: string, all: readonly ValidationIssue[], max = DEFAULT_MAX_ISSUES): Problem422 {
  const body: Problem422 = { type: reference.type, title: reference.title, status: 422, detail: `Validation failed: ${all.length} errors`, instance, errors: all.slice(0, max) };
  if (all.length > max) body.omittedErrors = all.length - max;
  return body;
}

function expectProblem(res: TestResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe(PROBLEM_TYPE);
}

function expectDepthProblem(res: TestResponse, instance: string, depth = DEFAULT_DEPTH): void {
  expectProblem(res, 400);
  const body = res.json<{ type: string; title: string; status: number; detail: string; instance: string }>();
  expect(body).toMatchObject({ title: 'Bad Request', status: 400, instance });
  expect(body.detail).toContain(String(depth));
  expect(body.detail).toContain('limits.depth');
  expect(body).not.toHaveProperty('errors');
}

/** The connection to a gateway, with its messages queued in order and its close. */
const connect = connectJson;

/** A multipart body of text fields. */
function multipart(fields: [string, string][]): { body: Buffer; type: string } {
  const boundary = '----rivet-hostile-7c1f';
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), type: `multipart/form-data; boundary=${boundary}` };
}

const VALID_ORDER = { customer: 'Ada', lines: [{ sku: 'A-1', q: 2, address: { city: 'Paris' } }] };

describe('hostile request bodies (issue 15)', () => {
  let client: TestClient;
  let wsUrl: string;
  beforeAll(async () => {
    client = await serve(createApp({ controllers: [Shop], gateways: [OrdersGateway], health: true }));
    wsUrl = `${client.url.replace('http', 'ws')}/ws`;
  });
  afterAll(() => client.close());

  /** After every hostile request: the server still answers. */
  const expectAlive = async (): Promise<void> => { await client.get('/health').expect(200); };
  const postJson = (path: string, body: string): TestRequest => client.post(path).send(body, 'application/json');

  /** The 422 of a small body on `path`: the reference hostile answers are derived from. */
  async function reference(path: string, body: unknown): Promise<Problem422> {
    const res = await postJson(path, JSON.stringify(body));
    expectProblem(res, 422);
    const problem = res.json<Problem422>();
    // Under the cap, nothing is omitted.
    expect(problem).not.toHaveProperty('omittedErrors');
    return problem;
  }

  describe('an object with 100,000 unknown keys', () => {
    const PROPERTIES = 'The JSON body has an object with more than 10000 properties (limits.properties).';

    it('answers 400 naming limits.properties before parsing it, on both routes', async () => {
      for (const path of ['/orders', '/orders/tagged']) {
        const res = await postJson(path, underLimit(`{${unknownKeys(HOSTILE_COUNT)}}`));
        expectProblem(res, 400);
        expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: PROPERTIES, instance: path });
        await expectAlive();
      }
    }, HOSTILE_TIMEOUT);

    it('answers the same to a valid order carrying them', async () => {
      const body = underLimit(`${JSON.stringify(VALID_ORDER).slice(0, -1)},${unknownKeys(HOSTILE_COUNT)}}`);
      const res = await postJson('/orders', body);
      expectProblem(res, 400);
      expect(res.json()).toMatchObject({ status: 400, detail: PROPERTIES });
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers the 422 of the missing fields alone to 9,990 unknown keys, with no issue per unknown key, on both routes', async () => {
      for (const path of ['/orders', '/orders/tagged']) {
        const small = await reference(path, {});
        const res = await postJson(path, `{${unknownKeys(9_990)}}`);
        expectProblem(res, 422);
        expect(res.json()).toEqual(small);
      }
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('accepts a valid order carrying 9,990 unknown keys and echoes it without them', async () => {
      const res = await postJson('/orders', `${JSON.stringify(VALID_ORDER).slice(0, -1)},${unknownKeys(9_990)}}`);
      expect(res.status).toBe(201);
      expect(res.json()).toEqual(VALID_ORDER);
      await expectAlive();
    }, HOSTILE_TIMEOUT);
  });

  describe.each([
    ['/orders', '@Body() alone'],
    ['/orders/tagged', '@Body() and @Query()'],
  ])('100,000 invalid line items on %s (%s)', (path) => {
    it.each([
      ['invalid items {"q":"x"}: the first 100 issues, omittedErrors for the rest and the total in detail', '{"q":"x"}', { q: 'x' }],
      ['empty objects: capped the same way', '{}', {}],
    ])('answers 422 to 100,000 %s', async (_label, item, one) => {
      const small = await reference(path, { customer: 'Ada', lines: [one] });
      const all = issuesForItems(small.errors, 'lines', HOSTILE_COUNT);
      const res = await postJson(path, underLimit(`{"customer":"Ada","lines":${repeatItems(item, HOSTILE_COUNT)}}`));
      expectProblem(res, 422);
      const problem = res.json<Problem422>();
      expect(problem.errors.length).toBeLessThanOrEqual(DEFAULT_MAX_ISSUES);
      expect(problem.errors[0]).toEqual(all[0]);
      expect(problem).toEqual(capped(small, path, all));
      await expectAlive();
    }, HOSTILE_TIMEOUT);
  });

  describe('deep nesting', () => {
    it('accepts a tree nested well under the default depth', async () => {
      // 20 tree levels are 41 levels of JSON (an object and an array per level, and the leaf).
      await postJson('/trees', deepTree(20)).expect(201).expectJson({ name: 'n', children: 1 });
    });

    it('answers 400 naming limits.depth for a declared nested field 3,000 levels deep', async () => {
      const res = await postJson('/trees', underLimit(deepTree(3000)));
      expectDepthProblem(res, '/trees');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 400 naming limits.depth for an array nested 100,000 deep', async () => {
      const res = await postJson('/orders', underLimit(`${'['.repeat(HOSTILE_COUNT)}${']'.repeat(HOSTILE_COUNT)}`));
      expectDepthProblem(res, '/orders');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 400 naming limits.depth for an object nested 100,000 deep under an unknown key of a valid order', async () => {
      const body = `${JSON.stringify(VALID_ORDER).slice(0, -1)},"junk":${'{"a":'.repeat(HOSTILE_COUNT)}1${'}'.repeat(HOSTILE_COUNT)}}`;
      const res = await postJson('/orders', underLimit(body));
      expectDepthProblem(res, '/orders');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 400 naming limits.depth for arrays nested 100,000 deep in the declared lines field', async () => {
      const res = await postJson('/orders', underLimit(`{"customer":"Ada","lines":${'['.repeat(HOSTILE_COUNT)}${']'.repeat(HOSTILE_COUNT)}}`));
      expectDepthProblem(res, '/orders');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 400 naming limits.depth for an object nested 100,000 deep in a declared nested object', async () => {
      // An address without its city: the order is invalid, so nothing may walk into the deep value to report it.
      const body = `{"customer":"Ada","lines":[{"sku":"A-1","q":2,"address":${'{"a":'.repeat(HOSTILE_COUNT)}1${'}'.repeat(HOSTILE_COUNT)}}]}`;
      const res = await postJson('/orders', underLimit(body));
      expectDepthProblem(res, '/orders');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 400 naming limits.depth for an invalid order carrying an unknown key nested 100,000 deep', async () => {
      const res = await postJson('/orders', underLimit(`{"lines":[],"junk":${'['.repeat(HOSTILE_COUNT)}${']'.repeat(HOSTILE_COUNT)}}`));
      expectDepthProblem(res, '/orders');
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('counts the outermost value as level 1: 64 levels pass, 65 are refused', async () => {
      // The order is level 1; `junk` adds one level per array.
      const order = (arrays: number): string => `{"customer":"Ada","lines":[],"junk":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
      await postJson('/orders', order(DEFAULT_DEPTH - 1)).expect(201).expectJson({ customer: 'Ada', lines: [] });
      expectDepthProblem(await postJson('/orders', order(DEFAULT_DEPTH)), '/orders');
      // Brackets inside strings are text, not nesting.
      await postJson('/orders', `{"customer":"${'['.repeat(500)}","lines":[]}`).expect(201).expectJson({ customer: '['.repeat(500), lines: [] });
    });

    it('answers 400 on the two-parameter route too', async () => {
      const res = await postJson('/orders/tagged?x=1', underLimit(`${'['.repeat(HOSTILE_COUNT)}${']'.repeat(HOSTILE_COUNT)}`));
      expectDepthProblem(res, '/orders/tagged');
      await expectAlive();
    }, HOSTILE_TIMEOUT);
  });

  describe('the body size limit', () => {
    it('accepts a body of exactly 1 MiB and answers 413 to one byte more', async () => {
      const order = JSON.stringify(VALID_ORDER);
      // JSON allows trailing whitespace: the same valid order, padded to the limit.
      const exact = order + ' '.repeat(MiB - order.length);
      expect(Buffer.byteLength(exact)).toBe(MiB);
      await postJson('/orders', exact).expect(201).expectJson(VALID_ORDER);
      const res = await postJson('/orders', `${exact} `);
      expectProblem(res, 413);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: `The request body exceeds the limit of ${MiB} bytes.`, instance: '/orders' });
      await expectAlive();
    }, HOSTILE_TIMEOUT);
  });

  describe('query strings with thousands of parameters', () => {
    it('reads a query of 1000 pairs into the DTO and drops unknown keys', async () => {
      const junk = 'z=1&'.repeat(998);
      await client.get(`/search?n=5&${junk}sort=name`).expect(200).expectJson({ n: 5, sort: 'name' });
      await expectAlive();
    });

    it('answers 400 to a query of more than 1000 pairs, instead of reading only the first 1000', async () => {
      const target = `/search?n=5&${'z=1&'.repeat(1500)}sort=name`;
      const res = await client.get(target);
      expectProblem(res, 400);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The query string has more than 1000 parameters.', instance: '/search' });
      await expectAlive();
    });

    it('answers one set of issues, not one per value, for a value repeated 1,000 times', async () => {
      const small = await client.get('/search?n=x&n=x');
      expectProblem(small, 422);
      const target = `/search?${'n=x&'.repeat(1000)}`;
      expect(target.length).toBeLessThanOrEqual(8192);
      const res = await client.get(target);
      expectProblem(res, 422);
      expect(res.json()).toEqual({ ...small.json<Problem422>(), instance: '/search' });
      await expectAlive();
    });

    it('answers 414 once the parameters make the target longer than limits.url', async () => {
      const parts = new Array<string>(1500);
      for (let i = 0; i < parts.length; i++) parts[i] = `p${i}=1`;
      const target = `/search?${parts.join('&')}`;
      expect(target.length).toBeGreaterThan(8192);
      const res = await client.get(target);
      expectProblem(res, 414);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'URI Too Long', status: 414, detail: 'The request target is longer than 8192 characters.', instance: '/search' });
      await expectAlive();
    });

    it('answers 431 once the request line outgrows the header size, before any route runs', async () => {
      const parts = new Array<string>(3000);
      for (let i = 0; i < parts.length; i++) parts[i] = `p${i}=1`;
      const target = `/search?${parts.join('&')}`;
      expect(target.length).toBeGreaterThan(16 * 1024);
      const res = await client.get(target);
      expectProblem(res, 431);
      expect(res.json()).toMatchObject({ status: 431, detail: 'The request headers are too large.' });
      await expectAlive();
    });
  });

  describe('forms', () => {
    const FORM = 'application/x-www-form-urlencoded';

    it('answers 400 to a form of 100,000 fields, instead of reading only the first 1000', async () => {
      const junk = new Array<string>(HOSTILE_COUNT);
      for (let i = 0; i < HOSTILE_COUNT; i++) junk[i] = `f${i.toString(36)}=1`;
      const res = await client.post('/contacts').send(underLimit(`name=Ada&age=36&${junk.join('&')}`), FORM);
      expectProblem(res, 400);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The form body has more than 1000 parameters.', instance: '/contacts' });
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('accepts a form whose valid fields come with 998 unknown ones, and echoes only the declared fields', async () => {
      const junk = Array.from({ length: 998 }, (_, i) => `f${i}=1`).join('&');
      const res = await client.post('/contacts').send(`${junk}&name=Ada&age=36`, FORM);
      expect(res.status).toBe(201);
      expect(res.json()).toEqual({ name: 'Ada', age: 36 });
    });

    it('answers one set of issues, not one per field, for a field repeated 1,000 times', async () => {
      const small = await client.post('/contacts').send('age=x&age=x', FORM);
      expectProblem(small, 422);
      const res = await client.post('/contacts').send(new Array<string>(1000).fill('age=x').join('&'), FORM);
      expectProblem(res, 422);
      expect(res.json()).toEqual(small.json());
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 413 to a multipart form with more fields than it takes', async () => {
      // 10,000 one-byte fields: ten times what a form may carry, still under 1 MiB.
      const { body, type } = multipart(Array.from({ length: 10_000 }, (_, i): [string, string] => [`f${i}`, '1']));
      expect(body.length).toBeLessThan(MiB);
      const res = await client.post('/profiles').send(body, type);
      expectProblem(res, 413);
      expect(res.json()).toMatchObject({ status: 413, detail: 'The form carries more than 1000 fields.', instance: '/profiles' });
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers 413 when the text fields of a multipart form weigh more than the body limit in all', async () => {
      // Three fields of 600 KB: each under the 1 MiB a field may have, together over the body limit.
      const { body, type } = multipart([['name', 'a'.repeat(600_000)], ['bio', 'b'.repeat(600_000)], ['x', 'c'.repeat(600_000)]]);
      const res = await client.post('/profiles').send(body, type);
      expectProblem(res, 413);
      expect(res.json()).toMatchObject({ status: 413, detail: `The form fields exceed ${MiB} bytes in all.`, instance: '/profiles' });
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('still validates a multipart form of a few fields', async () => {
      const ok = multipart([['name', 'Ada'], ['bio', 'maths']]);
      await client.post('/profiles').send(ok.body, ok.type).expect(201).expectJson({ name: 'Ada', bio: 'maths', avatar: null });
      const bad = multipart([['bio', 'maths']]);
      const res = await client.post('/profiles').send(bad.body, bad.type);
      expectProblem(res, 422);
      expect(res.json<Problem422>().errors).toEqual([expect.objectContaining({ loc: ['body', 'name'], type: 'isString' })]);
    });
  });

  describe('WebSocket messages', () => {
    it('answers 100,000 invalid items with one capped 422 error frame and keeps the connection', async () => {
      const c = await connect(wsUrl);
      try {
        c.ws.send(JSON.stringify({ type: 'order', data: { customer: 'Ada', lines: [{ q: 'x' }] } }));
        const small = (await c.next()) as { type: string; error: Problem422 };
        expect(small).toMatchObject({ type: 'error', error: { status: 422 } });
        expect(small.error).not.toHaveProperty('omittedErrors');
        const all = issuesForItems(small.error.errors, 'lines', HOSTILE_COUNT);

        c.ws.send(underLimit(`{"type":"order","data":{"customer":"Ada","lines":${repeatItems('{"q":"x"}', HOSTILE_COUNT)}}}`));
        const frame = (await c.next()) as { type: string; error: Problem422 };
        expect(frame.type).toBe('error');
        expect(frame.error.errors.length).toBeLessThanOrEqual(DEFAULT_MAX_ISSUES);
        expect(frame.error.errors[0]).toEqual(all[0]);
        expect(frame.error).toEqual(capped(small.error, small.error.instance, all));

        // The connection is still open and served.
        c.ws.send(JSON.stringify({ type: 'order', data: VALID_ORDER }));
        expect(await c.next()).toEqual({ type: 'order', data: { customer: 'Ada', lines: 1 } });
      } finally {
        c.ws.close();
        await c.closed;
      }
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('answers a message nested 100,000 deep through a declared field with a 400 error frame naming limits.depth and keeps the connection', async () => {
      const c = await connect(wsUrl);
      try {
        c.ws.send(JSON.stringify({ type: 'chain', data: { name: 'a', next: { next: {} } } }));
        expect(await c.next()).toEqual({ type: 'chain', data: { name: 'a' } });

        c.ws.send(underLimit(`{"type":"chain","data":${'{"next":'.repeat(HOSTILE_COUNT)}{}${'}'.repeat(HOSTILE_COUNT)}}`));
        // A gateway answers bad input with an error frame and keeps the connection (as for malformed JSON, a 400);
        // limits.depth covers WebSocket messages as it covers JSON bodies.
        const frame = (await c.next()) as { type: string; error: { title: string; status: number; detail: string } };
        expect(frame.type).toBe('error');
        expect(frame.error).toMatchObject({ title: 'Bad Request', status: 400 });
        expect(frame.error.detail).toContain(String(DEFAULT_DEPTH));
        expect(frame.error.detail).toContain('limits.depth');

        c.ws.send(JSON.stringify({ type: 'chain', data: { name: 'b' } }));
        expect(await c.next()).toEqual({ type: 'chain', data: { name: 'b' } });
      } finally {
        c.ws.close();
        await c.closed;
      }
      await expectAlive();
    }, HOSTILE_TIMEOUT);

    it('closes with 1009 on a message over maxPayload, and the gateway takes new connections', async () => {
      const c = await connect(wsUrl);
      c.ws.send(`{"type":"chain","data":{"name":"${'x'.repeat(MiB)}"}}`);
      expect((await c.closed).code).toBe(1009);
      const again = await connect(wsUrl);
      again.ws.send(JSON.stringify({ type: 'chain', data: { name: 'c' } }));
      expect(await again.next()).toEqual({ type: 'chain', data: { name: 'c' } });
      again.ws.close();
      await again.closed;
      await expectAlive();
    });
  });
});

describe('a configured limits.depth (issue 15)', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve(createApp({ controllers: [Shop], health: true, limits: { depth: 8 } }));
  });
  afterAll(() => client.close());

  it('accepts an order within the configured depth', async () => {
    await client.post('/orders').json(VALID_ORDER).expect(201).expectJson(VALID_ORDER);
  });

  it('answers 400 naming the configured depth for a tree deeper than it', async () => {
    const res = await client.post('/trees').send(deepTree(10), 'application/json');
    expectDepthProblem(res, '/trees', 8);
    await client.get('/health').expect(200);
  });
});

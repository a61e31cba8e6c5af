import { IsString, Length } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  Body, Cache, Catch, Controller, createApp, Ctx, Get, HttpError, NotFoundError, Param, Post, UseFilters, UseInterceptors, ValidationFailedError,
  type ExceptionFilter, type FilterAnswer, type Interceptor, type RequestContext,
} from '../../lib';
import { validateOpenApi } from '../openapi/support/validate';
import { serve } from '../helpers/http';
import { stderrOf } from '../helpers/stderr';

class CreateArticle {
  @IsString() @Length(1, 20) title!: string;
  @IsString() body!: string;
}

// Conduit's error format, in one filter (issue 16's acceptance: at most 15 lines).
@Catch(HttpError)
class ConduitErrors implements ExceptionFilter<HttpError> {
  static schema = { type: 'object', required: ['errors'], properties: { errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } };
  catch(error: HttpError): FilterAnswer {
    if (error instanceof ValidationFailedError) {
      const body: Record<string, string[]> = {};
      for (const issue of error.errors) (body[String(issue.loc[issue.loc.length - 1])] ??= []).push(issue.msg);
      return { status: 422, body: { errors: body } };
    }
    return { status: error.status, body: { errors: { body: [error.message] } }, headers: error.headers };
  }
}

@injectable()
class Clock { now(): number { return 1234; } }

/** Wraps every result in `{ data }` and adds a timing header (a DI-resolved class using a service). */
@injectable()
class WrapAndTime implements Interceptor {
  constructor(private readonly clock: Clock) {}
  intercept(ctx: RequestContext, next: () => unknown): unknown {
    const wrap = (data: unknown) => { ctx.response.setHeader('x-clock', String(this.clock.now())); return { data }; };
    const result = next();
    return result instanceof Promise ? result.then(wrap) : wrap(result);
  }
}

const order: string[] = [];
const named = (name: string): Interceptor => ({
  intercept(_ctx, next) { order.push(`${name}:in`); const r = next(); order.push(`${name}:out`); return r; },
});

class Teapot extends Error {}

@Catch(Teapot)
class TeapotFilter implements ExceptionFilter<Teapot> {
  catch(): FilterAnswer { return { status: 418, body: 'short and stout' }; }
}

/** Passes everything on: the next filter (or problem+json) answers. */
class PassOn implements ExceptionFilter {
  seen = 0;
  catch(): undefined { this.seen++; return undefined; }
}

class Broken implements ExceptionFilter {
  catch(): FilterAnswer { throw new RangeError('the filter itself failed'); }
}

@Controller('/articles')
@UseFilters(ConduitErrors)
class Articles {
  @Post('/') @UseInterceptors(WrapAndTime) create(@Body() article: CreateArticle) { return article; }
  @Get('/:slug') @UseInterceptors(WrapAndTime) async get(@Param('slug') slug: string) {
    if (slug !== 'hello') throw new NotFoundError(`article ${slug}`);
    return { slug };
  }
  @Get('/teapot/brew') @UseFilters(TeapotFilter) brew() { throw new Teapot(); }
  @Get('/order/of/things') @UseInterceptors(named('method')) things() { order.push('handler'); return 'done'; }
  @Get('/cached/answer') @UseInterceptors({ intercept: () => ({ from: 'interceptor' }) }) never() { throw new Error('not called'); }
  @Get('/translated/error') @UseInterceptors({ intercept: (_c: RequestContext, next: () => unknown) => { try { return next(); } catch { throw new NotFoundError('translated'); } } })
  fails() { throw new Error('raw'); }
  @Get('/ctx/route') @UseFilters({ catch: (_e: unknown, ctx: RequestContext) => ({ status: 409, body: { route: ctx.route.path } }) }) conflict(@Ctx() _ctx: RequestContext) { throw new Error('x'); }
}

@Controller('/plain')
class Plain {
  @Get('/') hello() { return { hello: 'world' }; }
  @Get('/broken') @UseFilters(Broken) broken() { throw new Error('original'); }
  @Get('/missing') missing() { throw new NotFoundError('nothing here'); }
}

const passOn = new PassOn();
const build = () => createApp({
  controllers: [Articles, Plain],
  filters: [passOn, ConduitErrors],
  interceptors: [named('app')],
  limits: { body: 64 },
});

describe('exception filters', () => {
  it('answer Conduit\'s format with the same bytes over a socket and through inject(), for a validation error, a NotFoundError and an unknown route', async () => {
    const app = build();
    const client = await serve(app);
    try {
      const cases: [string, string, unknown][] = [
        ['POST', '/articles', { title: '', body: 5 }],
        ['GET', '/articles/nope', undefined],
        ['GET', '/no/such/route', undefined],
      ];
      const expected = [
        { status: 422, body: { errors: { title: ['title must be longer than or equal to 1 characters'], body: ['body must be a string'] } } },
        { status: 404, body: { errors: { body: ['article nope'] } } },
        { status: 404, body: { errors: { body: ['No route matches GET /no/such/route'] } } },
      ];
      for (const [i, [method, url, body]] of cases.entries()) {
        const wire = await (method === 'POST' ? client.post(url).json(body) : client.get(url));
        const local = await app.inject({ method, url, body: body as object | undefined });
        expect({ status: wire.status, type: wire.headers['content-type'], body: wire.json() }).toEqual({ status: expected[i].status, type: 'application/json; charset=utf-8', body: expected[i].body });
        expect({ status: local.status, type: local.headers['content-type'], text: local.body }).toEqual({ status: wire.status, type: wire.headers['content-type'], text: wire.text });
      }
    } finally {
      await client.close();
    }
  });

  it('apply to errors Rivet answers before the handler: 405, 413, a malformed path', async () => {
    const app = build();
    expect((await app.inject({ method: 'DELETE', url: '/plain' })).json()).toEqual({ errors: { body: ['DELETE is not allowed on /plain; allowed: GET, HEAD, OPTIONS'] } });
    const big = await app.inject({ method: 'POST', url: '/articles', body: { title: 'x', body: 'y'.repeat(100) } });
    expect([big.status, big.json()]).toEqual([413, { errors: { body: ['The request body exceeds the limit of 64 bytes.'] } }]);
    expect((await app.inject({ method: 'GET', url: '/plain/%E0%A4%A' })).status).toBe(400);
  });

  it('take the nearest first: the method\'s, then the controller\'s, then the app\'s; undefined passes on', async () => {
    const app = build();
    const before = passOn.seen;
    const teapot = await app.inject('/articles/teapot/brew');
    expect([teapot.status, teapot.headers['content-type'], teapot.body]).toEqual([418, 'text/plain; charset=utf-8', 'short and stout']);
    // /plain has no filters of its own: the app's PassOn sees it first and passes it on to ConduitErrors.
    expect((await app.inject('/plain/missing')).json()).toEqual({ errors: { body: ['nothing here'] } });
    expect(passOn.seen).toBe(before + 1);
    expect((await app.inject('/articles/ctx/route')).json()).toEqual({ route: '/articles/ctx/route' });
  });

  it('leave what no filter takes to problem+json, and a filter that throws is a 500 problem, logged', async () => {
    const out = await stderrOf(async () => {
      const app = createApp({ controllers: [Plain] });
      const res = await app.inject('/plain/broken');
      expect([res.status, res.headers['content-type'], res.json()]).toEqual([500, 'application/problem+json; charset=utf-8', { type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/plain/broken' }]);
      expect((await app.inject('/plain/missing')).json()).toMatchObject({ status: 404, detail: 'nothing here' });
    });
    expect(out).toContain('[rivet] GET /plain/broken failed with 500: Error: original');
    expect(out).toContain('RangeError: the filter itself failed');
  });
});

describe('exception filters in the OpenAPI document', () => {
  it('document the automatic error responses with the filter\'s schema where a filter with a static schema handles them', () => {
    const doc = createApp({ controllers: [Articles, Plain], filters: [passOn, ConduitErrors], openapi: { title: 'Conduit', version: '1' } }).openapi();
    const conduit = { 'application/json': { schema: ConduitErrors.schema } };
    const post = doc.paths['/articles']!.post!.responses as Record<string, { content?: unknown; $ref?: string }>;
    expect(Object.keys(post).sort()).toEqual(['201', '400', '413', '415', '422']);
    for (const status of ['400', '413', '415', '422']) expect(post[status].content).toEqual(conduit);
    const get = doc.paths['/articles/{slug}']!.get!.responses as Record<string, { content?: unknown }>;
    expect(get['404'].content).toEqual(conduit);
    expect(validateOpenApi(doc).valid).toBe(true);
    // A route with no filter documents problem+json; the app's filter changes that.
    @Controller('/bare') class Bare { @Post('/') make(@Body() a: CreateArticle) { return a; } }
    const unfiltered = createApp({ controllers: [Bare], openapi: { title: 'Bare', version: '1' } }).openapi();
    expect((unfiltered.paths['/bare']!.post!.responses as Record<string, unknown>)['422']).toEqual({ $ref: '#/components/responses/ValidationFailed' });
    const filtered = createApp({ controllers: [Bare], filters: [ConduitErrors], openapi: { title: 'Bare', version: '1' } }).openapi();
    expect((filtered.paths['/bare']!.post!.responses as Record<string, { content?: unknown }>)['422'].content).toEqual(conduit);
  });
});

describe('interceptors', () => {
  it('wrap every result in { data } and add a timing header, around sync and async handlers', async () => {
    const client = await serve(build());
    try {
      const created = await client.post('/articles').json({ title: 'Hi', body: 'text' }).expect(201);
      expect([created.headers['x-clock'], created.json()]).toEqual(['1234', { data: { title: 'Hi', body: 'text' } }]);
      const got = await client.get('/articles/hello').expect(200);
      expect([got.headers['x-clock'], got.json()]).toEqual(['1234', { data: { slug: 'hello' } }]);
    } finally {
      await client.close();
    }
  });

  it('run app first (outermost), then the method\'s, and may answer without the handler or translate its errors', async () => {
    const app = build();
    order.length = 0;
    expect((await app.inject('/articles/order/of/things')).body).toBe('done');
    expect(order).toEqual(['app:in', 'method:in', 'handler', 'method:out', 'app:out']);
    expect((await app.inject('/articles/cached/answer')).json()).toEqual({ from: 'interceptor' });
    expect((await app.inject('/articles/translated/error')).json()).toEqual({ errors: { body: ['translated'] } });
  });

  it('run inside @Cache: a hit replays what the handler and the interceptors made, without running either', async () => {
    let runs = 0;
    const counted: Interceptor = { intercept: (_ctx, next) => { runs++; const r = next(); return r instanceof Promise ? r.then((data) => ({ data })) : { data: r }; } };
    @Controller('/cached') class Cached {
      calls = 0;
      @Get('/') @Cache({ ttl: 60 }) @UseInterceptors(counted) get() { this.calls++; return { calls: this.calls }; }
    }
    const app = createApp({ controllers: [Cached] });
    const first = await app.inject('/cached');
    const second = await app.inject('/cached');
    expect([first.json(), second.json(), runs]).toEqual([{ data: { calls: 1 } }, { data: { calls: 1 } }, 1]);
    expect(second.headers.etag).toBe(first.headers.etag);
  });

  it('leave routes without interceptors or filters as they were', async () => {
    const app = createApp({ controllers: [Plain] });
    const res = await app.inject('/plain');
    expect([res.status, res.json()]).toEqual([200, { hello: 'world' }]);
  });
});

import 'reflect-metadata';
import {
  BadRequestError, Catch, ConflictError, Controller, createApp, createParamDecorator, ForbiddenError, Get, Guard, HttpError,
  NotFoundError, Post, ServiceUnavailableError, Throws, UnauthorizedError, UseFilters, type CanActivate, type ExceptionFilter,
  type OpenApiDocument, type RequestContext,
} from '../../lib';
import { buildApp } from '../../sample-app/src/app';
import { thrownBy } from '../../lib/openapi/throws';
import { validateOpenApi } from './support/validate';

const responsesOf = (doc: OpenApiDocument, path: string, verb: string): Record<string, unknown> =>
  (doc.paths[path] as Record<string, { responses: Record<string, unknown> }>)[verb].responses;
// Each shared error response carries an example of its own status.
const problem = (status: number, title: string, detail: string) => ({ 'application/problem+json': {
  schema: { $ref: '#/components/schemas/Problem' }, example: { type: 'about:blank', title, status, detail, instance: '/items/7' },
} });

class Accounts {
  create(): void { throw new ConflictError('taken'); }
}

describe('thrown errors in the OpenAPI document', () => {
  it('documents a status thrown directly in a handler, as a shared problem response', () => {
    @Controller('/things')
    class Things {
      @Post('/')
      create(): object {
        if (Math.random() > 2) throw new ConflictError('The name is taken.');
        return {};
      }
    }
    const doc = createApp({ controllers: [Things], openapi: true }).openapi();
    expect(responsesOf(doc, '/things', 'post')).toEqual({ 201: { description: 'Created' }, 409: { $ref: '#/components/responses/Conflict' } });
    expect(doc.components.responses).toEqual({ Conflict: { description: 'The request conflicts with the current state of the resource.', content: problem(409, 'Conflict', 'Item 7 was changed by another request.') } });
    expect(validateOpenApi(doc).errors).toBeUndefined();
  });

  it('reads a literal status from new HttpError, and private and public helpers the handler calls on this', () => {
    @Controller('/items')
    class Items {
      @Get('/')
      list(): object {
        this.#gone();
        this.check();
        return [];
      }

      check(): void { if (Math.random() > 2) throw new ForbiddenError(); }

      #gone(): void { if (Math.random() > 2) throw new HttpError(410, 'Gone for good.'); }
    }
    const doc = createApp({ controllers: [Items], openapi: true }).openapi();
    expect(Object.keys(responsesOf(doc, '/items', 'get'))).toEqual(['200', '403', '410']);
    expect(doc.components.responses!.Gone).toEqual({ description: 'The resource is gone for good.', content: problem(410, 'Gone', 'Gone.') });
  });

  it('runs no getter while following this calls', () => {
    let ran = 0;
    @Controller('/getters')
    class Getters {
      get check(): () => void { ran++; return () => { throw new ConflictError(); }; }

      @Get('/')
      one(): string { this.check(); return 'x'; }
    }
    const doc = createApp({ controllers: [Getters], openapi: true }).openapi();
    expect(Object.keys(responsesOf(doc, '/getters', 'get'))).toEqual(['200']);
    expect(ran).toBe(0);
  });

  it('documents what guards, custom parameter decorators and filters throw', () => {
    class TokenGuard implements CanActivate {
      canActivate(ctx: RequestContext): boolean {
        if (ctx.request.headers.authorization === undefined) throw new UnauthorizedError('Send a token.');
        return true;
      }
    }
    const Tenant = createParamDecorator((ctx: RequestContext) => {
      const value = ctx.request.headers['x-tenant'];
      if (value === undefined) throw new BadRequestError('Send X-Tenant.');
      return value;
    });
    @Catch(NotFoundError)
    class Unavailable implements ExceptionFilter {
      catch(): undefined { throw new ServiceUnavailableError('Try later.'); }
    }
    @Controller('/tenants')
    @UseFilters(Unavailable)
    class Tenants {
      @Get('/mine')
      @Guard(TokenGuard)
      mine(@Tenant() tenant: string): string { return tenant; }
    }
    const doc = createApp({ controllers: [Tenants], openapi: true }).openapi();
    expect(Object.keys(responsesOf(doc, '/tenants/mine', 'get'))).toEqual(['200', '400', '401', '403', '503']);
  });

  it('documents @Throws on a method and on a class for errors thrown where analysis cannot see', () => {
    @Controller('/accounts')
    @Throws(503)
    class AccountsController {
      readonly #accounts = new Accounts();

      @Post('/')
      @Throws(ConflictError)
      create(): void { this.#accounts.create(); }

      @Get('/')
      list(): string[] { return []; }
    }
    const doc = createApp({ controllers: [AccountsController], openapi: true }).openapi();
    expect(Object.keys(responsesOf(doc, '/accounts', 'post'))).toEqual(['201', '409', '503']);
    expect(Object.keys(responsesOf(doc, '/accounts', 'get'))).toEqual(['200', '503']);
    expect(Object.keys(doc.components.responses!)).toEqual(['Conflict', 'ServiceUnavailable']);
  });

  it('does not see an error thrown in another object without @Throws (the documented limit)', () => {
    @Controller('/plain')
    class Plain {
      readonly #accounts = new Accounts();

      @Post('/')
      create(): void { this.#accounts.create(); }
    }
    const doc = createApp({ controllers: [Plain], openapi: true }).openapi();
    expect(Object.keys(responsesOf(doc, '/plain', 'post'))).toEqual(['201']);
  });

  it('rejects a @Throws argument that is not an error class or status', () => {
    expect(() => Throws(302)).toThrow(expect.objectContaining({ code: 'RIVET_OPENAPI_THROWS_INVALID' }));
    expect(() => Throws(Error)).toThrow(expect.objectContaining({ code: 'RIVET_OPENAPI_THROWS_INVALID', message: expect.stringContaining('not an HttpError class') }));
    class NeedsArgs extends HttpError {
      constructor(what: { name: string }) { super(409, what.name); }
    }
    expect(() => Throws(NeedsArgs)).toThrow(expect.objectContaining({ message: expect.stringContaining('@Throws(409)') }));
  });

  it('reads the forms tsc, swc and esbuild emit for an imported class', () => {
    const sources = [
      'function a() { throw new rivetjs_1.ConflictError("x"); }',
      'function a() { throw new _rivetjs.NotFoundError(`x`); }',
      'function a() { throw new import_rivetjs.UnauthorizedError(); }',
      'function a() { throw new (0, x).Nope(); throw new HttpError(418); throw new HttpError(status); }',
    ];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const statuses = sources.map((s) => thrownBy(new Function(`return ${s}`)()).map((t) => t.status));
    expect(statuses).toEqual([[409], [404], [401], [418]]);
  });
});

describe('the sample app document', () => {
  it('lists signup 409, login 401 and /auth/me 404', async () => {
    const app = await buildApp({ apiKey: 'k', database: ':memory:' });
    const doc = app.openapi();
    expect(responsesOf(doc, '/auth/signup', 'post')[409]).toEqual({ $ref: '#/components/responses/Conflict' });
    expect(responsesOf(doc, '/auth/login', 'post')[401]).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(responsesOf(doc, '/auth/me', 'get')[404]).toEqual({ $ref: '#/components/responses/NotFound' });
    await app.close();
  });
});

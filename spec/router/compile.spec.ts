import 'reflect-metadata';
import { Controller } from '../../lib/decorators/controller';
import { Guard } from '../../lib/decorators/guard';
import { HttpCode, ResponseHeader, SetMetadata } from '../../lib/decorators/meta';
import { Body, Ctx, Param, Query } from '../../lib/decorators/params';
import { All, Get, Head, Post } from '../../lib/decorators/routes';
import { RivetAggregateError } from '../../lib/errors/rivet-error';
import { compileTable, describeRoutes, type RouteDescriptor } from '../../lib/router/compile';
import type { RouteHandler } from '../../lib/router/methods';
import { rivetErrorOf } from '../helpers/errors';


/** Compiles `controllers` with one distinct handler per descriptor; `handlers` maps `Controller#method` to it. */
function compile(controllers: Function[], ignoreTrailingSlash = true) {
  const handlers = new Map<string, RouteHandler>();
  const routes = describeRoutes(controllers).map((descriptor: RouteDescriptor) => {
    const handler: RouteHandler = () => undefined;
    handlers.set(`${descriptor.method} ${descriptor.where}`, handler);
    return { descriptor, handler };
  });
  return { tree: compileTable(routes, { ignoreTrailingSlash }), handlers };
}

describe('describeRoutes', () => {
  it('describes each route with its joined path, segments and parameter names', () => {
    @Controller('/books')
    class Books {
      @Get('/:id/pages/:page') page(@Param('id') id: string, @Param('page') page: number) { return [id, page]; }
    }
    const [d] = describeRoutes([Books]);
    expect(d).toMatchObject({
      controller: Books, handlerName: 'page', where: 'Books#page', method: 'GET', path: '/books/:id/pages/:page',
      paramNames: ['id', 'page'], handler: Books.prototype.page, guards: [], httpCode: undefined, headers: [],
    });
    expect(d.segments).toEqual([
      { kind: 'static', value: 'books' }, { kind: 'param', name: 'id' }, { kind: 'static', value: 'pages' }, { kind: 'param', name: 'page' },
    ]);
    expect(d.params.map((p) => [p.meta.index, p.meta.source, p.meta.name, p.designType])).toEqual([[0, 'path', 'id', String], [1, 'path', 'page', Number]]);
  });

  it('orders parameters by index when the decorators ran in reverse', () => {
    @Controller('/')
    class C { @Post('/') make(@Body() body: unknown, @Query('q') q: string, @Ctx() ctx: unknown) { return [body, q, ctx]; } }
    expect(describeRoutes([C])[0].params.map((p) => p.meta.source)).toEqual(['body', 'query', 'ctx']);
  });

  it('describes one route per decorator when a method carries two route decorators', () => {
    @Controller('/x')
    class C { @Get('/a') @Get('/b') both() { return 1; } }
    expect(describeRoutes([C]).map((d) => d.path).sort()).toEqual(['/x/a', '/x/b']);
  });

  it('combines class and method guards, class first, each once', () => {
    class A { canActivate() { return true; } }
    class B { canActivate() { return true; } }
    @Controller('/g') @Guard(A)
    class C { @Get('/') @Guard(B, A) one() { return 1; } }
    expect(describeRoutes([C])[0].guards).toEqual([A, B]);
  });

  it('merges method metadata over class metadata when both set the same key', () => {
    @Controller('/m') @SetMetadata('role', 'user') @SetMetadata('scope', 'read')
    class C { @Get('/') @SetMetadata('role', 'admin') one() { return 1; } }
    expect(Object.fromEntries(describeRoutes([C])[0].metadata)).toEqual({ role: 'admin', scope: 'read' });
  });

  it('merges response headers case-insensitively with the method winning when both set one', () => {
    @Controller('/h') @ResponseHeader('Cache-Control', 'public') @ResponseHeader('X-A', '1')
    class C { @Get('/') @ResponseHeader('cache-control', 'no-store') @HttpCode(202) one() { return 1; } }
    const [d] = describeRoutes([C]);
    expect([...d.headers].sort()).toEqual([['X-A', '1'], ['cache-control', 'no-store']]);
    expect(d.httpCode).toBe(202);
  });

  it('throws RIVET_CONTROLLER_MISSING naming the class when it has no @Controller', () => {
    class Plain { @Get('/') one() { return 1; } }
    const err = rivetErrorOf(() => describeRoutes([Plain]));
    expect(err.code).toBe('RIVET_CONTROLLER_MISSING');
    expect(err.message).toContain('Plain is listed in controllers but has no @Controller decorator');
  });

  it('throws RIVET_PARAM_UNDECORATED naming the method and index when a parameter has no decorator', () => {
    @Controller('/u')
    class Users { @Get('/:id') one(@Param('id') id: string, extra: number) { return [id, extra]; } }
    const err = rivetErrorOf(() => describeRoutes([Users]));
    expect(err.code).toBe('RIVET_PARAM_UNDECORATED');
    expect(err.message).toContain('Users#one parameter 1 has no decorator');
  });

  it('throws RIVET_PARAM_UNDECORATED when an undecorated parameter has a default value', () => {
    @Controller('/u')
    class Users { @Get('/') list(limit = 10) { return limit; } }
    expect(rivetErrorOf(() => describeRoutes([Users])).message).toContain('Users#list parameter 0 has no decorator');
  });

  it('throws RIVET_PARAM_DUPLICATE when one parameter carries two decorators', () => {
    @Controller('/u')
    class Users { @Get('/:id') one(@Param('id') @Query('id') id: string) { return id; } }
    const err = rivetErrorOf(() => describeRoutes([Users]));
    expect(err.code).toBe('RIVET_PARAM_DUPLICATE');
    expect(err.message).toContain('Users#one parameter 0 has two parameter decorators');
  });

  it('throws RIVET_PARAM_NOT_IN_PATH when @Param names a parameter the path lacks', () => {
    @Controller('/u')
    class Users { @Get('/:id') one(@Param('userId') id: string) { return id; } }
    const err = rivetErrorOf(() => describeRoutes([Users]));
    expect(err.code).toBe('RIVET_PARAM_NOT_IN_PATH');
    expect(err.message).toContain(`Users#one parameter 0 reads @Param('userId') but the route "/u/:id" has no :userId`);
  });

  it('accepts @Param naming a wildcard when the path ends with a named wildcard', () => {
    @Controller('/files')
    class Files { @Get('/*path') one(@Param('path') path: string) { return path; } }
    expect(describeRoutes([Files])[0].paramNames).toEqual(['path']);
  });

  it('throws RIVET_ROUTE_NOT_A_METHOD when a route decorator sits on an accessor', () => {
    @Controller('/p')
    class Props { @Get('/') get value(): number { return 1; } }
    const err = rivetErrorOf(() => describeRoutes([Props]));
    expect(err.code).toBe('RIVET_ROUTE_NOT_A_METHOD');
    expect(err.message).toContain('Props#value is decorated as a route but is not a method on Props');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID naming the method when a path does not parse', () => {
    @Controller('/p')
    class Bad { @Get('/:a-b') one() { return 1; } }
    expect(rivetErrorOf(() => describeRoutes([Bad])).message).toContain('Bad#one route "/p/:a-b"');
  });

  it('reports problems of several controllers in one RivetAggregateError when more than one is wrong', () => {
    class NotAController {}
    @Controller('/u')
    class Users { @Get('/:id') one(@Param('nope') id: string) { return id; } }
    const err = rivetErrorOf(() => describeRoutes([NotAController, Users]));
    expect(err).toBeInstanceOf(RivetAggregateError);
    expect(err.code).toBe('RIVET_BOOT_ERRORS');
    expect((err as RivetAggregateError).errors.map((e) => e.code)).toEqual(['RIVET_CONTROLLER_MISSING', 'RIVET_PARAM_NOT_IN_PATH']);
    expect(err.message).toContain('2 problems found at start-up');
  });
});

describe('compileTable', () => {
  it('builds a tree whose entries hold each declared handler', () => {
    @Controller('/books')
    class Books { @Get('/') list() { return []; } @Post('/') add() { return 1; } @Get('/:id') one() { return 1; } }
    const { tree, handlers } = compile([Books]);
    const root = tree.lookup('/books');
    expect(root?.value.handlers.GET).toBe(handlers.get('GET Books#list'));
    expect(root?.value.handlers.POST).toBe(handlers.get('POST Books#add'));
    expect(root?.value.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(tree.lookup('/books/9')?.value.handlers.GET).toBe(handlers.get('GET Books#one'));
  });

  it('matches a static route before a parameter route declared earlier', () => {
    @Controller('/books')
    class Books { @Get('/:id') one() { return 1; } @Get('/count') count() { return 1; } }
    const { tree, handlers } = compile([Books]);
    expect(tree.lookup('/books/count')?.value.handlers.GET).toBe(handlers.get('GET Books#count'));
  });

  it('shares one method table between routes whose paths differ only in parameter names', () => {
    @Controller('/u')
    class Users { @Get('/:id') one() { return 1; } @Post('/:userId') edit() { return 1; } }
    const { tree } = compile([Users]);
    expect(tree.lookup('/u/1')?.value.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('reports duplicates from two controllers in one error naming both Controller#method', () => {
    @Controller('/a')
    class First { @Get('/x') x() { return 1; } }
    @Controller('/a')
    class Second { @Get('/x') y() { return 2; } }
    const err = rivetErrorOf(() => compile([First, Second]));
    expect(err).not.toBeInstanceOf(RivetAggregateError);
    expect(err.code).toBe('RIVET_ROUTE_DUPLICATE');
    expect(err.message).toContain('GET /a/x is declared twice: by First#x ("/a/x") and by Second#y ("/a/x")');
  });

  it('reports a duplicate when two paths differ only in parameter names', () => {
    @Controller('/a')
    class C { @Get('/:id') one() { return 1; } @Get('/:name') two() { return 2; } }
    const err = rivetErrorOf(() => compile([C]));
    expect(err.code).toBe('RIVET_ROUTE_DUPLICATE');
    expect(err.message).toContain('by C#one ("/a/:id") and by C#two ("/a/:name")');
  });

  it('reports every duplicate in one aggregate error with the duplicate code when there are several', () => {
    @Controller('/a')
    class A { @Get('/x') x() { return 1; } @Post('/y') y() { return 1; } }
    @Controller('/a')
    class B { @Get('/x') x() { return 1; } @Post('/y') y() { return 1; } }
    const err = rivetErrorOf(() => compile([A, B]));
    expect(err).toBeInstanceOf(RivetAggregateError);
    expect(err.code).toBe('RIVET_ROUTE_DUPLICATE');
    expect((err as RivetAggregateError).errors.map((e) => e.message)).toEqual([
      expect.stringContaining('GET /a/x is declared twice: by A#x ("/a/x") and by B#x ("/a/x")'),
      expect.stringContaining('POST /a/y is declared twice: by A#y ("/a/y") and by B#y ("/a/y")'),
    ]);
  });

  it('treats wildcards of different names as the same shape when both use one method', () => {
    @Controller('/f')
    class F { @Get('/*a') one() { return 1; } @Get('/*') two() { return 2; } }
    expect(rivetErrorOf(() => compile([F])).code).toBe('RIVET_ROUTE_DUPLICATE');
  });

  it('accepts GET, HEAD and ALL on the same path when each is declared once', () => {
    @Controller('/p')
    class P { @Get('/') get() { return 1; } @Head('/') head() { return 1; } @All('/') all() { return 1; } }
    const { tree, handlers } = compile([P]);
    const entry = tree.lookup('/p')!.value;
    expect(entry.handlers.HEAD).toBe(handlers.get('HEAD P#head'));
    expect(entry.fallback).toBe(handlers.get('ALL P#all'));
  });

  it('passes ignoreTrailingSlash to the tree when trailing slashes are strict', () => {
    @Controller('/p')
    class P { @Get('/') get() { return 1; } }
    expect(compile([P], false).tree.lookup('/p/')).toBeNull();
    expect(compile([P], true).tree.lookup('/p/')).not.toBeNull();
  });
});

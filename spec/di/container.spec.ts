import 'reflect-metadata';
import { container as rootContainer, inject, injectable } from 'tsyringe';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Get } from '../../lib/decorators/routes';
import { createAppContainer, prepareGraph, resolveAtBoot } from '../../lib/di/container';
import { RivetAggregateError, RivetError } from '../../lib/errors/rivet-error';
import { RequestContext } from '../../lib/pipeline/context';
import { rivetErrorOf } from '../helpers/errors';

interface Repo { find(): string }


/** Runs prepareGraph on a fresh app container and returns the problems it collected. */
function problemsOf(root: Function, requestScoped = false): RivetError[] {
  const errors: RivetError[] = [];
  prepareGraph(createAppContainer(undefined, []), root, requestScoped, errors);
  return errors;
}

describe('createAppContainer', () => {
  it('returns a child of the root container when no parent is given', () => {
    const c = createAppContainer(undefined, []);
    expect(c).not.toBe(rootContainer);
    class Unregistered {}
    expect(c.isRegistered(Unregistered, true)).toBe(false);
  });

  it('registers useValue, useClass and useFactory providers under their tokens', () => {
    class Clock { now() { return 1; } }
    const factory = jest.fn(() => 'made');
    const c = createAppContainer(undefined, [
      { provide: 'config', useValue: { port: 1 } },
      { provide: 'clock', useClass: Clock },
      { provide: 'made', useFactory: factory },
    ]);
    expect(c.resolve('config')).toEqual({ port: 1 });
    expect(c.resolve('clock')).toBeInstanceOf(Clock);
    expect(c.resolve('made')).toBe('made');
    expect(factory).toHaveBeenCalledWith(expect.objectContaining({ resolve: expect.any(Function) }));
  });

  it('registers a class provider as a singleton of this container', () => {
    class Service {}
    const c = createAppContainer(undefined, [Service]);
    expect(c.resolve(Service)).toBe(c.resolve(Service));
    expect(createAppContainer(undefined, [Service]).resolve(Service)).not.toBe(c.resolve(Service));
  });

  it('derives from the given parent container when one is passed', () => {
    const parent = rootContainer.createChildContainer();
    parent.register('fromParent', { useValue: 7 });
    expect(createAppContainer(parent, []).resolve('fromParent')).toBe(7);
  });
});

describe('prepareGraph', () => {
  it('reports RIVET_DI_UNRESOLVABLE naming class and parameter index when a parameter is interface-typed', () => {
    class Logger {}
    @injectable()
    class UsersService { constructor(readonly logger: Logger, readonly repo: Repo) {} }
    const [err, ...rest] = problemsOf(UsersService);
    expect(rest).toEqual([]);
    expect(err.code).toBe('RIVET_DI_UNRESOLVABLE');
    expect(err.message).toContain('UsersService: constructor parameter 1 is typed Object: an interface, union or primitive type has no class to construct');
  });

  it('names the dependency chain when the unresolvable parameter is deep in the graph', () => {
    @injectable()
    class Store { constructor(readonly url: string) {} }
    @injectable()
    class Service { constructor(readonly store: Store) {} }
    @Controller('/x')
    class Ctrl { constructor(readonly service: Service) {} }
    expect(problemsOf(Ctrl).map((e) => e.message)).toEqual([expect.stringContaining('Ctrl -> Service -> Store: constructor parameter 0 is typed String')]);
  });

  it('reports a string token that nothing provides', () => {
    @injectable()
    class Mailer { constructor(@inject('SMTP_URL') readonly url: string) {} }
    const [err] = problemsOf(Mailer);
    expect(err.code).toBe('RIVET_DI_UNRESOLVABLE');
    expect(err.message).toContain('Mailer: constructor parameter 0 asks for token "SMTP_URL", which nothing provides');
  });

  it('accepts a string token when a provider registers it', () => {
    @injectable()
    class Mailer { constructor(@inject('SMTP_URL') readonly url: string) {} }
    const errors: RivetError[] = [];
    const c = createAppContainer(undefined, [{ provide: 'SMTP_URL', useValue: 'smtp://x' }]);
    prepareGraph(c, Mailer, false, errors);
    expect(errors).toEqual([]);
    expect(c.resolve(Mailer).url).toBe('smtp://x');
  });

  it('reports RIVET_DI_NO_TYPE_INFO when a dependency has constructor parameters but no metadata', () => {
    class Untyped { constructor(readonly a: unknown, readonly b: unknown) {} }
    @Controller('/x')
    class Ctrl { constructor(readonly dep: Untyped) {} }
    const [err] = problemsOf(Ctrl);
    expect(err.code).toBe('RIVET_DI_NO_TYPE_INFO');
    expect(err.message).toContain('Ctrl -> Untyped: the constructor takes 2 parameter(s) but has no type information');
  });

  it('accepts a dependency without metadata when its constructor takes no parameters', () => {
    class Simple {}
    @Controller('/x')
    class Ctrl { constructor(readonly dep: Simple) {} }
    expect(problemsOf(Ctrl)).toEqual([]);
  });

  it('reports an undefined parameter type as a likely circular import', () => {
    class Ctrl { constructor(readonly dep: unknown) {} }
    Reflect.defineMetadata('design:paramtypes', [undefined], Ctrl);
    const [err] = problemsOf(Ctrl);
    expect(err.code).toBe('RIVET_DI_UNRESOLVABLE');
    expect(err.message).toContain('Ctrl: constructor parameter 0 has type undefined, which usually means a circular import');
  });

  it('reports RIVET_DI_REQUEST_CONTEXT when a singleton asks for RequestContext', () => {
    @Controller('/x')
    class Ctrl { constructor(readonly ctx: RequestContext) {} }
    const [err] = problemsOf(Ctrl, false);
    expect(err.code).toBe('RIVET_DI_REQUEST_CONTEXT');
    expect(err.message).toContain('Ctrl: constructor parameter 0 asks for RequestContext, which exists only per request');
  });

  it('accepts RequestContext when the root is request-scoped', () => {
    @Controller('/x', { scope: 'request' })
    class Ctrl { constructor(readonly ctx: RequestContext) {} }
    expect(problemsOf(Ctrl, true)).toEqual([]);
  });

  it('rejects RequestContext in a dependency of a request-scoped controller because dependencies are singletons', () => {
    @injectable()
    class Audit { constructor(readonly ctx: RequestContext) {} }
    @Controller('/x', { scope: 'request' })
    class Ctrl { constructor(readonly audit: Audit) {} }
    expect(problemsOf(Ctrl, true).map((e) => e.code)).toEqual(['RIVET_DI_REQUEST_CONTEXT']);
  });

  it('registers discovered classes as singletons of the app container', () => {
    class Dep {}
    @injectable()
    class Svc { constructor(readonly dep: Dep) {} }
    const c = createAppContainer(undefined, []);
    prepareGraph(c, Svc, false, []);
    expect(c.isRegistered(Dep)).toBe(true);
    expect(c.resolve(Svc).dep).toBe(c.resolve(Svc).dep);
  });

  it('uses the parent constructor types when a subclass has no constructor of its own', () => {
    class Dep {}
    @injectable()
    class Base { constructor(readonly dep: Dep) {} }
    class Sub extends Base {}
    const c = createAppContainer(undefined, []);
    const errors: RivetError[] = [];
    prepareGraph(c, Sub, false, errors);
    expect(errors).toEqual([]);
    expect(c.resolve(Sub).dep).toBeInstanceOf(Dep);
  });
});

describe('resolveAtBoot', () => {
  it('wraps a throwing constructor in RIVET_DI_UNRESOLVABLE naming the role and class', () => {
    class Exploding { constructor() { throw new Error('boom'); } }
    const c = createAppContainer(undefined, []);
    const err = rivetErrorOf(() => resolveAtBoot(c, Exploding, 'Controller'));
    expect(err.code).toBe('RIVET_DI_UNRESOLVABLE');
    expect(err.message).toContain('Controller Exploding could not be created: boom');
    expect((err as Error & { cause?: unknown }).cause).toEqual(new Error('boom'));
  });
});

describe('dependency injection in createApp', () => {
  it('gives two apps different singleton instances when both use the same service', async () => {
    class Counter { n = 0; next() { return ++this.n; } }
    @Controller('/c')
    class Ctrl { constructor(readonly counter: Counter) {} @Get('/') hit() { return this.counter.next(); } }
    const first = createApp({ controllers: [Ctrl] });
    const second = createApp({ controllers: [Ctrl] });
    expect((await first.inject('/c')).body).toBe('1');
    expect((await first.inject('/c')).body).toBe('2');
    expect((await second.inject('/c')).body).toBe('1');
    expect(first.container.resolve(Counter)).not.toBe(second.container.resolve(Counter));
  });

  it('shares one service instance between two controllers of one app', async () => {
    class Counter { n = 0; next() { return ++this.n; } }
    @Controller('/a')
    class A { constructor(readonly counter: Counter) {} @Get('/') hit() { return this.counter.next(); } }
    @Controller('/b')
    class B { constructor(readonly counter: Counter) {} @Get('/') hit() { return this.counter.next(); } }
    const app = createApp({ controllers: [A, B] });
    expect((await app.inject('/a')).body).toBe('1');
    expect((await app.inject('/b')).body).toBe('2');
    expect(app.container.resolve(A).counter).toBe(app.container.resolve(B).counter);
  });

  it('injects useValue, useClass and useFactory providers into a controller', async () => {
    class Greeter { greet() { return 'base'; } }
    class English extends Greeter { override greet() { return 'hello'; } }
    @Controller('/p')
    class Ctrl {
      constructor(@inject('prefix') readonly prefix: string, @inject(Greeter) readonly greeter: Greeter, @inject('stamp') readonly stamp: number) {}
      @Get('/') read() { return [this.prefix, this.greeter.greet(), this.stamp]; }
    }
    const app = createApp({
      controllers: [Ctrl],
      providers: [{ provide: 'prefix', useValue: '>' }, { provide: Greeter, useClass: English }, { provide: 'stamp', useFactory: () => 42 }],
    });
    expect((await app.inject('/p')).json()).toEqual(['>', 'hello', 42]);
  });

  it('collects every DI problem of every controller in one error at createApp', () => {
    @Controller('/a')
    class A { constructor(readonly repo: Repo) {} }
    @Controller('/b')
    class B { constructor(@inject('missing') readonly m: string) {} }
    const err = rivetErrorOf(() => createApp({ controllers: [A, B] }));
    expect(err).toBeInstanceOf(RivetAggregateError);
    expect(err.code).toBe('RIVET_DI_UNRESOLVABLE');
    expect((err as RivetAggregateError).errors.map((e) => e.message)).toEqual([
      expect.stringContaining('A: constructor parameter 0 is typed Object'),
      expect.stringContaining('B: constructor parameter 0 asks for token "missing"'),
    ]);
  });

  it('gives a request-scoped controller a new instance and its own RequestContext per request', async () => {
    const instances: object[] = [];
    @Controller('/r', { scope: 'request' })
    class Scoped {
      constructor(readonly ctx: RequestContext) { instances.push(this); }
      @Get('/') url() { return this.ctx.request.url; }
    }
    const app = createApp({ controllers: [Scoped] });
    expect((await app.inject('/r?n=1')).body).toBe('/r?n=1');
    expect((await app.inject('/r?n=2')).body).toBe('/r?n=2');
    expect(instances).toHaveLength(2);
    expect(instances[0]).not.toBe(instances[1]);
  });
});

import { IsString } from 'class-validator';
import { inject, injectable } from 'tsyringe';
import {
  createApp, Controller, Get, Post, Body, Ctx, Guard, SetMetadata, ForbiddenError, RequestContext, RivetError, type CanActivate,
} from '../../lib';
import { serve } from '../helpers/http';

@injectable()
class KeyStore { readonly keys = new Map([['k-admin', { name: 'root', role: 'admin' }], ['k-user', { name: 'joe', role: 'user' }]]); }

/** A guard that injects a service through its constructor and leaves the principal in ctx.state.user. */
@injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly store: KeyStore) {}
  canActivate(ctx: RequestContext) {
    const user = this.store.keys.get(String(ctx.request.headers['x-api-key']));
    if (user === undefined) return false;
    ctx.state.user = user;
    return true;
  }
}

class RoleGuard implements CanActivate {
  async canActivate(ctx: RequestContext) {
    await new Promise((r) => setImmediate(r));
    const role = ctx.getMetadata<string>('role');
    if (role !== undefined && (ctx.state.user as { role: string }).role !== role) throw new ForbiddenError(`This route needs the ${role} role.`);
    return true;
  }
}

class Note { @IsString() text!: string; }

@Controller('/admin')
@Guard(ApiKeyGuard, RoleGuard)
@SetMetadata('role', 'admin')
class AdminController {
  @Get('/me') me(@Ctx() ctx: RequestContext) { return ctx.state.user; }
  @Get('/open') @SetMetadata('role', 'user') open(@Ctx() ctx: RequestContext) { return { user: ctx.state.user, route: ctx.route.path }; }
  @Post('/notes') note(@Body() note: Note) { return note; }
}

describe('guards over a socket', () => {
  it('runs a guard that injects a service and one that reads ctx.getMetadata set by @SetMetadata', async () => {
    const client = await serve(createApp({ controllers: [AdminController] }));
    try {
      await client.get('/admin/me').expect(403);
      await client.get('/admin/me').set('x-api-key', 'k-user').expect(403).expectJson({
        type: 'about:blank', title: 'Forbidden', status: 403, detail: 'This route needs the admin role.', instance: '/admin/me',
      });
      await client.get('/admin/me').set('x-api-key', 'k-admin').expect(200).expectJson({ name: 'root', role: 'admin' });
      // Method metadata wins over class metadata.
      await client.get('/admin/open').set('x-api-key', 'k-user').expect(200).expectJson({ user: { name: 'joe', role: 'user' }, route: '/admin/open' });
      // Guards also run for the automatic HEAD.
      await client.head('/admin/me').expect(403);
    } finally {
      await client.close();
    }
  });

  it('runs guards before reading the body, so an unauthenticated client cannot make the server read it', async () => {
    const app = createApp({ controllers: [AdminController] });
    const res = await app.inject({ method: 'POST', url: '/admin/notes', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
    expect(res.status).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/admin/notes', headers: { 'x-api-key': 'k-admin' }, body: { text: 'hi' } });
    expect(ok.status).toBe(201);
    expect(ok.json()).toEqual({ text: 'hi' });
  });

  it('runs app guards, then controller guards, then method guards', async () => {
    const order: string[] = [];
    const tag = (name: string): CanActivate => ({ canActivate: () => { order.push(name); return true; } });
    const methodGuard = tag('method');
    @Controller('/o') @Guard(tag('controller')) class O { @Get('/') @Guard(methodGuard) x() { return order; } }
    const app = createApp({ controllers: [O], guards: [tag('app')] });
    expect((await app.inject('/o')).json()).toEqual(['app', 'controller', 'method']);
  });
});

describe('dependency injection', () => {
  it('fails at createApp, not at the first request, naming the class and the parameter index', () => {
    interface Mailer { send(): void }
    @injectable() class Signup { constructor(readonly mailer: Mailer) {} }
    @Controller('/s') class SignupController { constructor(readonly signup: Signup) {} @Get('/') x() { return 1; } }
    let error: unknown;
    try { createApp({ controllers: [SignupController] }); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(RivetError);
    expect(error).toMatchObject({ code: 'RIVET_DI_UNRESOLVABLE' });
    expect((error as Error).message).toContain('SignupController -> Signup: constructor parameter 0 is typed Object');
    expect((error as Error).message).toContain("Fix: inject a class, or use @inject('token')");
  });

  it('reports a token nobody provides, and resolves it once provided', () => {
    @Controller('/t') class T { constructor(@inject('GREETING') readonly greeting: string) {} @Get('/') x() { return this.greeting; } }
    expect(() => createApp({ controllers: [T] })).toThrow(/T: constructor parameter 0 asks for token "GREETING", which nothing provides/);
    const app = createApp({ controllers: [T], providers: [{ provide: 'GREETING', useValue: 'hello' }] });
    return app.inject('/t').then((res) => expect(res.body).toBe('hello'));
  });

  it('makes services singletons per app, shared by controllers and guards of that app only', async () => {
    @injectable() class Counter { n = 0; }
    @injectable() class CountGuard implements CanActivate { constructor(private readonly c: Counter) {} canActivate() { this.c.n++; return true; } }
    @Controller('/c') @Guard(CountGuard) class C { constructor(private readonly c: Counter) {} @Get('/') n() { return this.c.n; } }
    const one = createApp({ controllers: [C] });
    const two = createApp({ controllers: [C] });
    expect((await one.inject('/c')).body).toBe('1');
    expect((await one.inject('/c')).body).toBe('2');
    expect((await two.inject('/c')).body).toBe('1');
  });

  it('creates a request-scoped controller per request, with RequestContext injectable', async () => {
    let created = 0;
    @Controller('/r', { scope: 'request' })
    class R {
      constructor(private readonly ctx: RequestContext) { created++; }
      @Get('/:id') who() { return { id: this.ctx.params.id, created }; }
    }
    const app = createApp({ controllers: [R] });
    expect(created).toBe(0);
    expect((await app.inject('/r/a')).json()).toEqual({ id: 'a', created: 1 });
    expect((await app.inject('/r/b')).json()).toEqual({ id: 'b', created: 2 });
  });

  it('refuses RequestContext in a singleton controller with the fix', () => {
    @Controller('/x') class X { constructor(readonly ctx: RequestContext) {} @Get('/') x() { return 1; } }
    expect(() => createApp({ controllers: [X] })).toThrow(expect.objectContaining({ code: 'RIVET_DI_REQUEST_CONTEXT' }));
  });
});

describe('dependency injection through inheritance', () => {
  it('reports a subclass without its own constructor whose undecorated base takes parameters', () => {
    class Db {}
    class BaseController { constructor(readonly db: Db) {} }
    @Controller('/inh') class Inh extends BaseController { @Get('/') x() { return 1; } }
    expect(() => createApp({ controllers: [Inh] })).toThrow(/Inh: the constructor \(inherited from BaseController\) takes 1 parameter\(s\) but has no type information/);
  });
});

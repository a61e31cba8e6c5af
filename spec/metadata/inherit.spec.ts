import 'reflect-metadata';
import { IsString } from 'class-validator';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Guard } from '../../lib/decorators/guard';
import { HttpCode, ResponseHeader, SetMetadata } from '../../lib/decorators/meta';
import { Body, Param } from '../../lib/decorators/params';
import { Delete, Get, Post } from '../../lib/decorators/routes';
import { classChain, effectiveClassGuards, effectiveClassValues, effectiveController, effectiveMembers } from '../../lib/metadata/inherit';
import type { RequestContext } from '../../lib/pipeline/context';
import { describeRoutes } from '../../lib/router/compile';

class Allow { canActivate() { return true; } }
class AuditGuard { canActivate() { return true; } }
class AdminGuard { canActivate() { return true; } }

class CatDto { @IsString() name!: string; }
class DogDto { @IsString() breed!: string; }

/** An abstract generic CRUD base: its routes are inherited by every concrete controller. */
@Guard(Allow)
@SetMetadata('resource', 'generic')
@SetMetadata('audit', true)
abstract class CrudController<T> {
  protected readonly items: T[] = [];
  abstract kind(): string;

  @Get('/')
  list() { return { kind: this.kind(), items: this.items }; }

  @Get('/:id')
  @SetMetadata('resource', 'one')
  one(@Param('id') id: number) { return { kind: this.kind(), id }; }

  @Post('/')
  @HttpCode(202)
  create(@Body({ validate: false }) body: T) { this.items.push(body); return body; }
}

@Controller('/cats')
@Guard(AuditGuard)
class Cats extends CrudController<CatDto> {
  kind() { return 'cat'; }
}

@Controller('/dogs')
@SetMetadata('resource', 'dogs')
class Dogs extends CrudController<DogDto> {
  kind() { return 'dog'; }
  // Overrides without re-decorating: the inherited route calls this method.
  override list() { return { kind: 'dog (override)', items: [] }; }
  @Delete('/:id') @Guard(AdminGuard) remove(@Param('id') id: string) { return { removed: id }; }
}

const routesOf = (ctor: Function) => describeRoutes([ctor]).map((d) => `${d.method} ${d.path} ${d.handlerName}`).sort();

describe('classChain', () => {
  it('lists the class and its ancestors most derived first when it extends a base', () => {
    expect(classChain(Dogs)).toEqual([Dogs, CrudController]);
  });

  it('lists only the class when it extends nothing', () => {
    expect(classChain(Allow)).toEqual([Allow]);
  });
});

describe('effectiveController', () => {
  it('returns each subclass its own prefix when two subclasses share a base', () => {
    expect(effectiveController(Cats)?.prefix).toBe('/cats');
    expect(effectiveController(Dogs)?.prefix).toBe('/dogs');
  });

  it('returns undefined when no class on the chain has @Controller', () => {
    expect(effectiveController(CrudController)).toBeUndefined();
  });

  it('inherits the parent prefix when the subclass has no @Controller', () => {
    class Kittens extends Cats {}
    expect(effectiveController(Kittens)?.prefix).toBe('/cats');
    expect(routesOf(Kittens)).toEqual(['GET /cats list', 'GET /cats/:id one', 'POST /cats create']);
  });
});

describe('effectiveClassGuards', () => {
  it('returns base guards before subclass guards', () => {
    expect(effectiveClassGuards(Cats)).toEqual([Allow, AuditGuard]);
  });

  it('lists a guard once when both base and subclass declare it', () => {
    @Controller('/x') @Guard(AuditGuard, Allow)
    class Twice extends CrudController<CatDto> { kind() { return 'x'; } }
    expect(effectiveClassGuards(Twice)).toEqual([Allow, AuditGuard]);
  });

  it('keeps a sibling free of guards the other subclass declares', () => {
    expect(effectiveClassGuards(Dogs)).toEqual([Allow]);
  });
});

describe('effectiveClassValues', () => {
  it('lets the subclass value win per key and keeps the base values otherwise', () => {
    expect(Object.fromEntries(effectiveClassValues(Dogs))).toEqual({ resource: 'dogs', audit: true });
    expect(Object.fromEntries(effectiveClassValues(Cats))).toEqual({ resource: 'generic', audit: true });
  });
});

describe('effectiveMembers', () => {
  it('inherits every routed member when the subclass declares none', () => {
    expect(routesOf(Cats)).toEqual(['GET /cats list', 'GET /cats/:id one', 'POST /cats create']);
  });

  it('adds a subclass route only to that subclass when siblings share a base', () => {
    expect(routesOf(Dogs)).toEqual(['DELETE /dogs/:id remove', 'GET /dogs list', 'GET /dogs/:id one', 'POST /dogs create']);
    expect(routesOf(Cats)).not.toContain('DELETE /cats/:id remove');
  });

  it('records the declaring class and its prototype for inherited parameters', () => {
    const one = effectiveMembers(Cats).find((m) => m.name === 'one')!;
    expect(one.declaredOn).toBe(CrudController);
    expect(one.paramsOn).toBe(CrudController.prototype);
    expect(one.params).toEqual([{ index: 0, source: 'path', name: 'id', options: {} }]);
  });

  it('keeps the base status code and method guards when the member is inherited', () => {
    const dogs = effectiveMembers(Dogs);
    expect(dogs.find((m) => m.name === 'create')?.httpCode).toBe(202);
    expect(dogs.find((m) => m.name === 'remove')?.guards).toEqual([AdminGuard]);
  });

  it('lets a subclass re-decorate only the route path and keep the base parameters', () => {
    @Controller('/birds')
    class Birds extends CrudController<CatDto> {
      kind() { return 'bird'; }
      @Get('/by-id/:id') override one(id: number) { return super.one(id); }
    }
    const one = effectiveMembers(Birds).find((m) => m.name === 'one')!;
    expect(one.routes).toEqual([{ method: 'GET', path: '/by-id/:id', options: {} }]);
    expect(one.declaredOn).toBe(Birds);
    expect(one.params).toEqual([{ index: 0, source: 'path', name: 'id', options: {} }]);
    expect(one.paramsOn).toBe(CrudController.prototype);
  });

  it('merges member metadata and headers with the subclass winning per key', () => {
    class Base {
      @Get('/') @SetMetadata('a', 1) @SetMetadata('b', 1) @ResponseHeader('X-One', 'base') @ResponseHeader('X-Two', 'base') run() { return 1; }
    }
    @Controller('/m')
    class Sub extends Base {
      @SetMetadata('b', 2) @ResponseHeader('x-one', 'sub') override run() { return 2; }
    }
    const run = effectiveMembers(Sub)[0];
    expect(Object.fromEntries(run.values)).toEqual({ a: 1, b: 2 });
    expect([...run.headers].sort()).toEqual([['X-Two', 'base'], ['x-one', 'sub']]);
    expect(run.routes).toEqual([{ method: 'GET', path: '/', options: {} }]);
  });

  it('never turns an undecorated member into a route', () => {
    expect(effectiveMembers(Dogs).map((m) => m.name)).not.toContain('kind');
  });
});

describe('inherited controllers in an app', () => {
  it('calls the subclass override when the route was declared on the base', async () => {
    const app = createApp({ controllers: [Cats, Dogs] });
    expect((await app.inject('/dogs')).json()).toEqual({ kind: 'dog (override)', items: [] });
    expect((await app.inject('/cats')).json()).toEqual({ kind: 'cat', items: [] });
  });

  it('runs class guards base first when the app lists a route of the subclass', () => {
    const app = createApp({ controllers: [Cats] });
    expect(app.routes().find((r) => r.path === '/cats' && r.method === 'GET')?.guards).toEqual(['Allow', 'AuditGuard']);
  });

  it('coerces an inherited parameter with the base design type when the subclass serves it', async () => {
    const app = createApp({ controllers: [Cats] });
    expect((await app.inject('/cats/7')).json()).toEqual({ kind: 'cat', id: 7 });
  });

  it('reads method metadata over class metadata through the request context', async () => {
    const seen: unknown[] = [];
    class Spy { canActivate(ctx: RequestContext) { seen.push(ctx.getMetadata('role'), ctx.getMetadata('tier')); return true; } }
    @Controller('/meta') @SetMetadata('role', 'user') @SetMetadata('tier', 'free') @Guard(new Spy())
    class Meta { @Get('/') @SetMetadata('role', 'admin') read() { return 'ok'; } }
    const app = createApp({ controllers: [Meta] });
    expect((await app.inject('/meta')).body).toBe('ok');
    expect(seen).toEqual(['admin', 'free']);
  });
});

import { All, Delete, Get, Head, Options, Patch, Post, Put } from '../../lib/decorators/routes';
import { peekMeta } from '../../lib/metadata/store';

describe('route decorators', () => {
  it('records one route with its method for each decorator', () => {
    class C {
      @Get('/g') g() { return 1; }
      @Post('/p') p() { return 1; }
      @Put('/u') u() { return 1; }
      @Patch('/a') a() { return 1; }
      @Delete('/d') d() { return 1; }
      @Head('/h') h() { return 1; }
      @Options('/o') o() { return 1; }
      @All('/x') x() { return 1; }
    }
    const routes = Object.fromEntries([...peekMeta(C)!.members].map(([name, m]) => [name, m.routes]));
    expect(routes).toEqual({
      g: [{ method: 'GET', path: '/g', options: {} }],
      p: [{ method: 'POST', path: '/p', options: {} }],
      u: [{ method: 'PUT', path: '/u', options: {} }],
      a: [{ method: 'PATCH', path: '/a', options: {} }],
      d: [{ method: 'DELETE', path: '/d', options: {} }],
      h: [{ method: 'HEAD', path: '/h', options: {} }],
      o: [{ method: 'OPTIONS', path: '/o', options: {} }],
      x: [{ method: 'ALL', path: '/x', options: {} }],
    });
  });

  it('records the path "/" when no path is given', () => {
    class C { @Get() list() { return 1; } }
    expect(peekMeta(C)?.members.get('list')?.routes).toEqual([{ method: 'GET', path: '/', options: {} }]);
  });

  it('records the route options when they are given', () => {
    class C { @Get('/:id', { summary: 'One', tags: ['t'], deprecated: true, operationId: 'getOne' }) one() { return 1; } }
    expect(peekMeta(C)?.members.get('one')?.routes[0].options).toEqual({ summary: 'One', tags: ['t'], deprecated: true, operationId: 'getOne' });
  });

  it('records every route when a method has several decorators', () => {
    class C { @Get('/a') @Post('/b') both() { return 1; } }
    expect(peekMeta(C)?.members.get('both')?.routes).toEqual([
      { method: 'POST', path: '/b', options: {} },
      { method: 'GET', path: '/a', options: {} },
    ]);
  });

  it('records a route under a symbol name when the method is keyed by a symbol', () => {
    const key = Symbol('handler');
    class C { @Get('/s') [key]() { return 1; } }
    expect(peekMeta(C)?.members.get(key)?.routes).toEqual([{ method: 'GET', path: '/s', options: {} }]);
  });

  it('leaves the method itself untouched when it records a route', () => {
    function original() { return 'same'; }
    class C { run = original; }
    const descriptor = { value: original, writable: true, enumerable: false, configurable: true };
    expect(Get('/r')(C.prototype, 'run', descriptor)).toBeUndefined();
    expect(descriptor.value).toBe(original);
  });

  it('records nothing on other classes when it decorates one', () => {
    class A { @Get('/') a() { return 1; } }
    class B { b() { return 1; } }
    expect(peekMeta(A)?.members.size).toBe(1);
    expect(peekMeta(B)).toBeUndefined();
  });
});

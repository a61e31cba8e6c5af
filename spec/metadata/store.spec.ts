import { ownMember, ownMeta, peekMeta } from '../../lib/metadata/store';

describe('peekMeta', () => {
  it('returns undefined when nothing was declared on the class', () => {
    class Plain {}
    expect(peekMeta(Plain)).toBeUndefined();
  });

  it('does not create metadata when it reads', () => {
    class Plain {}
    peekMeta(Plain);
    expect(peekMeta(Plain)).toBeUndefined();
  });

  it('returns undefined for a subclass when only its parent has metadata', () => {
    class Base {}
    class Sub extends Base {}
    ownMeta(Base);
    expect(peekMeta(Sub)).toBeUndefined();
  });
});

describe('ownMeta', () => {
  it('creates empty metadata on first use', () => {
    class C {}
    expect(ownMeta(C)).toEqual({
      controller: undefined,
      own: { routes: [], params: undefined, guards: undefined, values: undefined, httpCode: undefined, headers: undefined },
      members: new Map(),
    });
  });

  it('returns the same object when called twice', () => {
    class C {}
    expect(ownMeta(C)).toBe(ownMeta(C));
    expect(peekMeta(C)).toBe(ownMeta(C));
  });

  it('keeps two classes apart when they have the same name', () => {
    const a = class Same {};
    const b = class Same {};
    ownMeta(a).controller = { prefix: '/a', options: {} };
    expect(ownMeta(b).controller).toBeUndefined();
  });
});

describe('ownMember', () => {
  it('returns the class-level record when the name is undefined', () => {
    class C {}
    expect(ownMember(C, undefined)).toBe(ownMeta(C).own);
  });

  it('creates one record per member name when first written', () => {
    class C {}
    const sym = Symbol('handler');
    const a = ownMember(C, 'list');
    const b = ownMember(C, sym);
    expect(ownMember(C, 'list')).toBe(a);
    expect(a).not.toBe(b);
    expect([...ownMeta(C).members.keys()]).toEqual(['list', sym]);
  });

  it('gives each member its own routes array when several are created', () => {
    class C {}
    ownMember(C, 'a').routes.push({ method: 'GET', path: '/', options: {} });
    expect(ownMember(C, 'b').routes).toEqual([]);
  });
});

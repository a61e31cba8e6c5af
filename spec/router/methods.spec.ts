import type { RouteHandler } from '../../lib/router/methods';
import { buildPathEntry } from '../../lib/router/methods';

const handler = (): RouteHandler => () => undefined;

describe('buildPathEntry', () => {
  it('lists Allow in GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS order whatever the declaration order', () => {
    const entry = buildPathEntry(new Map([['DELETE', handler()], ['PATCH', handler()], ['POST', handler()], ['PUT', handler()], ['GET', handler()]]));
    expect(entry.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  });

  it('always lists OPTIONS in Allow when the path declares no OPTIONS handler', () => {
    const entry = buildPathEntry(new Map([['POST', handler()]]));
    expect(entry.allow).toBe('POST, OPTIONS');
    expect(entry.handlers.OPTIONS).toBeUndefined();
  });

  it('lists OPTIONS once when the path declares its own OPTIONS handler', () => {
    const options = handler();
    const entry = buildPathEntry(new Map([['OPTIONS', options], ['GET', handler()]]));
    expect(entry.allow).toBe('GET, HEAD, OPTIONS');
    expect(entry.handlers.OPTIONS).toBe(options);
  });

  it('answers HEAD with the GET handler when the path declares GET only', () => {
    const get = handler();
    const entry = buildPathEntry(new Map([['GET', get]]));
    expect(entry.handlers.HEAD).toBe(get);
    expect(entry.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('keeps the explicit HEAD handler when the path declares both GET and HEAD', () => {
    const get = handler();
    const head = handler();
    expect(buildPathEntry(new Map([['HEAD', head], ['GET', get]])).handlers.HEAD).toBe(head);
    expect(buildPathEntry(new Map([['GET', get], ['HEAD', head]])).handlers.HEAD).toBe(head);
  });

  it('adds no HEAD when the path declares no GET', () => {
    const entry = buildPathEntry(new Map([['POST', handler()]]));
    expect(entry.handlers.HEAD).toBeUndefined();
    expect(entry.fallback).toBeNull();
  });

  it('fills every standard method but OPTIONS from an @All route when nothing else is declared', () => {
    const all = handler();
    const entry = buildPathEntry(new Map([['ALL', all]]));
    expect({ ...entry.handlers }).toEqual({ GET: all, HEAD: all, POST: all, PUT: all, PATCH: all, DELETE: all });
    expect(entry.fallback).toBe(all);
    expect(entry.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  });

  it('keeps declared handlers over the @All route when both exist', () => {
    const all = handler();
    const get = handler();
    const post = handler();
    const entry = buildPathEntry(new Map([['ALL', all], ['GET', get], ['POST', post]]));
    expect(entry.handlers.GET).toBe(get);
    expect(entry.handlers.HEAD).toBe(get);
    expect(entry.handlers.POST).toBe(post);
    expect(entry.handlers.PUT).toBe(all);
    expect(entry.handlers.ALL).toBeUndefined();
  });

  it('sorts methods outside the standard set alphabetically after the standard ones', () => {
    const entry = buildPathEntry(new Map([['PURGE', handler()], ['GET', handler()], ['LOCK', handler()]]));
    expect(entry.allow).toBe('GET, HEAD, OPTIONS, LOCK, PURGE');
  });

  it('stores handlers in an object without a prototype so method names never hit Object.prototype', () => {
    const entry = buildPathEntry(new Map([['GET', handler()]]));
    expect(Object.getPrototypeOf(entry.handlers)).toBeNull();
    expect(entry.handlers.constructor).toBeUndefined();
  });
});

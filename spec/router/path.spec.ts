import { RivetError } from '../../lib/errors/rivet-error';
import { joinPath, parseTemplate, toOpenApiPath } from '../../lib/router/path';
import { rivetErrorOf } from '../helpers/errors';

/** The RivetError `fn` throws (fails the test when it throws nothing or something else). */

describe('joinPath', () => {
  it('joins a prefix and a path with one slash when both carry slashes', () => {
    expect(joinPath('/users/', '/:id')).toBe('/users/:id');
  });

  it('adds the leading slash when neither part has one', () => {
    expect(joinPath('users', ':id')).toBe('/users/:id');
  });

  it('drops the trailing slash when the route path is the root', () => {
    expect(joinPath('/users', '/')).toBe('/users');
  });

  it('returns the root when prefix and path are both the root', () => {
    expect(joinPath('/', '/')).toBe('/');
  });

  it('returns the root when prefix and path are both empty', () => {
    expect(joinPath('', '')).toBe('/');
  });

  it('collapses runs of slashes inside the parts', () => {
    expect(joinPath('//api//v1/', '//books///')).toBe('/api/v1/books');
  });
});

describe('parseTemplate', () => {
  it('returns no segments when the template is the root', () => {
    expect(parseTemplate('/', 'A#b')).toEqual([]);
  });

  it('splits static, parameter and wildcard segments when all three appear', () => {
    expect(parseTemplate('/users/:id/files/*path', 'A#b')).toEqual([
      { kind: 'static', value: 'users' },
      { kind: 'param', name: 'id' },
      { kind: 'static', value: 'files' },
      { kind: 'wildcard', name: 'path' },
    ]);
  });

  it('names an unnamed final wildcard "*" when it is a bare star', () => {
    expect(parseTemplate('/static/*', 'A#b')).toEqual([{ kind: 'static', value: 'static' }, { kind: 'wildcard', name: '*' }]);
  });

  it('accepts parameter names with underscores, dollars and digits after the first character', () => {
    expect(parseTemplate('/:_a/:$b/:c1', 'A#b')).toEqual([
      { kind: 'param', name: '_a' }, { kind: 'param', name: '$b' }, { kind: 'param', name: 'c1' },
    ]);
  });

  it('percent-decodes static segments when they are encoded', () => {
    expect(parseTemplate('/caf%C3%A9/a%20b', 'A#b')).toEqual([{ kind: 'static', value: 'café' }, { kind: 'static', value: 'a b' }]);
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID naming the route when a parameter has no name', () => {
    const err = rivetErrorOf(() => parseTemplate('/users/:', 'Users#get'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('Users#get route "/users/:"');
    expect(err.message).toContain('parameter ":" is not a valid name');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a parameter name starts with a digit', () => {
    const err = rivetErrorOf(() => parseTemplate('/:1id', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('parameter ":1id" is not a valid name');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a parameter name contains a dash', () => {
    expect(() => parseTemplate('/:user-id', 'A#b')).toThrow(expect.objectContaining({ code: 'RIVET_ROUTE_TEMPLATE_INVALID' }));
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a parameter is named __proto__', () => {
    const err = rivetErrorOf(() => parseTemplate('/:__proto__', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('":__proto__" is not a valid name');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a parameter name appears twice', () => {
    const err = rivetErrorOf(() => parseTemplate('/:id/x/:id', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('parameter ":id" appears twice');
  });

  // regression: a final "*name" reusing a ":name" put the name twice in paramNames (fixed in 9e30acb)
  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a wildcard reuses a parameter name', () => {
    const err = rivetErrorOf(() => parseTemplate('/:rest/*rest', 'Files#get'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('wildcard "*rest" reuses the name of parameter ":rest"');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a wildcard is not the last segment', () => {
    const err = rivetErrorOf(() => parseTemplate('/files/*/meta', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('a wildcard "*" may only be the last segment');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a wildcard name is invalid', () => {
    const err = rivetErrorOf(() => parseTemplate('/files/*9x', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('wildcard "*9x" is not a valid name');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a segment mixes text and a colon', () => {
    const err = rivetErrorOf(() => parseTemplate('/files/name:id', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('segment "name:id" mixes text with ":" or "*"');
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a segment mixes text and a star', () => {
    expect(() => parseTemplate('/files/img*.png', 'A#b')).toThrow(expect.objectContaining({ code: 'RIVET_ROUTE_TEMPLATE_INVALID' }));
  });

  it('throws RIVET_ROUTE_TEMPLATE_INVALID when a static segment has a malformed percent-encoding', () => {
    const err = rivetErrorOf(() => parseTemplate('/a/%E0%A4%A', 'A#b'));
    expect(err.code).toBe('RIVET_ROUTE_TEMPLATE_INVALID');
    expect(err.message).toContain('segment "%E0%A4%A" has a malformed percent-encoding');
  });

  it('ends every template error with a fix line when it throws', () => {
    expect(rivetErrorOf(() => parseTemplate('/:', 'A#b')).message).toMatch(/\n {2}Fix: use segments like "\/users\/:id" or a final "\/\*"\.$/);
  });
});

describe('toOpenApiPath', () => {
  it('returns the root when there are no segments', () => {
    expect(toOpenApiPath([])).toBe('/');
  });

  it('writes parameters and wildcards in braces when the template has them', () => {
    expect(toOpenApiPath(parseTemplate('/users/:id/files/*path', 'A#b'))).toBe('/users/{id}/files/{path}');
  });

  it('keeps static segments unchanged when there are no parameters', () => {
    expect(toOpenApiPath(parseTemplate('/health/live', 'A#b'))).toBe('/health/live');
  });
});

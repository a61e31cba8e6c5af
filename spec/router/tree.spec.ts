import { parseTemplate } from '../../lib/router/path';
import { MalformedPathError, RouteTree } from '../../lib/router/tree';

/** A tree holding each template's own text as its value. */
function treeOf(templates: readonly string[], ignoreTrailingSlash = true): RouteTree<string> {
  const tree = new RouteTree<string>({ ignoreTrailingSlash });
  for (const t of templates) tree.upsert(parseTemplate(t, 'Spec#route'), () => t);
  return tree;
}

describe('RouteTree.upsert', () => {
  it('creates the value once when the same shape is upserted twice', () => {
    const tree = new RouteTree<object>({ ignoreTrailingSlash: true });
    const first = tree.upsert(parseTemplate('/users/:id', 'A#b'), () => ({}));
    const create = jest.fn(() => ({}));
    expect(tree.upsert(parseTemplate('/users/:other', 'A#b'), create)).toBe(first);
    expect(create).not.toHaveBeenCalled();
  });

  it('keeps a wildcard value apart from the value of its parent node', () => {
    const tree = treeOf(['/files', '/files/*']);
    expect(tree.lookup('/files')).toEqual({ value: '/files', values: [] });
    expect(tree.lookup('/files/a')).toEqual({ value: '/files/*', values: ['a'] });
  });
});

describe('RouteTree.lookup', () => {
  it('matches the root when the tree has a root route', () => {
    expect(treeOf(['/']).lookup('/')).toEqual({ value: '/', values: [] });
  });

  it('returns null when the path does not start with a slash', () => {
    expect(treeOf(['/', '/:id']).lookup('users')).toBeNull();
  });

  it('returns null when no route matches', () => {
    expect(treeOf(['/users']).lookup('/books')).toBeNull();
  });

  it('prefers a static segment over a parameter declared before it', () => {
    const tree = treeOf(['/books/:id', '/books/count']);
    expect(tree.lookup('/books/count')).toEqual({ value: '/books/count', values: [] });
    expect(tree.lookup('/books/42')).toEqual({ value: '/books/:id', values: ['42'] });
  });

  it('prefers a static segment over a parameter declared after it', () => {
    const tree = treeOf(['/books/count', '/books/:id']);
    expect(tree.lookup('/books/count')).toEqual({ value: '/books/count', values: [] });
    expect(tree.lookup('/books/42')).toEqual({ value: '/books/:id', values: ['42'] });
  });

  it('prefers a parameter over a wildcard whatever the declaration order', () => {
    expect(treeOf(['/a/*', '/a/:id']).lookup('/a/1')).toEqual({ value: '/a/:id', values: ['1'] });
    expect(treeOf(['/a/:id', '/a/*']).lookup('/a/1')).toEqual({ value: '/a/:id', values: ['1'] });
  });

  it('backtracks from a static branch to a parameter when the static branch dead-ends', () => {
    const tree = treeOf(['/books/count/x', '/books/:id/reviews']);
    expect(tree.lookup('/books/count/x')).toEqual({ value: '/books/count/x', values: [] });
    expect(tree.lookup('/books/count/reviews')).toEqual({ value: '/books/:id/reviews', values: ['count'] });
  });

  it('drops the values of a failed parameter branch when it backtracks to a wildcard', () => {
    const tree = treeOf(['/a/:x/b', '/a/*']);
    expect(tree.lookup('/a/1/c')).toEqual({ value: '/a/*', values: ['1/c'] });
  });

  it('returns parameter values in template order when a route has several', () => {
    expect(treeOf(['/u/:user/p/:post']).lookup('/u/ann/p/7')).toEqual({ value: '/u/:user/p/:post', values: ['ann', '7'] });
  });

  it('captures the rest of the path in a wildcard when it spans several segments', () => {
    expect(treeOf(['/files/*path']).lookup('/files/a/b/c.txt')).toEqual({ value: '/files/*path', values: ['a/b/c.txt'] });
  });

  it('captures an empty rest in a wildcard when the path stops at its parent', () => {
    expect(treeOf(['/files/*']).lookup('/files')).toEqual({ value: '/files/*', values: [''] });
  });

  it('captures an empty rest in a wildcard when the path ends with a slash', () => {
    expect(treeOf(['/files/*']).lookup('/files/')).toEqual({ value: '/files/*', values: [''] });
    expect(treeOf(['/files/*'], false).lookup('/files/')).toEqual({ value: '/files/*', values: [''] });
  });

  it('keeps the trailing slash in a wildcard capture when trailing slashes are strict', () => {
    expect(treeOf(['/files/*'], false).lookup('/files/a/')).toEqual({ value: '/files/*', values: ['a/'] });
  });

  it('matches a static route with a trailing slash when trailing slashes are ignored', () => {
    expect(treeOf(['/users']).lookup('/users/')).toEqual({ value: '/users', values: [] });
  });

  it('matches a parameter route with a trailing slash when trailing slashes are ignored', () => {
    expect(treeOf(['/users/:id']).lookup('/users/7/')).toEqual({ value: '/users/:id', values: ['7'] });
  });

  it('returns null for a trailing slash when trailing slashes are strict', () => {
    const tree = treeOf(['/users', '/users/:id'], false);
    expect(tree.lookup('/users/')).toBeNull();
    expect(tree.lookup('/users/7/')).toBeNull();
    expect(tree.lookup('/users')).toEqual({ value: '/users', values: [] });
  });

  it('ignores only one trailing slash when the path ends with two', () => {
    expect(treeOf(['/users']).lookup('/users//')).toBeNull();
  });

  it('percent-decodes a parameter value when it is encoded', () => {
    expect(treeOf(['/users/:name']).lookup('/users/J%C3%BCrgen%20M')).toEqual({ value: '/users/:name', values: ['Jürgen M'] });
  });

  it('matches an encoded static segment when the request encodes it', () => {
    expect(treeOf(['/caf%C3%A9']).lookup('/caf%C3%A9')).toEqual({ value: '/caf%C3%A9', values: [] });
  });

  it('matches a static segment when the request percent-encodes plain letters', () => {
    expect(treeOf(['/users']).lookup('/%75sers')).toEqual({ value: '/users', values: [] });
  });

  it('keeps an encoded slash inside one parameter value when the request has %2F', () => {
    const tree = treeOf(['/files/:name', '/files/:dir/:name']);
    expect(tree.lookup('/files/a%2Fb')).toEqual({ value: '/files/:name', values: ['a/b'] });
  });

  // regression: the static fast-path Map keyed "/a%2Fb" (one segment "a/b") as "/a/b" (fixed in 9e30acb)
  it('matches a template segment with an encoded slash only when the request encodes it too', () => {
    const tree = treeOf(['/a%2Fb']);
    expect(tree.lookup('/a%2Fb')).toEqual({ value: '/a%2Fb', values: [] });
    expect(tree.lookup('/a/b')).toBeNull();
  });

  it('throws MalformedPathError when a segment has a truncated percent-encoding', () => {
    const tree = treeOf(['/files/:name']);
    expect(() => tree.lookup('/files/%E0%A4%A')).toThrow(MalformedPathError);
    expect(() => tree.lookup('/files/%E0%A4%A')).toThrow('malformed percent-encoding in path segment "%E0%A4%A"');
  });

  it('throws MalformedPathError when a segment has a lone percent sign', () => {
    expect(() => treeOf(['/:p']).lookup('/100%')).toThrow(MalformedPathError);
  });

  it('never binds a parameter to an empty segment when the path has a double slash', () => {
    const tree = treeOf(['/users/:id/posts']);
    expect(tree.lookup('/users//posts')).toBeNull();
  });

  it('never binds a trailing empty segment to a parameter when trailing slashes are strict', () => {
    expect(treeOf(['/users/:id'], false).lookup('/users/')).toBeNull();
  });

  it('falls back to a wildcard when an empty segment cannot bind a parameter', () => {
    expect(treeOf(['/a/:id/b', '/a/*']).lookup('/a//b')).toEqual({ value: '/a/*', values: ['/b'] });
  });

  it('returns fresh values arrays when the same route matches twice', () => {
    const tree = treeOf(['/u/:id']);
    const first = tree.lookup('/u/1');
    const second = tree.lookup('/u/2');
    expect(first?.values).toEqual(['1']);
    expect(second?.values).toEqual(['2']);
  });
});

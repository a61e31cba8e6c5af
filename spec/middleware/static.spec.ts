import type { PluginRoute } from '../../lib/pipeline/plugin';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { normalizeStatic, staticPlugin } from '../../lib/middleware/static';

describe('normalizeStatic', () => {
  let dir: string;
  beforeAll(() => { dir = realpathSync(mkdtempSync(join(tmpdir(), 'rivet-static-opts-'))); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty when absent', () => {
    expect(normalizeStatic(undefined)).toEqual([]);
  });

  it('resolves a relative root and applies the defaults', () => {
    expect(normalizeStatic({ root: relative(process.cwd(), dir) })).toEqual([{ root: dir, prefix: '/', cacheControl: 'public, max-age=0', index: 'index.html', dotfiles: false }]);
  });

  it('resolves a symlinked root to its real path, so containment checks compare real paths', () => {
    const link = join(dir, 'link');
    symlinkSync(dir, link);
    expect(normalizeStatic({ root: link, prefix: '/a/' })[0]).toMatchObject({ root: dir, prefix: '/a' });
  });

  it('names the mount of a list in its messages', () => {
    expect(() => normalizeStatic([{ root: dir }, { root: dir, maxAge: 1.5 }])).toThrow(/static\[1\]\.maxAge is 1\.5/);
  });
});

describe('staticPlugin', () => {
  it('adds nothing without mounts, and one wildcard GET route per mount', () => {
    expect(staticPlugin([], null, { debug: false, report: null, filter: null })).toBeNull();
    const mounts = normalizeStatic([{ root: '.', prefix: '/' }, { root: '.', prefix: '/assets' }]);
    expect((staticPlugin(mounts, null, { debug: false, report: null, filter: null })!.routes as PluginRoute[]).map((r) => [r.method, r.path])).toEqual([['GET', '/*'], ['GET', '/assets/*']]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const catalogue = join(root, 'docs/reference/errors.md');

/** Every `.ts` file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `.md` file under `dir`, recursively. */
function mdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return mdFiles(path);
    return e.name.endsWith('.md') ? [path] : [];
  });
}

// A code is a string literal such as 'RIVET_ROUTE_DUPLICATE'. Codes assembled at run time (`RIVET_${x}`) cannot be
// seen here: keep every code a literal so that this catalogue can be kept in step.
const CODE_LITERAL = /['"`](RIVET_[A-Z][A-Z0-9_]*)['"`]/g;

/** code → the lib files that mention it. */
function codesInLib(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of tsFiles(join(root, 'lib'))) {
    for (const [, code] of readFileSync(file, 'utf8').matchAll(CODE_LITERAL)) {
      const files = found.get(code) ?? [];
      const rel = relative(root, file);
      if (!files.includes(rel)) files.push(rel);
      found.set(code, files);
    }
  }
  return found;
}

/** The rows of the catalogue table: `| \`RIVET_X\` | meaning | fix |`. */
function catalogueRows(): { code: string; cells: string[] }[] {
  return readFileSync(catalogue, 'utf8')
    .split('\n')
    .filter((line) => /^\|\s*`RIVET_/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      return { code: cells[0].replace(/`/g, ''), cells };
    });
}

describe('docs/reference/errors.md', () => {
  const lib = codesInLib();
  const rows = catalogueRows();
  const documented = rows.map((r) => r.code);

  it('finds RIVET_ codes in lib (the scan itself works)', () => {
    expect(lib.size).toBeGreaterThan(0);
  });

  it('has a row for every RIVET_ code thrown in lib', () => {
    const missing = [...lib.keys()].filter((code) => !documented.includes(code)).map((code) => `${code} (${lib.get(code)!.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('has no row for a code that lib no longer uses', () => {
    expect(documented.filter((code) => !lib.has(code))).toEqual([]);
  });

  it('lists each code once, with a meaning and a fix', () => {
    expect(documented.filter((code, i) => documented.indexOf(code) !== i)).toEqual([]);
    const incomplete = rows.filter((r) => r.cells.length !== 3 || r.cells.some((c) => c === '')).map((r) => r.code);
    expect(incomplete).toEqual([]);
  });

  it('mentions no code anywhere under docs/ that lib does not use', () => {
    const stale: string[] = [];
    for (const file of mdFiles(join(root, 'docs'))) {
      for (const [code] of readFileSync(file, 'utf8').matchAll(/RIVET_[A-Z][A-Z0-9_]*/g)) {
        // A family written as a prefix (`RIVET_OPENAPI_*`) must still name at least one real code.
        const known = code.endsWith('_') ? [...lib.keys()].some((c) => c.startsWith(code)) : lib.has(code);
        if (!known) stale.push(`${relative(root, file)}: ${code}`);
      }
    }
    expect(stale).toEqual([]);
  });
});

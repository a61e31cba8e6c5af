import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where `rivet new` and `rivet generate` read their templates: `templates/` next to `lib/` (or `dist/`). */
export const TEMPLATES = resolve(__dirname, '..', '..', 'templates');

// npm never packs files named .gitignore or .npmrc, and a .env in a package is a bad habit: templates store them with '_'.
const RENAMES: Record<string, string> = { _gitignore: '.gitignore', _env: '.env', _npmrc: '.npmrc' };

/** Replaces every `__KEY__` token of `text` with its value. */
export function render(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/__([A-Z][A-Z0-9_]*[A-Z0-9])__/g, (whole, key: string) => values[key] ?? whole);
}

/** Folders of a template that `copyTemplate` leaves out: `_db/<dialect>/` are overlays `rivet new --db` copies on top. */
const OVERLAYS = new Set(['_db']);

/** Copies a template directory into `target`, rendering each file and file name; returns the written paths (relative). */
export function copyTemplate(source: string, target: string, values: Readonly<Record<string, string>>): string[] {
  const written: string[] = [];
  const walk = (from: string, to: string, rel: string): void => {
    for (const name of readdirSync(from).sort()) {
      if (rel === '' && OVERLAYS.has(name)) continue;
      const src = join(from, name);
      const outName = render(RENAMES[name] ?? name, values);
      if (statSync(src).isDirectory()) { walk(src, join(to, outName), join(rel, outName)); continue; }
      mkdirSync(to, { recursive: true });
      writeFileSync(join(to, outName), render(readFileSync(src, 'utf8'), values));
      written.push(join(rel, outName));
    }
  };
  walk(source, target, '');
  return written;
}

/** Writes one rendered template file, refusing to overwrite unless `force`. */
export function writeFromTemplate(template: string, target: string, values: Readonly<Record<string, string>>, force: boolean): void {
  let exists = false;
  try { exists = statSync(target).isFile(); } catch { /* absent */ }
  if (exists && !force) throw new Error(`${target} already exists.\n  Fix: pick another name, or pass --force to overwrite it.`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, render(readFileSync(join(TEMPLATES, template), 'utf8'), values));
}

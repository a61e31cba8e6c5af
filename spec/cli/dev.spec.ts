import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDevCommand } from '../../lib/cli/dev';

// A project whose packages are this checkout's (typescript and the peers), with a tsconfig of the test's choosing.
function project(compilerOptions: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-dev-'));
  symlinkSync(resolve(__dirname, '..', '..', 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "name": "p", "private": true }\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', ...compilerOptions }, include: ['src'] }));
  return dir;
}

// regression: issue 19 (with experimentalDecorators off the app crashed inside class-validator, or served only 404s)
describe('rivet dev', () => {
  it('refuses a tsconfig without experimentalDecorators and emitDecoratorMetadata before compiling', () => {
    const dir = project({ experimentalDecorators: false });
    try {
      expect(() => runDevCommand({ cwd: dir, log: () => undefined })).toThrow(
        `[RIVET_DECORATORS_STANDARD] ${join(dir, 'tsconfig.json')} does not set "experimentalDecorators": true and "emitDecoratorMetadata": true. Rivet needs TypeScript's experimental (legacy) decorators with emitted metadata`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names only what is missing', () => {
    const dir = project({ experimentalDecorators: true });
    try {
      expect(() => runDevCommand({ cwd: dir, log: () => undefined })).toThrow(/does not set "emitDecoratorMetadata": true\. [\s\S]*Fix: add "emitDecoratorMetadata": true to compilerOptions/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

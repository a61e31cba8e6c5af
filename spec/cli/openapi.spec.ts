import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgram } from '../../lib/cli';
import { runOpenApiCommand } from '../../lib/cli/openapi';
import { app as exportedApp, built } from '../openapi/fixtures/cli-app';

const fixture = join(__dirname, '..', 'openapi', 'fixtures', 'cli-app.ts');

describe('rivet openapi', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the document of the exported app to --out without listening', async () => {
    const out = join(dir, 'openapi.json');
    await createProgram().parseAsync(['openapi', '--app', fixture, '--out', out], { from: 'user' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(exportedApp.openapi());
    expect(built.every((a) => !a.server.listening)).toBe(true);
  });

  it('calls an exported function to build the app when --export names one', async () => {
    const before = built.length;
    const text = await runOpenApiCommand({ app: fixture, export: 'buildApp', indent: 0 });
    expect(built.length).toBe(before + 1);
    expect(text).toBe(`${JSON.stringify(exportedApp.openapi())}\n`);
    expect(JSON.parse(text).info).toEqual({ title: 'Ping', version: '3.0.0' });
  });

  it('explains what to export when the export is not an app', async () => {
    await expect(runOpenApiCommand({ app: fixture, export: 'notAnApp' })).rejects.toThrow(/is not a Rivet app/);
    await expect(runOpenApiCommand({ app: fixture, export: 'missing' })).rejects.toThrow(/has no export "missing"/);
  });

  it('rejects an --indent that is not a small whole number', async () => {
    const program = createProgram().exitOverride().configureOutput({ writeErr: () => {} });
    program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => {} }));
    await expect(program.parseAsync(['openapi', '--app', fixture, '--indent', 'x'], { from: 'user' })).rejects.toThrow(/whole number/);
  });
});

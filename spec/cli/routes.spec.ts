import { join } from 'node:path';
import { runRoutesCommand } from '../../lib/cli/routes';
import { app as exportedApp } from '../openapi/fixtures/cli-app';

const fixture = join(__dirname, '..', 'openapi', 'fixtures', 'cli-app.ts');

describe('rivet routes', () => {
  it('prints the compiled route table as aligned columns', async () => {
    const text = await runRoutesCommand({ app: fixture });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^METHOD\s+PATH\s+HANDLER\s+GUARDS$/);
    expect(lines.slice(1)).toEqual(exportedApp.routes().map((r) => expect.stringMatching(new RegExp(`^${r.method}\\s+${r.path.replace(/[/:]/g, '\\$&')}\\s+${r.controller}#${r.handler}\\s+${r.guards.join(', ') || '-'}$`))));
  });

  it('prints JSON with --json', async () => {
    expect(JSON.parse(await runRoutesCommand({ app: fixture, json: true }))).toEqual(exportedApp.routes());
  });
});

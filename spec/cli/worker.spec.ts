import { join } from 'node:path';
import { runWorkerCommand } from '../../lib/cli/worker';

describe('rivet worker', () => {
  it('refuses an app without jobs, naming the fix', async () => {
    const fixture = join(__dirname, '..', 'openapi', 'fixtures', 'cli-app.ts');
    await expect(runWorkerCommand({ app: fixture })).rejects.toThrow(/rivet worker: the app of .*cli-app\.ts has no jobs\.\n {2}Fix: give it createApp\(\{ jobs: \{ processors: \[\.\.\.\], redis \} \}\)/);
  });
});

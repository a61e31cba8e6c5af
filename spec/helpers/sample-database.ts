/**
 * Which database the sample app's specs (spec/e2e/sample-app.spec.ts) build the app on: a new in-memory SQLite
 * database per test by default; spec/e2e/sample-app-postgres.spec.ts runs the same specs on PostgreSQL, one
 * database per test cloned from a migrated and seeded template.
 */
let provider: (() => Promise<string>) | undefined;

export function useSampleDatabase(next: () => Promise<string>): void {
  provider = next;
}

export const sampleDatabase = (): Promise<string> => (provider === undefined ? Promise.resolve(':memory:') : provider());
export const sampleDialect = (): 'sqlite' | 'postgres' => (provider === undefined ? 'sqlite' : 'postgres');

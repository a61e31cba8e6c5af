/** Jest: @swc/jest keeps legacy decorators and design:paramtypes (esbuild would drop them); tsc --noEmit type-checks separately. */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: { '^rivetjs$': '<rootDir>/lib/index.ts', '^rivetjs/testing$': '<rootDir>/lib/testing/index.ts', '^rivetjs/drizzle$': '<rootDir>/lib/drizzle/index.ts' },
  // Apps import 'reflect-metadata' in their entry point; specs get it here, as tsyringe needs it before any import.
  // environment.ts clears what a developer's shell could leak into the specs (LOG_LEVEL, NODE_ENV, PORT).
  setupFiles: ['reflect-metadata', '<rootDir>/spec/helpers/environment.ts'],
  testTimeout: 20000,
};

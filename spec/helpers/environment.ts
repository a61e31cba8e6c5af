/**
 * Runs before every spec file (jest.config.js `setupFiles`). The variables Rivet reads from the environment are
 * set as on a clean machine, so a developer's shell (`LOG_LEVEL=warn`, `NODE_ENV=development`, `PORT=8080`)
 * cannot change what a spec sees: a spec that is about one of them passes its own `env`.
 */
delete process.env.LOG_LEVEL;
delete process.env.RIVETJS_CONTRACT;
delete process.env.PORT;
process.env.NODE_ENV = 'test';

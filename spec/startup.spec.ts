/**
 * Start-up cost: importing rivet and creating an app with no optional features must not load the libraries
 * those features use. Each is replaced by a factory that records being loaded.
 */
const HEAVY = ['pino', 'prom-client', 'jsonwebtoken', 'undici', 'light-my-request', 'mime-db', 'mime-types', 'ioredis', 'swagger-ui-dist', 'ws', 'busboy', 'commander', '@inquirer/prompts', 'sql.js'];

describe('start-up', () => {
  it('loads no optional feature library for an app that does not use them', () => {
    const loaded: string[] = [];
    jest.isolateModules(() => {
      for (const name of HEAVY) jest.doMock(name, () => { loaded.push(name); return {}; });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const rivet = require('../lib') as typeof import('../lib');
      class Hello { hello() { return 'hi'; } }
      rivet.Get('/')(Hello.prototype, 'hello', Object.getOwnPropertyDescriptor(Hello.prototype, 'hello')!);
      rivet.Controller('/hello')(Hello);
      rivet.createApp({ controllers: [Hello] });
    });
    expect(loaded).toEqual([]);
  });

  it('loads pino only once an app turns logging on', async () => {
    const loaded: string[] = [];
    let app!: import('../lib').App;
    let afterImport: string[] = [];
    let afterPlainApp: string[] = [];
    jest.isolateModules(() => {
      for (const name of HEAVY) jest.dontMock(name);
      // The real pino, recorded when it is first required.
      jest.doMock('pino', () => { loaded.push('pino'); return jest.requireActual('pino'); });
      jest.doMock('prom-client', () => { loaded.push('prom-client'); return {}; });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const rivet = require('../lib') as typeof import('../lib');
      afterImport = [...loaded];
      class Hello { hello() { return 'hi'; } }
      rivet.Get('/')(Hello.prototype, 'hello', Object.getOwnPropertyDescriptor(Hello.prototype, 'hello')!);
      rivet.Controller('/hello')(Hello);
      rivet.createApp({ controllers: [Hello] });
      afterPlainApp = [...loaded];
      app = rivet.createApp({ controllers: [Hello], logger: { level: 'silent' } });
    });
    expect([afterImport, afterPlainApp]).toEqual([[], []]);
    expect(loaded).toEqual(['pino']);
    expect((await app.inject('/hello')).body).toBe('hi');
    expect(loaded).toEqual(['pino']);
  });
});

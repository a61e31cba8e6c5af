import { createLogger, PRETTY_ADVICE } from '../../lib/runtime/logger';

const options = (pretty: boolean, lines: string[]) => ({
  level: 'info' as const, pretty, prettyExplicit: false, redact: [], destination: { write: (line: string) => { lines.push(line); } },
});

describe('createLogger', () => {
  it('writes readable lines in development when pino-pretty is installed', () => {
    const lines: string[] = [];
    createLogger(options(true, lines)).info({ a: 1 }, 'hello');
    const text = lines.join('');
    expect(text).toMatch(/INFO.*hello/);
    expect(text).not.toContain(PRETTY_ADVICE);
  });

  it('falls back to JSON with one line of advice when pino-pretty is missing', () => {
    const lines: string[] = [];
    jest.isolateModules(() => {
      // An optional peer that is installed here: its absence is simulated the way node reports it.
      jest.doMock('pino-pretty', () => { throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' }); });
      const { createLogger: isolated } = require('../../lib/runtime/logger') as typeof import('../../lib/runtime/logger');
      isolated(options(true, lines)).info({ a: 1 }, 'hello');
    });
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string; a?: number });
    expect(parsed).toEqual([
      expect.objectContaining({ level: 40, msg: PRETTY_ADVICE }),
      expect.objectContaining({ level: 30, msg: 'hello', a: 1 }),
    ]);
  });

  it('writes JSON without advice outside development', () => {
    const lines: string[] = [];
    createLogger(options(false, lines)).info('plain');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['plain']);
  });
});

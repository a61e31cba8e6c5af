import { RivetAggregateError, RivetError, throwCollected } from '../../lib/errors/rivet-error';
import { ValidationFailedError } from '../../lib/errors/validation-error';

describe('RivetError', () => {
  it('prefixes the message with its code', () => {
    const err = new RivetError('RIVET_X_Y', 'broken');
    expect(err).toMatchObject({ name: 'RivetError', code: 'RIVET_X_Y', message: '[RIVET_X_Y] broken' });
  });
});

describe('RivetAggregateError', () => {
  it('keeps the shared code when every collected error has the same code', () => {
    const err = new RivetAggregateError([new RivetError('RIVET_A', 'one'), new RivetError('RIVET_A', 'two')]);
    expect(err.code).toBe('RIVET_A');
    expect(err.message).toBe('[RIVET_A] 2 problems found at start-up:\n\n[RIVET_A] one\n\n[RIVET_A] two');
  });

  it('uses RIVET_BOOT_ERRORS when the collected codes differ', () => {
    const err = new RivetAggregateError([new RivetError('RIVET_A', 'one'), new RivetError('RIVET_B', 'two')]);
    expect(err.code).toBe('RIVET_BOOT_ERRORS');
    expect(err.errors.map((e) => e.code)).toEqual(['RIVET_A', 'RIVET_B']);
    expect(err).toBeInstanceOf(RivetError);
  });
});

describe('throwCollected', () => {
  it('does nothing when there are no errors', () => {
    expect(() => throwCollected([])).not.toThrow();
  });

  it('throws the error itself when there is exactly one', () => {
    const only = new RivetError('RIVET_A', 'one');
    expect(() => throwCollected([only])).toThrow(only);
  });

  it('throws a RivetAggregateError when there are several', () => {
    expect(() => throwCollected([new RivetError('RIVET_A', 'a'), new RivetError('RIVET_A', 'b')])).toThrow(RivetAggregateError);
  });
});

describe('ValidationFailedError', () => {
  it('summarises a single issue with its dotted location', () => {
    const err = new ValidationFailedError([{ loc: ['query', 'ids', 2], msg: 'must be >= 1', type: 'minimum' }]);
    expect(err).toMatchObject({ status: 422, message: 'Validation failed: query.ids.2: must be >= 1' });
  });

  it('summarises several issues by count', () => {
    const issue = { loc: ['body'], msg: 'x', type: 'type' };
    expect(new ValidationFailedError([issue, issue]).message).toBe('Validation failed: 2 errors');
  });

  it('keeps an explicit detail when one is given', () => {
    expect(new ValidationFailedError([], 'custom').message).toBe('custom');
  });
});

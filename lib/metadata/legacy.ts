import { RivetError } from '../errors/rivet-error';

/**
 * Wraps what a Rivet decorator factory returns so that it refuses to run as a TC39 standard decorator. With
 * `experimentalDecorators` off, TypeScript 5+ calls decorators as `(value, context)` where `context` is an object
 * with a `kind`; Rivet's decorators record metadata on `target.constructor` and on parameters, which that protocol
 * does not have, so they would record nothing (every route a 404) instead of failing. Legacy decorators get
 * `(target, name?, descriptor | index?)`: never an object with a `kind` in second place.
 */
export function legacyDecorator<T extends Function>(decorator: string, apply: T): T {
  return function legacy(this: unknown, ...args: unknown[]): unknown {
    const context = args[1];
    if (typeof context === 'object' && context !== null && typeof (context as { kind?: unknown }).kind === 'string') {
      throw standardDecoratorError(decorator, context as { kind: string; name?: unknown });
    }
    return (apply as unknown as (...a: unknown[]) => unknown).apply(this, args);
  } as unknown as T;
}

function standardDecoratorError(decorator: string, context: { kind: string; name?: unknown }): RivetError {
  const what = context.name === undefined ? `a ${context.kind}` : `${context.kind} ${String(context.name)}`;
  return new RivetError('RIVET_DECORATORS_STANDARD', `${decorator} was applied to ${what} as a TC39 standard decorator: "experimentalDecorators" is off in the tsconfig that compiled it. `
    + 'Rivet needs TypeScript\'s experimental (legacy) decorators: standard decorators cannot decorate parameters (@Param, @Body, @Query, constructor injection) '
    + 'and get no emitted design:paramtypes, which Rivet reads to coerce and validate parameters and tsyringe reads to inject dependencies; '
    + 'class-validator\'s decorators need them too.\n'
    + '  Fix: set "experimentalDecorators": true and "emitDecoratorMetadata": true in compilerOptions of tsconfig.json (as the Rivet templates do), and compile with tsc or swc.');
}

/**
 * The line printed when the process dies of an error thrown inside TypeScript's TC39 decorator helper
 * (`__esDecorate`): typically class-validator's decorators on a DTO or config class, which run before any Rivet
 * decorator and crash with "Cannot read properties of undefined (reading 'constructor')". `undefined` for any other error.
 */
export function standardDecoratorsHint(err: unknown): string | undefined {
  if (!(err instanceof Error) || err instanceof RivetError || err.stack?.includes('__esDecorate') !== true) return undefined;
  return '[rivet] RIVET_DECORATORS_STANDARD: the error below was thrown by a decorator running as a TC39 standard decorator, because "experimentalDecorators" is off in the tsconfig that compiled this file. '
    + 'Rivet, class-validator and tsyringe need TypeScript\'s experimental decorators. Fix: set "experimentalDecorators": true and "emitDecoratorMetadata": true in compilerOptions of tsconfig.json, and rebuild.\n';
}

// A monitor only observes: the process still dies as it would, and node prints the error right after this line.
// Registered once per process, however many copies of Rivet are loaded.
function rivetStandardDecoratorsHint(err: Error): void {
  const hint = standardDecoratorsHint(err);
  if (hint !== undefined) process.stderr.write(hint);
}
if (!process.listeners('uncaughtExceptionMonitor').some((l) => l.name === rivetStandardDecoratorsHint.name)) {
  process.on('uncaughtExceptionMonitor', rivetStandardDecoratorsHint);
}

import { RivetError } from '../errors/rivet-error';
import { ownMember } from '../metadata/store';
import type { CustomParamMeta, ParamDecoratorOptions } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/** What `createParamDecorator` returns: `@CurrentUser()`, or `@CurrentUser('id')` when the factory takes data. */
export type CustomParamDecorator<D> = undefined extends D ? (data?: D) => ParameterDecorator : (data: D) => ParameterDecorator;

const OPTION_KEYS: readonly string[] = ['label', 'async', 'dto', 'required', 'in', 'name', 'schema', 'description', 'deprecated'];
// Only documentation needs a source: the value itself always comes from the factory.
const DOCUMENTATION_KEYS: readonly string[] = ['name', 'schema', 'description', 'deprecated'];
const AsyncFunction = (async () => undefined).constructor;

/**
 * Makes a parameter decorator whose value is `factory(ctx, data)`, run per request after the guards, where `data`
 * is what the decorator was called with. The factory may be `async` (or return a promise with `{ async: true }`);
 * its errors reach the client as any handler error does. Options validate the value with a DTO and document it in
 * OpenAPI. Annotate `ctx` as `RequestContext`.
 * @example const CurrentUser = createParamDecorator((ctx: RequestContext, field?: string) => field ? ctx.state.user?.[field] : ctx.state.user);
 */
export function createParamDecorator<D = undefined, C = unknown>(
  factory: (ctx: C, data: D) => unknown,
  options: ParamDecoratorOptions = {},
): CustomParamDecorator<D> {
  // Checked now, thrown where the decorator is used, so that the message names the parameter.
  const problems = problemsOf(factory, options);
  const label = typeof options?.label === 'string' && options.label !== '' ? options.label : (typeof factory === 'function' && factory.name) || 'custom';
  const frozen: Readonly<ParamDecoratorOptions> = Object.freeze({ ...options });
  const async = factory instanceof AsyncFunction || frozen.async === true;

  const decorator = (data?: D): ParameterDecorator => legacyDecorator<ParameterDecorator>(`@${label}`, (proto, member, index) => {
    // Constructor parameters belong to DI, not to routes (as for @Param and the others).
    if (member === undefined) return;
    const display = `@${label}(${show(data)})`;
    if (problems.length > 0) {
      const where = `${(proto as object).constructor.name}#${String(member)} parameter ${index} (${display})`;
      throw new RivetError('RIVET_PARAM_DECORATOR_INVALID', `${where}: its decorator was made by a createParamDecorator call with ${problems.length === 1 ? 'a mistake' : `${problems.length} mistakes`}.${problems.map(([what, fix]) => `\n  ${what}\n  Fix: ${fix}`).join('')}`);
    }
    const custom: CustomParamMeta = { factory: factory as CustomParamMeta['factory'], data, label, display, async, options: frozen };
    (ownMember((proto as object).constructor, member).params ??= []).push({
      index, source: 'custom', name: frozen.in === undefined ? undefined : frozen.name, options: {}, custom,
    });
  });
  return decorator as CustomParamDecorator<D>;
}

/** Every mistake in the arguments of `createParamDecorator`, each as what is wrong and how to fix it. */
function problemsOf(factory: unknown, options: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (typeof factory !== 'function') {
    out.push([`The factory is ${describe(factory)}, not a function.`, `pass a function of the request context and the decorator's data: createParamDecorator((ctx: RequestContext, data?: string) => value).`]);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    out.push([`The options are ${describe(options)}.`, 'pass an object such as { dto: UserDto }, or leave the options out.']);
    return out;
  }
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length > 0) out.push([`Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}.`, `use only ${OPTION_KEYS.join(', ')}.`]);
  for (const key of ['async', 'required', 'deprecated'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') out.push([`Option ${key} is ${describe(o[key])}.`, 'true or false.']);
  }
  for (const key of ['label', 'name', 'description'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) out.push([`Option ${key} is ${describe(o[key])}.`, 'a non-empty string.']);
  }
  if (o.dto !== undefined && typeof o.dto !== 'function') out.push([`Option dto is ${describe(o.dto)}.`, 'a class whose properties carry class-validator decorators, e.g. { dto: UserDto }.']);
  if (o.schema !== undefined && (o.schema === null || typeof o.schema !== 'object' || Array.isArray(o.schema))) {
    out.push([`Option schema is ${describe(o.schema)}.`, "a JSON Schema object, e.g. { type: 'string' }."]);
  }
  if (o.in === 'path') {
    out.push(["Option in is 'path': a path parameter is documented from the route's template, and a decorator used on several routes cannot promise that each one declares it.", "read it with @Param('name'), or document the value as 'query', 'header' or 'cookie'."]);
  } else if (o.in !== undefined && o.in !== 'query' && o.in !== 'header' && o.in !== 'cookie') {
    out.push([`Option in is ${describe(o.in)}.`, "'query', 'header' or 'cookie' (with name), or leave in out to keep the value out of the OpenAPI document."]);
  } else if (o.in !== undefined && o.name === undefined) {
    out.push([`Option in is '${String(o.in)}' but there is no name.`, `give the parameter's wire name, e.g. { in: '${String(o.in)}', name: 'X-Tenant' }.`]);
  }
  const documentation = DOCUMENTATION_KEYS.filter((k) => o[k] !== undefined);
  if (o.in === undefined && documentation.length > 0) {
    out.push([`Option${documentation.length > 1 ? 's' : ''} ${documentation.join(', ')} without in: they describe an OpenAPI parameter, and without in nothing is documented.`, `add in: 'header', 'query' or 'cookie', or remove ${documentation.length > 1 ? 'them' : 'it'}.`]);
  }
  return out;
}

/** How the decorator's data reads in a message: `'id'`, `42`, or `…` for an object. */
function show(data: unknown): string {
  if (data === undefined) return '';
  if (typeof data === 'string') return `'${data}'`;
  if (typeof data === 'number' || typeof data === 'boolean' || data === null) return String(data);
  return '…';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return typeof value === 'function' ? `the function ${value.name || '(anonymous)'}` : `${typeof value} ${String(value)}`;
}

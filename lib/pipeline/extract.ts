import { RivetError } from '../errors/rivet-error';
import { ValidationFailedError } from '../errors/validation-error';
import type { CustomParamMeta, ParamMeta } from '../metadata/types';
import { REQUEST_FILES, releaseFilesWithResponse, type RequestFiles } from '../http/uploads';
import { compileCoercer } from './coerce';
import type { RequestContext } from './context';
import { isThenable } from './guards';
import { compileDtoPipe, isDto, type DtoPipe } from './validate';

/** Reads one handler argument from the request; returns a promise only for a DTO with async constraints or an async custom decorator. */
export type Extractor = (ctx: RequestContext) => unknown;

/** An extractor and what it needs from the route. */
export interface CompiledParam {
  readonly extract: Extractor;
  /** Whether the body must be read before this extractor runs. */
  readonly readsBody: boolean;
  /** Whether the route accepts a `text/plain` body (a `@Body()` typed `string`). */
  readonly textBody: boolean;
  /** The DTO class validated by this parameter, if any (for the OpenAPI document). */
  readonly dto: Function | undefined;
  /** Whether `extract` may return a promise (a DTO with async constraints, an async custom decorator). */
  readonly async: boolean;
  /** The element type and whether the parameter is a list, after options and design types are folded. */
  readonly type: Function | undefined;
  readonly array: boolean;
}

const SCALARS: readonly Function[] = [String, Number, Boolean, Date];

/**
 * Chooses the extractor of one parameter at start-up from its decorator, its `design:paramtypes` entry and
 * its inline options. `route` (`UsersController#get`) names it in developer errors.
 */
export function compileParam(param: ParamMeta, designType: unknown, route: string): CompiledParam {
  const where = `${route} parameter ${param.index} (${param.custom?.display ?? `@${decoratorName(param)}(${param.name === undefined ? '' : `'${param.name}'`})`})`;
  const declared = param.options.type;
  const array = Array.isArray(declared) || (declared === undefined && designType === Array);
  const type = (Array.isArray(declared) ? declared[0] : declared ?? (designType === Array ? String : designType)) as Function | undefined;
  const key = param.name;
  const base = { readsBody: false, textBody: false, dto: undefined, async: false, type, array };

  switch (param.source) {
    case 'req': return { ...base, extract: (ctx) => ctx.request };
    case 'res': return { ...base, extract: (ctx) => ctx.response };
    case 'ctx': return { ...base, extract: (ctx) => ctx };
    case 'body': return compileBody(param, type, where);
    case 'file': return compileFile(param, base);
    case 'custom': return compileCustom(param.custom!, base, where);
    default: break;
  }

  if (key === undefined && param.source === 'query') {
    if (param.options.validate === false) return { ...base, extract: (ctx) => ctx.query };
    rejectUntyped(type, where, 'Query');
    if (isDto(type)) {
      const pipe = compileDtoPipe(type, 'query');
      return { ...base, dto: type, async: pipe.async, extract: (ctx) => pipe(ctx.query) };
    }
    rejectUnvalidatedClass(type, where, 'Query');
    return { ...base, extract: (ctx) => ctx.query };
  }
  if (key === undefined) {
    throw new RivetError('RIVET_PARAM_NAME_MISSING', `${where} needs a name.\n  Fix: pass the wire name, e.g. @${decoratorName(param)}('id'), or { alias: 'X-Name' }.`);
  }
  if (type === undefined) {
    throw new RivetError('RIVET_PARAM_TYPE_UNKNOWN', `${where} has no runtime type.\n  Fix: enable "emitDecoratorMetadata" in tsconfig.json (with tsc or swc; esbuild drops it), or pass { type: Number }.`);
  }
  if (type !== Object && !SCALARS.includes(type)) {
    throw new RivetError('RIVET_PARAM_TYPE_UNSUPPORTED', `${where} is typed ${type.name}, which cannot be read from text.\n  Fix: type it string, number, boolean, Date or an array of these (e.g. { type: [Number] }); use @Query() dto: SomeDto for a validated object.`);
  }
  let coerce: ReturnType<typeof compileCoercer>;
  try {
    coerce = compileCoercer(type, array, param.options, [param.source, key]);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new RivetError('RIVET_PARAM_PATTERN_INVALID', `${where} has an invalid pattern: ${err.message}.\n  Fix: give a valid regular expression (it is compiled with the "u" flag), e.g. { pattern: '^[a-z0-9-]+$' }.`);
  }
  switch (param.source) {
    case 'path': return { ...base, extract: (ctx) => coerce(ctx.params[key]) };
    case 'query': return { ...base, extract: (ctx) => coerce(ctx.query[key]) };
    case 'header': {
      const lower = key.toLowerCase();
      return { ...base, extract: (ctx) => coerce(ctx.request.headers[lower]) };
    }
    case 'cookie': return { ...base, extract: (ctx) => coerce(ctx.cookies[key]) };
  }
}

function compileBody(param: ParamMeta, type: Function | undefined, where: string): CompiledParam {
  const key = param.name;
  const base = { readsBody: true, textBody: false, dto: undefined, async: false, type, array: false };
  if (type === undefined) {
    throw new RivetError('RIVET_PARAM_TYPE_UNKNOWN', `${where} has no runtime type, so Rivet cannot tell whether to validate it.\n  Fix: enable "emitDecoratorMetadata" in tsconfig.json (with tsc or swc; esbuild drops it), or pass { type: YourDto }.`);
  }
  if (key !== undefined) return compileBodyProperty(param, key, type, where, base);
  if (type === String) {
    // A text/plain body arrives as text; a JSON body must be a JSON string.
    return {
      ...base,
      textBody: true,
      extract: (ctx) => {
        if (ctx.body === undefined || typeof ctx.body === 'string') return ctx.body;
        throw new ValidationFailedError([{ loc: ['body'], msg: 'must be a string (send text/plain, or a JSON string)', type: 'type' }]);
      },
    };
  }
  if (param.options.validate === false) return { ...base, extract: (ctx) => ctx.body };
  rejectUntyped(type, where, 'Body');
  const requiredBody = param.options.required !== false;
  if (isDto(type)) {
    const pipe = compileDtoPipe(type, 'body');
    // Form fields are text: they are read like query values (numbers, booleans, dates) before validation.
    const formPipe = compileDtoPipe(type, 'body', true);
    return {
      ...base,
      dto: type,
      async: pipe.async,
      extract: (ctx) => {
        if (ctx.body === undefined) {
          if (requiredBody) throw new ValidationFailedError([{ loc: ['body'], msg: 'A request body is required', type: 'required' }]);
          return undefined;
        }
        return isForm(ctx) ? formPipe(ctx.body) : pipe(ctx.body);
      },
    };
  }
  rejectUnvalidatedClass(type, where, 'Body');
  return { ...base, extract: (ctx) => ctx.body };
}

const isForm = (ctx: RequestContext): boolean => {
  const header = ctx.request.headers['content-type'];
  // The usual JSON body answers without lower-casing the header.
  if (header === undefined || header === 'application/json') return false;
  const type = header.toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
};

/**
 * `@UploadedFile('name')` (one file, `array` false) or `@UploadedFiles('name')` / `@UploadedFiles()` (a list):
 * read from what the route's multipart reader (lib/realtime/upload.ts) left on the request. The first read binds the
 * removal of temporary files to the response's end.
 */
function compileFile(param: ParamMeta, base: Omit<CompiledParam, 'extract'>): CompiledParam {
  const key = param.name;
  const list = param.options.type !== undefined && Array.isArray(param.options.type);
  const required = param.options.required !== false && !list;
  return {
    ...base,
    readsBody: true,
    extract: (ctx) => {
      const stash = (ctx.request as { [REQUEST_FILES]?: RequestFiles })[REQUEST_FILES];
      releaseFilesWithResponse(ctx.request, ctx.response);
      const files = stash === undefined ? [] : key === undefined ? Object.values(stash.files).flat() : stash.files[key] ?? [];
      if (list) return files;
      if (files.length === 0 && required) throw new ValidationFailedError([{ loc: ['body', key ?? 'file'], msg: 'A file is required', type: 'required' }]);
      return files[0];
    },
  };
}

/**
 * A `createParamDecorator` parameter: `factory(ctx, data)`, then, when declared, the required check and the DTO pipe.
 * Synchronous unless the factory is declared async or the DTO has async constraints, so a route of sync decorators
 * stays on the synchronous path of build.ts. A failure is located at `[in, name, …]` when the decorator documents
 * a parameter, else at `[label, …]`.
 */
function compileCustom(custom: CustomParamMeta, base: Omit<CompiledParam, 'extract'>, where: string): CompiledParam {
  const { data, options } = custom;
  const factory = custom.factory as (ctx: RequestContext, data: unknown) => unknown;
  const dto = options.dto;
  const dtoName = dto?.name || 'the class';
  if (dto !== undefined && !isDto(dto)) {
    throw new RivetError('RIVET_PARAM_DECORATOR_INVALID', `${where} validates its value with ${dtoName}, which has no class-validator decorators, so nothing would be checked.\n  Fix: decorate the properties of ${dtoName} (e.g. @IsString()), or leave dto out to take the value as the factory returns it.`);
  }
  const loc: string[] = options.in === undefined ? [custom.label] : [options.in, options.name!];
  const required = options.required ?? dto !== undefined;
  // The value is what the factory built, not text: it is validated as a JSON body is (fromText false). The pipe's
  // `source` is only the first element of each loc, typed for its own callers' two sources.
  const pipe = dto === undefined ? null : locatedPipe(compileDtoPipe(dto, loc[0] as 'body', false), loc);
  const check = pipe === null && !required ? null : (value: unknown): unknown => {
    if (value === undefined || value === null) {
      if (required) throw new ValidationFailedError([{ loc: [...loc], msg: 'is required', type: 'required' }]);
      return value;
    }
    return pipe === null ? value : pipe(value);
  };

  if (!custom.async && (pipe === null || !pipe.async)) {
    const sync = (value: unknown): unknown => {
      if (!isThenable(value)) return value;
      value.then(undefined, ignore);
      throw new RivetError('RIVET_PARAM_DECORATOR_ASYNC', `${where} got a promise from its factory, which is not declared async, so the route was compiled to pass values on without waiting.\n  Fix: make the factory an async function, or pass { async: true } to createParamDecorator.`);
    };
    return { ...base, dto, extract: check === null ? (ctx) => sync(factory(ctx, data)) : (ctx) => check(sync(factory(ctx, data))) };
  }
  return {
    ...base,
    dto,
    async: true,
    extract: (ctx) => {
      const value = factory(ctx, data);
      const out = check === null ? value : isThenable(value) ? value.then(check) : check(value);
      // build.ts drops the promises of a request whose other arguments already failed synchronously: a rejection
      // nobody awaits must not become an unhandledRejection (which ends the process). Promise.allSettled still sees it.
      if (isThenable(out)) out.then(undefined, ignore);
      return out;
    },
  };
}

const ignore = (): void => undefined;

/** A DTO pipe whose failures are located under `[in, name]` rather than under one first element. */
function locatedPipe(pipe: DtoPipe, loc: readonly string[]): DtoPipe {
  if (loc.length === 1) return pipe;
  const relocate = (err: unknown): never => {
    if (!(err instanceof ValidationFailedError)) throw err;
    throw new ValidationFailedError(err.errors.map((issue) => ({ ...issue, loc: [...loc, ...issue.loc.slice(1)] })), undefined, err.omitted);
  };
  return Object.assign((plain: unknown) => {
    let out: unknown;
    try {
      out = pipe(plain);
    } catch (err) {
      relocate(err);
    }
    return isThenable(out) ? out.then(undefined, relocate) : out;
  }, { async: pipe.async });
}

/**
 * One property of the body (`@Body('name')`). JSON values must already have the declared scalar type; form
 * fields are text and are coerced like query values. Inline constraints apply as for query parameters.
 */
function compileBodyProperty(param: ParamMeta, key: string, type: Function, where: string, base: Omit<CompiledParam, 'extract'>): CompiledParam {
  const expected = type === Number ? 'number' : type === String ? 'string' : type === Boolean ? 'boolean' : undefined;
  let check: ReturnType<typeof compileCoercer> | null = null;
  if (expected !== undefined || type === Date) {
    try {
      check = compileCoercer(type, false, param.options, ['body', key]);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      throw new RivetError('RIVET_PARAM_PATTERN_INVALID', `${where} has an invalid pattern: ${err.message}.\n  Fix: give a valid regular expression (it is compiled with the "u" flag).`);
    }
  }
  const required = param.options.required === true;
  return {
    ...base,
    extract: (ctx) => {
      const body = ctx.body;
      const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
      if (value === undefined) {
        if (param.options.default !== undefined) return param.options.default;
        if (required) throw new ValidationFailedError([{ loc: ['body', key], msg: 'is required', type: 'required' }]);
        return undefined;
      }
      if (check === null) return value;
      if (isForm(ctx) || type === Date) return check(value);
      if (typeof value !== expected) throw new ValidationFailedError([{ loc: ['body', key], msg: `must be a ${expected!}`, type: 'type' }]);
      // The value already has its type; the text round trip only runs the inline constraints.
      check(String(value));
      return value;
    },
  };
}

// A class with no class-validator decorators would let any input through while its type promises a shape.
function rejectUnvalidatedClass(type: Function | undefined, where: string, decorator: 'Body' | 'Query'): void {
  if (type === undefined || type === Object || type === Array || SCALARS.includes(type)) return;
  throw new RivetError('RIVET_PARAM_DTO_UNVALIDATED', `${where} is typed ${type.name}, a class with no class-validator decorators, so its input cannot be checked.\n  Fix: decorate the properties of ${type.name} (e.g. @IsString()), or write @${decorator}({ validate: false }) to take the raw value knowingly.`);
}

/**
 * The whole body or query typed with an interface, a type alias, `any`, `unknown` or `object`: TypeScript emits
 * `Object` for all of them, so the type promises a shape that nothing would check (issue 19).
 */
function rejectUntyped(type: Function | undefined, where: string, decorator: 'Body' | 'Query'): void {
  if (type !== Object) return;
  throw new RivetError('RIVET_PARAM_TYPE_UNCHECKED', `${where} is typed with an interface, a type alias, Object, any or unknown. TypeScript leaves no class of those at run time (its design type is Object), so Rivet cannot validate the ${decorator === 'Body' ? 'body' : 'query'}: any input would reach the handler.\n  Fix: type it with a DTO class whose properties carry class-validator decorators (e.g. class CreateUserDto { @IsString() name!: string }), or write @${decorator}({ validate: false }) to take the raw ${decorator === 'Body' ? 'body' : 'query'} knowingly.`);
}


function decoratorName(param: ParamMeta): string {
  return { path: 'Param', query: 'Query', header: 'Header', cookie: 'Cookie', body: 'Body', req: 'Req', res: 'Res', ctx: 'Ctx', file: 'UploadedFile', custom: 'custom' }[param.source];
}

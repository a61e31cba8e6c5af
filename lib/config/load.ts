import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { RivetError } from '../errors/rivet-error';
import { ValidationFailedError, type ValidationIssue } from '../errors/validation-error';
import { scalarFor } from '../pipeline/coerce';
import { compileDtoPipe } from '../pipeline/validate';

/** A config class: one property per environment variable, named like it, each with class-validator decorators. */
export type ConfigClass<T extends object = object> = new () => T;

/** Where `loadConfig` reads variables from. */
export interface LoadConfigOptions {
  /** `.env` files read in order, relative to `cwd`; later files win, the environment wins over all. Default `['.env']` (skipped when absent); `false` reads none. */
  envFile?: string | string[] | false;
  /** The directory `envFile` resolves against. Default: `process.cwd()`. */
  cwd?: string;
  /** The environment. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What `createApp({ config })` takes: a config class, or one with where to read it from. */
export type ConfigSource = ConfigClass | (LoadConfigOptions & { class: ConfigClass });

/**
 * Reads `.env` files and the environment into a new instance of `configClass`, converted like query values
 * (`'8080'` → 8080 for a `number` property, `'true'` → true, comma lists for `string[]`) and validated with
 * class-validator. Field initializers are defaults. Throws one RivetError naming every missing or invalid variable.
 * @example class AppConfig { @IsInt() PORT = 3000; @Length(32) JWT_SECRET!: string } const config = loadConfig(AppConfig);
 */
export function loadConfig<T extends object>(configClass: ConfigClass<T>, options: LoadConfigOptions = {}): T {
  const cwd = options.cwd ?? process.cwd();
  const files = options.envFile === false ? [] : typeof options.envFile === 'string' ? [options.envFile] : options.envFile ?? ['.env'];
  const values: Record<string, unknown> = {};
  for (const name of files) Object.assign(values, readEnvFile(resolve(cwd, name), options.envFile === undefined));
  for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) values[k] = v;
  convert(configClass, values);
  const pipe = compileDtoPipe(configClass, 'query', false, { fast: false });
  try {
    return pipe(values) as T;
  } catch (err) {
    if (!(err instanceof ValidationFailedError)) throw err;
    throw configError(configClass, err.errors, values, files.map((f) => resolve(cwd, f)));
  }
}

function readEnvFile(file: string, optional: boolean): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (optional && (err as { code?: string }).code === 'ENOENT') return {};
    throw new RivetError('RIVET_CONFIG_ENV_FILE', `cannot read the env file ${file}: ${(err as Error).message}\n  Fix: create it, or pass envFile: false (or the right path) to loadConfig.`, { cause: err });
  }
  return parseEnv(text);
}

/**
 * Environment variables are text. Each is read as its property's type with the strict readers of query values
 * ('8080' yes, '0x10' and '' no); the type is the declared one, else the type of the field's default
 * (`PORT = 3000` declares no type for decorator metadata). A `string[]` property reads `a,b, c` as a list.
 * What does not convert stays text, and validation names it.
 */
function convert(configClass: ConfigClass, values: Record<string, unknown>): void {
  const defaults = new configClass() as Record<string, unknown>;
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'string') continue;
    let type = Reflect.getMetadata('design:type', configClass.prototype as object, k) as Function | undefined;
    if (type === undefined || type === Object) type = defaults[k] === undefined || defaults[k] === null ? undefined : (defaults[k] as object).constructor;
    if (type === Array) values[k] = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    else if (type === Number || type === Boolean || type === Date) {
      const parsed = scalarFor(type)!.parse(v);
      if (parsed !== null) values[k] = parsed;
    }
  }
}

function configError(configClass: Function, issues: readonly ValidationIssue[], values: Record<string, unknown>, files: string[]): RivetError {
  const byName = new Map<string, string[]>();
  for (const issue of issues) {
    const name = String(issue.loc[1] ?? issue.loc[0]);
    byName.set(name, [...(byName.get(name) ?? []), issue.msg]);
  }
  // Values are never printed: config holds secrets, and this message ends up in logs.
  const lines = [...byName].map(([name, msgs]) => `  - ${name}: ${values[name] === undefined ? 'missing' : 'invalid'} (${msgs.join('; ')})`);
  const n = byName.size;
  return new RivetError('RIVET_CONFIG_INVALID', `${configClass.name}: ${n} environment variable${n === 1 ? ' is' : 's are'} missing or invalid:\n${lines.join('\n')}\n  Fix: set ${n === 1 ? 'it' : 'them'} in the environment${files.length > 0 ? ` or in ${files.join(', ')}` : ''}.`);
}

/**
 * `rivet types`: reads the project's sources with the TypeScript compiler API (the project's own `typescript`) and
 * writes `rivet.meta.ts`, a module mapping each `@Controller` class's handlers to the JSON Schema of what they return.
 * The app loads it at start-up (lib/openapi/return-types.ts), so the document and the serializers know the response
 * types whatever compiler builds the app (tsc, swc, esbuild), and nothing is analysed per request or at start-up.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type * as TS from 'typescript';
import type { InferredResponse } from '../openapi/return-types';
import type { JsonSchema } from '../openapi/schema-rules';
import { TypeSchemaConverter, type ClassSource } from './type-schema';

/** Options of `rivet types` (and of the step `rivet build`, `rivet dev` and `rivet openapi` run first). */
export interface TypesCommandOptions {
  /** The project directory. Default: `process.cwd()`. */
  cwd?: string;
  /** The tsconfig whose files are read. Default `tsconfig.json`. */
  project?: string;
  /** The module to write. Default: `rivet.meta.ts` in the tsconfig's `rootDir`, else in `src/`, else beside the tsconfig. */
  out?: string;
  /** Compare only: write nothing, and report in `changed` whether the module is out of date (`rivet types --check`). */
  check?: boolean;
}

/** What one run found and wrote. */
export interface TypesResult {
  /** The module written (absolute path). */
  readonly file: string;
  /** Whether its text changed (an unchanged file is not rewritten, so a watching compiler does not rebuild). */
  readonly changed: boolean;
  /** The compiled copy written into `outDir`, when the project has one and it already exists. */
  readonly compiled: string | undefined;
  readonly controllers: number;
  readonly handlers: number;
  /** Handlers whose response could not be told (a stream, `any`), and controllers that are not exported. */
  readonly skipped: readonly string[];
  readonly ms: number;
}

interface ControllerEntry {
  readonly source: ClassSource;
  readonly handlers: Record<string, InferredResponse>;
}

/** Runs the analysis and writes the module (only when its text changed). */
export function runTypesCommand(options: TypesCommandOptions = {}): TypesResult {
  const started = performance.now();
  const cwd = resolve(options.cwd ?? process.cwd());
  const ts = loadCompilerApi(cwd);
  const configFile = resolve(cwd, options.project ?? 'tsconfig.json');
  if (!existsSync(configFile)) throw new Error(`rivet types: ${configFile} does not exist.\n  Fix: run it in the project directory, or pass --project <tsconfig>.`);
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (parsed === undefined) throw new Error(`rivet types: could not read ${configFile}.`);
  const out = resolve(cwd, options.out ?? defaultOut(parsed.options, configFile));
  // The previous module is left out of the program: it would only describe itself.
  const program = ts.createProgram({ rootNames: parsed.fileNames.filter((f) => resolve(f) !== out), options: { ...parsed.options, noEmit: true } });
  return writeTypes(ts, program, parsed.options, out, cwd, options.check === true, started);
}

/** The default module path of a project: `rivet.meta.ts` in `rootDir`, else in `src/`, else beside the tsconfig. */
export function defaultTypesFile(ts: typeof TS, configFile: string): string {
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  const options = read.error === undefined ? ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile)).options : {};
  return defaultOut(options, configFile);
}

/**
 * Analyses an existing program (`rivet dev` passes its watch program's, so nothing is parsed twice) and writes the
 * module at `out` when its text changed, unless `check`.
 */
export function writeTypes(ts: typeof TS, program: TS.Program, options: TS.CompilerOptions, out: string, cwd: string, check = false, started = performance.now()): TypesResult {
  const checker = program.getTypeChecker();
  // Test files are never imported by the module: loading one at start-up would run its tests (discovery skips them too).
  const isProjectFile = (sf: TS.SourceFile) => !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf)
    && !sf.fileName.includes('/node_modules/') && !/\.(spec|test)\.[cm]?tsx?$/.test(sf.fileName);
  const exportOf = (declaration: TS.ClassDeclaration): ClassSource | undefined => {
    const sf = declaration.getSourceFile();
    if (!isProjectFile(sf) || declaration.name === undefined) return undefined;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    const symbol = checker.getSymbolAtLocation(declaration.name);
    if (moduleSymbol === undefined || symbol === undefined) return undefined;
    const exported = checker.getExportsOfModule(moduleSymbol).find((e) => e === symbol || (e.flags & ts.SymbolFlags.Alias && checker.getAliasedSymbol(e) === symbol));
    return exported === undefined ? undefined : { file: sf.fileName, exportName: exported.name };
  };
  const converter = new TypeSchemaConverter(ts, checker, exportOf);
  const controllers: ControllerEntry[] = [];
  const skipped: string[] = [];
  let handlers = 0;

  for (const sf of program.getSourceFiles()) {
    if (!isProjectFile(sf)) continue;
    const visit = (node: TS.Node): void => {
      if (ts.isClassDeclaration(node) && isController(ts, node)) {
        const where = node.name?.text ?? '(anonymous class)';
        const source = exportOf(node);
        if (source === undefined) skipped.push(`${where} (${relative(cwd, sf.fileName)}): not exported, so rivet.meta.ts cannot import it; export the class`);
        else {
          const entry: ControllerEntry = { source, handlers: {} };
          const instance = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(node.name!)!);
          for (const member of checker.getPropertiesOfType(instance)) {
            if (!(member.flags & ts.SymbolFlags.Method) || !isPublic(ts, member)) continue;
            const signature = checker.getTypeOfSymbol(member).getCallSignatures()[0];
            if (signature === undefined) continue;
            const response = converter.response(signature.getReturnType());
            // A stream (SSE, a file) is documented by the feature that sends it.
            if (response === 'stream') continue;
            if (response === undefined) skipped.push(`${where}#${member.name}: its return type (${checker.typeToString(signature.getReturnType())}) is not a JSON body; declare it with @ApiResponse if it is one`);
            else {
              entry.handlers[member.name] = response;
              handlers++;
            }
          }
          controllers.push(entry);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  // Under node16/nodenext resolution each file has a format (package.json "type"); ES module imports need extensions.
  const formats = controllers.map((c) => program.getSourceFile(c.source.file)?.impliedNodeFormat);
  const esm = formats.includes(ts.ModuleKind.ESNext);
  const format = esm ? ts.ModuleKind.ESNext : formats.includes(ts.ModuleKind.CommonJS) ? ts.ModuleKind.CommonJS : options.module;
  const text = moduleText(out, controllers, converter.components, converter.classes, esm);
  const changed = !existsSync(out) || readFileSync(out, 'utf8') !== text;
  if (changed && !check) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
  const compiled = check ? undefined : writeCompiled(ts, options, out, text, format);
  return { file: out, changed, compiled, controllers: controllers.length, handlers, skipped, ms: Math.round(performance.now() - started) };
}

/** The project's TypeScript, which must have the JavaScript API (5.x or 6.x; TypeScript 7, the native compiler, has none). */
export function loadCompilerApi(cwd: string): typeof TS {
  let ts: typeof TS;
  try {
    ts = require(require.resolve('typescript', { paths: [cwd] })) as typeof TS;
  } catch {
    throw new Error(`rivet types: typescript is not installed in ${cwd}.\n  Fix: npm install --save-dev typescript@6 (the response types are read with its compiler API, whatever compiler builds the app).`);
  }
  if (typeof ts.createProgram !== 'function') {
    throw new Error(`rivet types: the typescript installed in ${cwd} (${String((ts as { version?: string }).version)}) has no compiler API (TypeScript 7 is the native compiler).\n  Fix: keep typescript@6 as "typescript" for the API and install 7 under an alias, e.g. "typescript7": "npm:typescript@7".`);
  }
  return ts;
}

function isController(ts: typeof TS, node: TS.ClassDeclaration): boolean {
  return (ts.getDecorators(node) ?? []).some((d) => {
    const call = d.expression;
    const callee = ts.isCallExpression(call) ? call.expression : call;
    return (ts.isIdentifier(callee) && callee.text === 'Controller') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'Controller');
  });
}

function isPublic(ts: typeof TS, symbol: TS.Symbol): boolean {
  if (symbol.name.startsWith('#') || symbol.name === 'constructor') return false;
  return !(symbol.declarations ?? []).some((d) => (ts.canHaveModifiers(d) ? ts.getModifiers(d) ?? [] : [])
    .some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword || m.kind === ts.SyntaxKind.StaticKeyword));
}

function defaultOut(options: TS.CompilerOptions, configFile: string): string {
  if (options.rootDir !== undefined) return join(options.rootDir, 'rivet.meta.ts');
  const src = join(dirname(configFile), 'src');
  return join(existsSync(src) ? src : dirname(configFile), 'rivet.meta.ts');
}

/** The generated module: imports of the controllers and response classes, then one `defineResponseTypes` call. */
function moduleText(out: string, controllers: readonly ControllerEntry[], components: Record<string, JsonSchema>, classes: Record<string, ClassSource>, esm: boolean): string {
  const locals = new Map<string, string>();
  const imports = new Map<string, string[]>();
  const taken = new Set(['defineResponseTypes']);
  const local = (source: ClassSource): string => {
    const key = `${source.file}\0${source.exportName}`;
    let name = locals.get(key);
    if (name === undefined) {
      name = source.exportName === 'default' ? 'DefaultExport' : source.exportName;
      for (let n = 2; taken.has(name); n++) name = `${source.exportName}_${n}`;
      taken.add(name);
      locals.set(key, name);
      let specifier = relative(dirname(out), source.file).replace(/\\/g, '/').replace(/\.(d\.)?([mc]?)tsx?$/, esm ? '.$2js' : '');
      if (!specifier.startsWith('.')) specifier = `./${specifier}`;
      const list = imports.get(specifier) ?? [];
      list.push(source.exportName === name ? name : source.exportName === 'default' ? `default as ${name}` : `${source.exportName} as ${name}`);
      imports.set(specifier, list);
    }
    return name;
  };
  const json = (value: unknown, indent: string): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  const routes = controllers.map((c) => `    [() => ${local(c.source)}, ${json(c.handlers, '    ')}],`);
  const classLines = Object.entries(classes).map(([name, source]) => `    ${JSON.stringify(name)}: () => ${local(source)},`);
  const importLines = [...imports].sort(([a], [b]) => a.localeCompare(b)).map(([spec, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(spec)};`);
  return [
    '// Generated by `rivet types` from the handlers\' TypeScript return types. Do not edit: `rivet build` and `rivet dev`',
    '// rewrite it, and `npx rivet types` does on demand. Commit it, so that any compiler (tsc, swc, esbuild) builds it with the app.',
    'import { defineResponseTypes } from \'rivetjs\';',
    ...importLines,
    '',
    'export default defineResponseTypes({',
    '  version: 1,',
    `  components: ${json(components, '  ')},`,
    '  classes: {',
    ...classLines,
    '  },',
    '  routes: [',
    ...routes,
    '  ],',
    '});',
    '',
  ].join('\n');
}

/**
 * Writes the module's JavaScript into `outDir` too, when the project builds there and has built already, so that
 * `rivet openapi --app dist/app.js` sees the types of the sources as they are now, without a rebuild.
 */
function writeCompiled(ts: typeof TS, options: TS.CompilerOptions, out: string, text: string, module: TS.ModuleKind | undefined): string | undefined {
  if (options.outDir === undefined || !existsSync(options.outDir)) return undefined;
  const rootDir = options.rootDir ?? dirname(out);
  const rel = relative(rootDir, out);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const target = join(options.outDir, rel.replace(/\.([mc]?)ts$/, '.$1js'));
  // transpileModule does not read package.json "type": the format is the one the project's own files have.
  const js = ts.transpileModule(text, { compilerOptions: { ...options, module, sourceMap: false, declaration: false, noEmit: false }, fileName: out }).outputText;
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target) || readFileSync(target, 'utf8') !== js) writeFileSync(target, js);
  return target;
}

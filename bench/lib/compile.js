'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'bench', '.build');

let swcOptions;
/** The repository's .swcrc (legacy decorators + decorator metadata), read once. */
function swcrc() {
  swcOptions ??= JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8'));
  return swcOptions;
}

/**
 * Compiles one TypeScript file with @swc/core and the repository's .swcrc: legacy decorators + decorator metadata
 * (tsyringe, Nest and Rivet's parameter types need `design:paramtypes`; esbuild and tsx drop it). Writes `out`
 * and its source map.
 */
function compileFile(src, out, { sourceMaps = true } = {}) {
  const swc = require('@swc/core');
  const result = swc.transformFileSync(src, {
    ...swcrc(), sourceMaps, swcrc: false, configFile: false, filename: src, sourceFileName: path.relative(path.dirname(out), src),
  });
  let code = result.code;
  if (result.map) {
    fs.writeFileSync(`${out}.map`, result.map);
    code += `\n//# sourceMappingURL=${path.basename(out)}.map\n`;
  }
  fs.writeFileSync(out, code);
  return out;
}

/**
 * Compiles bench/servers/*.ts into bench/.build/servers/*.js (.build/servers sits two levels under bench/, so a
 * compiled server reaches bench/routes.js as '../../routes'). Plain .js servers run in place. Files whose names
 * start with `_` are shared helpers (DTOs, the Nest module, Fastify's schemas), compiled but not servers.
 * Returns { name: absolute path of the JS to run }. bench/variants/ is compiled the same way (`clean: false`, into
 * the same folder) for servers that run only when named.
 */
function compileServers(serversDir, { clean = true } = {}) {
  const outDir = path.join(BUILD, 'servers');
  if (clean) fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const servers = {};
  if (!fs.existsSync(serversDir)) return servers;
  for (const file of fs.readdirSync(serversDir).sort()) {
    const src = path.join(serversDir, file);
    if (file.endsWith('.d.ts')) continue;
    const helper = file.startsWith('_');
    if (file.endsWith('.ts')) {
      const name = file.slice(0, -3);
      const out = compileFile(src, path.join(outDir, `${name}.js`));
      if (!helper) servers[name] = out;
    } else if (file.endsWith('.js') && !helper) {
      servers[file.slice(0, -3)] = src;
    }
  }
  return servers;
}

module.exports = { compileServers, compileFile, BUILD, ROOT };

'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'bench', '.build');

/**
 * Compiles bench/servers/*.ts into bench/.build/servers/*.js with @swc/core and the repository's .swcrc
 * (legacy decorators + decorator metadata: tsyringe and Rivet's parameter types need `design:paramtypes`;
 * esbuild and tsx drop it). Plain .js servers run in place. Returns { name: absolute path of the JS to run }.
 */
function compileServers(serversDir) {
  const swc = require('@swc/core');
  const options = JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8'));
  const outDir = path.join(BUILD, 'servers');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const servers = {};
  for (const file of fs.readdirSync(serversDir).sort()) {
    const src = path.join(serversDir, file);
    if (file.endsWith('.d.ts')) continue;
    if (file.endsWith('.ts')) {
      const name = file.slice(0, -3);
      const out = path.join(outDir, `${name}.js`);
      const result = swc.transformFileSync(src, { ...options, swcrc: false, configFile: false, filename: src, sourceFileName: path.relative(outDir, src) });
      let code = result.code;
      if (result.map) {
        fs.writeFileSync(`${out}.map`, result.map);
        code += `\n//# sourceMappingURL=${path.basename(out)}.map\n`;
      }
      fs.writeFileSync(out, code);
      servers[name] = out;
    } else if (file.endsWith('.js')) {
      servers[file.slice(0, -3)] = src;
    }
  }
  return servers;
}

module.exports = { compileServers, BUILD, ROOT };

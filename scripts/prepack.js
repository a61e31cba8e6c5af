'use strict';
// npm runs this before it packs Rivet (after `npm run build`). For `npm publish` it writes dist/published.json, which
// tells `rivet new` that this copy came from the registry, so new projects depend on `^<version>`. For any other pack
// (`npm pack`, a tarball for a local project) it removes the marker: such a copy is not on the registry, and
// `rivet new` then points projects at the tarball it came from.
const { rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const marker = join(__dirname, '..', 'dist', 'published.json');
rmSync(marker, { force: true });
if (process.env.npm_command === 'publish') {
  writeFileSync(marker, `${JSON.stringify({ publishedAt: new Date().toISOString() })}\n`);
}

// Builds the staff console into dist/: index.html, app.js (one esbuild bundle: preact, htm and the
// QR encoder included, nothing loaded from a CDN) and app.css. `spotcheck serve` embeds these three
// files (functions/cli/src/console.rs) and the site's bucket serves them under /console/ on AWS;
// both answer config.json beside them. The build is deterministic, so the committed dist/ is
// checked against a fresh build by scripts/test.d/47-console.sh.
// Usage: node build.mjs [output dir]   (default dist/)
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/dist`);
mkdirSync(out, { recursive: true });

const js = await build({
  entryPoints: [`${here}/src/main.js`],
  bundle: true, write: false, format: 'iife', target: ['es2022'], charset: 'utf8',
  minify: true, legalComments: 'eof', logLevel: 'warning',
});
writeFileSync(`${out}/app.js`, js.outputFiles[0].text);
writeFileSync(`${out}/app.css`, readFileSync(`${here}/src/style.css`, 'utf8'));
writeFileSync(`${out}/index.html`, readFileSync(`${here}/src/index.html`, 'utf8'));
console.log(`wrote ${out}/index.html, app.js (${(js.outputFiles[0].text.length / 1024).toFixed(0)} KiB), app.css`);

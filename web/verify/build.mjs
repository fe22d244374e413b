// Builds dist/verify.html: one self-contained page (script and styles inline, the verification
// workers inlined as strings), so it works offline and from file:// with no network at run time.
// Usage: node build.mjs [output path]   (default dist/verify.html)
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/dist/verify.html`);

const common = { bundle: true, write: false, format: 'iife', target: ['es2022'], charset: 'utf8', legalComments: 'inline', logLevel: 'warning' };
const worker = await build({ ...common, entryPoints: [`${here}/src/ui/worker.js`] });
const hashWorker = await build({ ...common, entryPoints: [`${here}/src/ui/hash-worker.js`] });
const main = await build({
  ...common,
  entryPoints: [`${here}/src/ui/main.js`],
  define: {
    __WORKER_SOURCE__: JSON.stringify(worker.outputFiles[0].text),
    __HASH_WORKER_SOURCE__: JSON.stringify(hashWorker.outputFiles[0].text),
  },
});
const script = main.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const html = readFileSync(`${here}/src/ui/index.html`, 'utf8')
  .replace('/*STYLE*/', () => readFileSync(`${here}/src/ui/style.css`, 'utf8').trim())
  .replace('/*SCRIPT*/', () => script.trim());
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);

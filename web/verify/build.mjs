// Builds dist/verify.html: one self-contained page (script and styles inline, the verification
// workers inlined as strings), so it works offline and from file:// with no network at run time.
// Usage: node build.mjs [output path]   (default dist/verify.html)
import { build, transform } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/dist/verify.html`);

// The ASN.1/CMS readers of the time-stamp check (PKIjs and what it uses: half the page's code, read
// only when tokens are checked) go in minified, so the page loads about as fast as without them.
const MINIFIED = /[\\/]node_modules[\\/](pkijs|asn1js|bytestreamjs|@peculiar[\\/]utils)[\\/].*\.js$/;
const minifyReaders = {
  name: 'minify-readers',
  setup(b) {
    b.onLoad({ filter: MINIFIED }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const out = await transform(source, { loader: 'js', format: 'esm', minify: true, target: 'es2022', legalComments: 'inline', charset: 'utf8' });
      return { contents: out.code, loader: 'js' };
    });
  },
};
const common = { bundle: true, write: false, format: 'iife', target: ['es2022'], charset: 'utf8', legalComments: 'inline', logLevel: 'warning',
  plugins: [minifyReaders] };
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

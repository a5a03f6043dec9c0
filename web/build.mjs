// Builds the web app into dist/: app.js and app.css, each with .gz and .br siblings.
// The output is committed and CI rebuilds it and compares, so it must be byte-for-byte
// deterministic: no timestamps, no source maps with absolute paths, fixed compression levels.
//
//   node build.mjs           build once
//   node build.mjs --watch   rebuild on every change (for `weft serve --web-dir web/dist`)

import * as esbuild from 'esbuild';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'info',
  plugins: [{ name: 'precompress', setup: (b) => b.onEnd(precompressAll) }],
};

async function precompressAll(result) {
  if (result.errors.length > 0) return;
  for (const name of ['app.js', 'app.css']) {
    const file = path.join(dist, name);
    const bytes = await readFile(file);
    // gzip: Node writes a zero mtime and a fixed OS byte, so the output is stable.
    await writeFile(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    await writeFile(
      `${file}.br`,
      brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    );
  }
  if (!watch) await reportSizes();
}

async function reportSizes() {
  let total = 0;
  for (const name of ['app.js.br', 'app.css.br']) {
    const size = (await readFile(path.join(dist, name))).length;
    total += size;
    console.log(`  ${name.padEnd(11)} ${(size / 1024).toFixed(1)} KiB`);
  }
  console.log(`  brotli total ${(total / 1024).toFixed(1)} KiB (budget 150 KiB)`);
}

await mkdir(dist, { recursive: true });
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching src/ — dist/ is rebuilt on every change');
} else {
  await esbuild.build(options);
}

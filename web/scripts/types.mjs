// Regenerates src/api/schema.d.ts from Weft's OpenAPI document.
//
//   npm run types -- path/to/openapi.json     from a saved document
//   WEFT_OPENAPI=path npm run types            the same, by environment
//   npm run types                              asks the server: `cargo run -p weft -- openapi`
//
// Afterwards `npm run check` shows every place where the app and the API disagree.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let source = process.argv[2] ?? process.env.WEFT_OPENAPI;
if (!source) {
  console.log('No document given: asking the server (cargo run -p weft -- openapi) …');
  const json = execFileSync('cargo', ['run', '--quiet', '-p', 'weft', '--', 'openapi'], {
    cwd: path.dirname(web),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  source = path.join(mkdtempSync(path.join(tmpdir(), 'weft-openapi-')), 'openapi.json');
  writeFileSync(source, json);
}
execFileSync(
  path.join(web, 'node_modules', '.bin', 'openapi-typescript'),
  [path.resolve(source), '-o', path.join(web, 'src', 'api', 'schema.d.ts')],
  { stdio: 'inherit' },
);

// Builds the dashboard into web/dist/: the ES modules, CSS and HTML of web/src/ as they are, and
// uPlot (from node_modules, installed by `npm ci`) under vendor/. The daemon serves dist/ as
// server.web_root; nothing in it loads anything from the internet, which this script checks.
//
//   node web/build.mjs [--out DIR]

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'src');
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(here, 'dist'));
const uplot = join(here, 'node_modules', 'uplot', 'dist');
const vendor = { 'uPlot.esm.js': 'uPlot.esm.js', 'uPlot.min.css': 'uPlot.min.css' };

function fail(message) {
  console.error(`web/build.mjs: ${message}`);
  process.exit(1);
}

if (!existsSync(uplot)) fail(`${uplot} is missing: run \`npm ci\` in ${here} first`);

// Build beside the output and swap it in, so the daemon never serves a half-written tree.
const staging = `${out}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
cpSync(source, staging, { recursive: true });
mkdirSync(join(staging, 'vendor'));
for (const [from, to] of Object.entries(vendor)) cpSync(join(uplot, from), join(staging, 'vendor', to));

// Only same-origin resources: no CDN, no web fonts, no absolute URLs in src/href/url()/import.
const remote = /(?:\b(?:src|href)\s*=\s*["']|url\(\s*["']?|@import\s+["']|\bfrom\s+["']|\bimport\(\s*["'])(?:https?:)?\/\//i;
for (const name of readdirSync(source)) {
  const text = readFileSync(join(source, name), 'utf8');
  if (remote.test(text)) fail(`src/${name} refers to a remote resource; the dashboard must load nothing from the internet`);
}

rmSync(out, { recursive: true, force: true });
renameSync(staging, out);
console.log(`web/build.mjs: dashboard built in ${out}`);

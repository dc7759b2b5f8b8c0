// Packaging checks run by .ci/run after `npm run build`:
//  1. tree-shaking: `import { relu } from 'nabla'` bundled and minified by esbuild contains no
//     optimizer, loss or BatchNorm code, and stays within its size budget;
//  2. the whole library minified stays within its recorded budget;
//  3. `npm pack --dry-run` ships only dist/, docs/, bench/RESULTS.md, README.md, LICENSE,
//     CHANGELOG.md and package.json;
//  4. every relative link and image in the shipped markdown (README.md, docs/*.md, …) resolves to a
//     file inside the tarball, and every #fragment to a heading of its page, so the documentation
//     works wherever the package is read from (node_modules, unpkg, an editor).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { checkLinks } from './markdown-links.mjs';

// Budgets (bytes), recorded in docs/packaging.md. Raise them deliberately, never by accident.
const RELU_MIN_BUDGET = 8500; // 2026-12-01: + the autograd recording branch, the element limit and the backend switch
const RELU_GZIP_BUDGET = 3200;
const LIBRARY_MIN_BUDGET = 250000; // 2026-12-01: + autograd, CNN layers, fit, the hardened readers, nabla's exp/log and their tables

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nabla-shake-'));
let failed = false;
const fail = (msg) => {
  console.error(`check-package: ${msg}`);
  failed = true;
};

async function bundle(code, minify) {
  const entry = join(dir, `entry-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, code);
  const r = await build({ entryPoints: [entry], bundle: true, minify, format: 'esm', write: false, absWorkingDir: root, alias: { nabla: join(root, 'dist/index.js') } });
  return r.outputFiles[0].text;
}

const reluCode = "import { relu } from 'nabla';\nconsole.log(relu([1, -1]).toArray());\n";
const readable = await bundle(reluCode, false);
for (const marker of ['class Adam', 'class SGD', 'class Optimizer', 'function crossEntropy', 'function mseLoss', 'class BatchNorm', 'function batchNorm', 'function matmul', 'readSafetensors', 'function fit']) {
  if (readable.includes(marker)) fail(`the relu-only bundle contains ${marker}`);
}
const min = await bundle(reluCode, true);
const gz = gzipSync(min, { level: 9 }).length;
console.log(`relu-only bundle: ${min.length} B minified, ${gz} B gzipped (budgets ${RELU_MIN_BUDGET} / ${RELU_GZIP_BUDGET})`);
if (min.length > RELU_MIN_BUDGET) fail(`relu-only bundle ${min.length} B > ${RELU_MIN_BUDGET} B`);
if (gz > RELU_GZIP_BUDGET) fail(`relu-only bundle ${gz} B gzipped > ${RELU_GZIP_BUDGET} B`);

const all = await bundle("export * from 'nabla';\n", true);
const allGz = gzipSync(all, { level: 9 }).length;
console.log(`whole library: ${all.length} B minified, ${allGz} B gzipped (budget ${LIBRARY_MIN_BUDGET} minified)`);
if (all.length > LIBRARY_MIN_BUDGET) fail(`whole library ${all.length} B > ${LIBRARY_MIN_BUDGET} B`);

const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }));
const files = packed[0].files.map((f) => f.path);
const allowed = (p) => p.startsWith('dist/') || p.startsWith('docs/') || ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'bench/RESULTS.md'].includes(p);
const stray = files.filter((p) => !allowed(p));
if (stray.length) fail(`npm pack would ship ${stray.join(', ')}`);
for (const must of ['README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'docs/index.md', 'bench/RESULTS.md']) {
  if (!files.includes(must)) fail(`npm pack would not ship ${must}`);
}
console.log(`npm pack: ${files.length} files, ${files.filter((f) => !f.startsWith('dist/') && !f.startsWith('docs/')).join(', ')} + dist/ + docs/`);

const links = checkLinks(files, (p) => readFileSync(join(root, p), 'utf8'));
for (const problem of links.problems) fail(problem);
if (links.problems.length === 0) console.log(`links: ${links.count} relative links in ${links.pages} shipped markdown files, all inside the tarball`);
if (failed) process.exit(1);

// Real-browser test: loads the built ESM bundle in headless Chromium (Debian's package, driven by
// playwright-core) twice — under a strict Content-Security-Policy that also forbids WebAssembly
// compilation (nabla must fall back to its JavaScript kernels), and under one that allows it with
// 'wasm-unsafe-eval' (nabla must use its WebAssembly kernels) — runs test/browser/workload.mjs and a
// seeded `fit` (test/browser/fit.mjs) there and in Node (on WebAssembly), and requires the hash of
// all their results to be equal: every result bit-identical, exp/log/softmax/cross-entropy/sigmoid/
// tanh/GELU… included, since nabla's elementary functions are its own, not the engine's Math (on a
// mismatch the first differing value is reported). While fit trains, requestAnimationFrame and a
// timer must keep firing (a synchronous loop, the control, lets no timer fire).
// Usage (after npm run build): node scripts/browser-check.mjs
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import * as nabla from '../dist/index.js';
import { hash, run } from '../test/browser/workload.mjs';
import { trainFit } from '../test/browser/fit.mjs';

const root = new URL('..', import.meta.url).pathname;
const page = `<!doctype html><meta charset="utf-8"><script type="module">
import * as nabla from '/dist/index.js';
import { hash, run } from '/test/browser/workload.mjs';
import { trainFit, responsiveness } from '/test/browser/fit.mjs';
const exactJson = (v) => JSON.stringify(v, (k, x) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? String(Object.is(x, -0) ? '-0' : x) : x));
try {
  await nabla.ready();
  window.__backend = nabla.getBackend();
  const result = run(nabla);
  result.fit = await trainFit(nabla);
  window.__hash = hash(result);
  window.__responsiveness = JSON.stringify(await responsiveness(nabla, { requestAnimationFrame, setInterval, clearInterval }));
  window.__result = exactJson(result);
} catch (e) { window.__error = String((e && e.stack) || e); }
</script>`;
// No 'unsafe-eval': any eval or new Function in the bundle would throw. Without 'wasm-unsafe-eval'
// WebAssembly compilation is refused too; /wasm allows it.
const CSP = {
  '/': { policy: "script-src 'self' 'unsafe-inline'", backend: 'js' },
  '/wasm': { policy: "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'", backend: 'wasm' },
};

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (Object.hasOwn(CSP, url.pathname)) {
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': CSP[url.pathname].policy });
    res.end(page);
    return;
  }
  const path = normalize(join(root, url.pathname));
  const allowed = url.pathname.startsWith('/dist/') || url.pathname.startsWith('/test/browser/');
  if (!path.startsWith(root) || !allowed) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'nabla-chromium-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** JSON that keeps NaN, ±Infinity and −0 (as strings), so results can be compared exactly after transport. */
const exactJson = (v) => JSON.stringify(v, (k, x) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? String(Object.is(x, -0) ? '-0' : x) : x));

/** Number of values compared; throws at the first one that differs (Object.is on the decoded values). */
function compare(node, browser) {
  let compared = 0;
  const walk = (a, b, path) => {
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) throw new Error(`${path}: length differs`);
      a.forEach((v, i) => walk(v, b[i], `${path}[${i}]`));
    } else if (a !== null && typeof a === 'object') {
      for (const k of Object.keys(a)) walk(a[k], b[k], `${path}.${k}`);
    } else {
      compared++;
      if (!Object.is(a, b)) throw new Error(`${path}: Node ${a} vs browser ${b}`);
    }
  };
  walk(node, browser, 'result');
  return compared;
}

let code = 0;
try {
  const nodeResult = run(nabla);
  nodeResult.fit = await trainFit(nabla);
  const nodeHash = hash(nodeResult);
  const node = JSON.parse(exactJson(nodeResult));
  if (nabla.getBackend() !== 'wasm') throw new Error(`Node ran the workload on backend ${nabla.getBackend()} (expected wasm)`);
  for (const [path, { backend }] of Object.entries(CSP)) {
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${port}${path}`);
    await tab.waitForFunction(() => window.__result !== undefined || window.__error !== undefined, null, { timeout: 120_000 });
    const err = await tab.evaluate(() => window.__error);
    if (err) throw new Error(`the workload failed in the browser (${path}): ${err}`);
    const used = await tab.evaluate(() => window.__backend);
    if (used !== backend) throw new Error(`page ${path} ran on backend ${used} (expected ${backend})`);
    const browser = JSON.parse(await tab.evaluate(() => window.__result));
    const browserHash = await tab.evaluate(() => window.__hash);
    const agent = await tab.evaluate(() => navigator.userAgent);
    const count = compare(node, browser);
    if (browserHash !== nodeHash) throw new Error(`hash differs (${path}): Node ${nodeHash}, browser ${browserHash}`);
    const { during, control } = JSON.parse(await tab.evaluate(() => window.__responsiveness));
    if (!(during.frames >= 10 && during.ticks >= 10 && during.stopped === 'callback')) {
      throw new Error(`the page (${path}) was not responsive during fit: ${JSON.stringify(during)}`);
    }
    if (control.ticks !== 0) throw new Error(`the control (a synchronous loop) let timers fire: ${JSON.stringify(control)}`);
    console.log(
      `browser check (Node ${process.version} on wasm vs ${/Chrom\w+\/[\d.]+/.exec(agent)?.[0] ?? agent} on ${used}, CSP "${CSP[path].policy}"): ` +
        `hash ${browserHash} equal; ${count} results bit-identical (exp/log/softmax/cross-entropy/sigmoid/tanh/GELU/SiLU/ELU/BCE, matmul, conv2d, ` +
        `training steps with SGD and Adam, a 4-epoch fit's history and parameters)`,
    );
    console.log(
      `browser check (${path}): during fit, ${during.frames} animation frames and ${during.ticks} timer ticks in ${during.ms.toFixed(0)} ms (${during.batches} batches); ` +
        `a synchronous loop of ${control.steps} steps over ${control.ms.toFixed(0)} ms let ${control.ticks} ticks and ${control.frames} frames through`,
    );
    await tab.close();
  }
} catch (e) {
  console.error(`browser check failed: ${e.message}`);
  code = 1;
} finally {
  await context.close();
  server.close();
}
process.exit(code);

// The chapter-5 lab: `npm run lab` builds nabla and runs every experiment of the textbook's
// chapter 5 (and chapter 8: batch normalization in a CNN) on real MNIST digits, printing a table
// per experiment and writing lab-report/.
// Flags: --full (more data and epochs), --smoke (tiny, for CI), --seed N, --out DIR.
import { mkdirSync, writeFileSync, accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { loadMnist } from './data.mjs';
import { experiments } from './experiments.mjs';
import { createProgress } from './progress.mjs';
import { htmlReport, lineChart } from './report.mjs';

function parseArgs(argv) {
  const o = { mode: 'default', seed: 0, out: 'lab-report' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') o.mode = 'full';
    else if (a === '--smoke') o.mode = 'smoke';
    else if (a === '--seed' || a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`lab: ${a} needs a value`);
      if (a === '--seed') {
        if (!/^\d+$/.test(v) || Number(v) >= 2 ** 32) throw new Error(`lab: --seed must be an integer in [0, 2^32), got ${JSON.stringify(v)}`);
        o.seed = Number(v);
      } else o.out = v;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run lab -- [--full | --smoke] [--seed N] [--out DIR]');
      process.exit(0);
    } else throw new Error(`lab: unknown flag ${JSON.stringify(a)} (known: --full, --smoke, --seed N, --out DIR, --help)`);
  }
  return o;
}

function printTable(t) {
  const cells = [t.columns, ...t.rows.map((r) => r.map((v) => (v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v))))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  for (const r of cells) console.log('  ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const sizes = { smoke: { train: 1000, test: 300, epochs: 2 }, default: { train: 5000, test: 1000, epochs: 6 }, full: { train: 8500, test: 1500, epochs: 20 } }[opts.mode];
  const outDir = resolve(opts.out);
  try {
    mkdirSync(outDir, { recursive: true });
    accessSync(outDir, constants.W_OK);
  } catch {
    throw new Error(`lab: cannot write to the output folder ${outDir}`);
  }
  const t0 = performance.now();
  const data = loadMnist({ train: sizes.train, test: sizes.test, seed: opts.seed });
  console.log(`nabla chapter-5 lab (${opts.mode}, seed ${opts.seed}): ${sizes.train} training and ${sizes.test} test digits of ${data.total} MNIST digits, ${sizes.epochs} epochs per run`);
  const ctx = { data, epochs: sizes.epochs, seed: opts.seed, progress: createProgress() };
  const results = [];
  for (const experiment of experiments) {
    const r = experiment(ctx);
    results.push(r);
    console.log(`\n${r.title}\n  ${r.formula}`);
    for (const l of r.lines) console.log(`  ${l}`);
    if (r.table.title) console.log(`  ${r.table.title}`);
    printTable(r.table);
    for (const t of r.moreTables ?? []) {
      console.log(`  ${t.title}`);
      printTable(t);
    }
    for (const c of r.claims) console.log(`  ${c.held ? 'HELD' : 'DID NOT HOLD'}: ${c.text}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const meta = {
    mode: opts.mode,
    seed: opts.seed,
    train: sizes.train,
    test: sizes.test,
    epochs: sizes.epochs,
    seconds,
    node: process.version,
    date: new Date().toISOString(),
    summary: `${opts.mode} run, seed ${opts.seed}: ${sizes.train} training / ${sizes.test} test MNIST digits, ${sizes.epochs} epochs per run, ${seconds.toFixed(1)} s on Node ${process.version}. Every number below was measured in this run.`,
  };
  const clean = (v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  writeFileSync(`${outDir}/results.json`, JSON.stringify({ meta, results }, (_, v) => clean(v), 2));
  writeFileSync(`${outDir}/index.html`, htmlReport({ meta, results }));
  writeFileSync(`${outDir}/optimizers.svg`, lineChart(results.find((r) => r.id === 'optimizers').charts[0]));
  console.log(`\nwrote ${outDir}/index.html and results.json in ${seconds.toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

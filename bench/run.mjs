// npm run bench: builds dist/ first (see package.json), runs every suite against the built package,
// prints a table and rewrites bench/RESULTS.md. Ratios are measured in the same process run.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmtMs } from './harness.mjs';
import { renderResults } from './render.mjs';

const suites = ['./matmul.mjs', './activations.mjs', './losses.mjs', './optim.mjs', './batchnorm.mjs', './mlp.mjs', './conv.mjs', './io.mjs', './autograd.mjs'];
const only = process.argv.slice(2);
const sections = [];
for (const path of suites) {
  if (only.length && !only.some((o) => path.includes(o))) continue;
  const mod = await import(path);
  const result = await mod.default();
  sections.push(result);
  console.log(`\n## ${result.title}`);
  for (const r of result.rows) {
    console.log(
      `${r.workload.padEnd(36)} ${fmtMs(r.ours.median).padStart(9)} ms  [${fmtMs(r.ours.min)}–${fmtMs(r.ours.max)}]  ` +
        `${r.baselineName}: ${fmtMs(r.base.median)} ms  ratio ${(r.ours.pairRatio ?? r.ours.median / r.base.median).toFixed(2)}  ${r.note ?? ''}`,
    );
  }
}

if (only.length === 0) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const own = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    command: 'npm run bench',
    sections,
  };
  writeFileSync(fileURLToPath(new URL('./results-own.json', import.meta.url)), JSON.stringify(own, null, 1));
  renderResults();
  console.log('\nwrote bench/results-own.json and bench/RESULTS.md');
}

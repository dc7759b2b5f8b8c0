// CI check of a lab run's results.json: every experiment present, every number finite (a diverging
// variant must be marked so: its name ends in "(diverged)", or the cell reads "diverged"; null marks
// a measurement that does not apply to a row), chapter 4's deep-network rows present with LSUV at
// unit variance, the optimizer claim measured (Adam and momentum end below plain SGD), saturation
// measured only for bounded activations and dead units only for ReLUs, chapter 8's CNN rows all
// present with batch normalization measured per feature map, and the HTML report's formulas typeset
// (no raw `^{`).
// Usage: node examples/lab/check-smoke.mjs <results.json>   (index.html beside it)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const path = process.argv[2] ?? 'lab-report/results.json';
const { results } = JSON.parse(readFileSync(path, 'utf8'));
const expected = ['objective', 'softmax', 'preprocessing', 'init', 'optimizers', 'activations', 'batchnorm', 'cnn'];
const problems = [];
const ids = results.map((r) => r.id);
for (const id of expected) if (!ids.includes(id)) problems.push(`experiment ${id} is missing`);
for (const r of results) {
  for (const t of [r.table, ...(r.moreTables ?? [])]) {
    for (const row of t.rows) {
      if (String(row[0]).endsWith('(diverged)')) continue;
      row.slice(1).forEach((v, j) => {
        if (v === 'diverged') return; // a cell marked as a diverged run
        if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${r.id}: ${row[0]} has a non-finite ${t.columns[j + 1]} (${v})`);
      });
    }
  }
  if (!r.charts.length || r.charts.some((c) => !c.series.length)) problems.push(`${r.id}: no chart data`);
}
// Chapter 4's deeper network: the default, He, random-walk and LSUV rows are all there, and LSUV's
// claim that every layer ends at unit variance (a property of the algorithm, not of the data) held.
const init = results.find((r) => r.id === 'init');
if (init) {
  const rows = (init.moreTables ?? []).flatMap((t) => t.rows.map((row) => row[0]));
  for (const name of ['default', 'He', 'random walk', 'LSUV']) if (!rows.some((n) => n.startsWith(name))) problems.push(`init: the deep-network row ${name} is missing`);
  const unit = init.claims.find((c) => c.text.startsWith('LSUV leaves every layer'));
  if (!unit || !unit.held) problems.push('init: LSUV did not leave every layer at unit variance');
}
const opt = results.find((r) => r.id === 'optimizers');
if (opt) {
  const l = opt.finalTrainLoss;
  if (!(l.Adam < l.SGD && l.momentum < l.SGD)) problems.push(`optimizers: Adam ${l.Adam} and momentum ${l.momentum} are not both below SGD ${l.SGD}`);
}
// Saturation applies to bounded activations, dead units to ReLUs (examples/lab/experiments.mjs unitHealth).
for (const id of ['init', 'activations']) {
  const t = results.find((r) => r.id === id)?.table;
  if (!t) continue;
  const sat = t.columns.findIndex((c) => c.startsWith('saturated'));
  const dead = t.columns.findIndex((c) => c.startsWith('dead'));
  for (const row of t.rows) {
    const name = String(row[0]);
    const relu = /ReLU/.test(name);
    const bounded = /sigmoid|tanh/i.test(name) && !relu;
    if (relu && (row[sat] !== null || typeof row[dead] !== 'number')) problems.push(`${id}: ${name} should have dead units and no saturation, got ${row[dead]} / ${row[sat]}`);
    if (bounded && (row[dead] !== null || typeof row[sat] !== 'number')) problems.push(`${id}: ${name} should have saturation and no dead units, got ${row[sat]} / ${row[dead]}`);
  }
}
const html = readFileSync(join(dirname(path), 'index.html'), 'utf8');
const formulas = [...html.matchAll(/<p class="formula">(.*?)<\/p>/g)].map((m) => m[1]);
if (formulas.length !== results.length) problems.push(`index.html has ${formulas.length} formulas for ${results.length} experiments`);
for (const f of formulas) if (/[_^][{\w]/.test(f.replace(/<[^>]*>/g, ''))) problems.push(`index.html shows a raw formula: ${f}`);
if (!formulas.some((f) => f.includes('<sup>'))) problems.push('index.html has no typeset superscript');
// Chapter 8: the seven CNN variants (BN or not, dropout, initial weight scales) and the per-feature-map
// normalization (a property of BatchNorm on [N, C, H, W], not of the data) held.
const cnn = results.find((r) => r.id === 'cnn');
if (cnn) {
  const names = cnn.table.rows.map((row) => String(row[0]));
  for (const name of ['no BN, no dropout', 'BN, no dropout', 'dropout', 'no BN, init ×0.1', 'no BN, init ×10', 'BN, init ×0.1', 'BN, init ×10']) {
    if (!names.some((n) => n.startsWith(name))) problems.push(`cnn: the row ${name} is missing`);
  }
  if (cnn.moreTables?.[0]?.rows.length !== 3) problems.push('cnn: the initial-weight-scale table does not have three rows');
  if (cnn.claims.length !== 4) problems.push(`cnn: expected 4 claims, got ${cnn.claims.length}`);
  const fm = cnn.claims.find((c) => c.text.startsWith('batch normalization works per feature map'));
  if (!fm || !fm.held) problems.push('cnn: batch normalization did not normalize every feature map');
}
if (problems.length) {
  console.error(`lab smoke check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`lab smoke check: ${results.length} experiments, all numbers finite, the deep initialization rows present with LSUV at unit variance, Adam and momentum below SGD, saturation and dead units where they apply, the CNN rows present with BN per feature map, formulas typeset`);

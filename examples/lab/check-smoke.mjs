// CI check of a lab run's results.json: every experiment present, every number finite (a diverging
// variant must be marked so; null marks a measurement that does not apply to a row), chapter 4's
// deep-network rows present with LSUV at unit variance, the optimizer claim measured (Adam and
// momentum end below plain SGD), saturation measured only for bounded activations and dead units
// only for ReLUs, and the HTML report's formulas typeset (no raw `^{`).
// Usage: node examples/lab/check-smoke.mjs <results.json>   (index.html beside it)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const path = process.argv[2] ?? 'lab-report/results.json';
const { results } = JSON.parse(readFileSync(path, 'utf8'));
const expected = ['objective', 'softmax', 'preprocessing', 'init', 'optimizers', 'activations', 'batchnorm'];
const problems = [];
const ids = results.map((r) => r.id);
for (const id of expected) if (!ids.includes(id)) problems.push(`experiment ${id} is missing`);
for (const r of results) {
  for (const t of [r.table, ...(r.moreTables ?? [])]) {
    for (const row of t.rows) {
      row.slice(1).forEach((v, j) => {
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
if (problems.length) {
  console.error(`lab smoke check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`lab smoke check: ${results.length} experiments, all numbers finite, the deep initialization rows present with LSUV at unit variance, Adam and momentum below SGD, saturation and dead units where they apply, formulas typeset`);

// CI check of a lab run's results.json: every experiment present, every number finite (a diverging
// variant must be marked so), chapter 4's deep-network rows present with LSUV at unit variance, and
// the optimizer claim measured: Adam and momentum end below plain SGD.
// Usage: node examples/lab/check-smoke.mjs <results.json>
import { readFileSync } from 'node:fs';

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
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${r.id}: ${row[0]} has a non-finite ${t.columns[j + 1]} (${v})`);
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
if (problems.length) {
  console.error(`lab smoke check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`lab smoke check: ${results.length} experiments, all numbers finite, the deep initialization rows present with LSUV at unit variance, Adam and momentum below SGD`);

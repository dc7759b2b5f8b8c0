// CI check of a lab run's results.json: every experiment present, every number finite (a diverging
// variant must be marked so), and the optimizer claim measured: Adam and momentum end below plain SGD.
// Usage: node examples/lab/check-smoke.mjs <results.json>
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'lab-report/results.json';
const { results } = JSON.parse(readFileSync(path, 'utf8'));
const expected = ['objective', 'softmax', 'preprocessing', 'init', 'optimizers', 'activations', 'batchnorm'];
const problems = [];
const ids = results.map((r) => r.id);
for (const id of expected) if (!ids.includes(id)) problems.push(`experiment ${id} is missing`);
for (const r of results) {
  for (const row of r.table.rows) {
    row.slice(1).forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${r.id}: ${row[0]} has a non-finite ${r.table.columns[j + 1]} (${v})`);
    });
  }
  if (!r.charts.length || r.charts.some((c) => !c.series.length)) problems.push(`${r.id}: no chart data`);
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
console.log(`lab smoke check: ${results.length} experiments, all numbers finite, Adam and momentum below SGD`);

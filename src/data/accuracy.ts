import { ShapeError, formatShape } from '../errors.js';
import { toLabels, type Labels } from '../labels.js';
import { argmax } from '../tensor/reduce.js';
import { asTensor, type TensorLike } from '../tensor/tensor.js';

/**
 * Fraction of rows whose largest logit is at the label: logits `[N, C]`, labels N. The predicted
 * class is `argmax`'s: the first index on ties, and a NaN counts as the maximum (the first
 * NaN's index, like `np.argmax`/`torch.argmax`). No rows give NaN.
 * @example accuracy([[0.1, 2], [3, 0]], [1, 1]); // => 0.5
 */
export function accuracy(logits: TensorLike, labels: Labels): number {
  const fn = 'accuracy';
  const L = asTensor(logits, fn, 'logits');
  if (L.rank !== 2) throw new ShapeError(fn, `logits must be [N, C], got shape ${formatShape(L.shape)}`);
  const [N, C] = L.shape;
  const y = toLabels(fn, 'labels', labels, C);
  if (y.length !== N) throw new ShapeError(fn, `labels has ${y.length} entries but logits has ${N} rows`);
  if (N === 0) return NaN;
  const predicted = argmax(L, 1).data;
  let hits = 0;
  for (let i = 0; i < N; i++) if (predicted[i] === y[i]) hits++;
  return hits / N;
}

import { ShapeError, formatShape } from '../errors.js';
import { toLabels, type Labels } from '../labels.js';
import { asTensor, type TensorLike } from '../tensor/tensor.js';

/**
 * Fraction of rows whose largest logit (first on ties) is at the label: logits `[N, C]`, labels N.
 * @example accuracy([[0.1, 2], [3, 0]], [1, 1]); // => 0.5
 */
export function accuracy(logits: TensorLike, labels: Labels): number {
  const fn = 'accuracy';
  const L = asTensor(logits, fn, 'logits');
  if (L.rank !== 2) throw new ShapeError(fn, `logits must be [N, C], got shape ${formatShape(L.shape)}`);
  const [N, C] = L.shape;
  const y = toLabels(fn, 'labels', labels, C);
  if (y.length !== N) throw new ShapeError(fn, `labels has ${y.length} entries but logits has ${N} rows`);
  let hits = 0;
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (L.data[i * C + c] > L.data[i * C + best]) best = c;
    if (best === y[i]) hits++;
  }
  return N === 0 ? NaN : hits / N;
}

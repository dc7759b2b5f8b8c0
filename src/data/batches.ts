import { ShapeError, formatShape } from '../errors.js';
import type { Labels } from '../labels.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { checkSize } from '../tensor/limits.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkInteger, checkOptions } from '../validate.js';

/** Options of {@link batches}. */
export interface BatchesOptions extends RandomOptions {
  /** Rows per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Shuffle the rows once per call (NumPy-compatible `rng.permutation(N)`). Default false. */
  shuffle?: boolean;
  /** Drop a final batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

/** One mini-batch: aligned rows of x and y and the row indices they came from. */
export interface Batch {
  x: Tensor;
  y: Tensor;
  indices: Int32Array;
}

/**
 * Mini-batches of aligned rows of `x` (`[N, …]`) and `y` (`[N, …]` tensor or N labels), in order
 * or shuffled. Returns an array (iterate it once per epoch; call again for a new shuffle).
 * @example for (const { x, y } of batches(X, labels, { batchSize: 32, shuffle: true, seed: epoch })) { … }
 */
export function batches(x: TensorLike, y: TensorLike | Labels, options: BatchesOptions): Batch[] {
  const fn = 'batches';
  const o = checkOptions<BatchesOptions>(fn, options, ['batchSize', 'shuffle', 'dropLast', 'rng', 'seed']);
  const X = asTensor(x, fn, 'x');
  const Y = y instanceof Int32Array ? new Tensor(Float64Array.from(y), [y.length]) : asTensor(y, fn, 'y');
  if (X.rank < 1 || Y.rank < 1 || X.shape[0] !== Y.shape[0]) {
    throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} and y has shape ${formatShape(Y.shape)} (they must have the same number of rows)`);
  }
  const bs = checkInteger(fn, 'options.batchSize', o.batchSize);
  const shuffle = checkBoolean(fn, 'options.shuffle', o.shuffle ?? false);
  const dropLast = checkBoolean(fn, 'options.dropLast', o.dropLast ?? false);
  const N = X.shape[0];
  // One index per row, even when the rows are empty ([2^40, 0]).
  checkSize(fn, [N], 'the row order');
  let order: number[];
  if (shuffle) order = resolveRng(fn, o).permutation(N);
  else order = Array.from({ length: N }, (_, i) => i);
  const rowX = N === 0 ? 0 : X.size / N;
  const rowY = N === 0 ? 0 : Y.size / N;
  const out: Batch[] = [];
  for (let start = 0; start < N; start += bs) {
    const count = Math.min(bs, N - start);
    if (count < bs && dropLast) break;
    const idx = Int32Array.from(order.slice(start, start + count));
    const bx = new Float64Array(count * rowX);
    const by = new Float64Array(count * rowY);
    for (let i = 0; i < count; i++) {
      bx.set(X.data.subarray(idx[i] * rowX, (idx[i] + 1) * rowX), i * rowX);
      by.set(Y.data.subarray(idx[i] * rowY, (idx[i] + 1) * rowY), i * rowY);
    }
    out.push({ x: new Tensor(bx, [count, ...X.shape.slice(1)]), y: new Tensor(by, [count, ...Y.shape.slice(1)]), indices: idx });
  }
  return out;
}

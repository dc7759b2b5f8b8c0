import { ShapeError, formatShape } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';

/** A fitted per-column standardizer. */
export interface Standardizer {
  /** Per-column mean (shape `[D]`, or `[]` for 1-D input). */
  readonly mean: Tensor;
  /** Per-column population standard deviation, with 1 in place of 0 for constant columns. */
  readonly std: Tensor;
  /** (x − mean) / std, column by column, for data with the fitted number of columns. */
  transform(x: TensorLike): Tensor;
  /** x·std + mean: undoes {@link transform}. */
  inverse(x: TensorLike): Tensor;
}

/**
 * Fits per-column statistics of `x` (`[N, D]`, or `[N]` for one column): the mean and the
 * population standard deviation (divide by N, like `np.std` and scikit-learn's `StandardScaler`).
 * A constant column (every value equal) has its value as its mean, exactly, and std 0, which is
 * replaced by 1 so that the column maps to zeros instead of NaN. (Its mean is not taken as Σx/N,
 * which can miss the value by an ulp — ten copies of 0.1 sum to 0.9999999999999999 — and leave a
 * spurious σ ≈ 1e−17 that maps the column to ±1.)
 *
 * ```math
 * \mu_j = \frac{1}{N}\sum_i x_{ij}, \quad \sigma_j = \sqrt{\frac{1}{N}\sum_i (x_{ij} - \mu_j)^2}
 * ```
 * @example
 * const s = fitStandardizer([[1, 10], [3, 10]]);
 * s.mean.toArray(); // => [2, 10]
 * s.std.toArray();  // => [1, 1]   (column 2 is constant)
 * s.transform([[1, 10]]).toArray(); // => [[-1, 0]]
 */
export function fitStandardizer(x: TensorLike): Standardizer {
  const X = asTensor(x, 'fitStandardizer', 'x');
  if (X.rank !== 1 && X.rank !== 2) {
    throw new ShapeError('fitStandardizer', `x must be 1-D [N] or 2-D [N, D], got shape ${formatShape(X.shape)}`);
  }
  const N = X.shape[0];
  const D = X.rank === 2 ? X.shape[1] : 1;
  if (N === 0) throw new ShapeError('fitStandardizer', `x has no rows, shape ${formatShape(X.shape)} (expected N ≥ 1)`);
  const mu = new Float64Array(D);
  const sd = new Float64Array(D);
  const d = X.data;
  if (D === 0) return standardizer(X, mu, sd);
  // Constant columns are detected while summing: their mean is their value (see above).
  const constant = new Uint8Array(D).fill(1);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      const v = d[i * D + j];
      mu[j] += v;
      if (v !== d[j]) constant[j] = 0;
    }
  }
  for (let j = 0; j < D; j++) mu[j] = constant[j] === 1 ? d[j] : mu[j] / N;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      const t = d[i * D + j] - mu[j];
      sd[j] += t * t;
    }
  }
  for (let j = 0; j < D; j++) {
    const s = Math.sqrt(sd[j] / N);
    sd[j] = s === 0 ? 1 : s;
  }
  return standardizer(X, mu, sd);
}

function standardizer(X: Tensor, mu: Float64Array, sd: Float64Array): Standardizer {
  const D = mu.length;
  const statShape = X.rank === 2 ? [D] : [];
  const mean = new Tensor(mu, statShape);
  const std = new Tensor(sd, statShape);
  const apply = (fn: string, v: TensorLike, forward: boolean): Tensor => {
    const V = asTensor(v, fn, 'x');
    const ok = X.rank === 2 ? V.rank === 2 && V.shape[1] === D : V.rank === 1;
    if (!ok) {
      throw new ShapeError(fn, `x has shape ${formatShape(V.shape)} but the standardizer was fitted on ${X.rank === 2 ? `[N, ${D}]` : '[N]'} data`);
    }
    const out = new Float64Array(V.size);
    const src = V.data;
    for (let i = 0; i < out.length; i += D) {
      for (let j = 0; j < D; j++) out[i + j] = forward ? (src[i + j] - mu[j]) / sd[j] : src[i + j] * sd[j] + mu[j];
    }
    return new Tensor(out, V.shape);
  };
  return {
    mean,
    std,
    transform: (v) => apply('transform', v, true),
    inverse: (v) => apply('inverse', v, false),
  };
}

/**
 * Standardizes each column of `x` to mean 0 and (population) std 1; returns the result with the
 * statistics used. See {@link fitStandardizer} for the rule on constant columns.
 * @example standardize([[1], [3]]).out.toArray(); // => [[-1], [1]]
 */
export function standardize(x: TensorLike): { out: Tensor; mean: Tensor; std: Tensor } {
  const X = asTensor(x, 'standardize', 'x');
  if (X.rank !== 1 && X.rank !== 2) {
    throw new ShapeError('standardize', `x must be 1-D [N] or 2-D [N, D], got shape ${formatShape(X.shape)}`);
  }
  const s = fitStandardizer(X);
  return { out: s.transform(X), mean: s.mean, std: s.std };
}

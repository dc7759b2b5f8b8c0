import { ShapeError, formatShape } from '../errors.js';
import { shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { RandomOptions } from '../random/rng.js';
import { initSetup } from './common.js';
import { checkNumber } from '../validate.js';

/** Options of {@link orthogonal}. */
export interface OrthogonalOptions extends RandomOptions {
  /** Multiplies the matrix. Default 1. */
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix (Saxe, McClelland & Ganguli 2014), PyTorch's `orthogonal_`: view the
 * tensor as `rows = shape[0]` by `cols = size/rows`, fill it with N(0, 1) draws (row-major), take the
 * QR decomposition of it (of its transpose when rows < cols), multiply Q's columns by the signs of
 * R's diagonal (which makes the result uniformly distributed), transpose back, scale by `gain`.
 *
 * With rows ≥ cols the columns are orthonormal (QᵀQ = I); with rows < cols the rows are (QQᵀ = I).
 * Method: Householder QR in float64; equals NumPy's `np.linalg.qr` of the same draws to rounding.
 * @example const q = orthogonal([4, 4], { seed: 0 }); // matmul(transpose(q), q) ≈ eye(4)
 */
export function orthogonal(shape: readonly number[], options?: OrthogonalOptions): Tensor {
  const fn = 'orthogonal';
  const { dims, o, rng } = initSetup(fn, shape, options, ['gain']);
  if (dims.length < 2) throw new ShapeError(fn, `shape ${formatShape(dims)} has rank ${dims.length} (orthogonal needs rank ≥ 2)`);
  const gain = checkNumber(fn, 'options.gain', o.gain ?? 1);
  const rows = dims[0];
  const cols = shapeSize(dims) / rows;
  const flat = rng.fillNormal(new Float64Array(rows * cols));
  // Work on an m×n matrix with m ≥ n: the draws, or their transpose.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[tall ? i * n + j : j * n + i] = flat[i * cols + j];
  const q = householderQ(a, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * n + j] : q[j * n + i]);
  return new Tensor(out, dims);
}

/**
 * Thin Q (m×n, m ≥ n) of the Householder QR of `a` (overwritten), with columns multiplied by
 * sign(diag(R)) so that R has a non-negative diagonal.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rdiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, a[i * n + k]);
    const akk = a[k * n + k];
    const alpha = akk > 0 ? -norm : norm; // reflect away from a[k][k] to avoid cancellation
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
    if (vnorm2 > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
        const f = (2 * dot) / vnorm2;
        for (let i = k; i < m; i++) a[i * n + j] -= f * v[i - k];
      }
    }
    rdiag[k] = a[k * n + k];
    vs.push(vnorm2 > 0 ? v : new Float64Array(0));
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of I.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    if (v.length === 0) continue;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      const f = (2 * dot) / vnorm2;
      for (let i = k; i < m; i++) q[i * n + j] -= f * v[i - k];
    }
  }
  for (let j = 0; j < n; j++) {
    if (rdiag[j] < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}

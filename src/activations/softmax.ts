import { axisLayout, normalizeAxis, type AxisLayout } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { expLines, rowLogSumExp } from '../kernels/arrays.js';
import { backwardArgs, recorded } from './common.js';

/**
 * Softmax along `axis` (default the last).
 *
 * ```math
 * s_j = \frac{e^{x_j - m}}{\sum_i e^{x_i - m}}, \quad m = \max_i x_i, \qquad
 * \frac{\partial L}{\partial x_j} = s_j \Big(dy_j - \sum_i dy_i\, s_i\Big)
 * ```
 *
 * Method: the row maximum is subtracted first, so no exponent is positive and nothing overflows:
 * softmax([1000, 0, −1000]) = [1, e^−1000 ≈ 0, 0]. The exponentials are nabla's own (WebAssembly
 * or JavaScript, the same bits) and each row is summed in index order. A row of all −∞ gives NaN,
 * as in PyTorch (−∞ − (−∞)).
 * @example softmax([2.0, 1.2, 4.0]).toArray(); // ≈ [0.1131, 0.0508, 0.8360] (the textbook's example)
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  return normalized('softmax', x, axis, false, softmaxBackward);
}

/**
 * dL/dx of {@link softmax}: s ⊙ (dy − Σ dy ⊙ s) along `axis`, with s = softmax(x).
 * @example softmaxBackward([1, 1], [0, 0]).toArray(); // => [0, 0]
 */
export function softmaxBackward(dy: TensorLike, x: TensorLike, axis = -1): Tensor {
  return lineBackward('softmaxBackward', dy, x, axis, false);
}

/**
 * Log-softmax along `axis` (default the last): x − m − log Σ e^(x − m), m the maximum.
 *
 * ```math
 * \log s_j = x_j - m - \log\sum_i e^{x_i - m}, \qquad
 * \frac{\partial L}{\partial x_j} = dy_j - s_j \sum_i dy_i
 * ```
 *
 * Never forms log(softmax(x)), which underflows to −∞: logSoftmax([1000, 0, −1000]) = [0, −1000, −2000].
 * @example logSoftmax([1000, 1001, 1002]).toArray(); // ≈ [-2.4076, -1.4076, -0.4076]
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  return normalized('logSoftmax', x, axis, true, logSoftmaxBackward);
}

/**
 * dL/dx of {@link logSoftmax}: dy − softmax(x) · Σ dy along `axis`.
 * @example logSoftmaxBackward([1, 0], [0, 0]).toArray(); // => [0.5, -0.5]
 */
export function logSoftmaxBackward(dy: TensorLike, x: TensorLike, axis = -1): Tensor {
  return lineBackward('logSoftmaxBackward', dy, x, axis, true);
}

/** softmax or log-softmax of x along `axis`, recorded with its backward. */
function normalized(fn: string, x: TensorLike, axis: number, logSpace: boolean, backward: (dy: Tensor, x: Tensor, axis: number) => Tensor): Tensor {
  const X = asTensor(x, fn, 'x');
  const L = layout(fn, X, axis);
  const out = new Float64Array(X.size);
  softmaxRows(X.data, out, L.outer, L.n, L.inner, logSpace);
  return recorded(fn, new Tensor(out, X.shape), X, backward, axis);
}

/**
 * The two backwards, line by line with s = softmax(x): softmax's s·(dy − Σ dy·s), log-softmax's
 * dy − s·Σ dy.
 */
function lineBackward(fn: string, dy: TensorLike, x: TensorLike, axis: number, log: boolean): Tensor {
  const { D, X, L } = backwardLayout(fn, dy, x, axis);
  const s = new Float64Array(X.size);
  softmaxRows(X.data, s, L.outer, L.n, L.inner, false);
  const g = D.data;
  const out = new Float64Array(X.size);
  const { outer, n, inner } = L;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let acc = 0;
      if (log) {
        for (let k = 0, p = base; k < n; k++, p += inner) acc += g[p];
        for (let k = 0, p = base; k < n; k++, p += inner) out[p] = g[p] - s[p] * acc;
      } else {
        for (let k = 0, p = base; k < n; k++, p += inner) acc += g[p] * s[p];
        for (let k = 0, p = base; k < n; k++, p += inner) out[p] = s[p] * (g[p] - acc);
      }
    }
  }
  return new Tensor(out, X.shape);
}


/**
 * Writes softmax (or log-softmax) of each length-n line of `x` laid out as [outer, n, inner].
 * Shared by softmax, logSoftmax and the fused cross-entropy loss.
 * @internal
 */
export function softmaxRows(x: Float64Array, out: Float64Array, outer: number, n: number, inner: number, logSpace: boolean): void {
  if (logSpace) {
    const { mx, lse } = rowLogSumExp(x, outer, n, inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        const m = mx[o * inner + j];
        const l = lse[o * inner + j];
        for (let k = 0, p = base; k < n; k++, p += inner) out[p] = x[p] - m - l;
      }
    }
    return;
  }
  const mx = new Float64Array(outer === 0 ? 0 : inner);
  const tot = new Float64Array(mx.length);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    expLines(x, o, n, inner, out, base, mx, tot, 0);
    for (let k = 0, p = base; k < n; k++) for (let j = 0; j < inner; j++, p++) out[p] /= tot[j];
  }
}

function layout(fn: string, X: Tensor, axis: number): AxisLayout {
  if (X.rank === 0) {
    normalizeAxis(fn, axis, 1);
    return { outer: 1, n: 1, inner: 1 };
  }
  const L = axisLayout(X.shape, normalizeAxis(fn, axis, X.rank));
  // An empty tensor has no lines to normalize: walk none, even when the other dimensions are huge.
  return X.size === 0 ? { outer: 0, n: L.n, inner: L.inner } : L;
}

function backwardLayout(fn: string, dy: TensorLike, x: TensorLike, axis: number) {
  const [D, X] = backwardArgs(fn, dy, x);
  return { D, X, L: layout(fn, X, axis) };
}

import { record, recording } from '../autograd/tape.js';
import { ShapeError, formatShape } from '../errors.js';
import { gemm, gemmStrided } from '../kernels/gemm.js';
import { checkSize } from './limits.js';
import { sameShape, shapeSize } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

/**
 * The affine map of a fully connected layer, y = x·W + b, with W `[in, out]` (nabla's layout — the
 * transpose of PyTorch's `(out, in)`, so `F.linear(x, Wᵀ, b)` in PyTorch) and b `[out]` or omitted.
 * x is `[…, in]`: every leading dimension is batch.
 *
 * ```math
 * y_{\cdot j} = \sum_k x_{\cdot k} W_{kj} + b_j
 * ```
 * @example linear([[1, 2]], [[1, 0], [0, 1]], [10, 20]).toArray(); // => [[11, 22]]
 */
export function linear(x: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  const fn = 'linear';
  const X = asTensor(x, fn, 'x');
  const W = asTensor(weight, fn, 'weight');
  const B = bias === undefined || bias === null ? null : asTensor(bias, fn, 'bias');
  const { M, K, N } = linearShapes(fn, X, W);
  if (B !== null && (B.rank !== 1 || B.size !== N)) throw new ShapeError(fn, `bias has shape ${formatShape(B.shape)} but weight has ${N} outputs (expected [${N}])`);
  const yShape = [...X.shape.slice(0, -1), N];
  const out = new Float64Array(checkSize(fn, yShape));
  // An empty result is all there is to compute, however large M or N alone is.
  if (out.length > 0) gemm(X.data, 0, W.data, 0, out, 0, M, K, N);
  if (B !== null && out.length > 0) {
    const b = B.data;
    for (let i = 0, r = 0; i < M; i++, r += N) for (let j = 0; j < N; j++) out[r + j] += b[j];
  }
  const Y = new Tensor(out, yShape);
  if (recording.tape !== null) {
    record(fn, Y, [X, W, B], (dy) => {
      const g = linearBackward(dy, X, W);
      return [g.dx, g.dweight, B === null ? null : g.dbias];
    });
  }
  return Y;
}

/**
 * Gradients of {@link linear}: dx = dy·Wᵀ, dW = xᵀ·dy (x's batch dimensions flattened into rows),
 * db = Σ dy over the rows.
 * @example linearBackward([[1, 1]], [[1, 2]], [[1, 0], [0, 1]]).dweight.toArray(); // => [[1, 1], [2, 2]]
 */
export function linearBackward(dy: TensorLike, x: TensorLike, weight: TensorLike): { dx: Tensor; dweight: Tensor; dbias: Tensor } {
  const fn = 'linearBackward';
  const X = asTensor(x, fn, 'x');
  const W = asTensor(weight, fn, 'weight');
  const D = asTensor(dy, fn, 'dy');
  const { M, K, N } = linearShapes(fn, X, W);
  const yShape = [...X.shape.slice(0, -1), N];
  if (!sameShape(D.shape, yShape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but linear(x, weight) has shape ${formatShape(yShape)}`);
  const d = D.data;
  // Each product is skipped when it or what it reads is empty: no loop runs over the other
  // dimensions of an empty tensor ([2^40, 0] inputs included). The GEMM's TN and NT forms read
  // the transposes in place.
  // dW = xᵀ·dy
  const dW = new Float64Array(K * N);
  if (dW.length > 0 && X.size > 0) gemmStrided(true, false, K, N, M, X.data, 0, K, d, 0, N, dW, 0, N);
  // db = Σ_rows dy ([N]: as large as the bias, which an empty weight [0, N] does not bound)
  const db = new Float64Array(checkSize(fn, [N], 'dbias'));
  if (d.length > 0) for (let i = 0, r = 0; i < M; i++, r += N) for (let j = 0; j < N; j++) db[j] += d[r + j];
  // dx = dy·Wᵀ
  const dx = new Float64Array(X.size);
  if (dx.length > 0 && W.size > 0) gemmStrided(false, true, M, K, N, d, 0, N, W.data, 0, N, dx, 0, K);
  return { dx: new Tensor(dx, X.shape), dweight: new Tensor(dW, W.shape), dbias: new Tensor(db, [N]) };
}

function linearShapes(fn: string, X: Tensor, W: Tensor): { M: number; K: number; N: number } {
  if (W.rank !== 2) throw new ShapeError(fn, `weight must be [in, out], got shape ${formatShape(W.shape)}`);
  const [K, N] = W.shape;
  if (X.rank < 1 || X.shape[X.rank - 1] !== K) {
    throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} but weight is ${formatShape(W.shape)} (x's last dimension must equal weight's first, ${K})`);
  }
  return { M: shapeSize(X.shape.slice(0, -1)), K, N };
}

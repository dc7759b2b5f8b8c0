import { ShapeError, formatShape } from '../errors.js';
import { broadcastShapes, broadcastStrides, shapeSize, stridesOf } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { gemm } from '../kernels/gemm.js';

/**
 * Matrix product with NumPy's `matmul` rules: 2-D × 2-D is the ordinary product; higher ranks are
 * stacks of matrices in the last two dimensions with the leading (batch) dimensions broadcast;
 * a 1-D first argument is a row vector and a 1-D second argument a column vector, and the added
 * dimension is removed from the result.
 *
 * ```math
 * C_{ij} = \sum_k A_{ik} B_{kj}
 * ```
 *
 * Method: for products above about 32³ multiply-adds, a GotoBLAS-style kernel — B is packed into
 * 4-column panels and A into 4-row panels per 128-deep slice of k, and a 4×4 register-tiled
 * micro-kernel accumulates each block of C (WebAssembly f64x2 where available, else its
 * JavaScript twin: the same bits; see docs/kernels.md). Smaller products use an i-k-j loop.
 * Summation order differs from a BLAS, so results agree with NumPy to rounding (a few ulp per
 * term), not bit for bit.
 *
 * @example matmul([[1, 2], [3, 4]], [[5], [6]]).toArray(); // => [[17], [39]]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const A = asTensor(a, 'matmul', 'a');
  const B = asTensor(b, 'matmul', 'b');
  if (A.rank === 0 || B.rank === 0) {
    throw new ShapeError('matmul', `${A.rank === 0 ? 'a' : 'b'} is a scalar (expected rank ≥ 1; use mul for scalars)`);
  }
  const aShape = A.rank === 1 ? [1, A.shape[0]] : A.shape.slice();
  const bShape = B.rank === 1 ? [B.shape[0], 1] : B.shape.slice();
  const M = aShape[aShape.length - 2];
  const K = aShape[aShape.length - 1];
  const K2 = bShape[bShape.length - 2];
  const N = bShape[bShape.length - 1];
  if (K !== K2) {
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: a is ${formatShape(A.shape)}, b is ${formatShape(B.shape)} (a's last dim must equal b's ${B.rank === 1 ? 'only' : 'second-to-last'})`,
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const nBatch = shapeSize(batch);
  const out = new Float64Array(nBatch * M * N);
  if (out.length > 0 && K > 0) {
    const sa = broadcastStrides(batchA, batch).map((s) => s * M * K);
    const sb = broadcastStrides(batchB, batch).map((s) => s * K * N);
    const batchStrides = stridesOf(batch);
    for (let t = 0; t < nBatch; t++) {
      let offA = 0;
      let offB = 0;
      let rem = t;
      for (let d = 0; d < batch.length; d++) {
        const idx = Math.floor(rem / batchStrides[d]);
        rem -= idx * batchStrides[d];
        offA += idx * sa[d];
        offB += idx * sb[d];
      }
      gemm(A.data, offA, B.data, offB, out, t * M * N, M, K, N);
    }
  }
  const shape = [...batch];
  if (A.rank > 1) shape.push(M);
  if (B.rank > 1) shape.push(N);
  return new Tensor(out, shape);
}

/**
 * C[cOff..] += A[aOff..] (M×K) · B[bOff..] (K×N), all row-major and contiguous; the backend-dispatching
 * GEMM of src/kernels/gemm.ts (re-exported here for the callers that import it from this module).
 * @internal
 */
export { gemm } from '../kernels/gemm.js';

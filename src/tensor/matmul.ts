import { ShapeError, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { checkSize } from './limits.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridedOffsets } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { gemm, gemmStrided } from '../kernels/gemm.js';

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
  const { M, K, N, batch, batchA, batchB, outShape } = matmulShapes('matmul', A, B);
  checkSize('matmul', outShape);
  const nBatch = shapeSize(batch);
  const out = new Float64Array(nBatch * M * N);
  if (out.length > 0 && K > 0) {
    const offsA = stridedOffsets(batch, broadcastStrides(batchA, batch));
    const offsB = stridedOffsets(batch, broadcastStrides(batchB, batch));
    for (let t = 0; t < nBatch; t++) {
      const offA = offsA[t] * M * K;
      const offB = offsB[t] * K * N;
      gemm(A.data, offA, B.data, offB, out, t * M * N, M, K, N);
    }
  }
  const Y = new Tensor(out, outShape);
  if (recording.tape !== null) {
    record('matmul', Y, [A, B], (dy) => {
      const { da, db } = matmulBackward(dy, A, B);
      return [da, db];
    });
  }
  return Y;
}

/**
 * Gradients of {@link matmul}: with C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC, each summed over the batch
 * dimensions its operand was broadcast along, and shaped like the operand (1-D operands included).
 * The transposes are never formed: the GEMM reads them in place (its NT and TN forms).
 * @example matmulBackward([[1]], [[1, 2]], [[3], [4]]).da.toArray(); // => [[3, 4]]
 */
export function matmulBackward(dy: TensorLike, a: TensorLike, b: TensorLike): { da: Tensor; db: Tensor } {
  const fn = 'matmulBackward';
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const D = asTensor(dy, fn, 'dy');
  const { M, K, N, batch, batchA, batchB, outShape } = matmulShapes(fn, A, B);
  if (!sameShape(D.shape, outShape)) {
    throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but matmul(a, b) has shape ${formatShape(outShape)}`);
  }
  // Per batch item t: dA_t += dC_t·B_tᵀ (NT) and dB_t += A_tᵀ·dC_t (TN), the transposes read in
  // place; an operand broadcast along a batch dimension accumulates every item's product.
  const da = new Float64Array(A.size);
  const db = new Float64Array(B.size);
  const nBatch = shapeSize(batch);
  if (M > 0 && N > 0 && K > 0) {
    const offsA = stridedOffsets(batch, broadcastStrides(batchA, batch));
    const offsB = stridedOffsets(batch, broadcastStrides(batchB, batch));
    for (let t = 0; t < nBatch; t++) {
      const offA = offsA[t] * M * K;
      const offB = offsB[t] * K * N;
      gemmStrided(false, true, M, K, N, D.data, t * M * N, N, B.data, offB, N, da, offA, K);
      gemmStrided(true, false, K, N, M, A.data, offA, K, D.data, t * M * N, N, db, offB, N);
    }
  }
  return { da: new Tensor(da, A.shape), db: new Tensor(db, B.shape) };
}

/** The shapes of a matmul: operands as matrices (1-D promoted), batch dims, and the result's shape. */
function matmulShapes(fn: string, A: Tensor, B: Tensor) {
  if (A.rank === 0 || B.rank === 0) {
    throw new ShapeError(fn, `${A.rank === 0 ? 'a' : 'b'} is a scalar (expected rank ≥ 1; use mul for scalars)`);
  }
  const aShape = A.rank === 1 ? [1, A.shape[0]] : A.shape.slice();
  const bShape = B.rank === 1 ? [B.shape[0], 1] : B.shape.slice();
  const M = aShape[aShape.length - 2];
  const K = aShape[aShape.length - 1];
  const K2 = bShape[bShape.length - 2];
  const N = bShape[bShape.length - 1];
  if (K !== K2) {
    throw new ShapeError(
      fn,
      `inner dimensions differ: a is ${formatShape(A.shape)}, b is ${formatShape(B.shape)} (a's last dim must equal b's ${B.rank === 1 ? 'only' : 'second-to-last'})`,
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes(fn, batchA, batchB);
  const outShape = [...batch];
  if (A.rank > 1) outShape.push(M);
  if (B.rank > 1) outShape.push(N);
  return { M, K, N, batch, batchA, batchB, outShape };
}

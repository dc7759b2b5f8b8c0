import { ShapeError, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { permute } from './manipulate.js';
import { sumTo } from './reduce.js';
import { checkSize } from './limits.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridedOffsets } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

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
 * micro-kernel accumulates each block of C in sixteen locals. Smaller products use an i-k-j loop.
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
 * @example matmulBackward([[1]], [[1, 2]], [[3], [4]]).da.toArray(); // => [[3, 4]]
 */
export function matmulBackward(dy: TensorLike, a: TensorLike, b: TensorLike): { da: Tensor; db: Tensor } {
  const fn = 'matmulBackward';
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const D = asTensor(dy, fn, 'dy');
  const { M, N, batch, aShape, bShape, outShape } = matmulShapes(fn, A, B);
  if (!sameShape(D.shape, outShape)) {
    throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but matmul(a, b) has shape ${formatShape(outShape)}`);
  }
  const A2 = new Tensor(A.data, aShape);
  const B2 = new Tensor(B.data, bShape);
  const D2 = new Tensor(D.data, [...batch, M, N]);
  const da = sumTo(matmul(D2, swapLastTwo(B2)), aShape);
  const db = sumTo(matmul(swapLastTwo(A2), D2), bShape);
  return { da: new Tensor(da.data, A.shape), db: new Tensor(db.data, B.shape) };
}

function swapLastTwo(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  perm[t.rank - 2] = t.rank - 1;
  perm[t.rank - 1] = t.rank - 2;
  return permute(t, perm);
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
  return { aShape, bShape, M, K, N, batch, batchA, batchB, outShape };
}

const MR = 4;
const NR = 4;
const KC = 128;
const MC = 64;
const NC = 512;

/**
 * C[cOff..] += A[aOff..] (M×K) · B[bOff..] (K×N), all row-major and contiguous; C starts at zero.
 * @internal
 */
export function gemm(
  A: Float64Array,
  aOff: number,
  B: Float64Array,
  bOff: number,
  C: Float64Array,
  cOff: number,
  M: number,
  K: number,
  N: number,
): void {
  if (M * N * K <= 32768 || M < MR || N < NR) {
    naiveGemm(A, aOff, B, bOff, C, cOff, M, K, N);
    return;
  }
  const bp = new Float64Array(KC * (Math.min(NC, N) + NR));
  const ap = new Float64Array(KC * (MC + MR));
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(B, bOff + pc * N + jc, N, kc, nc, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, aOff + ic * K + pc, K, mc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bBase = (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(ap, (ir / MR) * kc * MR, bp, bBase, kc, C, cOff + (ic + ir) * N + jc + jr, N, mr, nr);
          }
        }
      }
    }
  }
}

/** Packs a kc×nc block of B (row stride ldb) into NR-wide column panels, zero-padded. */
function packB(B: Float64Array, off: number, ldb: number, kc: number, nc: number, bp: Float64Array): void {
  let p = 0;
  for (let j = 0; j < nc; j += NR) {
    const w = Math.min(NR, nc - j);
    for (let k = 0; k < kc; k++) {
      const row = off + k * ldb + j;
      if (w === NR) {
        bp[p] = B[row];
        bp[p + 1] = B[row + 1];
        bp[p + 2] = B[row + 2];
        bp[p + 3] = B[row + 3];
      } else {
        for (let c = 0; c < NR; c++) bp[p + c] = c < w ? B[row + c] : 0;
      }
      p += NR;
    }
  }
}

/** Packs an mc×kc block of A (row stride lda) into MR-tall row panels stored k-major, zero-padded. */
function packA(A: Float64Array, off: number, lda: number, mc: number, kc: number, ap: Float64Array): void {
  let p = 0;
  for (let i = 0; i < mc; i += MR) {
    const h = Math.min(MR, mc - i);
    const r0 = off + i * lda;
    if (h === MR) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      for (let k = 0; k < kc; k++) {
        ap[p] = A[r0 + k];
        ap[p + 1] = A[r1 + k];
        ap[p + 2] = A[r2 + k];
        ap[p + 3] = A[r3 + k];
        p += MR;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) ap[p + r] = r < h ? A[r0 + r * lda + k] : 0;
        p += MR;
      }
    }
  }
}

/** C[4×4 block] += Ap panel · Bp panel over kc, with sixteen accumulators held in locals. */
function microKernel(
  ap: Float64Array,
  ai: number,
  bp: Float64Array,
  bi: number,
  kc: number,
  C: Float64Array,
  c0: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++, ai += 4, bi += 4) {
    const b0 = bp[bi];
    const b1 = bp[bi + 1];
    const b2 = bp[bi + 2];
    const b3 = bp[bi + 3];
    let a = ap[ai];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = ap[ai + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = ap[ai + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = ap[ai + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (mr === 4 && nr === 4) {
    let r = c0;
    C[r] += c00; C[r + 1] += c01; C[r + 2] += c02; C[r + 3] += c03;
    r += ldc;
    C[r] += c10; C[r + 1] += c11; C[r + 2] += c12; C[r + 3] += c13;
    r += ldc;
    C[r] += c20; C[r + 1] += c21; C[r + 2] += c22; C[r + 3] += c23;
    r += ldc;
    C[r] += c30; C[r + 1] += c31; C[r + 2] += c32; C[r + 3] += c33;
    return;
  }
  // Edge block: write only the valid mr×nr corner.
  const vals = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) C[c0 + i * ldc + j] += vals[i * 4 + j];
}

function naiveGemm(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * N;
    const ai = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const aik = A[ai + k];
      const bk = bOff + k * N;
      for (let j = 0; j < N; j++) C[ci + j] += aik * B[bk + j];
    }
  }
}

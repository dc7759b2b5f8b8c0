// GEMM: C += op(A)·op(B) for NN, NT, TN and TT, with offsets and row strides, against a plain
// reference (to rounding) and js vs wasm (bit for bit), including shapes that are not multiples of
// the 4×4 tile or of the 128-deep k blocks, accumulation into a nonzero C, and NaN/∞/−0 entries.
import { describe, expect, it } from 'vitest';
import { createRng, matmul, tensor } from '../../src/index.js';
import { gemm, gemmStrided } from '../../src/kernels/gemm.js';
import { firstBitDifference, onBothBackends } from '../helpers/backends.js';

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

function run(c: Case, seed: number, special = false) {
  const rng = createRng(seed);
  const lda = (c.transA ? c.M : c.K) + 3;
  const ldb = (c.transB ? c.K : c.N) + 1;
  const ldc = c.N + 2;
  const aRows = c.transA ? c.K : c.M;
  const bRows = c.transB ? c.N : c.K;
  const A = rng.fillUniform(new Float64Array(5 + aRows * lda), -1, 1);
  const B = rng.fillUniform(new Float64Array(2 + bRows * ldb), -1, 1);
  const C0 = rng.fillUniform(new Float64Array(4 + c.M * ldc), -1, 1);
  if (special) {
    const vals = [NaN, Infinity, -Infinity, -0, 0, 1e300, -1e-300];
    for (let t = 0; t < 12; t++) {
      A[5 + Math.floor(rng.random() * (A.length - 5))] = vals[t % vals.length];
      B[2 + Math.floor(rng.random() * (B.length - 2))] = vals[(t + 3) % vals.length];
    }
  }
  const r = onBothBackends(() => {
    const C = C0.slice();
    gemmStrided(c.transA, c.transB, c.M, c.N, c.K, A, 5, lda, B, 2, ldb, C, 4, ldc);
    return C;
  });
  return { A, B, C0, lda, ldb, ldc, ...r };
}

function reference(c: Case, A: Float64Array, lda: number, B: Float64Array, ldb: number, C0: Float64Array, ldc: number) {
  const C = C0.slice();
  for (let i = 0; i < c.M; i++) {
    for (let j = 0; j < c.N; j++) {
      let s = 0;
      for (let k = 0; k < c.K; k++) {
        const a = c.transA ? A[5 + k * lda + i] : A[5 + i * lda + k];
        const b = c.transB ? B[2 + j * ldb + k] : B[2 + k * ldb + j];
        s += a * b;
      }
      C[4 + i * ldc + j] += s;
    }
  }
  return C;
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [4, 4, 4], [5, 3, 2000], [33, 33, 33], [37, 41, 129], [64, 64, 128], [65, 66, 257],
  [130, 9, 300], [9, 517, 140], [200, 600, 31], [7, 1030, 12],
];

describe('gemmStrided', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}: js and wasm bit-identical, both equal to the reference to rounding`, () => {
        for (const [M, N, K] of SHAPES) {
          const c = { transA, transB, M, N, K };
          const r = run(c, M * 1000 + N * 10 + K);
          const d = firstBitDifference(r.js, r.wasm);
          expect(d, `${M}×${N}×${K} at ${d}`).toBe(-1);
          const ref = reference(c, r.A, r.lda, r.B, r.ldb, r.C0, r.ldc);
          let worst = 0;
          for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - r.js[i]));
          expect(worst, `${M}×${N}×${K}`).toBeLessThan(1e-12 * Math.sqrt(K) * 4);
          // outside C's M×N window (padding between rows, before and after): untouched
          for (let i = 0; i < ref.length; i++) {
            const row = Math.floor((i - 4) / r.ldc);
            const col = (i - 4) % r.ldc;
            if (i < 4 || row >= M || col >= N) expect(Object.is(r.js[i], r.C0[i]) && Object.is(r.wasm[i], r.C0[i])).toBe(true);
          }
        }
      });
    }
  }

  it('NaN, ±∞, −0 and huge entries: the same bits on both backends', () => {
    for (const [M, N, K] of [[37, 41, 129], [65, 66, 257], [3, 5, 7]] as [number, number, number][]) {
      for (const transA of [false, true]) {
        const r = run({ transA, transB: !transA, M, N, K }, 7 + M, true);
        expect(firstBitDifference(r.js, r.wasm)).toBe(-1);
      }
    }
  });

  it('empty dimensions change nothing', () => {
    const C = new Float64Array([1, 2, 3]);
    gemmStrided(false, false, 0, 3, 4, new Float64Array(0), 0, 4, new Float64Array(12), 0, 3, C, 0, 3);
    gemmStrided(false, false, 1, 3, 0, new Float64Array(0), 0, 0, new Float64Array(0), 0, 3, C, 0, 3);
    expect(Array.from(C)).toEqual([1, 2, 3]);
  });

  it('gemm (the contiguous NN form) equals gemmStrided', () => {
    const rng = createRng(3);
    const A = rng.fillUniform(new Float64Array(70 * 90), -1, 1);
    const B = rng.fillUniform(new Float64Array(90 * 50), -1, 1);
    const C1 = new Float64Array(70 * 50);
    const C2 = new Float64Array(70 * 50);
    gemm(A, 0, B, 0, C1, 0, 70, 90, 50);
    gemmStrided(false, false, 70, 50, 90, A, 0, 90, B, 0, 50, C2, 0, 50);
    expect(firstBitDifference(C1, C2)).toBe(-1);
  });

  it('batched matmul with broadcasting: the same bits on both backends', () => {
    const rng = createRng(11);
    const a = tensor(rng.fillUniform(new Float64Array(3 * 2 * 40 * 70), -1, 1), [3, 2, 40, 70]);
    const b = tensor(rng.fillUniform(new Float64Array(2 * 70 * 45), -1, 1), [2, 70, 45]);
    const r = onBothBackends(() => matmul(a, b).data);
    expect(firstBitDifference(r.js, r.wasm)).toBe(-1);
  });
});

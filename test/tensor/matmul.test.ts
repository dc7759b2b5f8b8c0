import { describe, expect, it } from 'vitest';
import { ShapeError, matmul, tensor, zeros } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('tensor.json');

describe('matmul against NumPy', () => {
  for (const c of fx.matmul as { a: FixTensor; b: FixTensor; out: FixTensor }[]) {
    it(`${JSON.stringify(c.a.shape)} @ ${JSON.stringify(c.b.shape)}`, () => {
      // Different summation order from BLAS: agreement to rounding, checked relative to the row scale.
      expectMatches(matmul(fromFix(c.a), fromFix(c.b)), c.out, 1e-12, 1e-11);
    });
  }
});

describe('matmul', () => {
  it('hand-computed 2×2 and vector cases', () => {
    expect(matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]).toArray()).toEqual([[19, 22], [43, 50]]);
    expect(matmul([1, 2], [3, 4]).shape).toEqual([]);
    expect(matmul([1, 2], [3, 4]).item()).toBe(11);
  });

  it('propagates NaN and infinity (no zero-skipping)', () => {
    const out = matmul([[0, 1]], [[Infinity], [2]]);
    expect(out.item()).toBeNaN(); // 0·∞ = NaN
  });

  it('K = 0 gives zeros', () => {
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('blocked kernel handles every edge remainder', () => {
    // Compare the blocked path with a direct float64 triple loop on integer data (exact).
    for (const [M, K, N] of [[33, 17, 35], [4, 300, 4], [67, 129, 5], [5, 1100, 66]]) {
      const a = new Float64Array(M * K).map((_, i) => ((i * 7) % 11) - 5);
      const b = new Float64Array(K * N).map((_, i) => ((i * 5) % 13) - 6);
      const c = matmul(tensor(a, [M, K]), tensor(b, [K, N]));
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
          if (c.data[i * N + j] !== s) expect.fail(`[${M},${K},${N}] at (${i},${j}): ${c.data[i * N + j]} vs ${s}`);
        }
      }
    }
  });

  it('shape errors say what was wrong', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      "matmul: inner dimensions differ: a is [2,3], b is [4,5] (a's last dim must equal b's second-to-last)",
    );
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => matmul(3, [1])).toThrow(/a is a scalar/);
  });
});

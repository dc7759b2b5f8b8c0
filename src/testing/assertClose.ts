import { NablaError, formatShape } from '../errors.js';
import { closeOptions, firstMismatches, type CloseOptions } from '../tensor/compare.js';
import { sameShape, unravelIndex } from '../tensor/shape.js';
import { asTensor, type TensorLike } from '../tensor/tensor.js';

/**
 * Throws unless `actual` and `expected` have the same shape and every element satisfies
 * `|actual − expected| ≤ atol + rtol·|expected|` (defaults rtol 1e-5, atol 1e-8; NaN matches NaN
 * only with `equalNan`). The error is a report for a person or an autograder log:
 *
 * ```text
 * assertClose: 2 of 6 elements differ (rtol 1e-12, atol 0), shape [2,3]
 *   worst at [1,2]: actual 0.30000000000000004, expected 0.3, |diff| 5.55e-17, relative error 1.85e-16
 * ```
 * @example assertClose([0.1 + 0.2], [0.3], { rtol: 1e-12 }); // passes
 */
export function assertClose(actual: TensorLike, expected: TensorLike, options?: CloseOptions): void {
  const tol = closeOptions('assertClose', options);
  const A = asTensor(actual, 'assertClose', 'actual');
  const E = asTensor(expected, 'assertClose', 'expected');
  if (!sameShape(A.shape, E.shape)) {
    throw new NablaError('assertClose', `shapes differ: actual is ${formatShape(A.shape)}, expected ${formatShape(E.shape)}`);
  }
  const m = firstMismatches('assertClose', A, E, tol);
  if (m.count === 0) return;
  const { rtol, atol } = tol;
  const idx = unravelIndex(m.worst, A.shape);
  const diff = Math.abs(m.worstA - m.worstB);
  throw new NablaError(
    'assertClose',
    `${m.count} of ${A.size} elements differ (rtol ${rtol}, atol ${atol}), shape ${formatShape(A.shape)}\n` +
      `  worst at ${formatShape(idx)}: actual ${fmt(m.worstA)}, expected ${fmt(m.worstB)}, |diff| ${fmt(diff)}, relative error ${fmt(m.worstRel)}`,
  );
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

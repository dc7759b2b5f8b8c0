import { NablaError, ValueError, describe, formatShape } from '../errors.js';
import { closeOptions, outsideTolerance, type CloseOptions } from '../tensor/compare.js';
import { sameShape, unravelIndex } from '../tensor/shape.js';
import { asTensor, type TensorLike } from '../tensor/tensor.js';
import { formatError, formatValue } from './report.js';

/** Options of {@link assertClose}: the isclose tolerances, and a name for the report. */
export interface AssertCloseOptions extends CloseOptions {
  /** What is compared (`'dW'`, `'next_w'`); the report starts with it. Default `'assertClose'`. */
  name?: string;
}

/** How many of the worst elements a report lists. */
const LISTED = 5;

/**
 * Throws unless `actual` and `expected` have the same shape and every element satisfies
 * `|actual − expected| ≤ atol + rtol·|expected|` (defaults rtol 1e-5, atol 1e-8; NaN matches NaN
 * only with `equalNan`). The error is a NablaError whose message is a report for a person or an
 * autograder log: it starts with `name` (default `assertClose`), says how many elements differ, and
 * lists up to 5 of the worst — those furthest outside the tolerance — with their index, both values
 * at full precision, and |diff| and the relative error |diff| / |expected| rounded to 3 digits:
 *
 * ```text
 * dW: 2 of 6 elements differ (rtol 1e-12, atol 0), shape [2,3]
 *   index  actual               expected  |diff|    rel. error
 *   [1,2]  0.30000000000000004  0.3       5.55e-17  1.85e-16
 * ```
 * @example assertClose([0.1 + 0.2], [0.3], { rtol: 1e-12, name: 'sum' }); // passes
 */
export function assertClose(actual: TensorLike, expected: TensorLike, options?: AssertCloseOptions): void {
  const fn = 'assertClose';
  const tol = closeOptions(fn, options, ['name']);
  const rawName = tol.rest.name;
  if (rawName !== undefined && (typeof rawName !== 'string' || rawName.length === 0)) {
    throw new ValueError(fn, `options.name must be a non-empty string, got ${describe(rawName)}`);
  }
  const name = (rawName as string | undefined) ?? fn;
  const A = asTensor(actual, fn, 'actual');
  const E = asTensor(expected, fn, 'expected');
  if (!sameShape(A.shape, E.shape)) {
    throw report(name, `shapes differ: actual is ${formatShape(A.shape)}, expected ${formatShape(E.shape)}`);
  }
  const { rtol, atol, equalNan } = tol;
  // The worst LISTED mismatches, worst first, by how far outside the tolerance they are.
  const worst: { i: number; score: number }[] = [];
  let count = 0;
  for (let i = 0; i < A.size; i++) {
    const score = outsideTolerance(A.data[i], E.data[i], rtol, atol, equalNan);
    if (score === 0) continue;
    count++;
    if (worst.length === LISTED && !(score > worst[LISTED - 1].score)) continue;
    worst.push({ i, score });
    worst.sort((p, q) => (q.score > p.score ? 1 : q.score < p.score ? -1 : 0)); // stable: ties keep index order
    if (worst.length > LISTED) worst.length = LISTED;
  }
  if (count === 0) return;
  const rows = worst.map(({ i }) => {
    const x = A.data[i];
    const y = E.data[i];
    const diff = Math.abs(x - y);
    return [formatShape(unravelIndex(i, A.shape)), formatValue(x), formatValue(y), formatError(diff), formatError(diff / Math.abs(y))];
  });
  const table = [['index', 'actual', 'expected', '|diff|', 'rel. error'], ...rows];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const lines = table.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}`);
  const more = count > rows.length ? `\n  … and ${count - rows.length} more (the ${rows.length} furthest outside the tolerance are shown)` : '';
  throw report(
    name,
    `${count} of ${A.size} elements differ (rtol ${rtol}, atol ${atol}${equalNan ? ', equalNan' : ''}), shape ${formatShape(A.shape)}\n${lines.join('\n')}${more}`,
  );
}

/** The report as a NablaError of assertClose whose message starts with the name. */
function report(name: string, body: string): NablaError {
  const e = new NablaError('assertClose', body);
  e.message = `${name}: ${body}`;
  return e;
}

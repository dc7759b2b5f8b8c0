import { ValueError, describe } from '../errors.js';
import { checkShape, shapeSize } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * A tensor of the given shape filled with zeros. Also an initializer: the second argument (the
 * initializers' options) is accepted and ignored, so `zeros` can be passed wherever an initializer is.
 * @example zeros([2, 3]).toArray(); // => [[0, 0, 0], [0, 0, 0]]
 */
export function zeros(shape: readonly number[], _options?: object): Tensor {
  const dims = checkShape('zeros', 'shape', shape);
  return new Tensor(new Float64Array(shapeSize(dims)), dims);
}

/**
 * A tensor of the given shape filled with ones.
 * @example ones([2]).toArray(); // => [1, 1]
 */
export function ones(shape: readonly number[], _options?: object): Tensor {
  return full(shape, 1, 'ones');
}

/**
 * A tensor of the given shape filled with `value`.
 * @example full([2], 7).toArray(); // => [7, 7]
 */
export function full(shape: readonly number[], value: number, fn = 'full'): Tensor {
  const dims = checkShape(fn, 'shape', shape);
  if (typeof value !== 'number') throw new ValueError(fn, `value must be a number, got ${describe(value)}`);
  return new Tensor(new Float64Array(shapeSize(dims)).fill(value), dims);
}

/**
 * Evenly spaced values like NumPy's `arange`: `arange(n)` is `[0, 1, …, n−1]`;
 * `arange(start, stop, step = 1)` has `ceil((stop − start) / step)` values `start + i·step`.
 * @example arange(4).toArray(); // => [0, 1, 2, 3]
 * @example arange(1, 2, 0.25).toArray(); // => [1, 1.25, 1.5, 1.75]
 */
export function arange(n: number): Tensor;
export function arange(start: number, stop: number, step?: number): Tensor;
export function arange(a: number, b?: number, step = 1): Tensor {
  const start = b === undefined ? 0 : a;
  const stop = b === undefined ? a : b;
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError('arange', `${name} must be a finite number, got ${describe(v)}`);
  }
  if (step === 0) throw new ValueError('arange', 'step is 0 (expected a nonzero step)');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > 2 ** 31) throw new ValueError('arange', `would create ${n} elements (expected at most 2^31)`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * The n×n identity matrix.
 * @example eye(2).toArray(); // => [[1, 0], [0, 1]]
 */
export function eye(n: number): Tensor {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ValueError('eye', `n must be a non-negative integer, got ${describe(n)}`);
  }
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return new Tensor(data, [n, n]);
}

import { ValueError, describe } from '../errors.js';
import { checkInteger, checkNumber } from '../validate.js';
import { checkSize } from './limits.js';
import { checkShape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * A tensor of the given shape filled with zeros. It can also serve as a layer's initializer
 * (`new Linear(3, 4, { init: zeros })`): the initializers' options argument is simply not read.
 * @example zeros([2, 3]).toArray(); // => [[0, 0, 0], [0, 0, 0]]
 */
export function zeros(shape: readonly number[]): Tensor {
  return filled('zeros', shape, 0);
}

/**
 * A tensor of the given shape filled with ones (usable as an initializer, like {@link zeros}).
 * @example ones([2]).toArray(); // => [1, 1]
 */
export function ones(shape: readonly number[]): Tensor {
  return filled('ones', shape, 1);
}

/**
 * A tensor of the given shape filled with `value`.
 * @example full([2], 7).toArray(); // => [7, 7]
 */
export function full(shape: readonly number[], value: number): Tensor {
  if (typeof value !== 'number') throw new ValueError('full', `value must be a number, got ${describe(value)}`);
  return filled('full', shape, value);
}

function filled(fn: string, shape: readonly number[], value: number): Tensor {
  const dims = checkShape(fn, 'shape', shape);
  const data = new Float64Array(checkSize(fn, dims));
  if (!Object.is(value, 0)) data.fill(value);
  return new Tensor(data, dims);
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, computed as NumPy's `linspace`:
 * step = (stop − start)/(num − 1), value i = i·step + start, and the last value exactly `stop`.
 * (PyTorch's `linspace` fills the second half from `stop` backwards, so a few values can differ in
 * the last bit.) `num` = 1 gives `[start]`; 0 an empty tensor. No gradient.
 * @example linspace(0, 1, 5).toArray(); // => [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  const fn = 'linspace';
  checkNumber(fn, 'start', start);
  checkNumber(fn, 'stop', stop);
  checkInteger(fn, 'num', num, 0);
  const data = new Float64Array(checkSize(fn, [num]));
  const div = num - 1;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  for (let i = 0; i < num; i++) data[i] = div > 0 ? (step === 0 ? (i / div) * delta : i * step) + start : i * delta + start;
  if (num > 1) data[num - 1] = stop;
  return new Tensor(data, [num]);
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
  const data = new Float64Array(checkSize('arange', [n]));
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
  const data = new Float64Array(checkSize('eye', [n, n]));
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return new Tensor(data, [n, n]);
}

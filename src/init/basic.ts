import { ValueError, describe } from '../errors.js';
import { shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInitShape, drawNormal, drawUniform, initSetup, type NormalInitOptions } from './common.js';
import type { RandomOptions } from '../random/rng.js';
import { checkNumber } from '../validate.js';

/** Options of {@link uniform}. */
export interface UniformOptions extends RandomOptions {
  /** Lower bound (inclusive). Default 0. */
  low?: number;
  /** Upper bound (exclusive), > low. Default 1. */
  high?: number;
}

/**
 * U(low, high) in row-major order, ≡ `np.random.RandomState(seed).uniform(low, high, shape)`.
 * @example uniform([2], { low: -1, high: 1, seed: 0 }).toArray(); // => [0.0976270078546495, 0.43037873274483895]
 */
export function uniform(shape: readonly number[], options?: UniformOptions): Tensor {
  const { dims, o, rng } = initSetup('uniform', shape, options, ['low', 'high']);
  const low = checkNumber('uniform', 'options.low', o.low ?? 0);
  const high = checkNumber('uniform', 'options.high', o.high ?? 1);
  if (!(low < high)) throw new ValueError('uniform', `options.low ${low} must be less than options.high ${high}`);
  return drawUniform(dims, rng, low, high);
}

/** Options of {@link normal}. */
export interface NormalOptions extends NormalInitOptions {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation ≥ 0. Default 1. */
  std?: number;
}

/**
 * N(mean, std²) in row-major order, ≡ `RandomState(seed).normal(mean, std, shape)` (to a few ulp);
 * `truncated: true` gives Keras' truncated normal with realized std `std`.
 * @example normal([2], { std: 0.1, seed: 0 }).toArray(); // ≈ [0.17641, 0.04002]
 */
export function normal(shape: readonly number[], options?: NormalOptions): Tensor {
  const { dims, o, rng, truncated } = initSetup('normal', shape, options, ['mean', 'std', 'truncated']);
  const mean = checkNumber('normal', 'options.mean', o.mean ?? 0);
  const std = checkNumber('normal', 'options.std', o.std ?? 1, 'nonneg');
  return drawNormal(dims, rng, mean, std, truncated);
}

/**
 * A tensor filled with `value` (positive dimensions only, like every initializer; for empty
 * tensors use {@link full}).
 * @example constant([2, 2], 0.1).toArray(); // => [[0.1, 0.1], [0.1, 0.1]]
 */
export function constant(shape: readonly number[], value: number): Tensor {
  const dims = checkInitShape('constant', shape);
  if (typeof value !== 'number') throw new ValueError('constant', `value must be a number, got ${describe(value)}`);
  return new Tensor(new Float64Array(shapeSize(dims)).fill(value), dims);
}

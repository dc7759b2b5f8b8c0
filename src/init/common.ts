import { ValueError, describe, formatList, formatShape } from '../errors.js';
import { resolveRng, type RandomOptions, type Rng } from '../random/rng.js';
import { checkRank, checkSize } from '../tensor/limits.js';
import { shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkOptions } from '../validate.js';

/**
 * An initializer as layers call it: `(shape, { rng }) => Tensor` — every initializer of this module
 * (`xavierUniform`, `heNormal`, `orthogonal`, …) and `zeros`/`ones` fit.
 */
export type Initializer = (shape: readonly number[], options: { rng: Rng }) => Tensor;

/**
 * Runs a layer's initializer and checks that it returned a tensor of exactly `shape`; `name` is the
 * option it came from (`options.init`). @internal
 */
export function initialize(fn: string, name: string, init: Initializer, shape: readonly number[], rng: Rng): Tensor {
  const t: unknown = init(shape, { rng });
  if (!(t instanceof Tensor) || t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ValueError(fn, `${name} returned ${t instanceof Tensor ? `shape ${formatShape(t.shape)}` : describe(t)} (expected ${formatShape(shape)})`);
  }
  return t;
}

/** Options every random initializer takes. */
export interface InitOptions extends RandomOptions {
  /** Override the fan-in computed from the shape. */
  fanIn?: number;
  /** Override the fan-out computed from the shape. */
  fanOut?: number;
}

/** Options of the normal-distribution initializers. */
export interface NormalInitOptions extends InitOptions {
  /**
   * Keras' truncated normal: draw N(0, (std/0.87962566103423978)²) and redraw values beyond two of
   * those standard deviations, so the realized std is `std`. Default false (PyTorch's untruncated).
   */
  truncated?: boolean;
}

/** Checks that every dimension is a positive integer (initializers do not make empty tensors). @internal */
export function checkInitShape(fn: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ValueError(fn, `shape must be an array of dimensions, got ${describe(shape)}`);
  checkRank(fn, 'shape', shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1) {
      throw new ValueError(fn, `shape[${i}] is ${describe(d)} in ${formatList(shape)} (dimensions must be positive integers)`);
    }
  }
  checkSize(fn, shape);
  return shape.slice();
}

/**
 * std of a standard normal truncated to [−2, 2]; Keras divides by it so that the truncated draw has
 * the requested std (`keras/src/initializers/random_initializers.py`).
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** Fills a new tensor with U(low, high) draws in row-major order. @internal */
export function drawUniform(shape: number[], rng: Rng, low: number, high: number): Tensor {
  return new Tensor(rng.fillUniform(new Float64Array(shapeSize(shape)), low, high), shape);
}

/**
 * Fills a new tensor with N(mean, std²) draws in row-major order; with `truncated`, Keras' rule:
 * scale std by 1/0.8796… and redraw any value more than 2 scaled stds from the mean.
 * @internal
 */
export function drawNormal(shape: number[], rng: Rng, mean: number, std: number, truncated: boolean): Tensor {
  const out = new Float64Array(shapeSize(shape));
  if (!truncated) return new Tensor(rng.fillNormal(out, mean, std), shape);
  const s = std / TRUNCATED_NORMAL_STD;
  for (let i = 0; i < out.length; i++) {
    let z: number;
    do z = rng.normal();
    while (z > 2 || z < -2);
    out[i] = mean + s * z;
  }
  return new Tensor(out, shape);
}

/** The option keys of the fan-scaled initializers besides the generator's. @internal */
export const FAN_KEYS: readonly string[] = ['fanIn', 'fanOut'];

/**
 * Parses an initializer's shape and options: the generator (`rng` | `seed`) plus `keys` (its own),
 * and the truncated flag when `keys` lists it. @internal
 */
export function initSetup<T extends NormalInitOptions>(fn: string, shape: unknown, options: T | undefined, keys: readonly string[] = []) {
  const dims = checkInitShape(fn, shape);
  const o = checkOptions<T>(fn, options, ['rng', 'seed', ...keys]);
  const truncated = checkBoolean(fn, 'options.truncated', o.truncated ?? false);
  const rng = resolveRng(fn, o as RandomOptions);
  return { dims, o, rng, truncated };
}


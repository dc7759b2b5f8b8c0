import { ValueError, describe } from '../errors.js';
import { resolveRng, type RandomOptions, type Rng } from '../random/rng.js';
import { shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { optionsOf } from '../util.js';

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
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1) {
      throw new ValueError(fn, `shape[${i}] is ${describe(d)} in ${JSON.stringify(shape)} (dimensions must be positive integers)`);
    }
  }
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

/** Parses common options: the generator and the truncated flag. @internal */
export function initSetup<T extends NormalInitOptions>(fn: string, shape: unknown, options: T | undefined) {
  const dims = checkInitShape(fn, shape);
  const o = optionsOf(fn, options) as Partial<T>;
  if (o.truncated !== undefined && typeof o.truncated !== 'boolean') {
    throw new ValueError(fn, `options.truncated must be a boolean, got ${describe(o.truncated)}`);
  }
  const rng = resolveRng(fn, o as RandomOptions);
  return { dims, o, rng, truncated: o.truncated ?? false };
}


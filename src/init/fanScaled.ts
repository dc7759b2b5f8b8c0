import { checkChoice, checkNumber } from '../validate.js';
import { Tensor } from '../tensor/tensor.js';
import { FAN_KEYS, drawNormal, drawUniform, initSetup, type InitOptions, type NormalInitOptions } from './common.js';
import { fansOf } from './computeFans.js';

/** Options of the Xavier initializers. */
export interface XavierOptions extends InitOptions {
  /** Multiplies the range. Default 1; see {@link calculateGain}. */
  gain?: number;
}

/** Options of the He and LeCun initializers. */
export interface FanModeOptions extends InitOptions {
  /** Which fan sets the scale: `'fanIn'` (default; preserves forward variance) or `'fanOut'` (backward). */
  mode?: 'fanIn' | 'fanOut';
}

/**
 * U(−r, r) with r = 1/√n_in — the textbook's first rule, and PyTorch's default for `nn.Linear`
 * weights and biases (`kaiming_uniform_(a=√5)` reduces to it).
 * @example fanInUniform([3, 4], { seed: 0 }); // ≡ RandomState(0).uniform(-1/√3, 1/√3, (3, 4))
 */
export function fanInUniform(shape: readonly number[], options?: InitOptions): Tensor {
  const fn = 'fanInUniform';
  const { dims, o, rng } = initSetup(fn, shape, options, FAN_KEYS);
  const { fanIn } = fansOf(fn, dims, o);
  const r = 1 / Math.sqrt(fanIn);
  return drawUniform(dims, rng, -r, r);
}

/**
 * Xavier/Glorot uniform: U(−r, r) with r = gain·√(6/(n_in + n_out)) — the textbook's second rule
 * (Glorot & Bengio 2010). Computed as PyTorch does, r = √3 · gain·√(2/(n_in + n_out)).
 * Keras' `glorot_uniform` (its Dense default) is the same distribution.
 * @example xavierUniform([3, 4], { seed: 0 }); // ≡ RandomState(0).uniform(-r, r, (3, 4)), r = √(6/7)
 */
export function xavierUniform(shape: readonly number[], options?: XavierOptions): Tensor {
  const fn = 'xavierUniform';
  const { dims, o, rng } = initSetup(fn, shape, options, [...FAN_KEYS, 'gain']);
  const { fanIn, fanOut } = fansOf(fn, dims, o);
  const r = Math.sqrt(3) * (gainOf(fn, o.gain) * Math.sqrt(2 / (fanIn + fanOut)));
  return drawUniform(dims, rng, -r, r);
}

/**
 * Xavier/Glorot normal: N(0, std²) with std = gain·√(2/(n_in + n_out)); untruncated like PyTorch's
 * `xavier_normal_` unless `truncated` (Keras' `glorot_normal` is truncated).
 * @example xavierNormal([3, 4], { seed: 0 }).shape; // => [3, 4]
 */
export function xavierNormal(shape: readonly number[], options?: XavierOptions & NormalInitOptions): Tensor {
  const fn = 'xavierNormal';
  const { dims, o, rng, truncated } = initSetup(fn, shape, options, [...FAN_KEYS, 'gain', 'truncated']);
  const { fanIn, fanOut } = fansOf(fn, dims, o);
  const std = gainOf(fn, o.gain) * Math.sqrt(2 / (fanIn + fanOut));
  return drawNormal(dims, rng, 0, std, truncated);
}

/**
 * He/Kaiming uniform: U(−r, r) with r = √(6/n) (n = fan-in by default): PyTorch's
 * `kaiming_uniform_` with its default gain √2, computed as √3·(√2/√n). Keras `he_uniform`.
 * @example heUniform([4, 3], { seed: 0 }).shape; // => [4, 3]
 */
export function heUniform(shape: readonly number[], options?: FanModeOptions): Tensor {
  const fn = 'heUniform';
  const { dims, o, rng } = initSetup(fn, shape, options, [...FAN_KEYS, 'mode']);
  const r = Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(modeFan(fn, dims, o)));
  return drawUniform(dims, rng, -r, r);
}

/**
 * He/Kaiming normal: N(0, 2/n), std = √2/√n. Untruncated (PyTorch's `kaiming_normal_`) unless
 * `truncated` (Keras' `he_normal`).
 * @example heNormal([4, 3], { seed: 0 }).shape; // => [4, 3]
 */
export function heNormal(shape: readonly number[], options?: FanModeOptions & NormalInitOptions): Tensor {
  const fn = 'heNormal';
  const { dims, o, rng, truncated } = initSetup(fn, shape, options, [...FAN_KEYS, 'mode', 'truncated']);
  return drawNormal(dims, rng, 0, Math.SQRT2 / Math.sqrt(modeFan(fn, dims, o)), truncated);
}

/**
 * LeCun uniform: U(−r, r) with r = √(3/n), computed as √3·(1/√n). Keras `lecun_uniform`.
 * @example lecunUniform([4, 3], { seed: 0 }).shape; // => [4, 3]
 */
export function lecunUniform(shape: readonly number[], options?: FanModeOptions): Tensor {
  const fn = 'lecunUniform';
  const { dims, o, rng } = initSetup(fn, shape, options, [...FAN_KEYS, 'mode']);
  const r = Math.sqrt(3) * (1 / Math.sqrt(modeFan(fn, dims, o)));
  return drawUniform(dims, rng, -r, r);
}

/**
 * LeCun normal: N(0, 1/n), std = 1/√n — also the textbook's r = 1/√n_in used as a Gaussian std.
 * Untruncated unless `truncated` (Keras' `lecun_normal` is truncated).
 * @example lecunNormal([4, 3], { seed: 0 }).shape; // => [4, 3]
 */
export function lecunNormal(shape: readonly number[], options?: FanModeOptions & NormalInitOptions): Tensor {
  const fn = 'lecunNormal';
  const { dims, o, rng, truncated } = initSetup(fn, shape, options, [...FAN_KEYS, 'mode', 'truncated']);
  return drawNormal(dims, rng, 0, 1 / Math.sqrt(modeFan(fn, dims, o)), truncated);
}

function gainOf(fn: string, gain: unknown): number {
  return checkNumber(fn, 'options.gain', gain ?? 1, 'nonneg');
}

function modeFan(fn: string, dims: number[], o: FanModeOptions): number {
  const mode = checkChoice(fn, 'options.mode', o.mode ?? 'fanIn', ['fanIn', 'fanOut'] as const);
  const fans = fansOf(fn, dims, o);
  return mode === 'fanIn' ? fans.fanIn : fans.fanOut;
}

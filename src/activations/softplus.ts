import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkNumber, checkNumberWhere, checkOptions } from '../validate.js';
import { expNegAbsInto, logisticOf, softplusInto } from '../kernels/arrays.js';
import { mapActivation, mapBackward } from './common.js';

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** Sharpness β > 0. Default 1. */
  beta?: number;
  /** Above βx > threshold the function is the identity. Default 20 (PyTorch's). */
  threshold?: number;
}

/**
 * Softplus with PyTorch's parameters: x when βx > threshold, else log(1 + e^(βx))/β.
 *
 * ```math
 * \mathrm{softplus}(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right), \qquad
 * \mathrm{softplus}'(x) = \sigma(\beta x)
 * ```
 *
 * Method: for βx ≤ threshold, (max(βx, 0) + log1p(e^(−|βx|)))/β — for βx > 0 that is
 * βx + log1p(e^(−βx)), so a large threshold cannot overflow — with nabla's own exp and log1p.
 * The cut at threshold 20 is PyTorch's (error log1p(e^−20) ≈ 2.1e−9); Keras and TF.js have no
 * threshold.
 *
 * | x | softplus(x) |
 * |---|---|
 * | NaN | NaN |
 * | +∞ | +∞ |
 * | −∞ | 0 |
 * | −1000 | 0 |
 * | 1000 | 1000 |
 *
 * @example softplus([0]).toArray(); // => [0.6931471805599453]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Softplus.html
 */
export function softplus(x: TensorLike, options?: SoftplusOptions): Tensor {
  return mapActivation('softplus', x, softplusKernel, softplusBackward, parse('softplus', options));
}

function softplusKernel(a: Float64Array, out: Float64Array, o: Required<SoftplusOptions>): void {
  softplusInto(a, 0, out, 0, a.length, o.beta, o.threshold);
}

/**
 * dL/dx of {@link softplus}: dy where βx > threshold, else dy·σ(βx).
 * @example softplusBackward([1], [0]).toArray(); // => [0.5]
 */
export function softplusBackward(dy: TensorLike, x: TensorLike, options?: SoftplusOptions): Tensor {
  return mapBackward('softplusBackward', dy, x, softplusGrad, parse('softplusBackward', options));
}

function softplusGrad(g: Float64Array, a: Float64Array, out: Float64Array, o: Required<SoftplusOptions>): void {
  const { beta, threshold } = o;
  // σ(βx) from e = e^(−|βx|).
  expNegAbsInto(a, 0, out, 0, a.length, beta);
  for (let i = 0; i < a.length; i++) {
    const z = beta * a[i];
    const e = out[i];
    out[i] = z > threshold ? g[i] : g[i] * logisticOf(z, e);
  }
}

/** Reads and checks softplus's options, naming `fn` in errors (the Softplus layer's too). @internal */
export function parse(fn: string, options: SoftplusOptions | undefined): { beta: number; threshold: number } {
  const o = checkOptions<SoftplusOptions>(fn, options, ['beta', 'threshold']);
  return {
    beta: checkNumber(fn, 'options.beta', o.beta ?? 1, 'pos'),
    threshold: checkNumberWhere(fn, 'options.threshold', o.threshold ?? 20, 'a number', (v) => v === v),
  };
}

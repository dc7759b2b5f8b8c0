import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber, checkNumberWhere, checkOptions } from '../validate.js';
import { backwardArgs, stableSigmoid, recorded } from './common.js';

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
 * Method: for 0 < βx ≤ threshold, βx + log1p(e^(−βx)) (so a large threshold cannot overflow);
 * for βx ≤ 0, log1p(e^(βx)). The cut at threshold 20 is PyTorch's (error log1p(e^−20) ≈ 2.1e−9);
 * Keras and TF.js have no threshold.
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
  const X = asTensor(x, 'softplus', 'x');
  const { beta, threshold } = parse('softplus', options);
  const a = X.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    const z = v * beta;
    if (z > threshold) out[i] = v;
    else if (z > 0) out[i] = (z + Math.log1p(Math.exp(-z))) / beta;
    else out[i] = Math.log1p(Math.exp(z)) / beta;
  }
  return recorded('softplus', new Tensor(out, X.shape), X, softplusBackward, { beta, threshold });
}

/**
 * dL/dx of {@link softplus}: dy where βx > threshold, else dy·σ(βx).
 * @example softplusBackward([1], [0]).toArray(); // => [0.5]
 */
export function softplusBackward(dy: TensorLike, x: TensorLike, options?: SoftplusOptions): Tensor {
  const [D, X] = backwardArgs('softplusBackward', dy, x);
  const { beta, threshold } = parse('softplusBackward', options);
  const a = X.data;
  const g = D.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = a[i] * beta;
    out[i] = z > threshold ? g[i] : g[i] * stableSigmoid(z);
  }
  return new Tensor(out, X.shape);
}

/** Reads and checks softplus's options, naming `fn` in errors (the Softplus layer's too). @internal */
export function parse(fn: string, options: SoftplusOptions | undefined): { beta: number; threshold: number } {
  const o = checkOptions<SoftplusOptions>(fn, options, ['beta', 'threshold']);
  return {
    beta: checkNumber(fn, 'options.beta', o.beta ?? 1, 'pos'),
    threshold: checkNumberWhere(fn, 'options.threshold', o.threshold ?? 20, 'a number', (v) => v === v),
  };
}

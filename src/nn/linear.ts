import { fanInUniform } from '../init/fanScaled.js';
import { drawUniform, initialize, type Initializer } from '../init/common.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { checkSize } from '../tensor/limits.js';
import { linear, linearBackward } from '../tensor/linear.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions } from '../validate.js';
import { WeightedLayer } from './weighted.js';

/** Options of {@link Linear}. */
export interface LinearOptions extends RandomOptions {
  /** Add a learnable bias. Default true. */
  bias?: boolean;
  /** Weight initializer for the `[in, out]` weight. Default `fanInUniform` (PyTorch's U(±1/√in)). */
  init?: Initializer;
  /** Bias initializer for `[out]`. Default U(±1/√in), PyTorch's rule whatever the weight init. */
  biasInit?: Initializer;
}

/**
 * Fully connected layer y = x·W + b with W `[inFeatures, outFeatures]` (nabla's `matmul(x, W)`
 * layout, the transpose of PyTorch's `(out, in)`) and b `[outFeatures]`.
 *
 * Default initialization is PyTorch's `nn.Linear`: W and b ~ U(−1/√in, 1/√in) — the textbook'
 * r = 1/√n_in rule — drawn weight first, then bias, from `rng`/`seed` (NumPy-reproducible) or the
 * default generator. x may be `[N, in]` or have more leading dimensions `[…, in]`.
 *
 * Forward and backward are the {@link linear} / {@link linearBackward} pair; backward accumulates
 * dW = xᵀ·dy and db = Σ dy into `weight.grad` / `bias.grad` and returns dx = dy·Wᵀ.
 * @example const fc = new Linear(784, 256, { seed: 0 });
 */
export class Linear extends WeightedLayer {
  protected override readonly kind = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `[inFeatures, outFeatures]`. */
  readonly weight: Tensor;
  /** `[outFeatures]`, or null with `bias: false`. */
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions) {
    super();
    const fn = 'Linear';
    checkInteger(fn, 'inFeatures', inFeatures);
    checkInteger(fn, 'outFeatures', outFeatures);
    checkSize(fn, [inFeatures, outFeatures], 'the weight');
    const o = checkOptions<LinearOptions>(fn, options, ['bias', 'init', 'biasInit', 'rng', 'seed']);
    const hasBias = checkBoolean(fn, 'options.bias', o.bias ?? true);
    const init = checkFunction<Initializer>(fn, 'options.init', o.init ?? fanInUniform, 'an initializer function');
    const biasInit = o.biasInit === undefined ? null : checkFunction<Initializer>(fn, 'options.biasInit', o.biasInit, 'an initializer function');
    const rng = resolveRng(fn, o);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = initialize(fn, 'options.init', init, [inFeatures, outFeatures], rng);
    if (hasBias) {
      const r = 1 / Math.sqrt(inFeatures);
      this.bias = biasInit !== null ? initialize(fn, 'options.biasInit', biasInit, [outFeatures], rng) : drawUniform([outFeatures], rng, -r, r);
    } else this.bias = null;
  }

  protected expected(X: Tensor): string | null {
    return X.rank >= 1 && X.shape[X.rank - 1] === this.inFeatures ? null : `[..., ${this.inFeatures}] (last dim = inFeatures)`;
  }

  protected apply(X: Tensor): Tensor {
    return linear(X, this.weight, this.bias);
  }

  protected applyBackward(dy: TensorLike, X: Tensor) {
    return linearBackward(dy, X, this.weight);
  }
}

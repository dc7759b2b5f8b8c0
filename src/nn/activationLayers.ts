import { leakyRelu, leakyReluBackward } from '../activations/leakyRelu.js';
import { prelu, preluBackward } from '../activations/prelu.js';
import { relu, reluBackward } from '../activations/relu.js';
import { sigmoid, sigmoidBackward } from '../activations/sigmoid.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../activations/softmax.js';
import { parse as parseSoftplusOptions, softplus, softplusBackward, type SoftplusOptions } from '../activations/softplus.js';
import { tanh, tanhBackward } from '../activations/tanh.js';
import { isTracked, record, recording } from '../autograd/tape.js';
import { ShapeError, formatShape } from '../errors.js';
import { checkSize } from '../tensor/limits.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkFunction, checkInteger, checkNumber, checkOptions } from '../validate.js';
import { ModuleBase, accumulateGrad, takeCache } from './module.js';

/**
 * A parameter-free layer made from any forward/backward pair `f(x)` / `fBackward(dy, x)` — how
 * nabla's activation, pooling and reshaping layers are built, and how a user's own activation
 * becomes a layer:
 *
 * ```ts
 * const Swish = new ActivationLayer('Swish', silu, siluBackward);
 * ```
 *
 * `forward` caches x (all the backward needs) and `backward` calls the pair's backward: no formula
 * is repeated. Under autograd the layer records itself with the pair's backward when `f` does not
 * record on its own (a pair written as plain loops).
 */
export class ActivationLayer extends ModuleBase {
  protected override readonly kind: string;
  private x: Tensor | null = null;
  private yShape: readonly number[] = [];
  private readonly f: (x: Tensor) => Tensor;
  private readonly fBackward: (dy: Tensor, x: Tensor) => Tensor;

  /**
   * @param name the layer's name in messages (`"ReLU"`).
   * @param f the forward, `(x) => y`.
   * @param fBackward its backward, `(dy, x) => dL/dx`.
   */
  constructor(name: string, f: (x: Tensor) => Tensor, fBackward: (dy: Tensor, x: Tensor) => Tensor) {
    super();
    this.kind = name;
    this.f = checkFunction('ActivationLayer', 'f', f);
    this.fBackward = checkFunction('ActivationLayer', 'fBackward', fBackward);
  }

  override forward(x: TensorLike): Tensor {
    const X = asTensor(x, `${this.kind}.forward`, 'x');
    const Y = this.f(X);
    if (recording.tape !== null && isTracked(X) && !isTracked(Y)) record(this.kind, Y, [X], (dy) => [this.fBackward(dy, X)]);
    this.x = X;
    this.yShape = Y.shape;
    return Y;
  }

  override backward(dy: TensorLike): Tensor {
    const fn = `${this.kind}.backward`;
    const X = takeCache(fn, this.x);
    const D = asTensor(dy, fn, 'dy');
    if (!sameShape(D.shape, this.yShape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the last forward's output has shape ${formatShape(this.yShape)}`);
    this.x = null;
    return this.fBackward(D, X);
  }

  override backwardReady(): boolean {
    return this.x !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return [];
  }
}

/** Layer form of {@link sigmoid}. */
export class Sigmoid extends ActivationLayer {
  constructor() {
    super('Sigmoid', sigmoid, sigmoidBackward);
  }
}

/** Layer form of {@link tanh}. */
export class Tanh extends ActivationLayer {
  constructor() {
    super('Tanh', tanh, tanhBackward);
  }
}

/** Layer form of {@link relu}. */
export class ReLU extends ActivationLayer {
  constructor() {
    super('ReLU', relu, reluBackward);
  }
}

/** Layer form of {@link leakyRelu}, default slope 0.01 (PyTorch). */
export class LeakyReLU extends ActivationLayer {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
    super('LeakyReLU', (x) => leakyRelu(x, negativeSlope), (dy, x) => leakyReluBackward(dy, x, negativeSlope));
    this.negativeSlope = negativeSlope;
  }
}

/** Layer form of {@link softplus}. */
export class Softplus extends ActivationLayer {
  readonly options: SoftplusOptions;
  constructor(options?: SoftplusOptions) {
    const o: SoftplusOptions = parseSoftplusOptions('Softplus', options);
    super('Softplus', (x) => softplus(x, o), (dy, x) => softplusBackward(dy, x, o));
    this.options = o;
  }
}

/** Layer form of {@link softmax} along `axis` (default −1). */
export class Softmax extends ActivationLayer {
  constructor(readonly axis = -1) {
    super('Softmax', (x) => softmax(x, axis), (dy, x) => softmaxBackward(dy, x, axis));
  }
}

/** Layer form of {@link logSoftmax} along `axis` (default −1). */
export class LogSoftmax extends ActivationLayer {
  constructor(readonly axis = -1) {
    super('LogSoftmax', (x) => logSoftmax(x, axis), (dy, x) => logSoftmaxBackward(dy, x, axis));
  }
}

/**
 * Layer form of {@link prelu} with a learnable `alpha`: one shared value (default) or one per
 * channel (axis 1) with `numParameters: C`; initialized to `init` = 0.25 (PyTorch). Backward
 * accumulates `alpha.grad`. PyTorch advises against weight decay on alpha.
 */
export class PReLU extends ModuleBase {
  protected override readonly kind = 'PReLU';
  /** `[numParameters]`. */
  readonly alpha: Tensor;
  private x: Tensor | null = null;

  constructor(options?: { numParameters?: number; init?: number }) {
    super();
    const o = checkOptions<{ numParameters?: number; init?: number }>('PReLU', options, ['numParameters', 'init']);
    const n = checkInteger('PReLU', 'options.numParameters', o.numParameters ?? 1);
    checkSize('PReLU', [n], 'alpha');
    const init = checkNumber('PReLU', 'options.init', o.init ?? 0.25);
    this.alpha = new Tensor(new Float64Array(n).fill(init), [n]);
  }

  override forward(x: TensorLike): Tensor {
    const X = asTensor(x, 'PReLU.forward', 'x');
    const y = prelu(X, this.alpha);
    this.x = X;
    return y;
  }

  override backward(dy: TensorLike): Tensor {
    const X = takeCache('PReLU.backward', this.x);
    const { dx, dalpha } = preluBackward(dy, X, this.alpha);
    this.x = null;
    accumulateGrad(this.alpha, dalpha.data);
    return dx;
  }

  override backwardReady(): boolean {
    return this.x !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return [['alpha', this.alpha]];
  }
}

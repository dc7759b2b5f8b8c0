import { NablaError, ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { leakyRelu, leakyReluBackward } from '../activations/leakyRelu.js';
import { prelu, preluBackward } from '../activations/prelu.js';
import { relu, reluBackward } from '../activations/relu.js';
import { sigmoid, sigmoidBackward } from '../activations/sigmoid.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../activations/softmax.js';
import { softplus, softplusBackward, type SoftplusOptions } from '../activations/softplus.js';
import { tanh, tanhBackward } from '../activations/tanh.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkInteger, checkNumber, checkOptions } from '../validate.js';
import { ModuleBase, accumulateGrad, type StateEntries } from './module.js';

/**
 * A parameter-free layer around a functional pair `f(x)` / `fBackward(dy, x)`: forward caches x
 * (all the backward needs) and backward calls the pair's backward — no formula is repeated here.
 */
abstract class ActivationLayer extends ModuleBase {
  private x: Tensor | null = null;
  protected abstract f(x: Tensor): Tensor;
  protected abstract fBackward(dy: Tensor, x: Tensor): Tensor;

  forward(x: TensorLike): Tensor {
    const X = asTensor(x, `${this.kind}.forward`, 'x');
    const y = this.f(X);
    this.x = X;
    return y;
  }

  backward(dy: TensorLike): Tensor {
    const fn = `${this.kind}.backward`;
    const X = this.x;
    if (X === null) throw new NablaError(fn, 'called before forward (forward caches the input that backward needs)');
    const D = asTensor(dy, fn, 'dy');
    if (!sameShape(D.shape, X.shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the last forward's output has shape ${formatShape(X.shape)}`);
    return this.fBackward(D, X);
  }

  parameters(): Tensor[] {
    return [];
  }

  stateEntries(): StateEntries {
    return { tensors: {}, scalars: {} };
  }
}

/** Layer form of {@link sigmoid}. */
export class Sigmoid extends ActivationLayer {
  protected readonly kind = 'Sigmoid';
  protected f(x: Tensor): Tensor {
    return sigmoid(x);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return sigmoidBackward(dy, x);
  }
}

/** Layer form of {@link tanh}. */
export class Tanh extends ActivationLayer {
  protected readonly kind = 'Tanh';
  protected f(x: Tensor): Tensor {
    return tanh(x);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return tanhBackward(dy, x);
  }
}

/** Layer form of {@link relu}. */
export class ReLU extends ActivationLayer {
  protected readonly kind = 'ReLU';
  protected f(x: Tensor): Tensor {
    return relu(x);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return reluBackward(dy, x);
  }
}

/** Layer form of {@link leakyRelu}, default slope 0.01 (PyTorch). */
export class LeakyReLU extends ActivationLayer {
  protected readonly kind = 'LeakyReLU';
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    leakyRelu([0], negativeSlope); // validates the slope with leakyRelu's own message
    this.negativeSlope = negativeSlope;
  }
  protected f(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return leakyReluBackward(dy, x, this.negativeSlope);
  }
}

/** Layer form of {@link softplus}. */
export class Softplus extends ActivationLayer {
  protected readonly kind = 'Softplus';
  readonly options: SoftplusOptions;
  constructor(options: SoftplusOptions = {}) {
    super();
    softplus([0], options);
    this.options = { ...options };
  }
  protected f(x: Tensor): Tensor {
    return softplus(x, this.options);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return softplusBackward(dy, x, this.options);
  }
}

/** Layer form of {@link softmax} along `axis` (default −1). */
export class Softmax extends ActivationLayer {
  protected readonly kind = 'Softmax';
  constructor(readonly axis = -1) {
    super();
  }
  protected f(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return softmaxBackward(dy, x, this.axis);
  }
}

/** Layer form of {@link logSoftmax} along `axis` (default −1). */
export class LogSoftmax extends ActivationLayer {
  protected readonly kind = 'LogSoftmax';
  constructor(readonly axis = -1) {
    super();
  }
  protected f(x: Tensor): Tensor {
    return logSoftmax(x, this.axis);
  }
  protected fBackward(dy: Tensor, x: Tensor): Tensor {
    return logSoftmaxBackward(dy, x, this.axis);
  }
}

/**
 * Layer form of {@link prelu} with a learnable `alpha`: one shared value (default) or one per
 * channel (axis 1) with `numParameters: C`; initialized to `init` = 0.25 (PyTorch). Backward
 * accumulates `alpha.grad`. PyTorch advises against weight decay on alpha.
 */
export class PReLU extends ModuleBase {
  protected readonly kind = 'PReLU';
  /** `[numParameters]`. */
  readonly alpha: Tensor;
  private x: Tensor | null = null;

  constructor(options?: { numParameters?: number; init?: number }) {
    super();
    const o = checkOptions<{ numParameters?: number; init?: number }>('PReLU', options, ['numParameters', 'init']);
    const n = checkInteger('PReLU', 'options.numParameters', o.numParameters ?? 1);
    const init = checkNumber('PReLU', 'options.init', o.init ?? 0.25);
    this.alpha = new Tensor(new Float64Array(n).fill(init), [n]);
  }

  forward(x: TensorLike): Tensor {
    const X = asTensor(x, 'PReLU.forward', 'x');
    const y = prelu(X, this.alpha);
    this.x = X;
    return y;
  }

  backward(dy: TensorLike): Tensor {
    const fn = 'PReLU.backward';
    if (this.x === null) throw new NablaError(fn, 'called before forward (forward caches the input that backward needs)');
    const { dx, dalpha } = preluBackward(dy, this.x, this.alpha);
    accumulateGrad(this.alpha, dalpha.data);
    return dx;
  }

  parameters(): Tensor[] {
    return [this.alpha];
  }

  stateEntries(): StateEntries {
    return { tensors: { alpha: this.alpha }, scalars: {} };
  }
}

import { ShapeError, formatShape } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { ModuleBase, accumulateGrad, takeCache } from './module.js';

/**
 * A layer that applies a functional pair with a learnable `weight` and optional `bias` — Linear
 * (linear/linearBackward), Conv2d (conv2d/conv2dBackward). The forward checks the input, calls the
 * pair (which records itself under autograd) and keeps x for the explicit backward, which calls
 * the pair's backward and accumulates dW and db into the parameters' `.grad`. @internal
 */
export abstract class WeightedLayer extends ModuleBase {
  /** lsuvInit rescales these layers (Linear, Conv2d): the weight is `[…fan-in dims, out]`. */
  static get lsuv(): boolean {
    return true;
  }
  abstract readonly weight: Tensor;
  abstract readonly bias: Tensor | null;
  private x: Tensor | null = null;

  /** The layer's expectation of x in words when `accepts` is false (`[..., 3]`). */
  protected abstract expected(X: Tensor): string | null;
  protected abstract apply(X: Tensor): Tensor;
  protected abstract applyBackward(dy: TensorLike, X: Tensor): { dx: Tensor; dweight: Tensor; dbias: Tensor };

  override forward(x: TensorLike): Tensor {
    const fn = `${this.kind}.forward`;
    const X = asTensor(x, fn, 'x');
    const expected = this.expected(X);
    if (expected !== null) throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} but the layer expects ${expected}`);
    const y = this.apply(X);
    this.x = X;
    return y;
  }

  override backward(dy: TensorLike): Tensor {
    const X = takeCache(`${this.kind}.backward`, this.x);
    const { dx, dweight, dbias } = this.applyBackward(dy, X);
    this.x = null;
    accumulateGrad(this.weight, dweight.data);
    if (this.bias !== null) accumulateGrad(this.bias, dbias.data);
    return dx;
  }

  override backwardReady(): boolean {
    return this.x !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return this.bias === null ? [['weight', this.weight]] : [['weight', this.weight], ['bias', this.bias]];
  }
}

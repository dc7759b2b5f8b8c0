import { ShapeError, ValueError, formatShape } from '../errors.js';
import { drawNormal, initialize, type Initializer } from '../init/common.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkFunction, checkInteger, checkOptions } from '../validate.js';
import { checkSize } from '../tensor/limits.js';
import { sameShape } from '../tensor/shape.js';
import { scatterAdd, take } from '../tensor/structure.js';
import { ModuleBase, gradBuffer, takeCache } from './module.js';

/**
 * A lookup table of `numEmbeddings` learnable vectors of size `dim` (PyTorch's `nn.Embedding`;
 * weights initialized N(0, 1) like PyTorch unless `init` is given).
 *
 * The textbook's answer to one-hot codes that grow with the vocabulary: instead of a
 * `numEmbeddings`-long one-hot vector per item, each id maps to a dense `dim`-long vector. The
 * result equals `matmul(oneHot(ids, numEmbeddings), weight)` without building the one-hot matrix.
 *
 * forward(ids) gathers rows: ids of any shape (integer values) give `[...ids.shape, dim]`.
 * backward(dy) scatter-adds dy into `weight.grad` (repeated ids accumulate) and returns zeros shaped
 * like ids — integer ids have no gradient. An id outside [0, numEmbeddings) is a ValueError.
 * @example const emb = new Embedding(10000, 64, { seed: 0 }); emb.forward([[3, 17, 3]]).shape; // => [1, 3, 64]
 */
export class Embedding extends ModuleBase {
  protected override readonly kind = 'Embedding';
  readonly numEmbeddings: number;
  readonly dim: number;
  /** `[numEmbeddings, dim]`. */
  readonly weight: Tensor;
  private cache: { ids: Int32Array; shape: readonly number[] } | null = null;

  constructor(numEmbeddings: number, dim: number, options?: RandomOptions & { init?: Initializer }) {
    super();
    const fn = 'Embedding';
    checkInteger(fn, 'numEmbeddings', numEmbeddings);
    checkInteger(fn, 'dim', dim);
    checkSize(fn, [numEmbeddings, dim], 'the weight');
    const o = checkOptions<RandomOptions & { init?: Initializer }>(fn, options, ['init', 'rng', 'seed']);
    const init = o.init === undefined ? null : checkFunction<Initializer>(fn, 'options.init', o.init, 'an initializer function');
    const rng = resolveRng(fn, o);
    const w = init !== null ? initialize(fn, 'options.init', init, [numEmbeddings, dim], rng) : drawNormal([numEmbeddings, dim], rng, 0, 1, false);
    this.numEmbeddings = numEmbeddings;
    this.dim = dim;
    this.weight = w;
  }

  override forward(x: TensorLike | Int32Array): Tensor {
    const fn = 'Embedding.forward';
    const X = x instanceof Int32Array ? new Tensor(Float64Array.from(x), [x.length]) : asTensor(x, fn, 'ids');
    const ids = new Int32Array(X.size);
    for (let i = 0; i < X.size; i++) {
      const v = X.data[i];
      if (!Number.isInteger(v) || v < 0 || v >= this.numEmbeddings) {
        throw new ValueError(fn, `ids[${i}] is ${v}, not an id in [0, ${this.numEmbeddings}) (expected an integer below numEmbeddings)`);
      }
      ids[i] = v;
    }
    // A gather of weight rows: take() records it, with a scatter-add backward, under autograd.
    const y = take(this.weight, X, 0); // X holds the ids just checked
    this.cache = { ids, shape: X.shape };
    return y;
  }

  override backward(dy: TensorLike): Tensor {
    const fn = 'Embedding.backward';
    const { ids, shape } = takeCache(fn, this.cache);
    const D = asTensor(dy, fn, 'dy');
    const expected = [...shape, this.dim];
    if (!sameShape(D.shape, expected)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the last forward's output has shape ${formatShape(expected)}`);
    this.cache = null;
    scatterAdd(gradBuffer(this.weight), D.data, ids, 1, this.numEmbeddings, this.dim);
    return new Tensor(new Float64Array(ids.length), shape);
  }

  override backwardReady(): boolean {
    return this.cache !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return [['weight', this.weight]];
  }
}

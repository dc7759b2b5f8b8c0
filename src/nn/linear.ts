import { NablaError, ShapeError, formatShape } from '../errors.js';
import { fanInUniform } from '../init/fanScaled.js';
import { drawUniform, initialize, type Initializer } from '../init/common.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { transpose2d } from '../tensor/manipulate.js';
import { gemm } from '../tensor/matmul.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkFunction, checkInteger, checkOptions } from '../validate.js';
import { ModuleBase, gradBuffer, type StateEntries } from './module.js';

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
 * Default initialization is PyTorch's `nn.Linear`: W and b ~ U(−1/√in, 1/√in) — the course notes'
 * r = 1/√n_in rule — drawn weight first, then bias, from `rng`/`seed` (NumPy-reproducible) or the
 * default generator. x may be `[N, in]` or have more leading dimensions `[…, in]`.
 *
 * Backward: dW += xᵀ·dy, db += Σ dy, dx = dy·Wᵀ, accumulated into `weight.grad` / `bias.grad`
 * in place (no parameter-sized allocation after the first step).
 * @example const fc = new Linear(784, 256, { seed: 0 });
 */
export class Linear extends ModuleBase {
  protected readonly kind = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `[inFeatures, outFeatures]`. */
  readonly weight: Tensor;
  /** `[outFeatures]`, or null with `bias: false`. */
  readonly bias: Tensor | null;
  private x: Tensor | null = null;
  private wT: Float64Array | null = null;
  private xT: Float64Array | null = null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions) {
    super();
    const fn = 'Linear';
    checkInteger(fn, 'inFeatures', inFeatures);
    checkInteger(fn, 'outFeatures', outFeatures);
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

  forward(x: TensorLike): Tensor {
    const fn = 'Linear.forward';
    const X = asTensor(x, fn, 'x');
    if (X.rank < 1 || X.shape[X.rank - 1] !== this.inFeatures) {
      throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} but the layer expects [..., ${this.inFeatures}] (last dim = inFeatures)`);
    }
    const M = X.size / this.inFeatures;
    const N = this.outFeatures;
    const out = new Float64Array(M * N);
    gemm(X.data, 0, this.weight.data, 0, out, 0, M, this.inFeatures, N);
    if (this.bias !== null) {
      const b = this.bias.data;
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) out[i * N + j] += b[j];
    }
    this.x = X;
    return new Tensor(out, [...X.shape.slice(0, -1), N]);
  }

  backward(dy: TensorLike): Tensor {
    const fn = 'Linear.backward';
    const X = this.x;
    if (X === null) throw new NablaError(fn, 'called before forward (forward caches the input that backward needs)');
    const D = asTensor(dy, fn, 'dy');
    const K = this.inFeatures;
    const N = this.outFeatures;
    const M = X.size / K;
    if (D.rank !== X.rank || D.size !== M * N || D.shape[D.rank - 1] !== N || D.shape.slice(0, -1).some((d, i) => d !== X.shape[i])) {
      throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the last forward's output has shape ${formatShape([...X.shape.slice(0, -1), N])}`);
    }
    // dW += xᵀ·dy, straight into the gradient buffer.
    const xT = this.xT !== null && this.xT.length === K * M ? this.xT : (this.xT = new Float64Array(K * M));
    transpose2d(X.data, M, K, xT);
    gemm(xT, 0, D.data, 0, gradBuffer(this.weight), 0, K, M, N);
    if (this.bias !== null) {
      const gb = gradBuffer(this.bias);
      const d = D.data;
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) gb[j] += d[i * N + j];
    }
    // dx = dy·Wᵀ, with Wᵀ in a buffer reused across steps.
    const wT = this.wT !== null ? this.wT : (this.wT = new Float64Array(K * N));
    transpose2d(this.weight.data, K, N, wT);
    const dx = new Float64Array(M * K);
    gemm(D.data, 0, wT, 0, dx, 0, M, N, K);
    return new Tensor(dx, X.shape);
  }

  parameters(): Tensor[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  stateEntries(): StateEntries {
    return { tensors: this.bias === null ? { weight: this.weight } : { weight: this.weight, bias: this.bias }, scalars: {} };
  }
}

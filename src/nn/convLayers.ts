import { elu, eluBackward } from '../activations/elu.js';
import { gelu, geluBackward, parse as parseGeluOptions, type GeluOptions } from '../activations/gelu.js';
import { silu, siluBackward } from '../activations/silu.js';
import { record, recording } from '../autograd/tape.js';
import { avgPool2d, avgPool2dBackward, type AvgPool2dOptions } from '../conv/avgPool2d.js';
import { conv2d, conv2dBackward, type Conv2dOptions } from '../conv/conv2d.js';
import { applyMask, drawMask } from '../conv/dropout.js';
import { readPair, type Pair2d } from '../conv/geometry.js';
import { maxPool2d, maxPool2dBackward, type MaxPool2dOptions } from '../conv/maxPool2d.js';
import { ShapeError, describe, formatShape } from '../errors.js';
import { drawUniform, initialize, type Initializer } from '../init/common.js';
import { computeFans } from '../init/computeFans.js';
import { fanInUniform } from '../init/fanScaled.js';
import { layerNorm, layerNormBackward } from '../norm/layerNorm.js';
import { resolveRng, type RandomOptions, type Rng } from '../random/rng.js';
import { checkSize } from '../tensor/limits.js';
import { sameShape } from '../tensor/shape.js';
import { flatten, reshape } from '../tensor/structure.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkFunction, checkInteger, checkNumber, checkNumberWhere, checkOptions } from '../validate.js';
import { ActivationLayer } from './activationLayers.js';
import { WeightedLayer } from './weighted.js';
import { ModuleBase, accumulateGrad, takeCache } from './module.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions extends Conv2dOptions, RandomOptions {
  /** Add a learnable bias `[outChannels]`. Default true. */
  bias?: boolean;
  /** Weight initializer for `[kh, kw, inChannels/groups, outChannels]`. Default PyTorch's U(±1/√fanIn). */
  init?: Initializer;
}

/**
 * 2-D convolution layer, PyTorch's `nn.Conv2d`, over NCHW input: the {@link conv2d} /
 * {@link conv2dBackward} pair with a learnable `weight` `[kh, kw, inChannels/groups, outChannels]`
 * (the layout every initializer and `computeFans` read; a PyTorch weight `w` of shape
 * `[out, in/groups, kh, kw]` is `w.permute(2, 3, 1, 0)` here) and `bias` `[outChannels]`.
 *
 * Default initialization is PyTorch's: weight and bias ~ U(−1/√fanIn, 1/√fanIn) with
 * fanIn = (inChannels/groups)·kh·kw, drawn weight first, then bias.
 * @example const conv = new Conv2d(1, 6, 5, { padding: 2, seed: 0 }); conv.forward(zeros([8, 1, 28, 28])).shape; // => [8, 6, 28, 28]
 */
export class Conv2d extends WeightedLayer {
  protected override readonly kind = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  /** stride, padding, dilation, groups as given (conv2d's options). */
  readonly options: Conv2dOptions;
  /** `[kh, kw, inChannels/groups, outChannels]`. */
  readonly weight: Tensor;
  /** `[outChannels]`, or null with `bias: false`. */
  readonly bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair2d, options?: Conv2dLayerOptions) {
    super();
    const fn = 'Conv2d';
    checkInteger(fn, 'inChannels', inChannels);
    checkInteger(fn, 'outChannels', outChannels);
    const [kh, kw] = readPair(fn, 'kernelSize', kernelSize, 1);
    const o = checkOptions<Conv2dLayerOptions>(fn, options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'init', 'rng', 'seed']);
    const groups = checkInteger(fn, 'options.groups', o.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ShapeError(fn, `options.groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    const hasBias = checkBoolean(fn, 'options.bias', o.bias ?? true);
    const init = checkFunction<Initializer>(fn, 'options.init', o.init ?? fanInUniform, 'an initializer function');
    const rng = resolveRng(fn, o);
    const shape = [kh, kw, inChannels / groups, outChannels];
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = [kh, kw];
    // The geometry options are checked now (readPair's messages), the input-dependent ones at forward.
    readPair(fn, 'options.stride', o.stride ?? 1, 1);
    readPair(fn, 'options.dilation', o.dilation ?? 1, 1);
    if (o.padding !== 'same' && o.padding !== 'valid') readPair(fn, 'options.padding', o.padding ?? 0, 0);
    this.options = { stride: o.stride, padding: o.padding, dilation: o.dilation, groups };
    this.weight = initialize(fn, 'options.init', init, shape, rng);
    if (hasBias) {
      const r = 1 / Math.sqrt(computeFans(shape).fanIn);
      this.bias = drawUniform([outChannels], rng, -r, r);
    } else this.bias = null;
  }

  protected expected(X: Tensor): string | null {
    return X.rank === 4 && X.shape[1] === this.inChannels ? null : `[N, ${this.inChannels}, H, W] (NCHW)`;
  }

  protected apply(X: Tensor): Tensor {
    return conv2d(X, this.weight, this.bias, this.options);
  }

  protected applyBackward(dy: TensorLike, X: Tensor) {
    return conv2dBackward(dy, X, this.weight, this.options);
  }
}

/** Layer form of {@link maxPool2d} (PyTorch's `nn.MaxPool2d`); stride defaults to the kernel size. */
export class MaxPool2d extends ActivationLayer {
  constructor(kernelSize: Pair2d, options?: Omit<MaxPool2dOptions, 'kernelSize'>) {
    const o: MaxPool2dOptions = { ...checkOptions<MaxPool2dOptions>('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode']), kernelSize };
    super('MaxPool2d', (x) => maxPool2d(x, o), (dy, x) => maxPool2dBackward(dy, x, o));
  }
}

/** Layer form of {@link avgPool2d} (PyTorch's `nn.AvgPool2d`); stride defaults to the kernel size. */
export class AvgPool2d extends ActivationLayer {
  constructor(kernelSize: Pair2d, options?: Omit<AvgPool2dOptions, 'kernelSize'>) {
    const o: AvgPool2dOptions = {
      ...checkOptions<AvgPool2dOptions>('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']),
      kernelSize,
    };
    super('AvgPool2d', (x) => avgPool2d(x, o), (dy, x) => avgPool2dBackward(dy, x, o));
  }
}

/** Flattens `[N, …]` to `[N, ∏…]` from `startAxis` (default 1) — between conv layers and a Linear. */
export class Flatten extends ActivationLayer {
  constructor(readonly startAxis = 1) {
    checkNumberWhere('Flatten', 'startAxis', startAxis, 'an integer', Number.isInteger);
    super('Flatten', (x) => flatten(x, startAxis), (dy, x) => reshape(dy, x.shape));
  }
}

/** Layer form of {@link gelu} (`approximate: 'none'` by default, PyTorch's `nn.GELU`). */
export class GELU extends ActivationLayer {
  constructor(options?: GeluOptions) {
    parseGeluOptions('GELU', options);
    const o: GeluOptions = { ...(options ?? {}) };
    super('GELU', (x) => gelu(x, o), (dy, x) => geluBackward(dy, x, o));
  }
}

/** Layer form of {@link silu} (x·σ(x), PyTorch's `nn.SiLU`). */
export class SiLU extends ActivationLayer {
  constructor() {
    super('SiLU', silu, siluBackward);
  }
}

/** Layer form of {@link elu}, default α = 1 (PyTorch's `nn.ELU`). */
export class ELU extends ActivationLayer {
  readonly alpha: number;
  constructor(alpha = 1) {
    checkNumber('ELU', 'alpha', alpha);
    super('ELU', (x) => elu(x, alpha), (dy, x) => eluBackward(dy, x, alpha));
    this.alpha = alpha;
  }
}

/**
 * Inverted dropout (PyTorch's `nn.Dropout`): in training mode each element is zeroed with
 * probability p and the kept ones are scaled by 1/(1 − p); in eval mode the identity. The mask is
 * drawn from the layer's generator in row-major order, one `random()` per element, so it equals
 * NumPy's `RandomState(seed).random_sample(shape) < p` for a seeded layer's first forward. Backward
 * multiplies dy by the same mask. A Sequential whose forward fails restores the generator.
 * @example const drop = new Dropout(0.5, { seed: 0 });
 */
export class Dropout extends ModuleBase {
  protected override readonly kind = 'Dropout';
  readonly p: number;
  private readonly rng: Rng;
  /** The last forward's keep-mask (null in eval mode: the identity), its p and shape. */
  private cache: { keep: Uint8Array | null; p: number; shape: readonly number[] } | null = null;

  constructor(p = 0.5, options?: RandomOptions) {
    super();
    this.p = checkNumber('Dropout', 'p', p, 'unit');
    this.rng = resolveRng('Dropout', checkOptions<RandomOptions>('Dropout', options, ['rng', 'seed']));
  }

  override forward(x: TensorLike): Tensor {
    const X = asTensor(x, 'Dropout.forward', 'x');
    const p = this.p;
    // dropout()'s own draw and multiplication (the same bits); eval mode is the identity.
    const keep = this.training ? drawMask(X.size, p, this.rng) : null;
    const Y = keep === null ? new Tensor(X.data.slice(), X.shape) : applyMask(X.data, keep, p, X.shape);
    if (recording.tape !== null) record('Dropout', Y, [X], (dy) => [keep === null ? dy : applyMask(dy.data, keep, p, dy.shape)]);
    this.cache = { keep, p, shape: X.shape };
    return Y;
  }

  override backward(dy: TensorLike): Tensor {
    const fn = 'Dropout.backward';
    const { keep, p, shape } = takeCache(fn, this.cache);
    const D = asTensor(dy, fn, 'dy');
    if (!sameShape(D.shape, shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the forward's output has shape ${formatShape(shape)}`);
    this.cache = null;
    return keep === null ? new Tensor(D.data.slice(), D.shape) : applyMask(D.data, keep, p, D.shape);
  }

  override backwardReady(): boolean {
    return this.cache !== null;
  }

  protected override ownSnapshot(): () => void {
    const state = this.rng.getState();
    return () => this.rng.setState(state);
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormLayerOptions {
  /** ε > 0 added to the variance. Default 1e−5. */
  eps?: number;
  /** Learnable `weight` (ones) and `bias` (zeros) of `normalizedShape`. Default true. */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalization (Ba, Kiros & Hinton 2016; PyTorch's `nn.LayerNorm`): each sample normalized
 * over its trailing `normalizedShape` dimensions with their mean and biased variance, then scaled
 * by `weight` and shifted by `bias` (elementwise over `normalizedShape`). No running statistics: the
 * same computation in training and evaluation.
 * @example const ln = new LayerNorm(64);
 */
export class LayerNorm extends ModuleBase {
  protected override readonly kind = 'LayerNorm';
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  private x: Tensor | null = null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormLayerOptions) {
    super();
    const fn = 'LayerNorm';
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0) throw new ShapeError(fn, `normalizedShape must be a size or a non-empty list of sizes, got ${describe(normalizedShape)}`);
    shape.forEach((d, i) => checkInteger(fn, `normalizedShape[${i}]`, d));
    const o = checkOptions<LayerNormLayerOptions>(fn, options, ['eps', 'elementwiseAffine']);
    this.eps = checkNumber(fn, 'options.eps', o.eps ?? 1e-5, 'pos');
    const affine = checkBoolean(fn, 'options.elementwiseAffine', o.elementwiseAffine ?? true);
    this.normalizedShape = Object.freeze(shape.slice());
    const size = checkSize(fn, shape, 'the weight');
    this.weight = affine ? new Tensor(new Float64Array(size).fill(1), shape) : null;
    this.bias = affine ? new Tensor(new Float64Array(size), shape) : null;
  }

  override forward(x: TensorLike): Tensor {
    const X = asTensor(x, 'LayerNorm.forward', 'x');
    const y = layerNorm(X, this.normalizedShape, { weight: this.weight ?? undefined, bias: this.bias ?? undefined, eps: this.eps });
    this.x = X;
    return y;
  }

  override backward(dy: TensorLike): Tensor {
    const X = takeCache('LayerNorm.backward', this.x);
    const { dx, dweight, dbias } = layerNormBackward(dy, X, this.normalizedShape, { weight: this.weight ?? undefined, eps: this.eps });
    this.x = null;
    if (this.weight !== null && this.bias !== null) {
      accumulateGrad(this.weight, dweight.data);
      accumulateGrad(this.bias, dbias.data);
    }
    return dx;
  }

  override backwardReady(): boolean {
    return this.x !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return this.weight !== null && this.bias !== null ? [['weight', this.weight], ['bias', this.bias]] : [];
  }
}

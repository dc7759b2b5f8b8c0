import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { ModuleBase, accumulateGrad, takeCache, type ScalarEntry } from '../nn/module.js';
import { checkSize } from '../tensor/limits.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkChoice, checkInteger, checkNumber, checkOptions } from '../validate.js';
import { backwardKernel, batchNormBackward, channelLayout, channelStats, inverseStd, mergeStats, normalizeInto, type ChannelLayout } from './batchNorm.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormLayerOptions {
  /** ε. Default 1e−5 (1e−3 with 'keras'). */
  eps?: number;
  /**
   * PyTorch: the weight of the new batch in the running averages (default 0.1); `null` for a
   * cumulative average. With `convention: 'keras'`: Keras' meaning, the weight of the old value (default 0.99).
   */
  momentum?: number | null;
  /** Learnable γ (ones) and β (zeros). Default true. */
  affine?: boolean;
  /** Keep running statistics for eval mode. Without them, eval uses batch statistics too. Default true. */
  trackRunningStats?: boolean;
  /** Channel axis. Default 1 (−1 with 'keras': channels-last). */
  axis?: number;
  /** `'keras'`: momentum 0.99 weighting the old value, eps 1e−3, biased running variance, axis −1. Default 'pytorch'. */
  convention?: 'pytorch' | 'keras';
}

interface Cache {
  /** x − μ, what the backward reads (PyTorch's kernel works from it and σ⁻¹). */
  centered: Float64Array;
  invstd: Float64Array;
  shape: readonly number[];
  L: ChannelLayout;
  batchStats: boolean;
}

/**
 * Batch normalization layer, PyTorch's `nn.BatchNorm1d/2d` (`[N, D]` per feature, `[N, C, H, W]` per
 * feature map; `axis: -1` for channels-last):
 *
 * - training: normalizes with the batch mean and **biased** variance, then updates
 *   runningMean ← (1 − m)·runningMean + m·μ and runningVar ← (1 − m)·runningVar + m·σ²_unbiased
 *   (m = momentum, or 1/numBatchesTracked when momentum is null);
 * - eval: normalizes with runningMean / runningVar (batch statistics if `trackRunningStats` is false).
 *
 * y = γ·x̂ + β: γ and β let the network undo the normalization where that helps — plain
 * standardization would pin a sigmoid's input to its near-linear middle (the textbook's point).
 * `backward(dy)` returns dL/dx and accumulates `gamma.grad` / `beta.grad`.
 * @example
 * const bn = new BatchNorm(2);
 * bn.forward([[1, 2], [3, 6], [5, 10], [7, 14]]);
 * bn.runningMean.toArray(); // => [0.4, 0.8]
 */
export class BatchNorm extends ModuleBase {
  protected override readonly kind = 'BatchNorm';
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly axis: number;
  readonly convention: 'pytorch' | 'keras';
  /** γ, ones `[C]` (null when not affine). */
  readonly gamma: Tensor | null;
  /** β, zeros `[C]` (null when not affine). */
  readonly beta: Tensor | null;
  /** Running mean, zeros `[C]` (null without running statistics). */
  readonly runningMean: Tensor | null;
  /** Running variance, ones `[C]` (null without running statistics). */
  readonly runningVar: Tensor | null;
  /** Training batches seen (PyTorch's `num_batches_tracked`). */
  numBatchesTracked = 0;
  private cache: Cache | null = null;
  private centeredBuffer: Float64Array | null = null;

  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super();
    const fn = 'BatchNorm';
    checkInteger(fn, 'numFeatures', numFeatures);
    checkSize(fn, [numFeatures], 'each parameter and running statistic');
    const o = checkOptions<BatchNormLayerOptions>(fn, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'axis', 'convention'], ['momentum']);
    const convention = checkChoice(fn, 'options.convention', o.convention ?? 'pytorch', ['pytorch', 'keras'] as const);
    const keras = convention === 'keras';
    const momentum = o.momentum === undefined ? (keras ? 0.99 : 0.1) : o.momentum;
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
      throw new ValueError(fn, `options.momentum must be a number in [0, 1] or null, got ${describe(momentum)}`);
    }
    if (momentum === null && keras) throw new ValueError(fn, "options.momentum null (cumulative average) is PyTorch's; Keras has no such mode");
    const axis = o.axis ?? (keras ? -1 : 1);
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new ValueError(fn, `options.axis must be an integer, got ${describe(axis)}`);
    this.numFeatures = numFeatures;
    this.eps = checkNumber(fn, 'options.eps', o.eps ?? (keras ? 1e-3 : 1e-5), 'pos');
    this.momentum = momentum;
    this.affine = checkBoolean(fn, 'options.affine', o.affine ?? true);
    this.trackRunningStats = checkBoolean(fn, 'options.trackRunningStats', o.trackRunningStats ?? true);
    this.axis = axis;
    this.convention = convention;
    this.gamma = this.affine ? new Tensor(new Float64Array(numFeatures).fill(1), [numFeatures]) : null;
    this.beta = this.affine ? new Tensor(new Float64Array(numFeatures), [numFeatures]) : null;
    this.runningMean = this.trackRunningStats ? new Tensor(new Float64Array(numFeatures), [numFeatures]) : null;
    this.runningVar = this.trackRunningStats ? new Tensor(new Float64Array(numFeatures).fill(1), [numFeatures]) : null;
  }

  override forward(x: TensorLike): Tensor {
    const fn = 'BatchNorm.forward';
    const X = asTensor(x, fn, 'x');
    const L = this.layout(fn, X);
    const useBatch = this.training || !this.trackRunningStats;
    if (useBatch && L.n <= 1) {
      throw new ValueError(
        fn,
        `expected more than 1 value per channel when training, got input of shape ${formatShape(X.shape)} ` +
          '(a last batch of one row? batches(x, y, { dropLast: true }) drops it; or put the layer in evaluation mode to use its running statistics)',
      );
    }
    let mean: Float64Array;
    let invstd: Float64Array;
    let variance: Float64Array | null = null;
    if (useBatch) {
      const st = channelStats(X.data, L);
      mean = st.mean;
      invstd = inverseStd(st.m2, this.eps, L.n);
      if (this.training && this.trackRunningStats) this.updateRunning(st.mean, st.m2, L.n);
    } else {
      mean = (this.runningMean as Tensor).data.slice();
      variance = (this.runningVar as Tensor).data.slice();
      invstd = inverseStd(variance, this.eps);
    }
    const recordingNow = recording.tape !== null;
    // The x − μ buffer is reused across steps on the explicit path; a recorded forward keeps its own.
    const centered =
      !recordingNow && this.centeredBuffer !== null && this.centeredBuffer.length === X.size ? this.centeredBuffer : new Float64Array(X.size);
    if (!recordingNow) this.centeredBuffer = centered;
    const out = new Float64Array(X.size);
    normalizeInto(X.data, L, mean, invstd, this.gamma?.data ?? null, this.beta?.data ?? null, out, centered);
    this.cache = { centered, invstd, shape: X.shape, L, batchStats: useBatch };
    const Y = new Tensor(out, X.shape);
    if (recordingNow) {
      // The functional pair's backward, with the statistics this forward used (constants in eval mode).
      const opts = { gamma: this.gamma ?? undefined, eps: this.eps, axis: this.axis, ...(variance === null ? {} : { mean, variance }) };
      record('BatchNorm', Y, [X, this.gamma, this.beta], (dy) => {
        const g = batchNormBackward(dy, X, opts);
        return [g.dx, g.dgamma, g.dbeta];
      });
    }
    return Y;
  }

  override backward(dy: TensorLike): Tensor {
    const fn = 'BatchNorm.backward';
    const c = takeCache(fn, this.cache);
    const D = asTensor(dy, fn, 'dy');
    if (!sameShape(D.shape, c.shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the last forward's output has shape ${formatShape(c.shape)}`);
    this.cache = null;
    const { dx, dgamma, dbeta } = backwardKernel(D.data, c.centered, c.L, c.invstd, this.gamma?.data ?? null, c.batchStats);
    if (this.gamma !== null && this.beta !== null) {
      accumulateGrad(this.gamma, dgamma);
      accumulateGrad(this.beta, dbeta);
    }
    return new Tensor(dx, c.shape);
  }

  override backwardReady(): boolean {
    return this.cache !== null;
  }

  protected override ownParameters(): [string, Tensor][] {
    return this.gamma !== null && this.beta !== null ? [['gamma', this.gamma], ['beta', this.beta]] : [];
  }

  protected override ownBuffers(): [string, Tensor][] {
    return this.runningMean !== null && this.runningVar !== null ? [['runningMean', this.runningMean], ['runningVar', this.runningVar]] : [];
  }

  protected override ownScalars(): [string, ScalarEntry][] {
    if (this.runningMean === null) return [];
    return [['numBatchesTracked', { get: () => this.numBatchesTracked, set: (v) => (this.numBatchesTracked = v), integer: true }]];
  }

  /** A running variance must be ≥ 0 (NaN included in the refusal): a negative one poisons every eval forward. */
  protected override checkLoaded(fn: string, values: Map<Tensor, Float64Array>): void {
    const rv = this.runningVar === null ? undefined : values.get(this.runningVar);
    if (rv !== undefined) {
      for (let c = 0; c < rv.length; c++) {
        if (!(rv[c] >= 0)) throw new ValueError(fn, `runningVar[${c}] is ${rv[c]} (a variance must be ≥ 0)`);
      }
    }
    super.checkLoaded(fn, values);
  }

  /**
   * Sets the running statistics by hand — a course's starting point (CS231n starts `running_var` at
   * 0, PyTorch at 1), or values computed elsewhere. `mean` and `variance` are each a number (every
   * channel) or a `[numFeatures]` tensor; `numBatchesTracked` a non-negative integer (it matters for
   * `momentum: null`). Omitted entries keep their values. The mean must be finite and the variance
   * finite and ≥ 0; everything is checked before anything is written.
   *
   * (`runningMean.data` and `runningVar.data` are ordinary Float64Arrays and may also be written
   * directly; this method adds the checks.)
   * @example bn.setRunningStatistics({ variance: 0 }); // CS231n's running_var = np.zeros(D)
   */
  setRunningStatistics(stats: { mean?: TensorLike | null; variance?: TensorLike | null; numBatchesTracked?: number | null }): void {
    const fn = 'BatchNorm.setRunningStatistics';
    const o = checkOptions<{ mean: TensorLike; variance: TensorLike; numBatchesTracked: number }>(fn, stats, ['mean', 'variance', 'numBatchesTracked'], [], 'stats');
    if (this.runningMean === null || this.runningVar === null) throw new ValueError(fn, 'the layer has no running statistics (trackRunningStats is false)');
    const C = this.numFeatures;
    const read = (name: 'mean' | 'variance', v: TensorLike | undefined): Float64Array | null => {
      if (v === undefined) return null;
      let values: Float64Array;
      if (typeof v === 'number') values = new Float64Array(C).fill(v);
      else {
        const t = asTensor(v, fn, `stats.${name}`);
        if (!sameShape(t.shape, [C])) throw new ShapeError(fn, `stats.${name} has shape ${formatShape(t.shape)} (expected [${C}], one value per feature, or a number)`);
        values = t.data.slice();
      }
      for (let c = 0; c < C; c++) {
        const x = values[c];
        if (!Number.isFinite(x) || (name === 'variance' && x < 0)) {
          throw new ValueError(fn, `stats.${name}[${c}] is ${describe(x)} (expected a finite number${name === 'variance' ? ' ≥ 0' : ''})`);
        }
      }
      return values;
    };
    const mean = read('mean', o.mean);
    const variance = read('variance', o.variance);
    const count = o.numBatchesTracked === undefined ? undefined : checkInteger(fn, 'stats.numBatchesTracked', o.numBatchesTracked, 0);
    // Validated: write.
    if (mean !== null) this.runningMean.data.set(mean);
    if (variance !== null) this.runningVar.data.set(variance);
    if (count !== undefined) this.numBatchesTracked = count;
  }

  /** Checks x against this layer (rank, channel count) and returns its channel layout. @internal */
  layout(fn: string, X: Tensor): ChannelLayout {
    const L = channelLayout(fn, X, this.axis);
    if (L.C !== this.numFeatures) {
      throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} with ${L.C} channels on axis ${this.axis}, but the layer has numFeatures ${this.numFeatures}`);
    }
    return L;
  }

  /** Running-statistics update from a batch's mean and Σ(x − μ)² over n values. @internal */
  updateRunning(mean: Float64Array, m2: Float64Array, n: number): void {
    const rm = (this.runningMean as Tensor).data;
    const rv = (this.runningVar as Tensor).data;
    this.numBatchesTracked++;
    if (this.convention === 'keras') {
      const k = this.momentum as number;
      for (let c = 0; c < rm.length; c++) {
        rm[c] = rm[c] * k + mean[c] * (1 - k);
        rv[c] = rv[c] * k + (m2[c] / n) * (1 - k);
      }
      return;
    }
    const f = this.momentum === null ? 1 / this.numBatchesTracked : this.momentum;
    for (let c = 0; c < rm.length; c++) {
      rm[c] = f * mean[c] + (1 - f) * rm[c];
      rv[c] = f * (m2[c] / (n - 1)) + (1 - f) * rv[c];
    }
  }
}

/**
 * The textbook's post-processing after training: sets `layer.runningMean` / `runningVar` to the
 * population statistics of the whole training set, given as batches (any iterable of tensors —
 * typically the inputs this layer sees, one batch at a time). The mean and the unbiased variance
 * (biased under `convention: 'keras'`) are combined across batches exactly (Chan et al.'s pairwise
 * update), so the result equals the statistics of all rows stacked. `numBatchesTracked` becomes the
 * number of batches. Every batch is validated before anything is changed.
 * @example recomputeStatistics(bn, [x1, x2, x3]);
 */
export function recomputeStatistics(layer: BatchNorm, batches: Iterable<TensorLike>): void {
  const fn = 'recomputeStatistics';
  if (!(layer instanceof BatchNorm)) throw new ValueError(fn, `layer must be a BatchNorm, got ${describe(layer)}`);
  if (layer.runningMean === null || layer.runningVar === null) throw new ValueError(fn, 'the layer has no running statistics (trackRunningStats is false)');
  if (batches === null || typeof (batches as Iterable<TensorLike>)[Symbol.iterator] !== 'function') {
    throw new ValueError(fn, `batches must be an iterable of tensors, got ${describe(batches)}`);
  }
  const C = layer.numFeatures;
  const mean = new Float64Array(C);
  const m2 = new Float64Array(C);
  let n = 0;
  let count = 0;
  for (const b of batches) {
    const X = asTensor(b, fn, `batches[${count}]`);
    const L = layer.layout(fn, X);
    count++;
    if (L.n === 0) continue;
    const st = channelStats(X.data, L);
    mergeStats(mean, m2, n, st.mean, st.m2, L.n);
    n += L.n;
  }
  const ddof = layer.convention === 'keras' ? 0 : 1;
  if (n - ddof <= 0) throw new ValueError(fn, `the batches hold ${n} value(s) per channel (need more than ${ddof})`);
  layer.runningMean.data.set(mean);
  for (let c = 0; c < C; c++) layer.runningVar.data[c] = m2[c] / (n - ddof);
  layer.numBatchesTracked = count;
}

import { record, recording } from '../autograd/tape.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { axisLayout, normalizeAxis, sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber, checkOptions } from '../validate.js';

/** Options of {@link batchNorm} and {@link batchNormBackward}. */
export interface BatchNormOptions {
  /** Scale γ, one per channel (default ones). */
  gamma?: TensorLike;
  /** Shift β, one per channel (default zeros). Forward only. */
  beta?: TensorLike;
  /** Per-channel mean to normalize with (eval mode); with `variance`. Default: the batch's. */
  mean?: TensorLike;
  /** Per-channel variance to normalize with (eval mode); with `mean`. Default: the batch's biased variance. */
  variance?: TensorLike;
  /** ε > 0 added to the variance. Default 1e−5 (PyTorch; Keras uses 1e−3). */
  eps?: number;
  /** The channel (feature) axis. Default 1: `[N, D]` per feature, `[N, C, H, W]` per feature map; −1 for channels-last. */
  axis?: number;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015), functional form:
 *
 * ```math
 * \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad y = \gamma \hat x + \beta
 * ```
 *
 * μ and σ² are per channel (along `axis`) over every other dimension — over N for `[N, D]`, over
 * N·H·W for `[N, C, H, W]` — and are the batch's own (σ² **biased**, divided by n) unless `mean` and
 * `variance` are given (eval mode, e.g. running statistics). Batch statistics need more than one
 * value per channel: n = 1 is a ValueError, as in PyTorch's `F.batch_norm` in training mode.
 *
 * Method: statistics in one pass over memory (Welford / Chan's pairwise merge of cached blocks — as
 * stable as two-pass), then one normalizing pass. A channel whose one-pass statistics overflow is
 * recomputed two-pass, so the result is never worse than PyTorch's: `batchNorm([[1.5e308], [-1.5e308]])`
 * has μ = 0 and σ² = ∞ (x̂ = 0, y = β), as in PyTorch, not NaN.
 * @example batchNorm([[1, 2], [3, 6], [5, 10], [7, 14]]).toArray()[0]; // ≈ [-1.3416, -1.3416]
 */
export function batchNorm(x: TensorLike, options?: BatchNormOptions): Tensor {
  const s = setup('batchNorm', x, options, true);
  const out = new Float64Array(s.X.size);
  normalizeInto(s.X.data, s.L, s.mean, s.invstd, s.gamma, s.beta, out, null);
  const Y = new Tensor(out, s.X.shape);
  if (recording.tape !== null) {
    const { beta, ...rest } = s.o;
    const G = rest.gamma instanceof Tensor ? rest.gamma : null;
    const B = beta instanceof Tensor ? beta : null;
    record('batchNorm', Y, [s.X, G, B], (dy) => {
      const g = batchNormBackward(dy, s.X, rest);
      return [g.dx, g.dgamma, g.dbeta];
    });
  }
  return Y;
}

/**
 * Gradients of {@link batchNorm}: `{ dx, dgamma, dbeta }` (dgamma/dbeta shaped `[C]`).
 *
 * Training mode (no `mean`/`variance`: the statistics depend on x), with means over the n reduced entries:
 * ```math
 * d\beta = \sum dy, \quad d\gamma = \sum dy\,\hat x, \quad
 * dx = \gamma\,\sigma^{-1}\big(dy - \overline{dy} - \hat x\,\overline{dy\,\hat x}\big)
 * ```
 * Eval mode (`mean`/`variance` given, treated as constants): dx = dy·γ/√(σ² + ε).
 * Method: PyTorch's CPU kernel — one pass for Σdy and dotp = Σ(x − μ)·dy, then dγ = dotp·σ⁻¹,
 * dβ = Σdy and dx = (dy − Σdy/n − (x − μ)·k)·(σ⁻¹γ) with k = dotp·σ⁻¹·σ⁻¹/n.
 * @example batchNormBackward([[1, 0], [0, 1]], [[1, 2], [3, 4]]).dbeta.toArray(); // => [1, 1]
 */
export function batchNormBackward(dy: TensorLike, x: TensorLike, options?: Omit<BatchNormOptions, 'beta'>): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const fn = 'batchNormBackward';
  const s = setup(fn, x, options, false);
  const D = asTensor(dy, fn, 'dy');
  if (!sameShape(D.shape, s.X.shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but x has shape ${formatShape(s.X.shape)} (they must match)`);
  const centered = new Float64Array(s.X.size);
  centerInto(s.X.data, s.L, s.mean, centered);
  const { dx, dgamma, dbeta } = backwardKernel(D.data, centered, s.L, s.invstd, s.gamma, s.training);
  return { dx: new Tensor(dx, s.X.shape), dgamma: new Tensor(dgamma, [s.L.C]), dbeta: new Tensor(dbeta, [s.L.C]) };
}

/** [outer, C, inner] view of a tensor with channels on `axis`. @internal */
export interface ChannelLayout {
  outer: number;
  C: number;
  inner: number;
  /** Values per channel, outer·inner. */
  n: number;
  axis: number;
}

/** @internal */
export function channelLayout(fn: string, X: Tensor, axis: number): ChannelLayout {
  if (X.rank < 2) throw new ShapeError(fn, `x has shape ${formatShape(X.shape)} (expected rank ≥ 2: [N, C, …] or channels-last)`);
  const ax = normalizeAxis(fn, axis, X.rank);
  const { outer, n: C, inner } = axisLayout(X.shape, ax);
  return { outer, C, inner, n: outer * inner, axis: ax };
}

/**
 * Per-channel mean and Σ(x − μ)², reading x from memory once.
 *
 * Method: `[N, C]` rows update all channels at once with Welford's recurrence (one reciprocal per
 * row). `[N, C, …]` channels are summarized one contiguous block at a time — mean, then Σ(x − m)²
 * over the block while it is in cache — and the blocks are merged with Chan et al.'s pairwise
 * formula. Both are as stable as the textbook two-pass method (no E[x²] − E[x]² cancellation) and
 * agree with it to rounding. @internal
 */
export function channelStats(x: Float64Array, L: ChannelLayout): { mean: Float64Array; m2: Float64Array } {
  const { outer, C, inner } = L;
  const mean = new Float64Array(C);
  const m2 = new Float64Array(C);
  if (x.length === 0) return { mean, m2 };
  if (inner === 1) {
    for (let o = 0, r = 0; o < outer; o++, r += C) {
      const invk = 1 / (o + 1);
      for (let c = 0; c < C; c++) {
        const v = x[r + c];
        const d = v - mean[c];
        const m = mean[c] + d * invk;
        mean[c] = m;
        m2[c] += d * (v - m);
      }
    }
    twoPassWhereNotFinite(x, L, mean, m2);
    return { mean, m2 };
  }
  const bMean = new Float64Array(C);
  const bM2 = new Float64Array(C);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner;
      let s = 0;
      for (let j = 0; j < inner; j++) s += x[base + j];
      const bm = s / inner;
      let q = 0;
      for (let j = 0; j < inner; j++) {
        const d = x[base + j] - bm;
        q += d * d;
      }
      bMean[c] = bm;
      bM2[c] = q;
    }
    mergeStats(mean, m2, o * inner, bMean, bM2, inner);
  }
  twoPassWhereNotFinite(x, L, mean, m2);
  return { mean, m2 };
}

/**
 * Recomputes, two-pass, every channel whose one-pass mean or Σ(x − μ)² is not finite — an overflow
 * of the recurrence (Welford's d = x − mean is ±∞ for x = ±1.5e308 where Σx is 0), or ±∞/NaN in x —
 * exactly as PyTorch's CPU kernel does: μ = Σx/n summed in memory order, then Σ(x − μ)². So the
 * one-pass statistics never overflow where two-pass does not, and agree with it where both do; the
 * check costs one comparison per channel.
 */
function twoPassWhereNotFinite(x: Float64Array, L: ChannelLayout, mean: Float64Array, m2: Float64Array): void {
  const { outer, C, inner, n } = L;
  for (let c = 0; c < C; c++) {
    if (Number.isFinite(mean[c]) && Number.isFinite(m2[c])) continue;
    let s = 0;
    for (let o = 0; o < outer; o++) for (let j = 0, p = (o * C + c) * inner; j < inner; j++, p++) s += x[p];
    const mu = s / n;
    let q = 0;
    for (let o = 0; o < outer; o++) {
      for (let j = 0, p = (o * C + c) * inner; j < inner; j++, p++) {
        const d = x[p] - mu;
        q += d * d;
      }
    }
    mean[c] = mu;
    m2[c] = q;
  }
}

/**
 * Chan, Golub & LeVeque's pairwise update: folds a block's per-channel mean and Σ(x − mean)² over
 * `nB` values into running ones over `nA` values, in place —
 * δ = mean_B − mean_A, mean += δ·nB/(nA + nB), m2 += m2_B + δ²·nA·nB/(nA + nB).
 * Used for the blocks of one batch and for the batches of {@link recomputeStatistics}. @internal
 */
export function mergeStats(mean: Float64Array, m2: Float64Array, nA: number, bMean: Float64Array, bM2: Float64Array, nB: number): void {
  const f = nB / (nA + nB);
  for (let c = 0; c < mean.length; c++) {
    const delta = bMean[c] - mean[c];
    mean[c] += delta * f;
    m2[c] += bM2[c] + delta * delta * nA * f;
  }
}

/** 1/√(v/divisor + ε) per channel, from a variance (divisor 1) or a sum of squares (divisor n). @internal */
export function inverseStd(v: Float64Array, eps: number, divisor = 1): Float64Array {
  const out = new Float64Array(v.length);
  for (let c = 0; c < v.length; c++) out[c] = 1 / Math.sqrt(v[c] / divisor + eps);
  return out;
}

/**
 * out = ((x − μ)·invstd)·γ + β per channel; also writes x − μ into `centered` when given (what the
 * backward reads). γ/β null = 1/0.
 * @internal
 */
export function normalizeInto(
  x: Float64Array,
  L: ChannelLayout,
  mean: Float64Array,
  invstd: Float64Array,
  gamma: Float64Array | null,
  beta: Float64Array | null,
  out: Float64Array,
  centered: Float64Array | null,
): void {
  const { outer, C, inner } = L;
  if (x.length === 0) return;
  if (inner === 1) {
    for (let o = 0, r = 0; o < outer; o++, r += C) {
      for (let c = 0; c < C; c++) {
        const d = x[r + c] - mean[c];
        if (centered !== null) centered[r + c] = d;
        const h = d * invstd[c];
        out[r + c] = gamma === null ? (beta === null ? h : h + beta[c]) : h * gamma[c] + (beta === null ? 0 : beta[c]);
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner;
      const mu = mean[c];
      const is = invstd[c];
      const g = gamma === null ? 1 : gamma[c];
      const b = beta === null ? 0 : beta[c];
      if (centered === null) {
        if (gamma === null && beta === null) for (let j = 0; j < inner; j++) out[base + j] = (x[base + j] - mu) * is;
        else for (let j = 0; j < inner; j++) out[base + j] = (x[base + j] - mu) * is * g + b;
      } else {
        for (let j = 0; j < inner; j++) {
          const d = x[base + j] - mu;
          centered[base + j] = d;
          out[base + j] = d * is * g + b;
        }
      }
    }
  }
}

/** centered = x − μ per channel (the backward's input when no forward output is needed). @internal */
export function centerInto(x: Float64Array, L: ChannelLayout, mean: Float64Array, centered: Float64Array): void {
  const { outer, C, inner } = L;
  if (x.length === 0) return;
  for (let o = 0, p = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const mu = mean[c];
      for (let j = 0; j < inner; j++, p++) centered[p] = x[p] - mu;
    }
  }
}

/**
 * The backward pass from x − μ (`centered`), PyTorch's CPU kernel (`batch_norm_cpu_backward`):
 * per channel, Σdy and dotp = Σ(x − μ)·dy in one pass, then dγ = dotp·invstd, dβ = Σdy, and
 * dx = (dy − Σdy/n − (x − μ)·k)·(invstd·γ) with k = dotp·invstd·invstd/n (training: through the
 * statistics), or dy·(invstd·γ) (eval) — PyTorch multiplies by invstd, then by γ; one product per
 * element is a few percent faster and agrees to an ulp. Two passes over dy. (An overflowing dotp
 * gives NaN where PyTorch's does: the ±1.5e308 batch.) @internal
 */
export function backwardKernel(
  dy: Float64Array,
  centered: Float64Array,
  L: ChannelLayout,
  invstd: Float64Array,
  gamma: Float64Array | null,
  training: boolean,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { outer, C, inner, n } = L;
  const dotp = new Float64Array(C);
  const dbeta = new Float64Array(C);
  const dx = new Float64Array(dy.length);
  const dgamma = new Float64Array(C);
  if (dy.length === 0) return { dx, dgamma, dbeta };
  if (inner === 1) {
    for (let o = 0, r = 0; o < outer; o++, r += C) {
      for (let c = 0; c < C; c++) {
        const g = dy[r + c];
        dbeta[c] += g;
        dotp[c] += centered[r + c] * g;
      }
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * inner;
        let sb = 0;
        let sd = 0;
        for (let j = 0; j < inner; j++) {
          const g = dy[base + j];
          sb += g;
          sd += centered[base + j] * g;
        }
        dbeta[c] += sb;
        dotp[c] += sd;
      }
    }
  }
  // Per channel: k (the projection of dy on x − μ), the mean of dy, and σ⁻¹·γ.
  const k = new Float64Array(C);
  const mdy = new Float64Array(C);
  const sw = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const is = invstd[c];
    dgamma[c] = dotp[c] * is;
    k[c] = training ? (dotp[c] * is * is) / n : 0;
    mdy[c] = training ? dbeta[c] / n : 0;
    sw[c] = gamma === null ? is : is * gamma[c];
  }
  if (inner === 1) {
    // [N, C]: one row of C channels at a time (the per-channel constants stay in cache).
    for (let o = 0, r = 0; o < outer; o++, r += C) {
      if (training) for (let c = 0; c < C; c++) dx[r + c] = (dy[r + c] - mdy[c] - centered[r + c] * k[c]) * sw[c];
      else for (let c = 0; c < C; c++) dx[r + c] = dy[r + c] * sw[c];
    }
    return { dx, dgamma, dbeta };
  }
  for (let o = 0, p = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const s = sw[c];
      if (training) {
        const kc = k[c];
        const m = mdy[c];
        for (let j = 0; j < inner; j++, p++) dx[p] = (dy[p] - m - centered[p] * kc) * s;
      } else {
        for (let j = 0; j < inner; j++, p++) dx[p] = dy[p] * s;
      }
    }
  }
  return { dx, dgamma, dbeta };
}

/** A per-channel vector option of length C, or null. @internal */
export function channelVector(fn: string, name: string, v: TensorLike | undefined, C: number): Float64Array | null {
  if (v === undefined) return null;
  const T = asTensor(v, fn, name);
  if (T.rank !== 1 || T.size !== C) throw new ShapeError(fn, `${name} has shape ${formatShape(T.shape)} but x has ${C} channels (expected [${C}])`);
  return T.data;
}

function setup(fn: string, x: TensorLike, options: BatchNormOptions | undefined, forward: boolean) {
  const o = checkOptions<BatchNormOptions>(fn, options, forward ? ['gamma', 'beta', 'mean', 'variance', 'eps', 'axis'] : ['gamma', 'mean', 'variance', 'eps', 'axis']);
  const X = asTensor(x, fn, 'x');
  const eps = checkNumber(fn, 'options.eps', o.eps ?? 1e-5, 'pos');
  const L = channelLayout(fn, X, o.axis ?? 1);
  const gamma = channelVector(fn, 'options.gamma', o.gamma, L.C);
  const beta = forward ? channelVector(fn, 'options.beta', o.beta, L.C) : null;
  const givenMean = channelVector(fn, 'options.mean', o.mean, L.C);
  const givenVar = channelVector(fn, 'options.variance', o.variance, L.C);
  if ((givenMean === null) !== (givenVar === null)) {
    throw new ValueError(fn, `options.mean and options.variance must be given together (got only ${givenMean === null ? 'variance' : 'mean'})`);
  }
  const training = givenMean === null;
  if (givenMean !== null && givenVar !== null) return { o, X, L, gamma, beta, mean: givenMean, invstd: inverseStd(givenVar, eps), training };
  if (L.n === 0) throw new ShapeError(fn, `x has shape ${formatShape(X.shape)}: no values per channel to compute batch statistics from`);
  if (L.n === 1) {
    // One value per channel normalizes to 0 whatever it is: PyTorch refuses it in training mode.
    throw new ValueError(
      fn,
      `expected more than 1 value per channel when training, got input of shape ${formatShape(X.shape)} ` +
        '(batch statistics of one value are meaningless; pass options.mean and options.variance to normalize with given statistics)',
    );
  }
  const st = channelStats(X.data, L);
  return { o, X, L, gamma, beta, mean: st.mean, invstd: inverseStd(st.m2, eps, L.n), training };
}

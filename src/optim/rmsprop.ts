import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkNumber } from '../validate.js';
import { DECAY_KEYS, Optimizer, resolveDecay, checkNonNegative, decayWeights, gradTerm, type BaseGroupOptions, type BaseOptimizerOptions, type DecayGroupOptions, type DecayOptions, type Convention, type ParamGroupSpec, type ParamState } from './optimizer.js';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends BaseOptimizerOptions, DecayOptions {
  /** Decay α of the squared-gradient average (Keras' `rho`, TF.js' `decay`). Default 0.99 (0.9 with 'keras'/'tfjs'). */
  alpha?: number;
  /** ε. Default 1e−8 (1e−7 with 'keras'/'tfjs'). */
  eps?: number;
  /** Momentum μ ≥ 0. Default 0. */
  momentum?: number;
  /** Normalize by the variance estimate v − ḡ² instead of v. Default false. */
  centered?: boolean;
  /** ε inside the square root (Keras, TF.js, optax). Default false (true with 'keras'/'tfjs'). */
  epsInsideSqrt?: boolean;
  /** Keras/TF.js momentum form: buf ← μ·buf + lr·g/denom; p ← p − buf. Default false (true with 'keras'/'tfjs'). */
  lrInMomentum?: boolean;
}

/** RMSprop's resolved per-group options. */
export interface RMSpropGroupOptions extends BaseGroupOptions, DecayGroupOptions {
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  epsInsideSqrt: boolean;
  lrInMomentum: boolean;
}

/**
 * RMSprop, PyTorch's `torch.optim.RMSprop`:
 *
 * ```text
 * g ← g + λ·p
 * v ← α·v + (1 − α)·g²                        (v starts at 0; no bias correction)
 * centered: ḡ ← α·ḡ + (1 − α)·g; denom = √(v − ḡ²) + ε   else denom = √v + ε
 * momentum: buf ← μ·buf + g/denom; p ← p − lr·buf          else p ← p − lr·g/denom
 * ```
 *
 * Without bias correction the first step is about 10·lr with α = 0.99. `convention: 'keras'`: ε
 * inside the root, lr inside the momentum buffer, α 0.9, ε 1e−7, lr 1e−3. `'tfjs'`: the same, and its
 * centered form √(v − (ḡ² + ε)), which is NaN once the variance estimate falls below ε.
 *
 * State per parameter ({@link Optimizer.getState} / {@link Optimizer.setState}): `squareAvg` (v; must
 * be ≥ 0), `gradAvg` (ḡ; centered only), `momentumBuffer` (buf; momentum > 0 only).
 * @example new RMSprop([p], { lr: 0.01, alpha: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropGroupOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<RMSpropOptions>[], options?: RMSpropOptions) {
    super('RMSprop', params, options, ['alpha', 'eps', 'momentum', 'centered', 'epsInsideSqrt', 'lrInMomentum', ...DECAY_KEYS]);
  }

  protected defaultLr(c: Convention): number | null {
    // tf.train.rmsprop has no default learning rate.
    return c === 'tfjs' ? null : c === 'pytorch' ? 0.01 : 1e-3;
  }

  protected resolve(o: RMSpropOptions, where: string, convention: Convention) {
    const fn = 'RMSprop';
    const pt = convention === 'pytorch';
    return {
      alpha: checkNumber(fn, `${where}: alpha`, o.alpha ?? (pt ? 0.99 : 0.9), 'unit'),
      eps: checkNumber(fn, `${where}: eps`, o.eps ?? (pt ? 1e-8 : 1e-7), 'nonneg'),
      momentum: checkNumber(fn, `${where}: momentum`, o.momentum ?? 0, 'nonneg'),
      centered: checkBoolean(fn, `${where}: centered`, o.centered ?? false),
      epsInsideSqrt: checkBoolean(fn, `${where}: epsInsideSqrt`, o.epsInsideSqrt ?? !pt),
      lrInMomentum: checkBoolean(fn, `${where}: lrInMomentum`, o.lrInMomentum ?? !pt),
      ...resolveDecay(fn, where, o, { weightDecay: 0, decoupled: convention === 'keras' }),
    };
  }

  protected override checkState(fn: string, where: string, st: ParamState): void {
    checkNonNegative(fn, `${where}.buffers.squareAvg`, st.buffers.squareAvg);
  }

  protected bufferNames() {
    return { buffers: ['squareAvg', 'gradAvg', 'momentumBuffer'], scalars: [] };
  }

  protected update(p: Float64Array, g: Float64Array, st: ParamState, o: RMSpropGroupOptions): void {
    const { lr, alpha, eps, weightDecay: wd, momentum: mu, centered, epsInsideSqrt, lrInMomentum, decoupledWeightDecay, maximize } = o;
    const n = p.length;
    const b = st.buffers;
    const v = (b.squareAvg ??= new Float64Array(n));
    const gbar = centered ? (b.gradAvg ??= new Float64Array(n)) : null;
    const buf = mu > 0 ? (b.momentumBuffer ??= new Float64Array(n)) : null;
    st.step++;
    if (wd !== 0 && decoupledWeightDecay) decayWeights(p, lr, wd, false);
    const l2 = decoupledWeightDecay ? 0 : wd;
    const tfjsCentered = o.convention === 'tfjs' && centered && epsInsideSqrt;
    const a1 = 1 - alpha;
    for (let i = 0; i < n; i++) {
      const d = gradTerm(g[i], p[i], maximize, l2);
      const vi = v[i] * alpha + a1 * d * d;
      v[i] = vi;
      let denom: number;
      if (gbar !== null) {
        const m = gbar[i] * alpha + a1 * d;
        gbar[i] = m;
        if (tfjsCentered) denom = Math.sqrt(vi - (m * m + eps));
        else denom = epsInsideSqrt ? Math.sqrt(vi - m * m + eps) : Math.sqrt(vi - m * m) + eps;
      } else denom = epsInsideSqrt ? Math.sqrt(vi + eps) : Math.sqrt(vi) + eps;
      if (buf !== null) {
        if (lrInMomentum) {
          const m = buf[i] * mu + (lr * d) / denom;
          buf[i] = m;
          p[i] = p[i] - m;
        } else {
          const m = buf[i] * mu + d / denom;
          buf[i] = m;
          p[i] = p[i] + -lr * m;
        }
      } else p[i] = lrInMomentum ? p[i] - (lr * d) / denom : p[i] + (-lr * d) / denom;
    }
  }
}

import { ValueError, describe } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkNumber } from '../validate.js';
import { DECAY_KEYS, Optimizer, resolveDecay, checkNonNegative, decayWeights, gradTerm, powStep, type BaseGroupOptions, type BaseOptimizerOptions, type DecayGroupOptions, type DecayOptions, type Convention, type ParamGroupSpec, type ParamState } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends BaseOptimizerOptions, DecayOptions {
  /** (β1, β2), each in [0, 1). Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** ε. Default 1e−8 (1e−7 with 'keras'/'tfjs'). */
  eps?: number;
  /** AMSGrad: use the running maximum of the raw second moment. Default false. */
  amsgrad?: boolean;
  /**
   * Keras' "epsilon hat": p ← p − m·(lr·√(1 − β2ᵗ)/(1 − β1ᵗ)) / (√v + ε̂), i.e. ε added to the
   * uncorrected √v. Default false (true with 'keras').
   */
  epsilonHat?: boolean;
}

/** Adam's resolved per-group options. */
export interface AdamGroupOptions extends BaseGroupOptions, DecayGroupOptions {
  betas: [number, number];
  eps: number;
  amsgrad: boolean;
  epsilonHat: boolean;
}

const ADAM_KEYS = ['betas', 'eps', 'amsgrad', 'epsilonHat', ...DECAY_KEYS];

/**
 * Adam and AdamW share one algorithm and differ only in the weight-decay default; each passes its
 * name and that default (as PyTorch's `Adam` and `AdamW` are two classes, neither a subclass of the
 * other). Not exported: use {@link Adam} or {@link AdamW}.
 */
abstract class AdamFamily extends Optimizer<AdamOptions, AdamGroupOptions> {
  protected constructor(
    name: string,
    params: readonly Tensor[] | readonly ParamGroupSpec<AdamOptions>[],
    options: AdamOptions | undefined,
  ) {
    super(name, params, options, ADAM_KEYS);
  }

  /** Whether decay is decoupled by default, and the default λ, under a convention. */
  protected abstract decoupledDefault(c: Convention): { decoupled: boolean; weightDecay: number };

  protected defaultLr(): number {
    return 1e-3;
  }

  protected resolve(o: AdamOptions, where: string, convention: Convention) {
    const fn = this.name;
    const betas = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(fn, `${where}: betas must be a pair [β1, β2], got ${describe(betas)}`);
    const d = this.decoupledDefault(convention);
    return {
      betas: [checkNumber(fn, `${where}: betas[0]`, betas[0], 'unit'), checkNumber(fn, `${where}: betas[1]`, betas[1], 'unit')] as [number, number],
      eps: checkNumber(fn, `${where}: eps`, o.eps ?? (convention === 'pytorch' ? 1e-8 : 1e-7), 'nonneg'),
      amsgrad: checkBoolean(fn, `${where}: amsgrad`, o.amsgrad ?? false),
      epsilonHat: checkBoolean(fn, `${where}: epsilonHat`, o.epsilonHat ?? convention === 'keras'),
      ...resolveDecay(fn, where, o, d),
    };
  }

  protected override checkState(fn: string, where: string, st: ParamState): void {
    checkNonNegative(fn, `${where}.buffers.expAvgSq`, st.buffers.expAvgSq);
    checkNonNegative(fn, `${where}.buffers.maxExpAvgSq`, st.buffers.maxExpAvgSq);
  }

  protected bufferNames() {
    return { buffers: ['expAvg', 'expAvgSq', 'maxExpAvgSq'], scalars: ['accBeta1', 'accBeta2'] };
  }

  protected update(p: Float64Array, g: Float64Array, st: ParamState, o: AdamGroupOptions): void {
    const { lr, eps, weightDecay: wd, amsgrad, decoupledWeightDecay, epsilonHat, maximize, convention } = o;
    const [beta1, beta2] = o.betas;
    const n = p.length;
    const b = st.buffers;
    const m = (b.expAvg ??= new Float64Array(n));
    const v = (b.expAvgSq ??= new Float64Array(n));
    const vmax = amsgrad ? (b.maxExpAvgSq ??= new Float64Array(n)) : null;
    const t = ++st.step;
    if (wd !== 0 && decoupledWeightDecay) decayWeights(p, lr, wd, convention !== 'keras');
    const l2 = decoupledWeightDecay ? 0 : wd;
    let bc1: number;
    let bc2: number;
    if (convention === 'tfjs') {
      // TF.js keeps running products β^t (accBeta), updated after each step.
      const acc1 = st.scalars.accBeta1 ?? beta1;
      const acc2 = st.scalars.accBeta2 ?? beta2;
      bc1 = 1 - acc1;
      bc2 = 1 - acc2;
      st.scalars.accBeta1 = acc1 * beta1;
      st.scalars.accBeta2 = acc2 * beta2;
    } else {
      bc1 = 1 - powStep(beta1, t);
      bc2 = 1 - powStep(beta2, t);
    }
    const a1 = 1 - beta1;
    const a2 = 1 - beta2;
    if (convention === 'pytorch' && !epsilonHat) {
      // The reference loop of torch/optim/adam.py (_single_tensor_adam), fused, in its order:
      // m.mul_(β1).add_(g, alpha=1 − β1); v.mul_(β2).addcmul_(g, g, value=1 − β2);
      // denom = √v / √bc2 + ε; p.addcdiv_(m, denom, value=−lr/bc1), i.e. p + (−s·m)/denom.
      const stepSize = lr / bc1;
      const bc2Sqrt = Math.sqrt(bc2);
      for (let i = 0; i < n; i++) {
        const d = gradTerm(g[i], p[i], maximize, l2);
        const mi = m[i] * beta1 + a1 * d;
        m[i] = mi;
        let vi = v[i] * beta2 + a2 * d * d;
        v[i] = vi;
        if (vmax !== null) {
          const mx = vmax[i];
          if (mx > vi || mx !== mx) vi = mx; // torch.maximum: NaN propagates
          vmax[i] = vi;
        }
        p[i] = p[i] + (-stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
      }
      return;
    }
    const alpha = (lr * Math.sqrt(bc2)) / bc1;
    // The moment-update form, decided once rather than by comparing strings per element.
    const form = convention === 'keras' ? 1 : convention === 'tfjs' ? 2 : 0;
    for (let i = 0; i < n; i++) {
      const d = gradTerm(g[i], p[i], maximize, l2);
      let mi: number;
      let vi: number;
      if (form === 1) {
        mi = m[i] + (d - m[i]) * a1;
        vi = v[i] + (d * d - v[i]) * a2;
      } else if (form === 2) {
        mi = m[i] * beta1 + d * a1;
        vi = v[i] * beta2 + d * d * a2;
      } else {
        mi = m[i] * beta1 + a1 * d;
        vi = v[i] * beta2 + a2 * d * d;
      }
      m[i] = mi;
      v[i] = vi;
      if (vmax !== null) {
        const mx = vmax[i];
        if (mx > vi || mx !== mx) vi = mx;
        vmax[i] = vi;
      }
      if (epsilonHat) p[i] = p[i] - (mi * alpha) / (Math.sqrt(vi) + eps);
      else p[i] = p[i] + -lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps));
    }
  }
}

/**
 * Adam (Kingma & Ba 2015), PyTorch's `torch.optim.Adam` (`_single_tensor_adam`):
 *
 * ```text
 * t ← t + 1;  g ← g + λ·p (L2; AdamW instead: p ← p·(1 − lr·λ) first)
 * m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 * amsgrad: v̄ ← max(v̄, v) (the raw v), else v̄ = v
 * p ← p − (lr / (1 − β1ᵗ)) · m / (√v̄ / √(1 − β2ᵗ) + ε)
 * ```
 *
 * ε is added after bias correction (to √v̂), as in PyTorch, TF.js, optax and the textbook.
 * `convention: 'keras'` uses Keras' ε̂ (added to the uncorrected √v), ε 1e−7, its moment-update
 * form and its decoupled decay p ← p − p·λ·lr; `'tfjs'` uses ε 1e−7 and TF.js' running products
 * β^t for the bias corrections.
 *
 * State per parameter ({@link Optimizer.getState} / {@link Optimizer.setState}): `expAvg` (m),
 * `expAvgSq` (v; ≥ 0), `maxExpAvgSq` (v̄; amsgrad only, ≥ 0), the step count t, and under 'tfjs' the
 * scalars `accBeta1`, `accBeta2` (β1ᵗ⁺¹, β2ᵗ⁺¹, which replace t in the bias corrections).
 * @example new Adam([p], { lr: 1e-3 });
 */
export class Adam extends AdamFamily {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<AdamOptions>[], options?: AdamOptions) {
    super('Adam', params, options);
  }

  protected decoupledDefault() {
    return { decoupled: false, weightDecay: 0 };
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019), PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay
 * p ← p·(1 − lr·λ) applied before the Adam update; default λ = 0.01. With `convention: 'keras'`,
 * Keras' AdamW: λ default 0.004, decay p ← p − p·λ·lr, ε̂ 1e−7. TF.js has no AdamW. State per
 * parameter: as {@link Adam}'s.
 * @example new AdamW([p], { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends AdamFamily {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<AdamOptions>[], options?: AdamOptions) {
    super('AdamW', params, options);
  }

  protected decoupledDefault(c: Convention) {
    if (c === 'tfjs') throw new ValueError('AdamW', "convention 'tfjs' is not available (TF.js has no AdamW; use Adam)");
    return { decoupled: true, weightDecay: c === 'keras' ? 0.004 : 0.01 };
  }
}

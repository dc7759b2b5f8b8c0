import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkNumber } from '../validate.js';
import { DECAY_KEYS, Optimizer, resolveDecay, checkNonNegative, decayWeights, gradTerm, type BaseGroupOptions, type BaseOptimizerOptions, type DecayGroupOptions, type DecayOptions, type Convention, type ParamGroupSpec, type ParamState } from './optimizer.js';

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends BaseOptimizerOptions, DecayOptions {
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** Starting value of the accumulator. Default 0 (0.1 with 'keras'/'tfjs'). */
  initialAccumulatorValue?: number;
  /** ε. Default 1e−10 (1e−7 with 'keras'/'tfjs'). */
  eps?: number;
  /** ε inside the square root, √(r + ε) (Keras, TF.js, optax). Default false (true with 'keras'/'tfjs'). */
  epsInsideSqrt?: boolean;
}

/** Adagrad's resolved per-group options. */
export interface AdagradGroupOptions extends BaseGroupOptions, DecayGroupOptions {
  lrDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  epsInsideSqrt: boolean;
}

/**
 * AdaGrad, PyTorch's `torch.optim.Adagrad`:
 *
 * ```text
 * t ← t + 1;  g ← g + λ·p;  clr = lr / (1 + (t − 1)·lrDecay)
 * r ← r + g ⊙ g                 (r starts at initialAccumulatorValue)
 * p ← p − clr · g / (√r + ε)    (ε inside: g / √(r + ε))
 * ```
 *
 * With lr = ρ, ε = ε, initialAccumulatorValue 0 this is exactly the textbook's r = r + g⊙g,
 * Δθ = −ρ/(ε + √r) ⊙ g.
 *
 * State per parameter ({@link Optimizer.getState} / {@link Optimizer.setState}): `sum` (r; created
 * at construction, as in PyTorch; must be ≥ 0).
 * @example new Adagrad([p], { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradGroupOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<AdagradOptions>[], options?: AdagradOptions) {
    super('Adagrad', params, options, ['lrDecay', 'initialAccumulatorValue', 'eps', 'epsInsideSqrt', ...DECAY_KEYS]);
    // PyTorch creates the accumulator eagerly in __init__.
    let k = 0;
    for (const g of this.paramGroups) for (const p of g.params) this.state[k++] = this.initState(p.size, g);
  }

  protected defaultLr(c: Convention): number | null {
    // tf.train.adagrad has no default learning rate.
    return c === 'tfjs' ? null : c === 'pytorch' ? 0.01 : 1e-3;
  }

  protected resolve(o: AdagradOptions, where: string, convention: Convention) {
    const fn = 'Adagrad';
    const pt = convention === 'pytorch';
    return {
      lrDecay: checkNumber(fn, `${where}: lrDecay`, o.lrDecay ?? 0, 'nonneg'),
      initialAccumulatorValue: checkNumber(fn, `${where}: initialAccumulatorValue`, o.initialAccumulatorValue ?? (pt ? 0 : 0.1), 'nonneg'),
      eps: checkNumber(fn, `${where}: eps`, o.eps ?? (pt ? 1e-10 : 1e-7), 'nonneg'),
      epsInsideSqrt: checkBoolean(fn, `${where}: epsInsideSqrt`, o.epsInsideSqrt ?? !pt),
      ...resolveDecay(fn, where, o, { weightDecay: 0, decoupled: convention === 'keras' }),
    };
  }

  protected override checkState(fn: string, where: string, st: ParamState): void {
    checkNonNegative(fn, `${where}.buffers.sum`, st.buffers.sum);
  }

  protected bufferNames() {
    return { buffers: ['sum'], scalars: [] };
  }

  protected override initState(size: number, o: AdagradGroupOptions): ParamState {
    return { step: 0, buffers: { sum: new Float64Array(size).fill(o.initialAccumulatorValue) }, scalars: {} };
  }

  protected update(p: Float64Array, g: Float64Array, st: ParamState, o: AdagradGroupOptions): void {
    const { lr, lrDecay, weightDecay: wd, eps, epsInsideSqrt, decoupledWeightDecay, maximize } = o;
    const n = p.length;
    const sum = st.buffers.sum;
    st.step++;
    if (wd !== 0 && decoupledWeightDecay) decayWeights(p, lr, wd, false);
    const l2 = decoupledWeightDecay ? 0 : wd;
    const clr = lr / (1 + (st.step - 1) * lrDecay);
    for (let i = 0; i < n; i++) {
      const d = gradTerm(g[i], p[i], maximize, l2);
      const s = sum[i] + d * d;
      sum[i] = s;
      const std = epsInsideSqrt ? Math.sqrt(s + eps) : Math.sqrt(s) + eps;
      p[i] = p[i] + (-clr * d) / std; // p.addcdiv_(g, std, value=−clr)
    }
  }
}

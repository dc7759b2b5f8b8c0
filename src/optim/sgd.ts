import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkNumber } from '../validate.js';
import { DECAY_KEYS, Optimizer, resolveDecay, decayWeights, gradTerm, type BaseGroupOptions, type BaseOptimizerOptions, type DecayGroupOptions, type DecayOptions, type Convention, type ParamGroupSpec, type ParamState } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions extends BaseOptimizerOptions, DecayOptions {
  /** Momentum factor μ ≥ 0. Default 0. */
  momentum?: number;
  /** Dampening τ of the momentum (PyTorch only; skipped on the first step). Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /**
   * Keras/TF-Keras/textbook form: the velocity holds lr, v = μv − lr·g, p += v (Nesterov:
   * p += μv − lr·g). Same trajectory as PyTorch's while lr is constant; differs when lr changes.
   * Default false (true with `convention: 'keras'`).
   */
  lrInMomentum?: boolean;
}

/** SGD's resolved per-group options. */
export interface SGDGroupOptions extends BaseGroupOptions, DecayGroupOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  lrInMomentum: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov, weight decay and maximize —
 * PyTorch's `torch.optim.SGD`, in PyTorch's order of operations:
 *
 * ```text
 * g ← −g if maximize;  g ← g + λ·p (weight decay)
 * buf ← g on the first step (no dampening), else buf ← μ·buf + (1 − τ)·g
 * g ← g + μ·buf if nesterov, else buf
 * p ← p − lr·g
 * ```
 *
 * `convention: 'keras'` switches to Keras' defaults (lr 0.01) and form (v = μv − lr·g; p += v;
 * decoupled decay); `'tfjs'` is TF.js' `tf.train.momentum` (PyTorch's form with dampening 0; lr required).
 *
 * State per parameter ({@link Optimizer.getState} / {@link Optimizer.setState}): `momentumBuffer`
 * (buf above; created by the first step when momentum > 0).
 * @example
 * const p = tensor([1, -2]);
 * const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
 * opt.step([tensor([0.5, 0.1])]); // p = [0.95, -2.01]
 */
export class SGD extends Optimizer<SGDOptions, SGDGroupOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<SGDOptions>[], options?: SGDOptions) {
    super('SGD', params, options, ['momentum', 'dampening', 'nesterov', 'lrInMomentum', ...DECAY_KEYS]);
  }

  protected defaultLr(c: Convention): number | null {
    // tf.train.sgd / tf.train.momentum have no default learning rate.
    return c === 'tfjs' ? null : c === 'keras' ? 0.01 : 1e-3;
  }

  protected resolve(o: SGDOptions, where: string, convention: Convention) {
    const fn = 'SGD';
    const keras = convention === 'keras';
    const r = {
      momentum: checkNumber(fn, `${where}: momentum`, o.momentum ?? 0, 'nonneg'),
      dampening: checkNumber(fn, `${where}: dampening`, o.dampening ?? 0, 'nonneg'),
      nesterov: checkBoolean(fn, `${where}: nesterov`, o.nesterov ?? false),
      lrInMomentum: checkBoolean(fn, `${where}: lrInMomentum`, o.lrInMomentum ?? keras),
      ...resolveDecay(fn, where, o, { weightDecay: 0, decoupled: keras }),
    };
    if (r.nesterov && (r.momentum <= 0 || r.dampening !== 0)) {
      throw new ValueError(fn, `${where}: nesterov requires momentum > 0 and dampening 0, got momentum ${r.momentum}, dampening ${r.dampening}`);
    }
    if (r.lrInMomentum && r.dampening !== 0) throw new ValueError(fn, `${where}: dampening ${r.dampening} cannot be combined with lrInMomentum (Keras has no dampening)`);
    return r;
  }

  protected bufferNames() {
    return { buffers: ['momentumBuffer'], scalars: [] };
  }

  protected update(p: Float64Array, g: Float64Array, st: ParamState, o: SGDGroupOptions): void {
    const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, maximize, lrInMomentum, decoupledWeightDecay } = o;
    const n = p.length;
    const l2 = decoupledWeightDecay ? 0 : wd;
    if (wd !== 0 && decoupledWeightDecay) decayWeights(p, lr, wd, false);
    st.step++;
    if (mu === 0) {
      if (!maximize && l2 === 0) {
        // The common case, kept branch-free: p ← p − lr·g.
        const nlr = -lr;
        if (lrInMomentum) for (let i = 0; i < n; i++) p[i] = p[i] - g[i] * lr;
        else for (let i = 0; i < n; i++) p[i] = p[i] + nlr * g[i];
        return;
      }
      for (let i = 0; i < n; i++) {
        const d = gradTerm(g[i], p[i], maximize, l2);
        p[i] = lrInMomentum ? p[i] - d * lr : p[i] + -lr * d;
      }
      return;
    }
    let buf = st.buffers.momentumBuffer;
    const first = buf === undefined;
    if (first) buf = st.buffers.momentumBuffer = new Float64Array(n);
    if (lrInMomentum) {
      // Keras: m = m·μ − g·lr; p += nesterov ? m·μ − g·lr : m.
      for (let i = 0; i < n; i++) {
        const d = gradTerm(g[i], p[i], maximize, l2);
        const m = buf[i] * mu - d * lr;
        buf[i] = m;
        p[i] = p[i] + (nesterov ? m * mu - d * lr : m);
      }
      return;
    }
    const keep = 1 - dampening;
    for (let i = 0; i < n; i++) {
      let d = gradTerm(g[i], p[i], maximize, l2);
      const b = first ? d : mu * buf[i] + keep * d;
      buf[i] = b;
      if (nesterov) d = d + mu * b;
      else d = b;
      p[i] = p[i] + -lr * d;
    }
  }
}

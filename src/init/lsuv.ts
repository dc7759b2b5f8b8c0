import { NablaError, ShapeError, ValueError, describe, renamedError } from '../errors.js';
import { noGrad } from '../autograd/transforms.js';
import type { Module } from '../nn/module.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkFunction, checkInteger, checkNumber, checkOptions } from '../validate.js';
import { initialize, type Initializer } from './common.js';
import { orthogonal } from './orthogonal.js';

/** Options of {@link lsuvInit}. */
export interface LsuvOptions extends RandomOptions {
  /** Stop rescaling a layer once |Var(output) − 1| < tol. Positive; default 0.1 (the paper's Tol_var). */
  tol?: number;
  /** At most this many rescaling rounds per layer. Positive integer; default 10 (the paper's T_max). */
  maxIter?: number;
  /**
   * The orthonormal start: called as `init([rows, cols], { rng })` for each weighted layer, where the
   * weight viewed as a matrix is rows = the product of all its dimensions but the last, cols = the last
   * (`[in, out]` for Linear). Default `orthogonal`.
   */
  init?: Initializer;
}

/** One row of {@link lsuvInit}'s report, in the order the layers ran. */
export interface LsuvLayerReport {
  /** The layer's dotted path in the model (`"0"`, `"encoder.fc"`; `""` when the model is the layer). */
  layer: string;
  /** Var of the layer's output on x after the orthonormal start (and the earlier layers' scaling). */
  varianceBefore: number;
  /** Var of the layer's output on x when its rescaling stopped. */
  varianceAfter: number;
  /** Rescaling rounds used: 0 when the start was already within tol, at most maxIter. */
  iterations: number;
}

/** A layer LSUV scales: the module and its weight (and bias, zeroed at the start). */
interface Weighted {
  name: string;
  module: Module;
  weight: Tensor;
  bias: Tensor | null;
}

/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas 2016, Algorithm 1): an orthonormal
 * start, then each weighted layer L, in forward order, rescaled until its output B_L has unit
 * variance on the batch `x`:
 *
 * ```math
 * W_L \leftarrow \frac{W_L}{\sqrt{\operatorname{Var}(B_L)}}
 * \quad\text{while}\quad |\operatorname{Var}(B_L) - 1| \ge \text{tol}
 * \ \text{and fewer than maxIter rounds were made}
 * ```
 *
 * It works on any model whose layers it can reach through `namedChildren()` (Sequential,
 * ModuleBase subclasses, nested), and returns one report row per layer, in the order they ran:
 *
 * 1. Pre-initialize every weighted layer with an orthonormal matrix (`options.init`, default
 *    {@link orthogonal}, drawn from `rng`/`seed` in the order the layers run) and set its bias to
 *    zero, as the paper's networks have (their Caffe models fill biases with the constant 0; the
 *    authors' PyTorch port zeroes them in the same step).
 * 2. For each weighted layer L in the order the layers run in `model.forward(x)`: while
 *    |Var(B_L) − 1| ≥ tol and fewer than maxIter rounds were made, W_L ← W_L / √Var(B_L), then run
 *    `x` through the model again. B_L is the layer's output (its pre-activation) on the batch; Var is
 *    the variance of all its elements (divided by the count, as NumPy's `var`). A layer used twice in
 *    one forward pools both outputs.
 *
 * A weighted layer is a module whose class has a static `lsuv` that is true
 * (`static get lsuv() { return true; }`: Linear and Conv2d have it, and a class of yours may)
 * and whose `weight` is a Tensor of rank ≥ 2 in nabla's layout `[...fan-in dims, out]` (Conv2d's
 * `[kh, kw, c_in, c_out]` is `[kh·kw·c_in, c_out]` as a matrix — its filters are orthonormalized, as
 * the paper does for convolutions). Layers that do not run in `model.forward(x)` are left as they are.
 *
 * The model runs in the mode it is in (training mode, as the paper's Caffe solver ran it, unless
 * you call `eval()`), without recording (`noGrad`). Nothing but the weights and biases of the
 * weighted layers changes: running statistics, counters and a Dropout generator are restored after
 * every forward (so Dropout drops the same units in every round). Like any forward, it replaces the
 * cache an explicit `backward` would use — run it before training.
 *
 * Errors (NablaErrors naming the layer; on any of them no weight or bias has changed): no weighted
 * layer runs in the forward, `x` rejected by the model, `tol` ≤ 0, `maxIter` < 1, two layers
 * sharing one weight tensor, a layer whose output variance is 0 (a dead or constant input) or not
 * finite. A layer still outside tol after maxIter rounds is not an error (the paper moves on);
 * its report row says so.
 *
 * Method: the layers' outputs are observed through a wrapper put on each weighted layer
 * instance's own `forward` (never on a prototype) for the duration of the call and removed in a
 * `finally`; the first forward, with the weights untouched, checks `x` and records the order the
 * layers run in. One forward measures every layer, so the forward after a layer's last rescale
 * also gives the next layer's starting variance: a network whose layers each need one round (the
 * usual case — with zero biases a layer's output scales exactly with its weight) costs L + 2
 * forwards. Where the paper is silent: the order of the orthonormal draws (forward order), a
 * layer used twice (its outputs pooled), non-convergence (reported, not an error).
 * @see D. Mishkin, J. Matas, "All you need is a good init", ICLR 2016, arXiv:1511.06422.
 * @see A. M. Saxe, J. L. McClelland, S. Ganguli, "Exact solutions to the nonlinear dynamics of
 * learning in deep linear neural networks", ICLR 2014 (the orthonormal start).
 * @example
 * const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
 * const report = lsuvInit(model, batch, { seed: 0 }); // [{ layer: '0', varianceBefore, varianceAfter, iterations }, …]
 */
export function lsuvInit(model: Module, x: TensorLike, options?: LsuvOptions): LsuvLayerReport[] {
  const fn = 'lsuvInit';
  const o = checkOptions<LsuvOptions>(fn, options, ['tol', 'maxIter', 'init', 'rng', 'seed']);
  const tol = checkNumber(fn, 'options.tol', o.tol ?? 0.1, 'pos');
  const maxIter = checkInteger(fn, 'options.maxIter', o.maxIter ?? 10);
  const init = checkFunction<Initializer>(fn, 'options.init', o.init ?? orthogonal, 'an initializer function');
  const rng = resolveRng(fn, o);
  if (model === null || typeof model !== 'object' || typeof (model as Module).forward !== 'function') {
    throw new ValueError(fn, `model must be a Module (an object with a forward method), got ${describe(model)}`);
  }
  const found = weightedLayers(model);
  const owner = new Map<Tensor, string>();
  for (const l of found) {
    const other = owner.get(l.weight);
    if (other !== undefined) throw new ValueError(fn, `${label(other)} and ${label(l.name)} share one weight tensor (LSUV scales each layer's weight on its own)`);
    owner.set(l.weight, l.name);
  }
  if (found.length === 0) {
    throw new ValueError(fn, `the model (${describe(model)}) has no weighted layer (a Linear, a Conv2d, or a class with a static lsuv marker and a weight) among its children`);
  }

  const restoreState = typeof (model as { snapshotState?: unknown }).snapshotState === 'function'
    ? (model as unknown as { snapshotState(): () => void }).snapshotState()
    : () => {};
  // outputs[i]: what layer found[i] returned in the current forward; order: first-call order.
  const outputs: unknown[][] = found.map(() => []);
  const order: number[] = [];
  const forward = () => {
    for (const out of outputs) out.length = 0;
    order.length = 0;
    try {
      noGrad(() => (model as Module).forward(x));
    } finally {
      restoreState();
    }
  };

  const unwrap = wrapForwards(found, (i, y) => {
    if (outputs[i].length === 0) order.push(i);
    outputs[i].push(y);
  });
  let saved: [Float64Array, Float64Array | null][] | null = null;
  try {
    // 1. The batch must pass through the model as it is, before anything is written.
    try {
      forward();
    } catch (e) {
      throw rejected(fn, e);
    }
    const run = order.slice();
    if (run.length === 0) {
      throw new ValueError(fn, `no weighted layer ran in model.forward(x) (found ${found.map((l) => label(l.name)).join(', ')}, none called)`);
    }
    // 2. Orthonormal start, drawn in the order the layers run; every draw is made (and checked)
    // before any weight is written.
    const starts = run.map((i) => {
      const w = found[i].weight;
      const cols = w.shape[w.rank - 1];
      return initialize(fn, 'options.init', init, [w.size / cols, cols], rng);
    });
    saved = found.map((l) => [l.weight.data.slice(), l.bias === null ? null : l.bias.data.slice()]);
    run.forEach((i, k) => {
      found[i].weight.data.set(starts[k].data);
      found[i].bias?.data.fill(0);
    });
    // 3. Layer by layer in forward order: rescale until the output variance is 1 ± tol.
    const report: LsuvLayerReport[] = [];
    forward();
    for (const i of run) {
      const layer = found[i];
      let v = outputVariance(fn, layer.name, outputs[i]);
      const before = v;
      let iterations = 0;
      while (!(Math.abs(v - 1) < tol) && iterations < maxIter) {
        const s = Math.sqrt(v);
        const w = layer.weight.data;
        for (let j = 0; j < w.length; j++) w[j] /= s;
        iterations++;
        forward();
        v = outputVariance(fn, layer.name, outputs[i]);
      }
      report.push({ layer: layer.name, varianceBefore: before, varianceAfter: v, iterations });
    }
    saved = null;
    return report;
  } catch (e) {
    if (saved !== null) {
      found.forEach((l, i) => {
        l.weight.data.set(saved![i][0]);
        if (l.bias !== null) l.bias.data.set(saved![i][1]!);
      });
    }
    throw e;
  } finally {
    unwrap();
  }
}

/** Every weighted layer reachable from `model` through namedChildren(), each once, depth first. */
function weightedLayers(model: Module): Weighted[] {
  const out: Weighted[] = [];
  const seen = new Set<Module>();
  const visit = (m: Module, name: string) => {
    if (seen.has(m)) return;
    seen.add(m);
    const weight = (m as { weight?: unknown }).weight;
    const marked = (m.constructor as { lsuv?: unknown } | undefined)?.lsuv === true;
    if (marked && weight instanceof Tensor && weight.rank >= 2 && weight.size > 0) {
      const bias = (m as { bias?: unknown }).bias;
      out.push({ name, module: m, weight, bias: bias instanceof Tensor ? bias : null });
    }
    const children = (m as { namedChildren?: () => [string, Module][] }).namedChildren;
    if (typeof children !== 'function') return;
    for (const [k, c] of children.call(m)) visit(c, name === '' ? k : `${name}.${k}`);
  };
  visit(model, '');
  return out;
}

/**
 * Wraps each layer instance's forward so `observe(i, output)` sees what it returns; returns the
 * function that puts the original methods back.
 */
function wrapForwards(layers: Weighted[], observe: (i: number, y: unknown) => void): () => void {
  const undo: (() => void)[] = [];
  const restore = () => {
    for (let k = undo.length - 1; k >= 0; k--) undo[k]();
  };
  try {
    layers.forEach(({ module }, i) => {
      const own = Object.getOwnPropertyDescriptor(module, 'forward');
      const original = module.forward;
      Object.defineProperty(module, 'forward', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function (this: unknown, ...args: unknown[]) {
          const y = original.apply(this, args);
          observe(i, y);
          return y;
        },
      });
      undo.push(() => {
        if (own === undefined) delete (module as { forward?: unknown }).forward;
        else Object.defineProperty(module, 'forward', own);
      });
    });
  } catch (e) {
    restore();
    throw e;
  }
  return restore;
}

/** Var of every element of a layer's outputs in one forward (sum of squared deviations / count). */
function outputVariance(fn: string, name: string, outs: unknown[]): number {
  if (outs.length === 0) throw new NablaError(fn, `${label(name)} did not run in this forward (its calls changed between forwards)`);
  let n = 0;
  let sum = 0;
  for (const y of outs) {
    if (!(y instanceof Tensor)) throw new ValueError(fn, `${label(name)} returned ${describe(y)} (expected a Tensor)`);
    const d = y.data;
    for (let j = 0; j < d.length; j++) sum += d[j];
    n += d.length;
  }
  if (n === 0) throw new ShapeError(fn, `${label(name)} produced an empty output on x (no values to take the variance of)`);
  const mean = sum / n;
  let ss = 0;
  for (const y of outs as Tensor[]) {
    const d = y.data;
    for (let j = 0; j < d.length; j++) {
      const t = d[j] - mean;
      ss += t * t;
    }
  }
  const v = ss / n;
  if (v === 0) {
    throw new ValueError(fn, `${label(name)} has output variance 0 on x (every output value is the same: a dead or constant input), so it cannot be scaled to variance 1`);
  }
  if (!Number.isFinite(v)) throw new ValueError(fn, `${label(name)} has output variance ${v} on x (the output holds NaN or ±Infinity, or overflows)`);
  return v;
}

function label(name: string): string {
  return name === '' ? 'the model (itself a weighted layer)' : `layer ${JSON.stringify(name)}`;
}

/** The model's own error for x, said to be lsuvInit's (same class, original as cause). */
function rejected(fn: string, e: unknown): unknown {
  return renamedError(e, () => fn, (x) => `model.forward(x) rejected x (nothing was changed): ${x.message}`);
}

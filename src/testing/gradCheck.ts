import { NablaError, ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { vjp } from '../autograd/transforms.js';
import { createRng } from '../random/rng.js';
import { sameShape, unravelIndex } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkNumber, checkOptions } from '../validate.js';
import { relErrorAt } from './relError.js';
import { formatError, formatValue } from './report.js';

/** A forward/backward pair as gradCheck sees it. */
export interface DifferentiablePair {
  /** Computes the output from the inputs; must not keep state between calls. */
  forward: (...xs: Tensor[]) => Tensor;
  /**
   * Returns dL/dx for each checked input given dL/dy. One Tensor when one input is checked; an
   * array (or an object, whose values are taken in order) otherwise.
   */
  backward: (dy: Tensor, ...xs: Tensor[]) => Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;
}

/**
 * Default eps of the central differences (step h = eps·max(1, |x|)). Chosen by measurement
 * (bench/gradcheck-eps.mjs; figures in docs/testing.md): over the measured cases the median
 * relative error is smallest at 1e−5, and every case on unit-scale inputs stays below 1e−7 there.
 */
const DEFAULT_EPS = 1e-5;

/** Default threshold of the `'relError'` metric: the "you should be happy" line of gradient-check lore. */
const DEFAULT_MAX_REL_ERROR = 1e-7;

/** Options of {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** Step of the central differences: element x is moved by h = eps·max(1, |x|). Default 1e-5. */
  eps?: number;
  /** Upstream gradient dL/dy (shape of the output). Default: ones, i.e. the gradient of Σy. */
  dy?: TensorLike;
  /** Indices of the inputs to differentiate. Default: all. */
  wrt?: readonly number[];
}

/**
 * How gradCheck judges: `'relError'` — every element's course relative error
 * |a − n| / max(1e−8, |a| + |n|) at most `maxRelError`; `'allclose'` — every element within
 * |a − n| ≤ atol + rtol·|n| (NumPy's isclose with the numeric gradient as reference).
 */
export type GradCheckMetric = 'relError' | 'allclose';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions extends NumericalGradientOptions {
  /** The rule that decides `ok`. Default `'relError'`, or `'allclose'` when `rtol` or `atol` is given. */
  metric?: GradCheckMetric;
  /** Threshold of the `'relError'` metric. Default 1e-7. */
  maxRelError?: number;
  /** Relative tolerance of the `'allclose'` metric. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of the `'allclose'` metric. Default 1e-8. */
  atol?: number;
}

/** Options of {@link assertGradCheck}: gradCheck's, and a name for the report. */
export interface AssertGradCheckOptions extends GradCheckOptions {
  /** What is checked (`'affine_backward'`); the report starts with it. Default `'assertGradCheck'`. */
  name?: string;
}

/** One element of a gradient check. */
export interface GradCheckWorst {
  /** Which input (its position in `inputs`). */
  input: number;
  /** Multi-index of the element within that input. */
  index: number[];
  analytic: number;
  numeric: number;
  /** The course relative error |analytic − numeric| / max(1e−8, |analytic| + |numeric|). */
  relError: number;
}

/** The result for one checked input. */
export interface GradCheckInputReport {
  /** Which input (its position in `inputs`). */
  input: number;
  /** The input's shape. */
  shape: number[];
  /** Whether every element of this input passes. */
  ok: boolean;
  /** Largest relative error over this input's elements (what a course prints as "dx error"); 0 when it has none. */
  maxRelError: number;
  /** This input's worst element (see {@link GradCheckResult.worst}), or null when it has no elements. */
  worst: GradCheckWorst | null;
}

/** How a check was judged. */
export type GradCheckCriterion = { metric: 'relError'; maxRelError: number } | { metric: 'allclose'; rtol: number; atol: number };

/** Result of {@link gradCheck}. */
export interface GradCheckResult {
  /** True when every checked element passes the criterion. */
  ok: boolean;
  /**
   * Largest course relative error |a − n| / max(1e−8, |a| + |n|) over all checked elements (0 when
   * there are none; NaN when a gradient holds NaN), whatever the criterion.
   */
  maxRelError: number;
  /**
   * The element that fails worst: under `'relError'` the one with the largest relative error; under
   * `'allclose'` the one with the largest |a − n| / (atol + rtol·|n|). A NaN ranks worst. Null when
   * there are no elements.
   */
  worst: GradCheckWorst | null;
  /** The rule and thresholds `ok` was decided by. */
  criterion: GradCheckCriterion;
  /** Per checked input, in `wrt` order. */
  perInput: GradCheckInputReport[];
}

/**
 * Central-difference gradient of ⟨dy, forward(...inputs)⟩ with respect to each input in `wrt`:
 *
 * ```math
 * \frac{\partial L}{\partial x_j} \approx \frac{\sum_i dy_i\,\big(f_i(x + h e_j) - f_i(x - h e_j)\big)}{(x_j + h) - (x_j - h)},
 * \qquad h = \text{eps}\cdot\max(1, |x_j|)
 * ```
 *
 * Each output element is differenced first and only then weighted by dy and summed (compensated),
 * so nothing cancels between two large sums; the divisor is the step actually taken (x + h and
 * x − h as rounded to float64), not 2h. The inputs are copied; `forward` receives the copies,
 * perturbed one element at a time.
 * @example numericalGradient((x) => mul(x, x), [[3]])[0].toArray(); // ≈ [6]
 */
export function numericalGradient(
  forward: (...xs: Tensor[]) => Tensor,
  inputs: readonly TensorLike[],
  options?: NumericalGradientOptions,
): Tensor[] {
  const fn = 'numericalGradient';
  const opts = checkOptions<NumericalGradientOptions>(fn, options, ['eps', 'dy', 'wrt']);
  const { xs, wrt, eps } = prepare(fn, forward, inputs, opts);
  const y = callForward(fn, forward, xs);
  const dy = opts.dy === undefined ? new Float64Array(y.size).fill(1) : checkDy(fn, opts.dy, y).data.slice();
  return numeric(fn, forward, xs, wrt, eps, dy, y.shape).map((g, k) => new Tensor(g, xs[wrt[k]].shape));
}

const GRAD_CHECK_KEYS: readonly string[] = ['eps', 'dy', 'wrt', 'metric', 'maxRelError', 'rtol', 'atol'];

/**
 * Checks a backward function against central differences in float64: a `{ forward, backward }`
 * pair, or a plain function of tensors whose analytic gradient autograd computes. With no `dy`, the
 * upstream gradient is a fixed pseudo-random tensor (uniform in [−1, 1) from `createRng(0)`), so
 * errors that cancel under an all-ones `dy` (softmax, for one) are still caught. `backward` gets its
 * own copies of `dy` and of the inputs: one that writes into them cannot change the reference.
 *
 * By default `ok` requires every element's course relative error (see {@link relError}) to be at
 * most 1e−7; `{ maxRelError }` sets the threshold, `{ rtol, atol }` switches to NumPy's isclose rule.
 *
 * @example
 * const r = gradCheck({ forward: (x) => mul(x, x), backward: (dy, x) => mul(dy, mul(2, x)) }, [[1, 2, 3]]);
 * r.ok; // => true
 */
export function gradCheck(pairOrFn: DifferentiablePair | ((...xs: Tensor[]) => Tensor), inputs: readonly TensorLike[], options?: GradCheckOptions): GradCheckResult {
  return runGradCheck('gradCheck', pairOrFn, inputs, checkOptions<GradCheckOptions>('gradCheck', options, GRAD_CHECK_KEYS));
}

/**
 * The error {@link assertGradCheck} throws: a NablaError (`fn` is `'assertGradCheck'`) whose
 * message is the report, starting with the checked thing's name, and whose `report` is gradCheck's
 * result.
 */
export class GradCheckError extends NablaError {
  /** gradCheck's full result. */
  readonly report: GradCheckResult;

  constructor(name: string, message: string, report: GradCheckResult) {
    super('assertGradCheck', message);
    this.message = `${name}: ${message}`;
    this.name = 'GradCheckError';
    this.report = report;
  }
}

/**
 * {@link gradCheck}, throwing a {@link GradCheckError} (a NablaError carrying the result as
 * `report`) when the check fails; returns the result when it passes. The message names the rule,
 * and for each checked input its largest relative error and, where it failed, the worst element:
 *
 * ```text
 * affine_backward: gradient check failed (relError ≤ 1e-7); max relative error 0.0011
 *   input 0 [2,3]: max relative error 0.0011 at [1,2]: analytic 0.52, numeric 0.5211448110520916  FAILED
 *   input 1 [3]: max relative error 2.10e-11  ok
 * ```
 * @example assertGradCheck({ forward: sigmoid, backward: sigmoidBackward }, [[0.3, -1.2]], { name: 'sigmoid' });
 */
export function assertGradCheck(
  pairOrFn: DifferentiablePair | ((...xs: Tensor[]) => Tensor),
  inputs: readonly TensorLike[],
  options?: AssertGradCheckOptions,
): GradCheckResult {
  const fn = 'assertGradCheck';
  const { name: rawName, ...rest } = checkOptions<AssertGradCheckOptions>(fn, options, [...GRAD_CHECK_KEYS, 'name']);
  if (rawName !== undefined && (typeof rawName !== 'string' || rawName.length === 0)) {
    throw new ValueError(fn, `options.name must be a non-empty string, got ${describe(rawName)}`);
  }
  const r = runGradCheck(fn, pairOrFn, inputs, rest);
  if (r.ok) return r;
  const c = r.criterion;
  const rule = c.metric === 'relError' ? `relError ≤ ${c.maxRelError}` : `|analytic − numeric| ≤ ${c.atol} + ${c.rtol}·|numeric|`;
  const lines = [`gradient check failed (${rule}); max relative error ${formatError(r.maxRelError)}`];
  for (const p of r.perInput) {
    const w = p.worst;
    const at = p.ok || w === null ? '' : ` at ${formatShape(w.index)}: analytic ${formatValue(w.analytic)}, numeric ${formatValue(w.numeric)}`;
    lines.push(`  input ${p.input} ${formatShape(p.shape)}: max relative error ${formatError(p.maxRelError)}${at}  ${p.ok ? 'ok' : 'FAILED'}`);
  }
  throw new GradCheckError(rawName ?? fn, lines.join('\n'), r);
}

function runGradCheck(fn: string, pairOrFn: unknown, inputs: readonly TensorLike[], opts: Partial<GradCheckOptions>): GradCheckResult {
  const pair = asPair(fn, pairOrFn);
  const plain = typeof pairOrFn === 'function';
  const criterion = resolveCriterion(fn, opts);
  const { xs, wrt, eps } = prepare(fn, pair.forward, inputs, opts);
  const y = callForward(fn, pair.forward, xs);
  const dy = opts.dy === undefined ? createRng(0).fillUniform(new Float64Array(y.size), -1, 1) : checkDy(fn, opts.dy, y).data.slice();
  // backward gets copies of dy and of the inputs: writing into them (relu_backward zeroing dout
  // in place, say) cannot reach the caller's tensors or the numeric pass that follows.
  const raw: unknown = pair.backward(new Tensor(dy.slice(), y.shape), ...xs.map((x) => x.clone()));
  let analytic: unknown[];
  if (raw instanceof Tensor) analytic = [raw];
  else if (Array.isArray(raw)) analytic = raw;
  else if (raw !== null && typeof raw === 'object') analytic = Object.values(raw);
  else throw new ValueError(fn, `backward returned ${describe(raw)} (expected a Tensor, an array of Tensors or an object of Tensors)`);
  // A plain function's gradients come for every input; keep the checked ones.
  if (plain) analytic = wrt.map((k) => analytic[k]);
  if (analytic.length !== wrt.length) {
    throw new ValueError(fn, `backward returned ${analytic.length} gradient(s) for ${wrt.length} checked input(s)`);
  }
  const grads = analytic.map((a, k) => {
    const x = xs[wrt[k]];
    if (!(a instanceof Tensor) || !sameShape(a.shape, x.shape)) {
      throw new ShapeError(fn, `gradient ${k} from backward has shape ${a instanceof Tensor ? formatShape(a.shape) : describe(a)} but input ${wrt[k]} has shape ${formatShape(x.shape)}`);
    }
    return a.data.slice();
  });
  const numericGrads = numeric(fn, pair.forward, xs, wrt, eps, dy, y.shape);
  const judged = wrt.map((input, k) => judge(input, xs[input].shape, grads[k], numericGrads[k], criterion));
  let maxRelError = 0;
  let worst: GradCheckWorst | null = null;
  let worstScore = -1;
  for (const p of judged) {
    if (p.maxRelError !== p.maxRelError || maxRelError !== maxRelError) maxRelError = NaN;
    else if (p.maxRelError > maxRelError) maxRelError = p.maxRelError;
    if (p.worst !== null && (worst === null || p.score > worstScore)) {
      worst = p.worst;
      worstScore = p.score;
    }
  }
  return { ok: judged.every((p) => p.ok), maxRelError, worst, criterion, perInput: judged.map(({ score: _score, ...p }) => p) };
}

/** The criterion from the options: relError unless a tolerance of the allclose rule is named. */
function resolveCriterion(fn: string, o: Partial<GradCheckOptions>): GradCheckCriterion {
  const tolGiven = o.rtol !== undefined || o.atol !== undefined;
  const metric = checkChoice(fn, 'options.metric', o.metric ?? (tolGiven ? 'allclose' : 'relError'), ['relError', 'allclose'] as const);
  if (metric === 'relError') {
    if (tolGiven) {
      throw new ValueError(fn, `options.${o.rtol !== undefined ? 'rtol' : 'atol'} belongs to metric 'allclose' (metric 'relError' is judged by options.maxRelError)`);
    }
    return { metric, maxRelError: checkNumber(fn, 'options.maxRelError', o.maxRelError ?? DEFAULT_MAX_REL_ERROR, 'nonneg') };
  }
  if (o.maxRelError !== undefined) throw new ValueError(fn, "options.maxRelError belongs to metric 'relError' (metric 'allclose' is judged by options.rtol and options.atol)");
  return { metric, rtol: checkNumber(fn, 'options.rtol', o.rtol ?? 1e-5, 'nonneg'), atol: checkNumber(fn, 'options.atol', o.atol ?? 1e-8, 'nonneg') };
}

/** Judges one input's gradient. `score` ranks elements under the criterion; NaN ranks as +∞. */
function judge(input: number, shape: readonly number[], a: Float64Array, n: Float64Array, c: GradCheckCriterion): GradCheckInputReport & { score: number } {
  let ok = true;
  let maxRel = 0;
  let worstJ = -1;
  let worstScore = -1;
  for (let j = 0; j < n.length; j++) {
    const av = a[j];
    const nv = n[j];
    const rel = relErrorAt(av, nv);
    let pass: boolean;
    let score: number;
    if (c.metric === 'relError') {
      pass = rel <= c.maxRelError;
      score = rel;
    } else {
      const diff = Math.abs(av - nv);
      const allowed = c.atol + c.rtol * Math.abs(nv);
      pass = av === nv || diff <= allowed;
      score = av === nv ? 0 : diff / allowed; // diff > 0 with allowed 0 gives ∞
    }
    if (!pass) ok = false;
    if (rel !== rel || maxRel !== maxRel) maxRel = NaN;
    else if (rel > maxRel) maxRel = rel;
    if (score !== score) score = Infinity;
    if (score > worstScore) {
      worstJ = j;
      worstScore = score;
    }
  }
  const worst = worstJ < 0 ? null : { input, index: unravelIndex(worstJ, shape), analytic: a[worstJ], numeric: n[worstJ], relError: relErrorAt(a[worstJ], n[worstJ]) };
  return { input, shape: shape.slice(), ok, maxRelError: maxRel, worst, score: worstScore };
}

/**
 * A pair to check: the pair itself, or for a plain function `f` its forward with the analytic
 * gradient from autograd (`vjp`), so a composite written with nabla's ops is checked as it is.
 */
function asPair(fn: string, pairOrFn: unknown): DifferentiablePair {
  if (typeof pairOrFn === 'function') {
    const f = pairOrFn as (...xs: Tensor[]) => Tensor;
    return { forward: f, backward: (dy, ...xs) => vjp(f, ...xs).backward(dy) };
  }
  const pair = pairOrFn as DifferentiablePair;
  if (pair === null || typeof pair !== 'object' || typeof pair.forward !== 'function' || typeof pair.backward !== 'function') {
    throw new ValueError(fn, `the first argument must be a function or a { forward, backward } pair, got ${describe(pair)}`);
  }
  return pair;
}

function prepare(fn: string, forward: unknown, inputs: readonly TensorLike[], opts: Partial<NumericalGradientOptions>) {
  if (typeof forward !== 'function') throw new ValueError(fn, `forward must be a function, got ${describe(forward)}`);
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ValueError(fn, `inputs must be a non-empty array of tensors, got ${describe(inputs)}`);
  }
  const eps = checkNumber(fn, 'options.eps', opts.eps ?? DEFAULT_EPS, 'pos');
  // Copies: the caller's tensors are never perturbed.
  const xs = inputs.map((x, i) => asTensor(x, fn, `inputs[${i}]`).clone());
  let wrt: number[];
  if (opts.wrt === undefined) wrt = xs.map((_, i) => i);
  else {
    if (!Array.isArray(opts.wrt)) throw new ValueError(fn, `options.wrt must be an array of input indices, got ${describe(opts.wrt)}`);
    wrt = opts.wrt.map((i) => {
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= xs.length) {
        throw new ValueError(fn, `options.wrt entry ${describe(i)} is not an input index (expected 0 ≤ i < ${xs.length})`);
      }
      return i;
    });
    if (new Set(wrt).size !== wrt.length) throw new ValueError(fn, `options.wrt lists an input twice (${wrt.join(', ')})`);
  }
  // Every step must move every checked element: x ± h rounding to the same number leaves nothing to divide by.
  for (const k of wrt) {
    const d = xs[k].data;
    for (let j = 0; j < d.length; j++) {
      const h = eps * Math.max(1, Math.abs(d[j]));
      if (Number.isFinite(d[j]) && d[j] + h === d[j] - h) {
        throw new ValueError(fn, `options.eps ${eps} is below the float64 spacing at inputs[${k}] element ${j} (${d[j]}): x + h and x − h round to the same number (use a larger eps)`);
      }
    }
  }
  return { xs, wrt, eps };
}

function callForward(fn: string, forward: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Tensor {
  const y = forward(...xs);
  if (!(y instanceof Tensor)) throw new ValueError(fn, `forward returned ${describe(y)} (expected a Tensor)`);
  return y;
}

function checkDy(fn: string, dy: TensorLike, y: Tensor): Tensor {
  const D = asTensor(dy, fn, 'options.dy');
  if (!sameShape(D.shape, y.shape)) {
    throw new ShapeError(fn, `options.dy has shape ${formatShape(D.shape)} but forward's output has shape ${formatShape(y.shape)}`);
  }
  return D;
}

/**
 * The central differences: per perturbed element j, Σᵢ dyᵢ·(f(x + h)ᵢ − f(x − h)ᵢ) (Neumaier's
 * compensated sum) over the step actually taken.
 */
function numeric(fn: string, forward: (...xs: Tensor[]) => Tensor, xs: Tensor[], wrt: readonly number[], eps: number, dy: Float64Array, shape: readonly number[]): Float64Array[] {
  const plus = new Float64Array(dy.length);
  const evaluate = (): Float64Array => {
    const y = forward(...xs);
    if (!(y instanceof Tensor)) throw new ValueError(fn, `forward returned ${describe(y)} at a perturbed input (expected a Tensor)`);
    if (!sameShape(y.shape, shape)) {
      throw new ShapeError(fn, `forward returned shape ${formatShape(y.shape)} at a perturbed input but ${formatShape(shape)} at the given one`);
    }
    return y.data;
  };
  return wrt.map((k) => {
    const x = xs[k].data;
    const g = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const v = x[j];
      const h = eps * Math.max(1, Math.abs(v));
      const hi = v + h;
      const lo = v - h;
      x[j] = hi;
      plus.set(evaluate());
      x[j] = lo;
      const minus = evaluate();
      let s = 0;
      let c = 0;
      for (let i = 0; i < plus.length; i++) {
        const t = dy[i] * (plus[i] - minus[i]);
        const u = s + t;
        c += Math.abs(s) >= Math.abs(t) ? s - u + t : t - u + s;
        s = u;
      }
      x[j] = v;
      g[j] = (s + c) / (hi - lo);
    }
    return g;
  });
}

import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { vjp } from '../autograd/transforms.js';
import { createRng } from '../random/rng.js';
import { sameShape, unravelIndex } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber, checkOptions } from '../validate.js';

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

/** Options of {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** Step of the central difference. Default 1e-6. */
  eps?: number;
  /** Upstream gradient dL/dy (shape of the output). Default: ones, i.e. the gradient of Σy. */
  dy?: TensorLike;
  /** Indices of the inputs to differentiate. Default: all. */
  wrt?: readonly number[];
}

/** Options of {@link gradCheck}. */
export interface GradCheckOptions extends NumericalGradientOptions {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
}

/** The worst element found by {@link gradCheck}. */
export interface GradCheckWorst {
  /** Which input (its position in `inputs`). */
  input: number;
  /** Multi-index of the element within that input. */
  index: number[];
  analytic: number;
  numeric: number;
  relError: number;
}

/** Result of {@link gradCheck}. */
export interface GradCheckResult {
  /** True when every element satisfies |analytic − numeric| ≤ atol + rtol·|numeric|. */
  ok: boolean;
  /** Largest |analytic − numeric| / max(|analytic|, |numeric|) over all checked elements (0 when both are 0). */
  maxRelError: number;
  /** The element with the largest error, or null when there are no elements. */
  worst: GradCheckWorst | null;
}

/**
 * Central-difference gradient of ⟨dy, forward(...inputs)⟩ with respect to each input in `wrt`:
 *
 * ```math
 * \frac{\partial L}{\partial x_j} \approx \frac{\langle dy, f(x + h e_j)\rangle - \langle dy, f(x - h e_j)\rangle}{2h}
 * ```
 *
 * The inputs are copied; `forward` receives the copies, perturbed one element at a time.
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
  const dy = opts.dy === undefined ? new Tensor(new Float64Array(y.size).fill(1), y.shape) : checkDy(fn, opts.dy, y);
  return numeric(forward, xs, wrt, eps, dy);
}

/**
 * Checks a backward function against central differences in float64: a `{ forward, backward }`
 * pair, or a plain function of tensors whose analytic gradient autograd computes. With no `dy`, the upstream
 * gradient is a fixed pseudo-random tensor (uniform in [−1, 1) from `createRng(0)`), so errors that
 * cancel under an all-ones `dy` (softmax, for one) are still caught.
 *
 * @example
 * const r = gradCheck({ forward: (x) => mul(x, x), backward: (dy, x) => mul(dy, mul(2, x)) }, [[1, 2, 3]]);
 * r.ok; // => true
 */
export function gradCheck(pairOrFn: DifferentiablePair | ((...xs: Tensor[]) => Tensor), inputs: readonly TensorLike[], options?: GradCheckOptions): GradCheckResult {
  const fn = 'gradCheck';
  const pair = asPair(fn, pairOrFn);
  const plain = typeof pairOrFn === 'function';
  const opts = checkOptions<GradCheckOptions>(fn, options, ['eps', 'dy', 'wrt', 'rtol', 'atol']);
  const rtol = checkNumber(fn, 'options.rtol', opts.rtol ?? 1e-5, 'nonneg');
  const atol = checkNumber(fn, 'options.atol', opts.atol ?? 1e-8, 'nonneg');
  const { xs, wrt, eps } = prepare(fn, pair.forward, inputs, opts);
  const y = callForward(fn, pair.forward, xs);
  let dy: Tensor;
  if (opts.dy === undefined) {
    const rng = createRng(0);
    dy = new Tensor(rng.fillUniform(new Float64Array(y.size), -1, 1), y.shape);
  } else dy = checkDy(fn, opts.dy, y);
  const raw = pair.backward(dy, ...xs.map((x) => x.clone()));
  let analytic: Tensor[];
  if (raw instanceof Tensor) analytic = [raw];
  else if (Array.isArray(raw)) analytic = raw as Tensor[];
  else if (raw !== null && typeof raw === 'object') analytic = Object.values(raw as Record<string, Tensor>);
  else throw new ValueError(fn, `backward returned ${describe(raw)} (expected a Tensor, an array of Tensors or an object of Tensors)`);
  // A plain function's gradients come for every input; keep the checked ones.
  if (plain) analytic = wrt.map((k) => analytic[k]);
  if (analytic.length !== wrt.length) {
    throw new ValueError(fn, `backward returned ${analytic.length} gradient(s) for ${wrt.length} checked input(s)`);
  }
  const numericGrads = numeric(pair.forward, xs, wrt, eps, dy);
  let ok = true;
  let maxRelError = 0;
  let worst: GradCheckWorst | null = null;
  for (let k = 0; k < wrt.length; k++) {
    const a = analytic[k];
    const n = numericGrads[k];
    if (!(a instanceof Tensor) || !sameShape(a.shape, n.shape)) {
      throw new ShapeError(fn, `gradient ${k} from backward has shape ${a instanceof Tensor ? formatShape(a.shape) : describe(a)} but input ${wrt[k]} has shape ${formatShape(n.shape)}`);
    }
    for (let j = 0; j < n.size; j++) {
      const av = a.data[j];
      const nv = n.data[j];
      const diff = Math.abs(av - nv);
      const scale = Math.max(Math.abs(av), Math.abs(nv));
      const rel = diff === 0 ? 0 : diff !== diff ? Infinity : diff / scale;
      const pass = diff <= atol + rtol * Math.abs(nv);
      if (!pass) ok = false;
      if (worst === null || rel > maxRelError) {
        maxRelError = rel;
        worst = { input: wrt[k], index: unravelIndex(j, n.shape), analytic: av, numeric: nv, relError: rel };
      }
    }
  }
  return { ok, maxRelError, worst };
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
  const eps = checkNumber(fn, 'options.eps', opts.eps ?? 1e-6, 'pos');
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

function numeric(forward: (...xs: Tensor[]) => Tensor, xs: Tensor[], wrt: readonly number[], eps: number, dy: Tensor): Tensor[] {
  const dot = (): number => {
    const y = forward(...xs);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += dy.data[i] * y.data[i];
    return s;
  };
  return wrt.map((k) => {
    const x = xs[k];
    const g = new Float64Array(x.size);
    for (let j = 0; j < x.size; j++) {
      const v = x.data[j];
      x.data[j] = v + eps;
      const fp = dot();
      x.data[j] = v - eps;
      const fm = dot();
      x.data[j] = v;
      g[j] = (fp - fm) / (2 * eps);
    }
    return new Tensor(g, x.shape);
  });
}

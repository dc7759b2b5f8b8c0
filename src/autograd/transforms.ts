import { NablaError, ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkFunction, checkOptions } from '../validate.js';
import { Tape, record, recording, type BackwardFn } from './tape.js';

/** Options of {@link valueAndGrad} and {@link grad}. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to: an index or a list. Default: every argument. */
  argnums?: number | readonly number[];
}

/** What {@link valueAndGrad}'s function returns. */
export interface ValueAndGrad {
  /** f's value, a one-element tensor. */
  value: Tensor;
  /** d value / d args[argnums[i]], each shaped like its argument. */
  grads: Tensor[];
}

/** What {@link vjp} returns. */
export interface Vjp {
  /** f's value, any shape. */
  value: Tensor;
  /**
   * The vector–Jacobian product: given dL/d(value) (value's shape), dL/d(args[i]) for every
   * argument. May be called any number of times.
   */
  backward(dy: TensorLike): Tensor[];
}

/**
 * Turns `f` (a function of tensors returning a one-element tensor, such as a loss) into a function
 * that returns both f's value and its gradient with respect to the arguments — reverse-mode
 * differentiation through nabla's own backward functions, each op's existing pair.
 *
 * ```math
 * (f(x_1, \dots, x_k),\ [\partial f/\partial x_{a_1}, \dots])
 * ```
 *
 * Arguments may be any TensorLike; f receives them as Tensors. Tensors f closes over (a model's
 * weights, a batch) are constants — differentiate those with {@link accumulateGrads}, or pass them
 * as arguments. A tensor passed twice counts as two arguments, each with its own gradient.
 *
 * Method: while f runs, every op whose inputs depend on an argument appends its inputs, output and
 * backward to a tape; the gradient is then propagated from the value back through the tape in
 * reverse order, summing where a tensor is used more than once. The tape is dropped on return.
 * @example valueAndGrad((x) => sum(square(x)))([1, 2]).grads[0].toArray(); // => [2, 4]
 */
export function valueAndGrad(f: (...args: Tensor[]) => Tensor, options?: GradOptions): (...args: TensorLike[]) => ValueAndGrad {
  return makeValueAndGrad('valueAndGrad', f, options);
}

/** valueAndGrad with the name of the public function in its errors (`grad` shares it). */
function makeValueAndGrad(fn: string, f: (...args: Tensor[]) => Tensor, options: GradOptions | undefined): (...args: TensorLike[]) => ValueAndGrad {
  checkFunction(fn, 'f', f);
  const o = checkOptions<GradOptions>(fn, options, ['argnums']);
  const argnums = o.argnums;
  if (argnums !== undefined) checkArgnumsShape(fn, argnums);
  return (...args: TensorLike[]): ValueAndGrad => {
    const xs = leaves(fn, args);
    const which = resolveArgnums(fn, argnums, xs.length);
    const { value, tape } = runRecorded(fn, () => f(...xs), which.map((i) => xs[i]));
    if (value.size !== 1) {
      throw new ValueError(fn, `f returned a tensor of shape ${formatShape(value.shape)} (expected one element, such as a loss; use vjp for other outputs)`);
    }
    const grads = backprop(tape, value, new Tensor(new Float64Array(1).fill(1), value.shape));
    return { value, grads: which.map((i) => gradOf(grads, xs[i])) };
  };
}

/**
 * The gradient part of {@link valueAndGrad}: `grad(f)(...args)` is `[∂f/∂args[i], …]`.
 * @example grad((x, y) => sum(mul(x, y)))([1, 2], [3, 4])[1].toArray(); // => [1, 2]
 */
export function grad(f: (...args: Tensor[]) => Tensor, options?: GradOptions): (...args: TensorLike[]) => Tensor[] {
  const vg = makeValueAndGrad('grad', f, options);
  return (...args: TensorLike[]) => vg(...args).grads;
}

/**
 * Runs `f(...args)` recording, and returns its value (any shape) with the backward of the whole
 * composite: `backward(dy)` gives dL/d(args[i]) for every argument, for any upstream dy shaped like
 * the value. This is what an autograder compares a student's hand-written backward with.
 * @example
 * const { value, backward } = vjp((x) => relu(x), [-1, 2]);
 * backward([5, 5])[0].toArray(); // => [0, 5]
 */
export function vjp(f: (...args: Tensor[]) => Tensor, ...args: TensorLike[]): Vjp {
  const fn = 'vjp';
  checkFunction(fn, 'f', f);
  const xs = leaves(fn, args);
  const { value, tape } = runRecorded(fn, () => f(...xs), xs);
  return {
    value,
    backward(dy: TensorLike): Tensor[] {
      const D = asTensor(dy, 'vjp.backward', 'dy');
      if (!sameShape(D.shape, value.shape)) {
        throw new ShapeError('vjp.backward', `dy has shape ${formatShape(D.shape)} but the value has shape ${formatShape(value.shape)} (they must match)`);
      }
      const grads = backprop(tape, value, D);
      return xs.map((x) => gradOf(grads, x));
    },
  };
}

/**
 * Runs `f` (no arguments; it closes over the model and the batch) recording, and adds d value / d p
 * into `p.grad` for every `p` in `params` (creating `p.grad` as zeros when it is null) — PyTorch's
 * `loss.backward()`. Returns the value. Optimizers then read `.grad` as usual. Gradients accumulate
 * across calls until `zeroGrad`. A model's layers may be used any number of times in `f` (weight
 * sharing): each parameter's gradient is the sum over its uses.
 *
 * Nothing is written unless everything succeeded: an error in `f` or in a backward leaves every
 * `.grad` as it was.
 * @example
 * const loss = accumulateGrads(() => crossEntropy(model.forward(x), y), model.parameters());
 * opt.step();
 */
export function accumulateGrads(f: () => Tensor, params: readonly Tensor[]): Tensor {
  const fn = 'accumulateGrads';
  checkFunction(fn, 'f', f);
  if (!Array.isArray(params)) throw new ValueError(fn, `params must be an array of Tensors, got ${describe(params)}`);
  const seen = new Set<Tensor>();
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(fn, `params[${i}] is ${describe(p)} (expected a Tensor)`);
    if (seen.has(p)) throw new ValueError(fn, `params[${i}] appears more than once (list each parameter once)`);
    if (p.grad !== null && !sameShape(p.grad.shape, p.shape)) {
      throw new ShapeError(fn, `params[${i}].grad has shape ${formatShape(p.grad.shape)} but the parameter has shape ${formatShape(p.shape)}`);
    }
    seen.add(p);
  });
  const { value, tape } = runRecorded(fn, f, params);
  if (value.size !== 1) throw new ValueError(fn, `f returned a tensor of shape ${formatShape(value.shape)} (expected one element, such as a loss)`);
  const grads = backprop(tape, value, new Tensor(new Float64Array(1).fill(1), value.shape));
  // Everything is computed: now write.
  for (const p of params) {
    const g = grads.get(p);
    if (p.grad === null) p.grad = gradOf(grads, p);
    else if (g !== undefined) {
      const d = p.grad.data;
      const s = g.data;
      for (let i = 0; i < d.length; i++) d[i] += s[i];
    }
  }
  return value;
}

/**
 * Runs `f` without recording: inside a transform, the ops in `f` are constants to it (no
 * gradient flows through them). Outside transforms it just calls `f`.
 * @example const acc = noGrad(() => accuracy(model.forward(xVal), yVal));
 */
export function noGrad<T>(f: () => T): T {
  checkFunction('noGrad', 'f', f);
  const saved = recording.tape;
  recording.tape = null;
  try {
    return f();
  } finally {
    recording.tape = saved;
  }
}

/**
 * The identity whose gradient is zero (JAX's `stop_gradient`, PyTorch's `detach`): the result
 * shares x's values and is a constant to every transform.
 * @example grad((x) => sum(mul(x, stopGradient(x))))([3])[0].toArray(); // => [3]
 */
export function stopGradient(x: TensorLike): Tensor {
  const X = asTensor(x, 'stopGradient', 'x');
  return new Tensor(X.data, X.shape);
}

/**
 * Makes a differentiable function from a forward and a hand-written backward — how users add an op.
 * `forward(...xs)` computes the output from tensors (it runs unrecorded); `backward(dy, out, ...xs)`
 * returns one gradient per input (`null` for none), each shaped like its input. Inside transforms
 * the new function records itself with that backward; outside it is just `forward`.
 * @example
 * const cube = customGrad((x) => mul(x, mul(x, x)), (dy, out, x) => [mul(dy, mul(3, square(x)))]);
 * grad((x) => sum(cube(x)))([2])[0].toArray(); // => [12]
 */
export function customGrad(
  forward: (...xs: Tensor[]) => Tensor,
  backward: (dy: Tensor, out: Tensor, ...xs: Tensor[]) => readonly (Tensor | null)[],
): (...xs: TensorLike[]) => Tensor {
  const fn = 'customGrad';
  checkFunction(fn, 'forward', forward);
  checkFunction(fn, 'backward', backward);
  return (...xs: TensorLike[]): Tensor => {
    const Xs = xs.map((x, i) => asTensor(x, fn, `xs[${i}]`));
    const raw = noGrad(() => forward(...Xs));
    if (!(raw instanceof Tensor)) throw new ValueError(fn, `forward returned ${describe(raw)} (expected a Tensor)`);
    // A fresh tensor, so an output that is one of the inputs still gets its own node.
    const out = new Tensor(raw.data, raw.shape);
    if (recording.tape !== null) {
      const bw: BackwardFn = (dy) => {
        const gs: unknown = backward(dy, out, ...Xs);
        if (!Array.isArray(gs) || gs.length !== Xs.length) {
          throw new ValueError(fn, `backward returned ${Array.isArray(gs) ? `${gs.length} gradients` : describe(gs)} for ${Xs.length} input(s) (expected an array with one Tensor or null per input)`);
        }
        return gs.map((g, i) => {
          if (g === null || g === undefined) return null;
          if (!(g instanceof Tensor)) throw new ValueError(fn, `backward's gradient ${i} is ${describe(g)} (expected a Tensor or null)`);
          if (!sameShape(g.shape, Xs[i].shape)) {
            throw new ShapeError(fn, `backward's gradient ${i} has shape ${formatShape(g.shape)} but input ${i} has shape ${formatShape(Xs[i].shape)}`);
          }
          return g;
        });
      };
      record(fn, out, Xs, bw);
    }
    return out;
  };
}

// ———————————————————————————————————————————— machinery

/** The arguments as fresh tensors (sharing data), so each argument position is its own leaf. */
function leaves(fn: string, args: readonly TensorLike[]): Tensor[] {
  return args.map((a, i) => {
    if (a instanceof Tensor) return new Tensor(a.data, a.shape);
    return asTensor(a, fn, `args[${i}]`);
  });
}

function checkArgnumsShape(fn: string, argnums: unknown): void {
  const list = typeof argnums === 'number' ? [argnums] : argnums;
  if (!Array.isArray(list) || list.length === 0) throw new ValueError(fn, `options.argnums must be an argument index or a non-empty array of them, got ${describe(argnums)}`);
  const seen = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number' || !Number.isSafeInteger(a) || a < 0) throw new ValueError(fn, `options.argnums entry ${describe(a)} is not an argument index (expected an integer ≥ 0)`);
    if (seen.has(a)) throw new ValueError(fn, `options.argnums repeats ${a}`);
    seen.add(a);
  }
}

function resolveArgnums(fn: string, argnums: number | readonly number[] | undefined, count: number): number[] {
  if (argnums === undefined) return Array.from({ length: count }, (_, i) => i);
  const list = typeof argnums === 'number' ? [argnums] : argnums.slice();
  for (const a of list) {
    if (a >= count) throw new ValueError(fn, `options.argnums entry ${a} is out of range: f was called with ${count} argument(s) (expected 0 ≤ index < ${count})`);
  }
  return list;
}

/** Runs `f` with a fresh tape on which `tracked` are the leaves; refuses to nest. */
function runRecorded(fn: string, f: () => Tensor, tracked: readonly Tensor[]): { value: Tensor; tape: Tape } {
  if (recording.active > 0) {
    throw new NablaError(fn, 'called inside a recorded function (nabla computes first derivatives only; a transform inside another would give a wrong higher derivative)');
  }
  const tape = new Tape();
  for (const t of tracked) tape.tracked.add(t);
  const saved = recording.tape;
  recording.tape = tape;
  recording.active++;
  let value: unknown;
  try {
    value = f();
  } finally {
    recording.active--;
    recording.tape = saved;
  }
  if (!(value instanceof Tensor)) throw new ValueError(fn, `f returned ${describe(value)} (expected a Tensor)`);
  return { value, tape };
}

/** A gradient being accumulated: `owned` when its buffer is ours to add into. */
interface Accum {
  data: Float64Array;
  shape: readonly number[];
  owned: boolean;
}

/**
 * Propagates `seed` = dL/d(root) back through the tape. Returns the accumulated gradient of every
 * tracked tensor that received one and is not an intermediate already consumed (the leaves).
 */
function backprop(tape: Tape, root: Tensor, seed: Tensor): Map<Tensor, Accum> {
  // The backward functions are ordinary ops: keep them off any tape that is running.
  return noGrad(() => propagate(tape, root, seed));
}

function propagate(tape: Tape, root: Tensor, seed: Tensor): Map<Tensor, Accum> {
  const grads = new Map<Tensor, Accum>();
  if (!tape.tracked.has(root)) return grads;
  grads.set(root, { data: seed.data, shape: root.shape, owned: false });
  const nodes = tape.nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const g = grads.get(node.output);
    if (g === undefined) continue;
    // The output's gradient is complete (every consumer came later): use it and let it go.
    grads.delete(node.output);
    const gs = node.backward(new Tensor(g.data, g.shape));
    for (let k = 0; k < node.inputs.length; k++) {
      const input = node.inputs[k];
      const gk = gs[k];
      if (input === null || gk === null || gk === undefined || !tape.tracked.has(input)) continue;
      if (!sameShape(gk.shape, input.shape)) {
        throw new ShapeError(node.op, `backward gave a gradient of shape ${formatShape(gk.shape)} for an input of shape ${formatShape(input.shape)} (an internal error: please report it)`);
      }
      const prev = grads.get(input);
      if (prev === undefined) grads.set(input, { data: gk.data, shape: input.shape, owned: false });
      else if (prev.owned) {
        const d = prev.data;
        const s = gk.data;
        for (let j = 0; j < d.length; j++) d[j] += s[j];
      } else {
        // Never add into a buffer a backward returned: it may be dy itself or shared with another input.
        const d = new Float64Array(prev.data.length);
        const a = prev.data;
        const s = gk.data;
        for (let j = 0; j < d.length; j++) d[j] = a[j] + s[j];
        grads.set(input, { data: d, shape: input.shape, owned: true });
      }
    }
  }
  return grads;
}

/** The gradient of leaf `x` (zeros when nothing reached it), as a tensor that owns its data. */
function gradOf(grads: Map<Tensor, Accum>, x: Tensor): Tensor {
  const g = grads.get(x);
  if (g === undefined) return new Tensor(new Float64Array(x.size), x.shape);
  return new Tensor(g.owned ? g.data : g.data.slice(), x.shape);
}

import { record, recording } from '../autograd/tape.js';
import { ShapeError, formatShape } from '../errors.js';
import { resolveRng, type RandomOptions, type Rng } from '../random/rng.js';
import { checkShape, sameShape, shapeSize } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkNumber, checkOptions } from '../validate.js';

/** Options of {@link dropout}. */
export interface DropoutOptions extends RandomOptions {
  /** Probability of dropping an element, in [0, 1). Default 0.5. */
  p?: number;
  /** When false, dropout is the identity (evaluation mode) and draws nothing. Default true. */
  training?: boolean;
}

/**
 * Inverted dropout (Srivastava et al. 2014, in the form PyTorch's `F.dropout` uses): in training
 * each element is zeroed with probability p and the kept ones are scaled by 1/(1 − p), so the
 * expected value of every element is unchanged and evaluation needs no rescaling.
 *
 * ```math
 * y_i = x_i \cdot m_i, \qquad m_i = \begin{cases} 0 & r_i < p \\ \frac{1}{1 - p} & r_i \ge p \end{cases}
 * ```
 *
 * where r_i is the i-th draw of `rng.random()` in row-major order. One draw per element, always
 * (also for p = 0), so the mask equals NumPy's `RandomState(seed).random_sample(x.shape) < p` and an
 * autograder can regenerate it; the generator is left exactly where NumPy's would be.
 *
 * p must be in [0, 1): p = 1 (which PyTorch allows, giving all zeros) is rejected, since nothing
 * would be left to scale and the scale 1/(1 − p) is infinite.
 *
 * The gradient is dy·m (the same mask): through autograd or the `Dropout` layer, which keeps the
 * mask; the mask is not an argument of a public backward.
 *
 * | x_i | dropped | kept |
 * |---|---|---|
 * | finite | 0 (−0 for x_i < 0: x_i·0) | x_i/(1 − p), as x_i·(1/(1 − p)) |
 * | ±∞, NaN | NaN (x_i·0, as PyTorch's `input * mask`) | ±∞, NaN |
 *
 * @example dropout([1, 2, 3, 4], { p: 0.5, seed: 5 }).toArray(); // => [0, 4, 0, 8]  (draws 0.222, 0.871, 0.207, 0.919)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.dropout.html
 */
export function dropout(x: TensorLike, options?: DropoutOptions): Tensor {
  const fn = 'dropout';
  const o = checkOptions<DropoutOptions>(fn, options, ['p', 'rng', 'seed', 'training']);
  const X = asTensor(x, fn, 'x');
  const p = checkNumber(fn, 'options.p', o.p ?? 0.5, 'unit');
  const training = checkBoolean(fn, 'options.training', o.training ?? true);
  const rng = resolveRng(fn, o);
  if (!training) {
    const Y = new Tensor(X.data.slice(), X.shape);
    if (recording.tape !== null) record(fn, Y, [X], (dy) => [dy]);
    return Y;
  }
  const keep = drawMask(X.size, p, rng);
  const Y = applyMask(X.data, keep, p, X.shape);
  // The backward is the forward's own multiplication by the kept mask.
  if (recording.tape !== null) record(fn, Y, [X], (dy) => [applyMask(dy.data, keep, p, dy.shape)]);
  return Y;
}

/**
 * The keep-mask of {@link dropout}: 1 where the element is kept, 0 where it is dropped (the i-th
 * draw of `rng.random()` < p), drawing one number per element in row-major order.
 * For the Dropout layer and the autograd tape, which keep the mask for the backward.
 * @internal
 */
export function dropoutMask(shape: readonly number[], p: number, rng: Rng): Tensor {
  const fn = 'dropoutMask';
  const dims = checkShape(fn, 'shape', shape);
  checkNumber(fn, 'p', p, 'unit');
  const m = new Tensor(new Float64Array(shapeSize(dims)), dims);
  const draws = drawMask(m.size, p, rng);
  for (let i = 0; i < draws.length; i++) m.data[i] = draws[i];
  return m;
}

/**
 * dL/dx of {@link dropout} given its keep-mask (from {@link dropoutMask}): dy·m with m = 1/(1 − p)
 * where kept, 0 where dropped — the forward's own multiplication, so dropout(x) with a mask is
 * `dropoutBackward(x, mask, p)` bit for bit.
 * @internal
 */
export function dropoutBackward(dy: TensorLike, mask: TensorLike, p: number): Tensor {
  const fn = 'dropoutBackward';
  const D = asTensor(dy, fn, 'dy');
  const M = asTensor(mask, fn, 'mask');
  if (!sameShape(D.shape, M.shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but mask has shape ${formatShape(M.shape)} (they must match)`);
  checkNumber(fn, 'p', p, 'unit');
  const keep = new Uint8Array(M.size);
  for (let i = 0; i < keep.length; i++) keep[i] = M.data[i] !== 0 ? 1 : 0;
  return applyMask(D.data, keep, p, D.shape);
}

/** 1 = kept (draw ≥ p), 0 = dropped, one `rng.random()` per element. @internal */
export function drawMask(n: number, p: number, rng: Rng): Uint8Array {
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = rng.random() < p ? 0 : 1;
  return keep;
}

/** v·(1/(1 − p)) where kept, v·0 where dropped (PyTorch's input * mask). @internal */
export function applyMask(v: Float64Array, keep: Uint8Array, p: number, shape: readonly number[]): Tensor {
  const scale = 1 / (1 - p);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * (keep[i] === 1 ? scale : 0);
  return new Tensor(out, shape);
}

import { record, recording } from '../autograd/tape.js';
import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { sameShape, shapeSize } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber, checkOptions } from '../validate.js';

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Scale γ, shaped like normalizedShape (default ones). */
  weight?: TensorLike;
  /** Shift β, shaped like normalizedShape (default zeros). */
  bias?: TensorLike;
  /** ε > 0 added to the variance. Default 1e−5 (PyTorch's). */
  eps?: number;
}

/** Options of {@link layerNormBackward}. */
export type LayerNormBackwardOptions = Omit<LayerNormOptions, 'bias'>;

/**
 * Layer normalization (Ba, Kiros & Hinton 2016), PyTorch's `F.layer_norm`: each sample is
 * normalized over its last `normalizedShape.length` dimensions — the trailing D values together,
 * whatever the batch — then scaled and shifted elementwise:
 *
 * ```math
 * \mu = \frac1D\sum_{k} x_k,\quad \sigma^2 = \frac1D\sum_k (x_k - \mu)^2,\quad
 * y_k = \frac{x_k - \mu}{\sqrt{\sigma^2 + \varepsilon}}\,\gamma_k + \beta_k
 * ```
 *
 * σ² is the **biased** variance (÷ D), as PyTorch. Unlike batch normalization nothing depends on
 * the other samples, so training and evaluation are the same computation.
 *
 * Method: per row, the mean, then Σ(x − μ)² (two passes over a row that is in cache: as accurate
 * as the data allows), then one pass for y. PyTorch evaluates y as (x·r − μ·r)·γ + β with
 * r = 1/√(σ² + ε), which loses digits when |μ| ≫ σ; nabla's (x − μ)·r does not, and the two agree
 * to ~1e−15 on ordinary data.
 *
 * | case | result |
 * |---|---|
 * | NaN or ±∞ in a row | that row is NaN |
 * | constant row | 0 (then β), since x − μ = 0 |
 * | normalizedShape not the trailing dimensions of x | ShapeError |
 *
 * @example layerNorm([[1, 2, 3], [2, 4, 6]], [3]).toArray()[1]; // ≈ [-1.2247, 0, 1.2247]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html
 */
export function layerNorm(x: TensorLike, normalizedShape: number | readonly number[], options?: LayerNormOptions): Tensor {
  const fn = 'layerNorm';
  const s = setup(fn, x, normalizedShape, options, true);
  const { rows, D } = s;
  const xd = s.X.data;
  const out = new Float64Array(xd.length);
  const w = s.weight;
  const b = s.bias;
  for (let r = 0; r < rows; r++) {
    const base = r * D;
    const { mean, rstd } = rowStats(xd, base, D, s.eps);
    for (let k = 0; k < D; k++) {
      const h = (xd[base + k] - mean) * rstd;
      out[base + k] = w === null ? (b === null ? h : h + b[k]) : h * w[k] + (b === null ? 0 : b[k]);
    }
  }
  const Y = new Tensor(out, s.X.shape);
  if (recording.tape !== null) {
    record(fn, Y, [s.X, s.W, s.B], (dy) => {
      const g = layerNormBackward(dy, s.X, s.shape, { weight: s.W ?? undefined, eps: s.eps });
      return [g.dx, s.W === null ? null : g.dweight, s.B === null ? null : g.dbias];
    });
  }
  return Y;
}

/**
 * Gradients of {@link layerNorm}: `{ dx, dweight, dbias }`, dweight and dbias shaped like
 * normalizedShape (returned also when the forward had no weight/bias). With x̂ = (x − μ)·r and
 * g = dy·γ, over each row of D values:
 *
 * ```math
 * dx = r\left(g - \overline{g} - \hat x\,\overline{g\,\hat x}\right), \qquad
 * d\gamma = \sum_{\text{rows}} dy\,\hat x, \qquad d\beta = \sum_{\text{rows}} dy
 * ```
 *
 * (bars: means over the row). Method: the statistics are recomputed from x as in the forward; one
 * pass per row for the two means, one for dx.
 * @example layerNormBackward([[1, 1, 1]], [[1, 2, 3]], [3]).dx.toArray(); // => [[0, 0, 0]]
 */
export function layerNormBackward(
  dy: TensorLike,
  x: TensorLike,
  normalizedShape: number | readonly number[],
  options?: LayerNormBackwardOptions,
): { dx: Tensor; dweight: Tensor; dbias: Tensor } {
  const fn = 'layerNormBackward';
  const s = setup(fn, x, normalizedShape, options, false);
  const D = asTensor(dy, fn, 'dy');
  if (!sameShape(D.shape, s.X.shape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but x has shape ${formatShape(s.X.shape)} (they must match)`);
  const { rows, D: n } = s;
  const xd = s.X.data;
  const g = D.data;
  const w = s.weight;
  const dx = new Float64Array(xd.length);
  const dw = new Float64Array(n);
  const db = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const { mean, rstd } = rowStats(xd, base, n, s.eps);
    let sg = 0;
    let sgx = 0;
    for (let k = 0; k < n; k++) {
      const d = g[base + k];
      const h = (xd[base + k] - mean) * rstd;
      const gk = w === null ? d : d * w[k];
      sg += gk;
      sgx += gk * h;
      dw[k] += d * h;
      db[k] += d;
    }
    const mg = sg / n;
    const mgx = sgx / n;
    for (let k = 0; k < n; k++) {
      const h = (xd[base + k] - mean) * rstd;
      const gk = w === null ? g[base + k] : g[base + k] * w[k];
      dx[base + k] = rstd * (gk - mg - h * mgx);
    }
  }
  return { dx: new Tensor(dx, s.X.shape), dweight: new Tensor(dw, s.shape), dbias: new Tensor(db, s.shape) };
}

/** Mean and 1/√(σ² + ε) of x[base..base+D), two-pass. */
function rowStats(x: Float64Array, base: number, D: number, eps: number): { mean: number; rstd: number } {
  let sum = 0;
  for (let k = 0; k < D; k++) sum += x[base + k];
  const mean = sum / D;
  let ss = 0;
  for (let k = 0; k < D; k++) {
    const d = x[base + k] - mean;
    ss += d * d;
  }
  return { mean, rstd: 1 / Math.sqrt(ss / D + eps) };
}

function setup(fn: string, x: TensorLike, normalizedShape: unknown, options: LayerNormOptions | undefined, forward: boolean) {
  const o = checkOptions<LayerNormOptions>(fn, options, forward ? ['weight', 'bias', 'eps'] : ['weight', 'eps']);
  const X = asTensor(x, fn, 'x');
  const shape = readNormalizedShape(fn, normalizedShape);
  const k = shape.length;
  const tail = X.shape.slice(X.rank - k);
  if (k > X.rank || !sameShape(tail, shape)) {
    throw new ShapeError(fn, `normalizedShape ${formatShape(shape)} is not the trailing dimensions of x's shape ${formatShape(X.shape)} (expected x of shape [..., ${shape.join(', ')}])`);
  }
  const D = shapeSize(shape);
  const eps = checkNumber(fn, 'options.eps', o.eps ?? 1e-5, 'pos');
  // The tensors themselves are kept (W, B) as well as their data, for the autograd tape.
  const W = affine(fn, 'options.weight', o.weight, shape);
  const B = forward ? affine(fn, 'options.bias', o.bias, shape) : null;
  return { X, shape, D, rows: D === 0 ? 0 : X.size / D, eps, W, B, weight: W === null ? null : W.data, bias: B === null ? null : B.data };
}

function readNormalizedShape(fn: string, v: unknown): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValueError(fn, `normalizedShape must be a non-negative integer or a non-empty array of them, got ${Array.isArray(list) ? 'an empty array' : describe(v)}`);
  }
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new ValueError(fn, `normalizedShape[${i}] is ${describe(d)} (expected a non-negative integer)`);
  }
  return list.slice() as number[];
}

function affine(fn: string, name: string, v: TensorLike | undefined, shape: readonly number[]): Tensor | null {
  if (v === undefined) return null;
  const T = asTensor(v, fn, name);
  if (!sameShape(T.shape, shape)) throw new ShapeError(fn, `${name} has shape ${formatShape(T.shape)} but normalizedShape is ${formatShape(shape)} (they must match)`);
  return T;
}

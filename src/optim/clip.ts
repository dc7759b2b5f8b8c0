import { ValueError, describe } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumberWhere } from '../validate.js';

function tensors(fn: string, grads: unknown): Tensor[] {
  if (!Array.isArray(grads)) throw new ValueError(fn, `grads must be an array of Tensors, got ${describe(grads)}`);
  const out: Tensor[] = [];
  grads.forEach((g, i) => {
    if (g === null || g === undefined) return;
    if (!(g instanceof Tensor)) throw new ValueError(fn, `grads[${i}] is ${describe(g)} (expected a Tensor or null)`);
    out.push(g);
  });
  return out;
}

/**
 * Scales gradients in place so that their global p-norm is at most `maxNorm`, PyTorch's
 * `clip_grad_norm_`: the norm of each gradient, then the norm of those norms,
 *
 * ```math
 * \text{total} = \big\|(\|g_1\|_p, \|g_2\|_p, \ldots)\big\|_p, \qquad
 * \text{coef} = \min\Big(1, \frac{\text{maxNorm}}{\text{total} + 10^{-6}}\Big), \qquad g \leftarrow g \cdot \text{coef}
 * ```
 *
 * Returns the total norm before clipping. `normType` is any number, with `torch.norm`'s meaning:
 *
 * | normType | ‖v‖ |
 * |---|---|
 * | 2 (default) | √(Σ v²) |
 * | 1, 3, 0.5, any other p ≠ 0 (negative too) | (Σ \|v\|^p)^(1/p) |
 * | Infinity | max \|v\| (over every element of every gradient) |
 * | −Infinity | min \|v\| |
 * | 0 | the number of nonzero entries (nested, so the total counts the gradients with a nonzero element) |
 *
 * A NaN gradient element makes the total NaN (and every gradient NaN, as in PyTorch). Null entries
 * are skipped (pass `params.map((p) => p.grad)`); no gradients give a total of 0. A NaN `normType` is
 * a ValueError (PyTorch would turn every gradient into NaN).
 * @example clipGradNorm([tensor([3, 4])], 1); // => 5, the gradient becomes ≈ [0.6, 0.8]
 * @example clipGradNorm([tensor([3, 4])], 1, 1); // => 7
 */
export function clipGradNorm(grads: readonly (Tensor | null)[], maxNorm: number, normType: number = 2): number {
  const fn = 'clipGradNorm';
  const gs = tensors(fn, grads);
  checkNumberWhere(fn, 'maxNorm', maxNorm, 'a non-negative number', (v) => v >= 0);
  const p = checkNumberWhere(fn, 'normType', normType, 'a number (2, 1, Infinity, any p; not NaN)', (v) => v === v);
  let total: number;
  if (p === Infinity || p === -Infinity) {
    // The largest (smallest) |g| over every element: the norm of the per-tensor norms is the same.
    const isMax = p === Infinity;
    let first = true;
    total = 0;
    for (const g of gs) {
      for (let i = 0; i < g.size; i++) {
        const a = Math.abs(g.data[i]);
        if (first || a !== a || (isMax ? a > total : a < total)) {
          if (total === total) total = a;
          first = false;
        }
      }
    }
  } else {
    const norms = new Float64Array(gs.length);
    for (let k = 0; k < gs.length; k++) norms[k] = vectorNorm(gs[k].data, p);
    total = vectorNorm(norms, p);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const g of gs) for (let i = 0; i < g.size; i++) g.data[i] *= coef;
  return total;
}

/** ‖v‖_p for finite p (torch.norm): Σ|v|^p then ^(1/p); p = 0 counts nonzeros; p = 1, 2 exactly as sums. */
function vectorNorm(v: Float64Array, p: number): number {
  const n = v.length;
  let s = 0;
  if (p === 2) {
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    return Math.sqrt(s);
  }
  if (p === 1) {
    for (let i = 0; i < n; i++) s += Math.abs(v[i]);
    return s;
  }
  if (p === 0) {
    for (let i = 0; i < n; i++) if (v[i] !== 0) s++;
    return s;
  }
  for (let i = 0; i < n; i++) s += Math.pow(Math.abs(v[i]), p);
  return Math.pow(s, 1 / p);
}

/**
 * Clamps every gradient element to [−clip, clip] in place (PyTorch's `clip_grad_value_`); NaN stays NaN.
 * @example clipGradValue([tensor([-3, 0.5, 2])], 1); // the gradient becomes [-1, 0.5, 1]
 */
export function clipGradValue(grads: readonly (Tensor | null)[], clip: number): void {
  const fn = 'clipGradValue';
  const gs = tensors(fn, grads);
  checkNumberWhere(fn, 'clip', clip, 'a non-negative number', (v) => v >= 0);
  for (const g of gs) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      d[i] = v > clip ? clip : v < -clip ? -clip : v;
    }
  }
}

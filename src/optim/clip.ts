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
 * Scales gradients in place so that their global L2 norm is at most `maxNorm`, PyTorch's
 * `clip_grad_norm_`: total = ‖(‖g₁‖, ‖g₂‖, …)‖, coef = min(1, maxNorm/(total + 1e−6)), every g ← g·coef.
 * Returns the total norm before clipping. `normType: Infinity` uses the largest |g|. Null entries are
 * skipped (pass `params.map((p) => p.grad)`).
 * @example clipGradNorm([tensor([3, 4])], 1); // => 5, the gradient becomes ≈ [0.6, 0.8]
 */
export function clipGradNorm(grads: readonly (Tensor | null)[], maxNorm: number, normType: number = 2): number {
  const fn = 'clipGradNorm';
  const gs = tensors(fn, grads);
  checkNumberWhere(fn, 'maxNorm', maxNorm, 'a non-negative number', (v) => v >= 0);
  if (normType !== 2 && normType !== Infinity) throw new ValueError(fn, `normType must be 2 or Infinity, got ${describe(normType)}`);
  let total = 0;
  if (normType === Infinity) {
    for (const g of gs) for (let i = 0; i < g.size; i++) {
      const a = Math.abs(g.data[i]);
      if (a > total || a !== a) total = a;
    }
  } else {
    let sq = 0;
    for (const g of gs) {
      let s = 0;
      for (let i = 0; i < g.size; i++) s += g.data[i] * g.data[i];
      const norm = Math.sqrt(s);
      sq += norm * norm;
    }
    total = Math.sqrt(sq);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const g of gs) for (let i = 0; i < g.size; i++) g.data[i] *= coef;
  return total;
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

import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkNumber } from '../validate.js';
import { expInto, expm1Into, wasmActive } from '../kernels/arrays.js';
import { expScalar, expm1Scalar } from '../kernels/elementary.js';
import { mapActivation, mapBackward } from './common.js';

/**
 * Exponential linear unit (Clevert et al. 2016), PyTorch's `F.elu`: x for x > 0, α·(eˣ − 1)
 * otherwise.
 *
 * ```math
 * \mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^x - 1) & x \le 0 \end{cases}, \qquad
 * \mathrm{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^x & x \le 0 \end{cases}
 * ```
 *
 * Method: eˣ − 1 with nabla's own expm1, exact to rounding near 0. PyTorch 1.13 computes exp(x) − 1,
 * which loses relative accuracy as x → 0⁻ (elu(−1e−10) is off by 8e−9 relative, elu(−1e−17) is 0);
 * elsewhere the two agree to rounding. Kink convention (PyTorch): elu′(0) = α.
 *
 * | x | elu(x) |
 * |---|---|
 * | NaN | NaN (and elu′ passes dy, as PyTorch's `x <= 0` test is false) |
 * | +∞ | +∞ |
 * | −∞ | −α |
 * | +0 | 0 |
 * | −0 | −0 (PyTorch: +0) |
 * | −1e−300 | −1e−300·α |
 *
 * @example elu([-1, 0, 2]).toArray(); // => [-0.6321205588285577, 0, 2]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.ELU.html
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const al = checkNumber('elu', 'alpha', alpha);
  return mapActivation('elu', x, eluKernel, eluBackward, al);
}

function eluKernel(a: Float64Array, out: Float64Array, al: number): void {
  const n = a.length;
  if (!wasmActive(n)) {
    for (let i = 0; i < n; i++) {
      const v = a[i];
      out[i] = v <= 0 ? expm1Scalar(v) * al : v;
    }
    return;
  }
  expm1Into(a, 0, out, 0, n); // every element in WebAssembly, then the select
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v <= 0 ? out[i] * al : v;
  }
}

/**
 * dL/dx of {@link elu}: dy where x > 0, dy·α·eˣ where x ≤ 0 (α at the kink, as PyTorch).
 * @example eluBackward([2, 2], [0, 1]).toArray(); // => [2, 2]
 */
export function eluBackward(dy: TensorLike, x: TensorLike, alpha = 1): Tensor {
  const al = checkNumber('eluBackward', 'alpha', alpha);
  return mapBackward('eluBackward', dy, x, eluGrad, al);
}

function eluGrad(g: Float64Array, a: Float64Array, out: Float64Array, al: number): void {
  const n = a.length;
  if (!wasmActive(n)) {
    for (let i = 0; i < n; i++) {
      const v = a[i];
      out[i] = v <= 0 ? g[i] * al * expScalar(v) : g[i];
    }
    return;
  }
  expInto(a, 0, out, 0, n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v <= 0 ? g[i] * al * out[i] : g[i];
  }
}

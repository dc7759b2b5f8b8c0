import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { expNegAbsInto, logisticOf, sigmoidInto, wasmActive } from '../kernels/arrays.js';
import { mapActivation, mapBackward, stableSigmoid } from './common.js';

/**
 * Sigmoid linear unit (SiLU, also called swish; Elfwing et al. 2018, Ramachandran et al. 2017),
 * PyTorch's `F.silu`: x·σ(x).
 *
 * ```math
 * \mathrm{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}, \qquad
 * \mathrm{silu}'(x) = \sigma(x)\,\big(1 + x\,\sigma(-x)\big)
 * ```
 *
 * Method: σ in the two-branch form (no exponent is ever positive), so nothing overflows; the result
 * equals PyTorch's x/(1 + e^(−x)) to rounding.
 *
 * | x | silu(x) |
 * |---|---|
 * | NaN | NaN |
 * | +∞ | +∞ |
 * | −∞ | −0 (the limit; PyTorch gives NaN from −∞/∞) |
 * | ±0 | ±0 |
 * | −1000 | −0 (underflow) |
 *
 * @example silu([0, 1]).toArray(); // => [0, 0.7310585786300049]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.SiLU.html
 */
export function silu(x: TensorLike): Tensor {
  return mapActivation('silu', x, siluKernel, siluBackward, undefined);
}

function siluKernel(a: Float64Array, out: Float64Array): void {
  const n = a.length;
  if (!wasmActive(n)) {
    for (let i = 0; i < n; i++) {
      const v = a[i];
      out[i] = v === -Infinity ? -0 : v * stableSigmoid(v);
    }
    return;
  }
  sigmoidInto(a, 0, out, 0, n); // the same σ(x), in WebAssembly
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v === -Infinity ? -0 : v * out[i];
  }
}

/**
 * dL/dx of {@link silu}: dy·σ(x)·(1 + x·σ(−x)) — PyTorch's σ(x)(1 + x(1 − σ(x))) with 1 − σ(x)
 * evaluated as σ(−x), which does not cancel. Limits at ±∞: 1 and 0 (PyTorch: NaN).
 * @example siluBackward([1], [0]).toArray(); // => [0.5]
 */
export function siluBackward(dy: TensorLike, x: TensorLike): Tensor {
  return mapBackward('siluBackward', dy, x, siluGrad, undefined);
}

function siluGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  // σ(x) and σ(−x), both from e = e^(−|x|) (at ±0 both are 1/2; NaN stays NaN).
  expNegAbsInto(a, 0, out, 0, a.length, 1);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const e = out[i];
    let d: number;
    if (v === Infinity) d = 1;
    else if (v === -Infinity) d = 0;
    else d = logisticOf(v, e) * (1 + v * logisticOf(-v, e));
    out[i] = g[i] * d;
  }
}

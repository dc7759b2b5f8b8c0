import { checkChoice, checkInteger } from '../validate.js';

/** Nonlinearities {@link randomWalkGain} has a formula for. */
export type RandomWalkNonlinearity = 'linear' | 'relu';

/**
 * The gain g of Sussillo & Abbott's random-walk initialization for layers of width N:
 *
 * ```math
 * W_{ij} \sim \mathcal N(0,\, g^2/N), \qquad
 * g_{\text{linear}} = e^{1/(2N)}, \qquad
 * g_{\text{ReLU}} = \sqrt 2\, e^{1.2/(\max(N, 6) - 2.4)}
 * ```
 *
 * | nonlinearity | g | N = 32 | N = 100 | N → ∞ |
 * |---|---|---|---|---|
 * | linear | exp(1/(2N)) | 1.0157 | 1.0050 | 1 |
 * | relu | √2 · exp(1.2 / (max(N, 6) − 2.4)) | 1.4727 | 1.4317 | √2 |
 *
 * With weights of variance g²/N, the log of the norm of the back-propagated gradient performs an
 * unbiased random walk across layers (its mean change per layer is 0, its variance grows only
 * linearly with depth and shrinks as 1/N), instead of growing or vanishing exponentially. The linear value cancels the bias of E[ln χ²_N / N] ≈ −1/N; the
 * ReLU value is the paper's fit to the exact condition (√2 compensates the half of the units ReLU
 * zeroes; the factor above it matters at small N and tends to 1 as N grows).
 *
 * Use it as the gain of a Gaussian of std g/√N:
 * `normal([n, n], { std: randomWalkGain(n, 'relu') / Math.sqrt(n) })` — the paper's
 * initialization (for a layer `[n_in, n_out]`, N = n_in, the fan-in) — or
 * `xavierNormal([n, n], { gain: randomWalkGain(n, 'relu') })`, which is the same std for a square
 * layer (g·√(2/(n + n)) = g/√n). `width` must be a positive integer. The derivation is for Gaussian
 * matrices; as `orthogonal`'s gain the linear correction has nothing to correct (an orthogonal
 * matrix keeps norms exactly).
 * @see D. Sussillo, L. F. Abbott, "Random Walk Initialization for Training Very Deep Feedforward
 * Networks", arXiv:1412.6558 (2014).
 * @see `calculateGain` for PyTorch's width-independent gains.
 * @example randomWalkGain(100, 'linear'); // => 1.005012520859401 (= e^0.005)
 * @example randomWalkGain(100, 'relu'); // ≈ 1.43171 (= √2·e^(1.2/97.6))
 */
export function randomWalkGain(width: number, nonlinearity: RandomWalkNonlinearity): number {
  const fn = 'randomWalkGain';
  const n = checkInteger(fn, 'width', width);
  const nl = checkChoice(fn, 'nonlinearity', nonlinearity, ['linear', 'relu'] as const);
  return nl === 'linear' ? Math.exp(1 / (2 * n)) : Math.SQRT2 * Math.exp(1.2 / (Math.max(n, 6) - 2.4));
}

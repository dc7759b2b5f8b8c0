// Named re-exports only: no code runs when nabla is imported.
export { NablaError, ShapeError, ValueError } from './errors.js';
export * from './tensor/index.js';
export { getBackend, setBackend, ready, type Backend, type BackendChoice } from './kernels/index.js';
export { createRng, setSeed, getDefaultRng, Rng, type RngState, type RandomOptions } from './random/rng.js';
export * from './activations/index.js';
export * from './losses/index.js';
export * from './init/index.js';
export * from './optim/index.js';
export * from './norm/index.js';
export * from './conv/index.js';
export * from './nn/index.js';
export * from './data/index.js';
export * from './io/index.js';
export { standardize, fitStandardizer, type Standardizer } from './preprocess/standardize.js';
export { oneHot } from './preprocess/oneHot.js';
export type { Labels } from './labels.js';
export { assertClose, type AssertCloseOptions } from './testing/assertClose.js';
export { relError } from './testing/relError.js';
export {
  gradCheck,
  numericalGradient,
  assertGradCheck,
  GradCheckError,
  type AssertGradCheckOptions,
  type DifferentiablePair,
  type GradCheckCriterion,
  type GradCheckInputReport,
  type GradCheckMetric,
  type GradCheckOptions,
  type GradCheckResult,
  type GradCheckWorst,
  type NumericalGradientOptions,
} from './testing/gradCheck.js';
export {
  valueAndGrad, grad, vjp, accumulateGrads, noGrad, stopGradient, customGrad,
  type GradOptions, type ValueAndGrad, type Vjp,
} from './autograd/transforms.js';
export {
  fit,
  type FitOptions, type History, type EpochInfo, type BatchInfo, type LossName, type LossFunction, type AbortSignalLike, type CallbackResult,
} from './train/fit.js';

export type { Reduction, ReductionOptions, LogLossOptions, UpstreamOptions } from './reduction.js';
export { mseLoss, mseLossBackward } from './mseLoss.js';
export { binaryCrossEntropy, binaryCrossEntropyBackward, type BinaryCrossEntropyOptions } from './binaryCrossEntropy.js';
export {
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsBackward,
  type BinaryCrossEntropyWithLogitsOptions,
} from './binaryCrossEntropyWithLogits.js';
export { crossEntropy, crossEntropyBackward, type CrossEntropyOptions } from './crossEntropy.js';
export { nllLoss, nllLossBackward, type NllLossOptions } from './nllLoss.js';
export { categoricalCrossEntropy, categoricalCrossEntropyBackward } from './categoricalCrossEntropy.js';
export { logLikelihoodLoss, logLikelihoodLossBackward } from './logLikelihoodLoss.js';

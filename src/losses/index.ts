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
export { l1Loss, l1LossBackward } from './l1Loss.js';
export { smoothL1Loss, smoothL1LossBackward, type SmoothL1LossOptions } from './smoothL1Loss.js';
export { huberLoss, huberLossBackward, type HuberLossOptions } from './huberLoss.js';
export { multiMarginLoss, multiMarginLossBackward, type MultiMarginLossOptions } from './multiMarginLoss.js';
export { klDiv, klDivBackward, type KlDivOptions } from './klDiv.js';

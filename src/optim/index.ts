export {
  Optimizer, type BaseOptimizerOptions, type Convention, type ParamGroup, type ParamGroupSpec, type ParamState, type OptimizerStateDict,
  type ParamStateView, type ParamStateInput,
} from './optimizer.js';
export { SGD, type SGDOptions, type SGDGroupOptions } from './sgd.js';
export { Adagrad, type AdagradOptions, type AdagradGroupOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions, type RMSpropGroupOptions } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions, type AdamGroupOptions } from './adam.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup } from './schedulers.js';
export { clipGradNorm, clipGradValue } from './clip.js';

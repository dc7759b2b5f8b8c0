export { Tensor, tensor, type TensorLike, type NestedArray, type NestedNumbers } from './tensor.js';
export { zeros, ones, full, arange, eye, linspace } from './create.js';
export { setMaxElements, getMaxElements, MAX_RANK, DEFAULT_MAX_ELEMENTS } from './limits.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, square, log1p, expm1, sign,
  equal, greater, greaterEqual, less, lessEqual, where, clamp,
} from './elementwise.js';
export { sum, mean, max, min, argmax, variance, std, logSumExp, type Axis, type VarianceOptions } from './reduce.js';
export { matmul, matmulBackward } from './matmul.js';
export { linear, linearBackward } from './linear.js';
export { reshape, flatten, squeeze, unsqueeze, slice, split, take, pad } from './structure.js';
export { transpose, concat, stack } from './manipulate.js';
export { allClose, type CloseOptions } from './compare.js';

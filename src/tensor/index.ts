export { Tensor, tensor, type TensorLike, type NestedArray, type NestedNumbers } from './tensor.js';
export { zeros, ones, full, arange, eye } from './create.js';
export { add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, square } from './elementwise.js';
export { sum, mean, max, min, argmax, variance, type Axis, type VarianceOptions } from './reduce.js';
export { matmul } from './matmul.js';
export { transpose, concat, stack } from './manipulate.js';
export { allClose, type CloseOptions } from './compare.js';

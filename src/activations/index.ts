export { sigmoid, sigmoidBackward } from './sigmoid.js';
export { tanh, tanhBackward } from './tanh.js';
export { relu, reluBackward } from './relu.js';
export { leakyRelu, leakyReluBackward } from './leakyRelu.js';
export { prelu, preluBackward } from './prelu.js';
export { softplus, softplusBackward, type SoftplusOptions } from './softplus.js';
export { softmax, softmaxBackward, logSoftmax, logSoftmaxBackward } from './softmax.js';

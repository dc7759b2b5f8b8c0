export type { Pair2d, Pool2dOptions } from './geometry.js';
export { conv2d, conv2dBackward, type Conv2dOptions } from './conv2d.js';
export { maxPool2d, maxPool2dBackward, type MaxPool2dOptions } from './maxPool2d.js';
export { avgPool2d, avgPool2dBackward, type AvgPool2dOptions } from './avgPool2d.js';
export { dropout, type DropoutOptions } from './dropout.js';

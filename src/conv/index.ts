export type { Pair } from './geometry.js';
export { conv2d, conv2dBackward, type Conv2dOptions } from './conv2d.js';

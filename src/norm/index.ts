export { batchNorm, batchNormBackward, type BatchNormOptions } from './batchNorm.js';
export { BatchNorm, recomputeStatistics, type BatchNormLayerOptions } from './batchNormLayer.js';

export { batchNorm, batchNormBackward, type BatchNormOptions } from './batchNorm.js';
export { BatchNorm, recomputeStatistics, type BatchNormLayerOptions } from './batchNormLayer.js';
export { layerNorm, layerNormBackward, type LayerNormOptions, type LayerNormBackwardOptions } from './layerNorm.js';

export { computeFans } from './computeFans.js';
export { uniform, normal, constant, type UniformOptions, type NormalOptions } from './basic.js';
export {
  fanInUniform, xavierUniform, xavierNormal, heUniform, heNormal, lecunUniform, lecunNormal,
  type XavierOptions, type FanModeOptions,
} from './fanScaled.js';
export { orthogonal, type OrthogonalOptions } from './orthogonal.js';
export { calculateGain, type Nonlinearity } from './gain.js';
export { TRUNCATED_NORMAL_STD, type InitOptions, type NormalInitOptions, type Initializer } from './common.js';
export { randomWalkGain, type RandomWalkNonlinearity } from './randomWalk.js';
export { lsuvInit, type LsuvOptions, type LsuvLayerReport } from './lsuv.js';

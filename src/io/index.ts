export type { ReadOptions } from './limits.js';
export { readNpy, writeNpy } from './npy.js';
export { readNpz, writeNpz } from './npz.js';
export { readSafetensors, writeSafetensors, type SafetensorsContents, type WriteSafetensorsOptions } from './safetensors.js';
export { saveState, loadState } from './state.js';

/** Assembles src/kernels/kernels.wat (SIMD enabled) into wasm bytes. */
export function assembleKernels(): Promise<Uint8Array>;
/** The generated TypeScript module embedding the bytes. */
export function renderBinaryModule(bytes: Uint8Array): string;
export const WAT_PATH: string;

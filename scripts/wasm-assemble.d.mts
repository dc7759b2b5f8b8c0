/** Assembles src/kernels/kernels.wat (SIMD enabled) into wasm bytes. */
export function assembleKernels(): Promise<Uint8Array>;
/** The generated TypeScript module embedding the bytes. */
export function renderBinaryModule(bytes: Uint8Array): string;
export const WAT_PATH: string;
/** Byte offset of the constant pool (the top 8 KiB of the module's memory). */
export const CONST_POOL: number;
/** Byte offset at which the loader writes log's table. */
export const LOG_TABLE_PTR: number;
/** Byte offset at which the loader writes tanh's table. */
export const TANH_TABLE_PTR: number;
/** Byte offset at which the loader writes exp's table. */
export const EXP_TABLE_PTR: number;
/** kernels.wat's text after inlining the ;;@inline helpers and pooling the vector constants (what wabt assembles). */
export function preprocessKernels(text?: string): string;

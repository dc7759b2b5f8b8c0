import { NablaError, ValueError, describe } from '../errors.js';
import { decodeBase64 } from './base64.js';
import { expTableF64, logTableF64, tanhTableF64 } from './elementary.js';
import { WASM_BASE64 } from './wasmBinary.js';

/** Where the heavy kernels run: the embedded WebAssembly SIMD module, or plain JavaScript. */
export type Backend = 'wasm' | 'js';
/** What {@link setBackend} accepts: a backend, or `'auto'` (WebAssembly when the engine allows it). */
export type BackendChoice = 'auto' | 'wasm' | 'js';

/** The module's exports (src/kernels/kernels.wat). Pointers are byte offsets, counts are elements. @internal */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  gemm(ap: number, bp: number, cb: number, mc: number, nc: number, kc: number, ldc: number): void;
  exp(src: number, dst: number, n: number): void;
  expNegAbs(src: number, dst: number, n: number, c: number): void;
  expShiftSum(src: number, dst: number, n: number, shift: number, s0: number, s1: number, sums: number): void;
  log(src: number, dst: number, n: number): void;
  log1p(src: number, dst: number, n: number): void;
  expm1(src: number, dst: number, n: number): void;
  tanh(src: number, dst: number, n: number): void;
  sigmoid(src: number, dst: number, n: number): void;
  softplus(src: number, dst: number, n: number, beta: number, threshold: number): void;
}

/** A live instance and a float64 view of its memory (valid for good: the memory never grows). @internal */
export interface WasmKernels {
  readonly x: KernelExports;
  readonly f64: Float64Array;
}

// Memory layout (the module's 41 pages are fixed: minimum = maximum; the top 8 KiB hold the
// constant pool, written by the module's data segment (scripts/wasm-assemble.mjs), and exp's table,
// written by install() like log's and tanh's). Every kernel works through these windows, so no call grows or
// retains memory whatever its size.
/** Elements per window of the streamed array kernels. @internal */
export const CHUNK = 8192;
/** Byte offset of the input window (CHUNK doubles + 8 of padding: kernels round n up to 4). @internal */
export const IN_PTR = 0;
/** Byte offset of the output window (CHUNK doubles + padding). @internal */
export const OUT_PTR = 65600;
/** Byte offset of the two partial sums expShiftSum stores (in the gap between the output window and packed A). @internal */
export const SUMS_PTR = 131200;
/** GEMM blocking shared by both backends' loops (KC fixes the summation order; see gemm.ts). @internal */
export const KC = 128;
/** Rows of A packed per WebAssembly GEMM block (a multiple of the 4×4 tile's 4 rows). @internal */
export const MC_WASM = 64;
/** Most columns of B packed at once (a multiple of 4); also the C window's row stride. @internal */
export const NC_WASM = 512;
/** Doubles of packed B the module holds: several KC-deep slices of one column panel. @internal */
export const BP_DOUBLES = 262144;
/** Byte offset of packed A (MC_WASM × KC doubles). @internal */
export const AP_PTR = 131328;
/** Byte offset of packed B (BP_DOUBLES doubles). @internal */
export const BP_PTR = AP_PTR + MC_WASM * KC * 8;
/** Byte offset of the C window (MC_WASM × NC_WASM doubles). @internal */
export const CB_PTR = BP_PTR + BP_DOUBLES * 8;
/** End of the windows; the constant pool starts at PAGES·65536 − 8192. @internal */
export const WINDOWS_END = CB_PTR + MC_WASM * NC_WASM * 8;
// The tables install() writes (scripts/wasm-assemble.mjs has the same offsets, checked by
// test/kernels/backend.test.ts): written as literals so that bundlers can drop them with the loader.
/** Byte offset of log's table (128 × [1/c, c, log c, 0]), right above the windows. @internal */
export const LOG_TABLE_PTR = 2556160;
/** Byte offset of tanh's table (7056 × [qh, ql]). @internal */
export const TANH_TABLE_PTR = 2560256;
/** End of the tables written below the constant pool. @internal */
export const TABLES_END = 2673152;
/** Byte offset of exp's table (128 × [tail, H]), in the top 4 KiB, above the constant pool. @internal */
export const EXP_TABLE_PTR = 2682880;
const PAGES = 41;

let choice: BackendChoice = 'auto';
let status: 'idle' | 'compiling' | 'ready' | 'failed' = 'idle';
let kernels: WasmKernels | null = null;
let failure = '';
let pending: Promise<void> | null = null;

/**
 * The WebAssembly kernels when ops should use them now, else null (backend 'js', compilation
 * refused, or still compiling on a browser's main thread). The first call starts compilation.
 * @internal
 */
export function wasmKernels(): WasmKernels | null {
  if (choice === 'js') return null;
  if (status === 'idle') start();
  return kernels;
}

/**
 * The backend that kernel-backed ops use right now: `'wasm'` once the embedded WebAssembly module
 * is compiled and the backend is not forced to `'js'`, else `'js'`. Both give identical bits.
 *
 * @example getBackend(); // => 'wasm' (Node), or 'js' under a CSP without 'wasm-unsafe-eval'
 */
export function getBackend(): Backend {
  return wasmKernels() === null ? 'js' : 'wasm';
}

/**
 * Chooses where kernel-backed ops run. `'auto'` (the default) uses WebAssembly when the engine
 * allows it and JavaScript otherwise; `'js'` forces JavaScript; `'wasm'` requires WebAssembly and
 * compiles the module now if it is not compiled yet. Results are the same bits on every backend,
 * so this changes speed only.
 *
 * Throws a ValueError for anything but the three names, and a NablaError for `'wasm'` where
 * WebAssembly SIMD is unavailable or refused (e.g. a Content-Security-Policy without
 * `'wasm-unsafe-eval'`), or on a browser main thread before `await ready()` has compiled it;
 * the backend is unchanged then.
 *
 * @example setBackend('js'); getBackend(); // => 'js'
 */
export function setBackend(backend: BackendChoice): void {
  if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
    throw new ValueError('setBackend', `backend must be 'auto', 'wasm' or 'js', got ${describe(backend)}`);
  }
  if (backend === 'wasm' && status !== 'ready') {
    if (status === 'idle') start();
    if (status === 'compiling') {
      // A browser main thread compiles asynchronously; try once synchronously, which engines allow
      // for a module this small, else ask for ready().
      try {
        install(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}));
      } catch {
        throw new NablaError('setBackend', "the WebAssembly module is still compiling (await ready() before setBackend('wasm'))");
      }
    }
    if (!isReady()) {
      throw new NablaError(
        'setBackend',
        `'wasm' requested but WebAssembly SIMD is unavailable here (${failure}); 'auto' falls back to JavaScript with the same results`,
      );
    }
  }
  choice = backend;
}

/**
 * Resolves once the WebAssembly module is compiled, or known to be unavailable (it never rejects).
 * Ops never wait for it: until then they run in JavaScript, with the same results.
 *
 * @example await ready(); getBackend(); // => 'wasm' where WebAssembly SIMD is allowed
 */
export function ready(): Promise<void> {
  if (status === 'idle') start();
  return pending ?? Promise.resolve();
}

function isReady(): boolean {
  return status === 'ready';
}

function start(): void {
  if (typeof WebAssembly !== 'object' || WebAssembly === null || typeof WebAssembly.Module !== 'function') {
    setFailed('this engine has no WebAssembly');
    return;
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = wasmBytes();
  } catch (e) {
    setFailed(String(e));
    return;
  }
  if (onBrowserMainThread()) {
    // Engines may refuse large synchronous compiles on a page's main thread; compile in the
    // background and let ops run in JavaScript meanwhile.
    status = 'compiling';
    pending = WebAssembly.instantiate(bytes, {}).then(
      (r) => {
        if (status === 'compiling') install(r.instance);
      },
      (e: unknown) => {
        if (status === 'compiling') setFailed(errorText(e));
      },
    );
    return;
  }
  try {
    install(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
  } catch (e) {
    // CompileError (no SIMD), EvalError/CompileError under a CSP without 'wasm-unsafe-eval', …
    setFailed(errorText(e));
  }
}

function install(instance: WebAssembly.Instance): void {
  const x = instance.exports as unknown as KernelExports;
  if (!(x.memory instanceof WebAssembly.Memory) || x.memory.buffer.byteLength !== PAGES * 65536 || LOG_TABLE_PTR < WINDOWS_END || TABLES_END > PAGES * 65536 - 8192) {
    setFailed('unexpected module memory');
    return;
  }
  const f64 = new Float64Array(x.memory.buffer);
  // The tables the JavaScript twins use are the module's too (exp's, log's, tanh's): written once,
  // never written by a kernel. The module carries none of them, so the bundle has each once.
  const L = logTableF64();
  for (let i = 0, d = LOG_TABLE_PTR / 8; i < 128; i++, d += 4) {
    f64[d] = L[3 * i];
    f64[d + 1] = L[3 * i + 1];
    f64[d + 2] = L[3 * i + 2];
  }
  f64.set(tanhTableF64(), TANH_TABLE_PTR / 8);
  f64.set(expTableF64(), EXP_TABLE_PTR / 8);
  kernels = { x, f64 };
  status = 'ready';
  pending = null;
}

function setFailed(reason: string): void {
  status = 'failed';
  failure = reason;
  kernels = null;
  pending = null;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function onBrowserMainThread(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return typeof g.window === 'object' && g.window !== null && typeof g.document === 'object';
}

/** The embedded module's bytes, decoded from base64 on each compile (once per process in practice). */
function wasmBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(WASM_BASE64);
}

/** The current choice ('auto' unless setBackend changed it). @internal */
export function backendChoice(): BackendChoice {
  return choice;
}

/** Test hook: forget the compiled module so the next use compiles again. @internal */
export function resetBackendForTests(): void {
  choice = 'auto';
  status = 'idle';
  kernels = null;
  failure = '';
  pending = null;
}

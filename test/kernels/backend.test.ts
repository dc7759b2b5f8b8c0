// The backend switch and loader: lazy compilation, the JavaScript fallback when WebAssembly is
// missing or refused (as under a Content-Security-Policy without 'wasm-unsafe-eval'), asynchronous
// compilation on a browser main thread, option errors, the fixed WebAssembly memory, and the
// embedded bytes being the assembled kernels.wat.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NablaError, ValueError, createRng, getBackend, matmul, ready, setBackend, tensor } from '../../src/index.js';
import { expInto, sigmoidInto, tanhInto } from '../../src/kernels/arrays.js';
import { EXP_TABLE_PTR, LOG_TABLE_PTR, TABLES_END, TANH_TABLE_PTR, WINDOWS_END, backendChoice, resetBackendForTests, wasmKernels } from '../../src/kernels/backend.js';
import { expTableF64, logTableF64, tanhTableF64 } from '../../src/kernels/elementary.js';
import { gemmStrided } from '../../src/kernels/gemm.js';
import { NEGLN2HIN } from '../../src/kernels/tables.js';
import { WASM_BASE64 } from '../../src/kernels/wasmBinary.js';
import { loadFixture } from '../helpers/fixtures.js';
import { CONST_POOL, EXP_TABLE_PTR as ASM_EXP_TABLE_PTR, LOG_TABLE_PTR as ASM_LOG_TABLE_PTR, TANH_TABLE_PTR as ASM_TANH_TABLE_PTR, assembleKernels, preprocessKernels } from '../../scripts/wasm-assemble.mjs';

const initialChoice = backendChoice();

afterEach(() => {
  vi.unstubAllGlobals();
  resetBackendForTests();
  setBackend(initialChoice);
});

function workload(): Float64Array {
  const rng = createRng(5);
  const a = tensor(rng.fillUniform(new Float64Array(40 * 50), -2, 2), [40, 50]);
  const b = tensor(rng.fillUniform(new Float64Array(50 * 30), -2, 2), [50, 30]);
  const c = matmul(a, b).data;
  const out = new Float64Array(c.length * 3);
  expInto(c, 0, out, 0, c.length);
  tanhInto(c, 0, out, c.length, c.length);
  sigmoidInto(c, 0, out, 2 * c.length, c.length);
  return out;
}

describe('backend selection', () => {
  it('setBackend rejects anything but auto, wasm and js, and changes nothing', () => {
    setBackend('js');
    for (const bad of ['WASM', 'gpu', '', null, undefined, 1]) {
      expect(() => setBackend(bad as never)).toThrow(ValueError);
    }
    expect(() => setBackend('Wasm' as never)).toThrow("setBackend: backend must be 'auto', 'wasm' or 'js', got \"Wasm\"");
    expect(getBackend()).toBe('js');
  });

  it("'js' forces JavaScript, 'wasm' and 'auto' use WebAssembly in Node; the bits are the same", () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    const js = workload();
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    const wasm = workload();
    setBackend('auto');
    expect(getBackend()).toBe('wasm');
    expect(wasm.every((v, i) => Object.is(v, js[i]))).toBe(true);
  });

  it('nothing compiles before first use (lazy), and ready() resolves', async () => {
    resetBackendForTests();
    const spy = vi.spyOn(WebAssembly, 'Module');
    expect(spy).not.toHaveBeenCalled();
    await ready();
    expect(getBackend()).toBe('wasm');
    expect(spy).toHaveBeenCalledTimes(1);
    workload();
    expect(spy).toHaveBeenCalledTimes(1); // compiled once
    spy.mockRestore();
  });

  it('without WebAssembly: JavaScript silently, same bits; setBackend("wasm") is a clear error', async () => {
    const reference = workload();
    resetBackendForTests();
    vi.stubGlobal('WebAssembly', undefined);
    expect(getBackend()).toBe('js');
    await expect(ready()).resolves.toBeUndefined();
    expect(workload().every((v, i) => Object.is(v, reference[i]))).toBe(true);
    expect(() => setBackend('wasm')).toThrow(NablaError);
    expect(() => setBackend('wasm')).toThrow(/'wasm' requested but WebAssembly SIMD is unavailable here \(this engine has no WebAssembly\)/);
    expect(getBackend()).toBe('js');
  });

  it('compilation refused (a CSP without wasm-unsafe-eval): JavaScript silently, same bits', () => {
    const reference = workload();
    resetBackendForTests();
    const Real = WebAssembly;
    class Refused {
      constructor() {
        throw new Real.CompileError('WebAssembly.Module(): Wasm code generation disallowed by embedder');
      }
    }
    vi.stubGlobal('WebAssembly', { ...Real, Module: Refused, Instance: Real.Instance, Memory: Real.Memory, CompileError: Real.CompileError });
    expect(getBackend()).toBe('js');
    expect(workload().every((v, i) => Object.is(v, reference[i]))).toBe(true);
    expect(() => setBackend('wasm')).toThrow(/code generation disallowed/);
  });

  it('on a browser main thread: compiles asynchronously, ops run in JavaScript until ready()', async () => {
    const reference = workload();
    resetBackendForTests();
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    const spy = vi.spyOn(WebAssembly, 'Module');
    expect(getBackend()).toBe('js'); // compiling in the background
    expect(workload().every((v, i) => Object.is(v, reference[i]))).toBe(true);
    await ready();
    expect(spy).not.toHaveBeenCalled(); // no synchronous compile on the main thread
    expect(getBackend()).toBe('wasm');
    spy.mockRestore();
  });
});

describe('WebAssembly memory', () => {
  it('is fixed at 41 pages (2.5625 MiB): 10,000 calls, large and odd-sized, do not grow it, and it cannot grow', () => {
    setBackend('wasm');
    const w = wasmKernels();
    expect(w).not.toBeNull();
    const mem = w!.x.memory;
    const before = mem.buffer.byteLength;
    expect(before).toBe(41 * 65536);
    const big = createRng(1).fillUniform(new Float64Array(300_001), -5, 5);
    const out = new Float64Array(big.length);
    expInto(big, 0, out, 0, big.length);
    const A = createRng(2).fillUniform(new Float64Array(300 * 700), -1, 1);
    const C = new Float64Array(300 * 300);
    gemmStrided(false, true, 300, 300, 700, A, 0, 700, A, 0, 700, C, 0, 300);
    for (let i = 0; i < 10_000; i++) {
      const n = 16 + (i % 97);
      tanhInto(big, i, out, 0, n);
      if (i % 100 === 0) gemmStrided(i % 200 === 0, false, 9, 17, 33 + (i % 7), A, i, 40, A, 0, 17, C, 0, 17);
    }
    expect(mem.buffer.byteLength).toBe(before);
    expect(() => mem.grow(1)).toThrow(RangeError);
  });

  it("the loader writes exp's, log's and tanh's tables where the assembled code reads them, clear of the windows and the constant pool", () => {
    expect([ASM_EXP_TABLE_PTR, ASM_LOG_TABLE_PTR, ASM_TANH_TABLE_PTR]).toEqual([EXP_TABLE_PTR, LOG_TABLE_PTR, TANH_TABLE_PTR]);
    expect([LOG_TABLE_PTR, TANH_TABLE_PTR, TABLES_END]).toEqual([WINDOWS_END, WINDOWS_END + 4096, WINDOWS_END + 4096 + 7056 * 16]);
    expect(TABLES_END).toBeLessThanOrEqual(CONST_POOL);
    expect(EXP_TABLE_PTR).toBe(CONST_POOL + 4096);
    setBackend('wasm');
    const f64 = wasmKernels()!.f64;
    const L = logTableF64();
    for (let i = 0; i < 128; i++) {
      expect([f64[LOG_TABLE_PTR / 8 + 4 * i], f64[LOG_TABLE_PTR / 8 + 4 * i + 1], f64[LOG_TABLE_PTR / 8 + 4 * i + 2]]).toEqual([L[3 * i], L[3 * i + 1], L[3 * i + 2]]);
    }
    const Q = tanhTableF64();
    expect(Q.length * 8).toBe(TABLES_END - TANH_TABLE_PTR); // k ≤ round(2·19.1·128/ln2) = 7054, and one entry of padding
    expect(Array.from(f64.subarray(TANH_TABLE_PTR / 8, TANH_TABLE_PTR / 8 + Q.length))).toEqual(Array.from(Q));
    const E = expTableF64();
    expect(E.length).toBe(256);
    expect(Array.from(f64.subarray(EXP_TABLE_PTR / 8, EXP_TABLE_PTR / 8 + 256))).toEqual(Array.from(E));
  });

  it('the assembler pools vector constants, and a ;;@hoist function loads each once on entry', () => {
    const text = `(module (memory 42 42)
  ;;@hoist
  (func (export "f") (param $p i32) (result v128)
    (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (v128.const f64x2 1 1) (v128.const i64x2 0 0))))
  (func (export "g") (result v128) (v128.const f64x2 1 1)))`;
    const out = preprocessKernels(text);
    const load = `(v128.load offset=${CONST_POOL} (i32.const 0))`;
    const f = out.slice(out.indexOf('(export "f")'), out.indexOf('(export "g")'));
    const g = out.slice(out.indexOf('(export "g")'));
    expect(f.split(load).length - 1).toBe(1); // once, into the local
    expect(f).toContain(`(local $__k${CONST_POOL} v128)`);
    expect(f).toContain(`(local.set $__k${CONST_POOL} ${load})`);
    expect(f.split(`(local.get $__k${CONST_POOL})`).length - 1).toBe(2);
    expect(f).toContain('(v128.const i64x2 0 0)'); // zero stays a register clear
    expect(g.split(load).length - 1).toBe(1); // unmarked: a load at the use
    expect(out).toContain(`(data (i32.const ${CONST_POOL}) "${'\\00\\00\\00\\00\\00\\00\\f0\\3f'.repeat(2)}")`);
  });

  it("tanh's table holds 2/(e^(k·hi) + 1) as qh + ql: qh correctly rounded, the sum to 2^−75 (mpmath, scripts/fixtures/tanh_table.py)", () => {
    const fix = loadFixture<{ negLn2Hi: number; entries: number; rows: [number, number, number][] }>('tanh_table.json');
    expect(fix.negLn2Hi).toBe(NEGLN2HIN);
    const Q = tanhTableF64();
    expect(Q.length).toBe(2 * fix.entries);
    expect(fix.rows.length).toBeGreaterThan(1400);
    for (const [k, qh, ql] of fix.rows) {
      expect(Q[2 * k], `qh at k = ${k}`).toBe(qh);
      // qh + ql − Q_k = ql − (Q_k − qh), with Q_k − qh = ql_exact (rounded once: 2^−53 relative of it)
      expect(Math.abs(Q[2 * k + 1] - ql), `ql at k = ${k}`).toBeLessThanOrEqual(qh * 2 ** -75);
    }
  });

  it('the embedded bytes are kernels.wat assembled by wabt (npm run build:wasm is up to date)', async () => {
    const bytes = await assembleKernels();
    expect(Buffer.from(bytes).toString('base64')).toBe(WASM_BASE64);
  });
});

import { AP_PTR, BP_DOUBLES, BP_PTR, CB_PTR, KC, MC_WASM, NC_WASM, wasmKernels, type WasmKernels } from './backend.js';

/**
 * General matrix product C += op(A)·op(B) on row-major Float64Arrays with offsets and row strides —
 * the one GEMM behind matmul (NN), the backward passes (NT: dy·Wᵀ, TN: xᵀ·dy), batched matmul
 * (one call per batch item, by offsets) and an im2col convolution.
 *
 * ```math
 * C_{ij} \mathrel{+}= \sum_{k} \mathrm{op}(A)_{ik}\, \mathrm{op}(B)_{kj}
 * ```
 *
 * op(A) is M×K: `A[aOff + i·lda + k]`, or with `transA` the transpose of a stored K×M matrix,
 * `A[aOff + k·lda + i]`. op(B) is K×N: `B[bOff + k·ldb + j]`, or with `transB` the transpose of a
 * stored N×K matrix, `B[bOff + j·ldb + k]`. C is M×N at `C[cOff + i·ldc + j]`; it is added to, not
 * overwritten (pass zeros for a plain product; pass a gradient buffer to accumulate into it).
 * C must not overlap A or B. No validation: callers check shapes.
 *
 * Method and summation order (identical on both backends, so the bits are too):
 * - small products (M·N·K ≤ 32768, or M < 4, or N < 4): for each i, k, j in that order,
 *   C_ij += a_ik·b_kj directly;
 * - otherwise, in blocks of KC = 128 consecutive k (from k = 0): each C_ij gets a partial sum that
 *   starts at +0 and adds a_ik·b_kj in increasing k, then C_ij += partial. The WebAssembly
 *   backend packs A and B into 4-row / 4-column panels in its fixed memory and runs a 4×4 f64x2
 *   register-tiled micro-kernel (two lanes = two columns, each lane the same scalar sequence);
 *   the JavaScript twin runs the same blocks with sixteen scalar accumulators.
 * Products and sums are separately rounded (no fused multiply-add), so every C_ij is the same
 * sequence of IEEE-754 operations on both backends. Block sizes other than KC (how many rows and
 * columns are packed at once, the tile shape) change only speed, never the order.
 *
 * @internal
 */
export function gemmStrided(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  if (M * N * K <= 32768 || M < 4 || N < 4) {
    smallGemm(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
    return;
  }
  const w = wasmKernels();
  if (w !== null) wasmGemm(w, transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
  else jsGemm(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
}

/**
 * C[cOff..] += A[aOff..] (M×K) · B[bOff..] (K×N), all row-major and contiguous: {@link gemmStrided}
 * without transposes. The signature matmul uses.
 * @internal
 */
export function gemm(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  gemmStrided(false, false, M, N, K, A, aOff, K, B, bOff, N, C, cOff, N);
}

/** The JavaScript twin's block sizes: MC and NC only set how much is packed at once. */
const MC_JS = 64;
const NC_JS = 512;

let jsAp: Float64Array | null = null;
let jsBp: Float64Array | null = null;

function jsGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
): void {
  // Packing buffers of fixed size (≈ 330 KB together), kept for reuse across calls.
  const bp = jsBp ?? (jsBp = new Float64Array(KC * (NC_JS + 4)));
  const ap = jsAp ?? (jsAp = new Float64Array(KC * (MC_JS + 4)));
  for (let jc = 0; jc < N; jc += NC_JS) {
    const nc = Math.min(NC_JS, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(transB, B, bOff, ldb, pc, jc, kc, nc, bp, 0);
      for (let ic = 0; ic < M; ic += MC_JS) {
        const mc = Math.min(MC_JS, M - ic);
        packA(transA, A, aOff, lda, ic, pc, mc, kc, ap, 0);
        for (let jr = 0; jr < nc; jr += 4) {
          const nr = Math.min(4, nc - jr);
          const bBase = jr * kc;
          for (let ir = 0; ir < mc; ir += 4) {
            const mr = Math.min(4, mc - ir);
            microKernel(ap, ir * kc, bp, bBase, kc, C, cOff + (ic + ir) * ldc + jc + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
}

function wasmGemm(
  w: WasmKernels,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const mem = w.f64;
  const apIdx = AP_PTR / 8;
  const bpIdx = BP_PTR / 8;
  const cbIdx = CB_PTR / 8;
  // Column panels of B as wide as the packed-B window allows for up to KS rows of k at once
  // (KS a multiple of KC), so that each C block is copied in and out once per KS, not per KC.
  const kAll = Math.ceil(K / KC) * KC;
  let ncMax = Math.min(NC_WASM, Math.floor(BP_DOUBLES / kAll / 4) * 4);
  let KS = kAll;
  if (ncMax < 64) {
    ncMax = Math.min((N + 3) & ~3, 64);
    KS = Math.max(KC, Math.floor(BP_DOUBLES / ncMax / KC) * KC);
  }
  for (let jc = 0; jc < N; jc += ncMax) {
    const nc = Math.min(ncMax, N - jc);
    const ncPad = (nc + 3) & ~3;
    for (let ps = 0; ps < K; ps += KS) {
      const pend = Math.min(K, ps + KS);
      for (let pc = ps, d = bpIdx; pc < pend; pc += KC) {
        const kc = Math.min(KC, pend - pc);
        packB(transB, B, bOff, ldb, pc, jc, kc, nc, mem, d);
        d += kc * ncPad;
      }
      for (let ic = 0; ic < M; ic += MC_WASM) {
        const mc = Math.min(MC_WASM, M - ic);
        const mcPad = (mc + 3) & ~3;
        // C block in; the KC-deep slices added in order of k by the module; C block out.
        let c = cOff + ic * ldc + jc;
        for (let i = 0, cb = cbIdx; i < mc; i++, c += ldc, cb += NC_WASM) mem.set(C.subarray(c, c + nc), cb);
        for (let pc = ps, bp = BP_PTR; pc < pend; pc += KC) {
          const kc = Math.min(KC, pend - pc);
          packA(transA, A, aOff, lda, ic, pc, mc, kc, mem, apIdx);
          w.x.gemm(AP_PTR, bp, CB_PTR, mcPad, ncPad, kc, NC_WASM);
          bp += kc * ncPad * 8;
        }
        c = cOff + ic * ldc + jc;
        for (let i = 0, cb = cbIdx; i < mc; i++, c += ldc, cb += NC_WASM) C.set(mem.subarray(cb, cb + nc), c);
      }
    }
  }
}

/**
 * Packs op(B)[pc..pc+kc, jc..jc+nc] into 4-column panels, each kc×4 stored k-major, zero-padded
 * on the right, at dst[d..].
 */
function packB(trans: boolean, B: Float64Array, off: number, ldb: number, pc: number, jc: number, kc: number, nc: number, dst: Float64Array, d: number): void {
  // op(B)[k][j] is B[(pc + k)·ldb + jc + j], or B[(jc + j)·ldb + pc + k] when transposed.
  if (trans) packPanels(B, off + jc * ldb + pc, ldb, 1, nc, kc, dst, d);
  else packPanels(B, off + pc * ldb + jc, 1, ldb, nc, kc, dst, d);
}

/**
 * Packs op(A)[ic..ic+mc, pc..pc+kc] into 4-row panels, each kc×4 stored k-major, zero-padded at
 * the bottom, at dst[d..] (both backends' micro-kernels are 4×4).
 */
function packA(trans: boolean, A: Float64Array, off: number, lda: number, ic: number, pc: number, mc: number, kc: number, dst: Float64Array, d: number): void {
  // op(A)[i][k] is A[(ic + i)·lda + pc + k], or A[(pc + k)·lda + ic + i] when transposed.
  if (trans) packPanels(A, off + pc * lda + ic, 1, lda, mc, kc, dst, d);
  else packPanels(A, off + ic * lda + pc, lda, 1, mc, kc, dst, d);
}

/**
 * The packing both operands share: `lanes` values (rows of op(A) or columns of op(B)), lane l at
 * k read from S[first + l·laneStep + k·kStep], stored as panels of four lanes, each kc×4 k-major,
 * the last panel zero-padded, at dst[d..].
 */
function packPanels(S: Float64Array, first: number, laneStep: number, kStep: number, lanes: number, kc: number, dst: Float64Array, d: number): void {
  const s2 = 2 * laneStep;
  const s3 = 3 * laneStep;
  for (let l = 0; l < lanes; l += 4, first += 4 * laneStep) {
    const w = lanes - l < 4 ? lanes - l : 4;
    if (w === 4) {
      for (let k = 0, p = first; k < kc; k++, p += kStep, d += 4) {
        dst[d] = S[p];
        dst[d + 1] = S[p + laneStep];
        dst[d + 2] = S[p + s2];
        dst[d + 3] = S[p + s3];
      }
    } else {
      for (let k = 0, p = first; k < kc; k++, p += kStep, d += 4) for (let c = 0; c < 4; c++) dst[d + c] = c < w ? S[p + c * laneStep] : 0;
    }
  }
}

/** C[4×4 block] += Ap panel · Bp panel over kc, with sixteen partial sums held in locals. */
function microKernel(ap: Float64Array, ai: number, bp: Float64Array, bi: number, kc: number, C: Float64Array, c0: number, ldc: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++, ai += 4, bi += 4) {
    const b0 = bp[bi];
    const b1 = bp[bi + 1];
    const b2 = bp[bi + 2];
    const b3 = bp[bi + 3];
    let a = ap[ai];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = ap[ai + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = ap[ai + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = ap[ai + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (mr === 4 && nr === 4) {
    let r = c0;
    C[r] += c00; C[r + 1] += c01; C[r + 2] += c02; C[r + 3] += c03;
    r += ldc;
    C[r] += c10; C[r + 1] += c11; C[r + 2] += c12; C[r + 3] += c13;
    r += ldc;
    C[r] += c20; C[r + 1] += c21; C[r + 2] += c22; C[r + 3] += c23;
    r += ldc;
    C[r] += c30; C[r + 1] += c31; C[r + 2] += c32; C[r + 3] += c33;
    return;
  }
  // Edge tile: only the valid mr×nr corner is written.
  addRow(C, c0, nr, c00, c01, c02, c03);
  if (mr > 1) addRow(C, c0 + ldc, nr, c10, c11, c12, c13);
  if (mr > 2) addRow(C, c0 + 2 * ldc, nr, c20, c21, c22, c23);
  if (mr > 3) addRow(C, c0 + 3 * ldc, nr, c30, c31, c32, c33);
}

function addRow(C: Float64Array, r: number, nr: number, v0: number, v1: number, v2: number, v3: number): void {
  C[r] += v0;
  if (nr > 1) C[r + 1] += v1;
  if (nr > 2) C[r + 2] += v2;
  if (nr > 3) C[r + 3] += v3;
}

/** The i-k-j loop for small products, through strides; C_ij accumulates directly. */
function smallGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const sai = transA ? 1 : lda; // step of i in A
  const sak = transA ? lda : 1; // step of k in A
  const sbk = transB ? 1 : ldb;
  const sbj = transB ? ldb : 1;
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * ldc;
    const ai = aOff + i * sai;
    for (let k = 0; k < K; k++) {
      const aik = A[ai + k * sak];
      const bk = bOff + k * sbk;
      if (sbj === 1) for (let j = 0; j < N; j++) C[ci + j] += aik * B[bk + j];
      else for (let j = 0; j < N; j++) C[ci + j] += aik * B[bk + j * sbj];
    }
  }
}

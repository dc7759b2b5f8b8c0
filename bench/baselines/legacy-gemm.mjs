// nabla's JavaScript GEMM as it was before the WebAssembly kernels (src/tensor/matmul.ts at commit
// 51558c8), kept verbatim as the baseline that the JS twin must match (±10 %) and the WebAssembly
// kernel must beat.
const MR = 4;
const NR = 4;
const KC = 128;
const MC = 64;
const NC = 512;
function gemm(A, aOff, B, bOff, C, cOff, M, K, N) {
  if (M * N * K <= 32768 || M < MR || N < NR) {
    naiveGemm(A, aOff, B, bOff, C, cOff, M, K, N);
    return;
  }
  const bp = new Float64Array(KC * (Math.min(NC, N) + NR));
  const ap = new Float64Array(KC * (MC + MR));
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(B, bOff + pc * N + jc, N, kc, nc, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, aOff + ic * K + pc, K, mc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bBase = jr / NR * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(ap, ir / MR * kc * MR, bp, bBase, kc, C, cOff + (ic + ir) * N + jc + jr, N, mr, nr);
          }
        }
      }
    }
  }
}
function packB(B, off, ldb, kc, nc, bp) {
  let p = 0;
  for (let j = 0; j < nc; j += NR) {
    const w = Math.min(NR, nc - j);
    for (let k = 0; k < kc; k++) {
      const row = off + k * ldb + j;
      if (w === NR) {
        bp[p] = B[row];
        bp[p + 1] = B[row + 1];
        bp[p + 2] = B[row + 2];
        bp[p + 3] = B[row + 3];
      } else {
        for (let c = 0; c < NR; c++) bp[p + c] = c < w ? B[row + c] : 0;
      }
      p += NR;
    }
  }
}
function packA(A, off, lda, mc, kc, ap) {
  let p = 0;
  for (let i = 0; i < mc; i += MR) {
    const h = Math.min(MR, mc - i);
    const r0 = off + i * lda;
    if (h === MR) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      for (let k = 0; k < kc; k++) {
        ap[p] = A[r0 + k];
        ap[p + 1] = A[r1 + k];
        ap[p + 2] = A[r2 + k];
        ap[p + 3] = A[r3 + k];
        p += MR;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) ap[p + r] = r < h ? A[r0 + r * lda + k] : 0;
        p += MR;
      }
    }
  }
}
function microKernel(ap, ai, bp, bi, kc, C, c0, ldc, mr, nr) {
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
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    c03 += a * b3;
    a = ap[ai + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    c13 += a * b3;
    a = ap[ai + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    c23 += a * b3;
    a = ap[ai + 3];
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
    c33 += a * b3;
  }
  if (mr === 4 && nr === 4) {
    let r = c0;
    C[r] += c00;
    C[r + 1] += c01;
    C[r + 2] += c02;
    C[r + 3] += c03;
    r += ldc;
    C[r] += c10;
    C[r + 1] += c11;
    C[r + 2] += c12;
    C[r + 3] += c13;
    r += ldc;
    C[r] += c20;
    C[r + 1] += c21;
    C[r + 2] += c22;
    C[r + 3] += c23;
    r += ldc;
    C[r] += c30;
    C[r + 1] += c31;
    C[r + 2] += c32;
    C[r + 3] += c33;
    return;
  }
  const vals = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) C[c0 + i * ldc + j] += vals[i * 4 + j];
}
function naiveGemm(A, aOff, B, bOff, C, cOff, M, K, N) {
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * N;
    const ai = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const aik = A[ai + k];
      const bk = bOff + k * N;
      for (let j = 0; j < N; j++) C[ci + j] += aik * B[bk + j];
    }
  }
}
export {
  gemm
};

// WebAssembly SIMD kernels and their JavaScript twins (src/kernels/) against the baselines they
// replace, in the same run: matmul against nabla's previous JavaScript GEMM (a verbatim copy in
// bench/baselines/legacy-gemm.mjs), the elementary-function array kernels against loops over
// Math.exp/Math.tanh/… (what the activations use today). The kernels are internal, so this suite
// bundles src/kernels/ with esbuild (a devDependency) instead of importing dist/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gemm as legacyGemm } from './baselines/legacy-gemm.mjs';
import { measurePair } from './harness.mjs';

const entry = `
export { gemm } from './gemm.ts';
export { expInto, tanhInto, sigmoidInto, logInto, log1pInto, expm1Into, softplusInto } from './arrays.ts';
export { setBackend, getBackend } from './index.ts';
export { createRng } from '../random/rng.ts';
`;
const bundled = await build({
  stdin: { contents: entry, resolveDir: fileURLToPath(new URL('../src/kernels/', import.meta.url)), loader: 'ts' },
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const K = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

function on(backend, fn) {
  return () => {
    K.setBackend(backend);
    return fn();
  };
}

export default function run() {
  const rows = [];
  const rng = K.createRng(0);
  for (const n of [256, 512, 1024]) {
    const a = rng.fillUniform(new Float64Array(n * n), -1, 1);
    const b = rng.fillUniform(new Float64Array(n * n), -1, 1);
    const legacy = () => {
      const c = new Float64Array(n * n);
      legacyGemm(a, 0, b, 0, c, 0, n, n, n);
      return c;
    };
    const ours = () => {
      const c = new Float64Array(n * n);
      K.gemm(a, 0, b, 0, c, 0, n, n, n);
      return c;
    };
    const runs = n >= 1024 ? 7 : 11;
    for (const backend of ['wasm', 'js']) {
      const [o, base] = measurePair(on(backend, ours), legacy, { runs, warmup: 3 });
      const gf = (t) => ((2 * n ** 3) / (t * 1e6)).toFixed(2);
      rows.push({
        workload: `matmul ${n}×${n} (${backend})`,
        ours: o,
        baselineName: 'previous JS gemm',
        base,
        note: `${gf(o.median)} GFLOP/s median, ${gf(o.min)} best (previous JS ${gf(base.median)})`,
      });
    }
  }
  const n = 1_000_000;
  const x = rng.fillNormal(new Float64Array(n), 0, 3);
  const xp = Float64Array.from(x, (v) => Math.abs(v) + 1e-3);
  const mathLoop = {
    exp: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]); return o; },
    tanh: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]); return o; },
    log: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.log(xp[i]); return o; },
    log1p: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.log1p(xp[i]); return o; },
    expm1: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]); return o; },
    sigmoid: () => {
      // the activations' stable two-branch sigmoid on Math.exp
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const z = x[i];
        if (z >= 0) o[i] = 1 / (1 + Math.exp(-z));
        else { const e = Math.exp(z); o[i] = e / (1 + e); }
      }
      return o;
    },
  };
  const kernel = { exp: K.expInto, tanh: K.tanhInto, log: K.logInto, log1p: K.log1pInto, expm1: K.expm1Into, sigmoid: K.sigmoidInto };
  for (const fn of ['exp', 'tanh', 'sigmoid', 'log', 'log1p', 'expm1']) {
    const src = fn === 'log' || fn === 'log1p' ? xp : x;
    for (const backend of ['wasm', 'js']) {
      const [o, base] = measurePair(on(backend, () => { const out = new Float64Array(n); kernel[fn](src, 0, out, 0, n); return out; }), mathLoop[fn], { runs: 15, warmup: 3 });
      rows.push({ workload: `${fn} 1M (${backend})`, ours: o, baselineName: fn === 'sigmoid' ? 'Math.exp loop' : `Math.${fn} loop`, base });
    }
  }
  K.setBackend('auto');
  return { title: 'kernels: WebAssembly SIMD and the JS twin', rows };
}

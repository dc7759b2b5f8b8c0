// Shared timing helpers for the benchmarks: warm-up, ≥7 timed runs, median/min/max, checksum.
// BENCH_CLOCK=cpu times by the process's user CPU time instead of the wall clock: on a machine
// shared with other work it leaves out the time the process was not running (single-threaded
// workloads only; the OS may count CPU time in steps of a few milliseconds, so it suits runs of
// tens of milliseconds and more).

const CPU_CLOCK = typeof process !== 'undefined' && process.env?.BENCH_CLOCK === 'cpu';
/** Milliseconds on the chosen clock. */
export function now() {
  return CPU_CLOCK ? process.cpuUsage().user / 1000 : performance.now();
}
export function measure(fn, { runs = 7, warmup = 2, minTimeMs = 0 } = {}) {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += checksum(fn());
  const times = [];
  let total = 0;
  while (times.length < runs || total < minTimeMs) {
    globalThis.gc?.(); // with --expose-gc: start every timed run from a collected heap
    const t0 = now();
    const r = fn();
    const dt = now() - t0;
    sink += checksum(r);
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], runs: times.length, sink };
}

/** Keeps a result alive so the work cannot be optimized away. */
export function checksum(r) {
  if (r === undefined || r === null) return 0;
  if (typeof r === 'number') return r;
  const d = r.data ?? r;
  if (d && typeof d.length === 'number' && d.length > 0) return d[0] + d[d.length - 1];
  return 0;
}

export function fmtMs(x) {
  return x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1);
}

/**
 * Measures two functions with their timed runs interleaved (a, b, b, a, a, b, …), so that drift in
 * the machine's speed affects both alike; returns both summaries, and on the first the median of
 * the per-pair ratios a_i / b_i (robust to a slow phase that hits one pair).
 */
export function measurePair(fa, fb, { runs = 7, warmup = 2 } = {}) {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += checksum(fa()) + checksum(fb());
  const ta = [];
  const tb = [];
  for (let r = 0; r < runs; r++) {
    for (const [f, t] of r % 2 === 0 ? [[fa, ta], [fb, tb]] : [[fb, tb], [fa, ta]]) {
      globalThis.gc?.();
      const t0 = now();
      sink += checksum(f());
      t.push(now() - t0);
    }
  }
  const ratios = ta.map((t, i) => t / tb[i]).sort((x, y) => x - y);
  const sum = (t) => {
    t.sort((x, y) => x - y);
    return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1], runs: t.length, sink };
  };
  return [{ ...sum(ta), pairRatio: ratios[Math.floor(ratios.length / 2)] }, sum(tb)];
}

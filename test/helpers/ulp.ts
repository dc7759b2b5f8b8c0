/**
 * The distance between two doubles in units in the last place: how many representable doubles lie
 * between them (0 when equal, ±0 included; Infinity when exactly one is NaN).
 */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(Number(ordered(a) - ordered(b)));
}

const f = new Float64Array(1);
const i = new BigInt64Array(f.buffer);

/** Maps doubles to integers in the same order, adjacent doubles to adjacent integers. */
function ordered(x: number): bigint {
  f[0] = x;
  const v = i[0];
  return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
}

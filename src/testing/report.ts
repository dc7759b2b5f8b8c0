/** A value at full precision (the shortest string that reads back as the same double); −0 shown as such. @internal */
export function formatValue(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** An error rounded to 3 significant digits for a report: 0.0833, 5.55e-17; NaN and ∞ as such. @internal */
export function formatError(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Tensor } from '../../src/index.js';

/** A float encoded by scripts/fixtures/common.py: a number, or "NaN" / "Infinity" / "-Infinity". */
export type Enc = number | 'NaN' | 'Infinity' | '-Infinity';
/** A tensor as the fixture scripts write it. */
export interface FixTensor {
  shape: number[];
  data: Enc[];
}

export function decode(v: Enc): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`bad fixture value ${String(v)}`);
}

/** Loads test/fixtures/<name> (written by scripts/fixtures/*.py; never by nabla). */
export function loadFixture<T = any>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function fromFix(f: FixTensor): Tensor {
  return new Tensor(Float64Array.from(f.data, decode), f.shape);
}

/**
 * Expects `actual` to have the fixture's shape and values: bit-identical (Object.is, so −0 ≠ +0)
 * when `rtol` is 0, else |a − e| ≤ atol + rtol·|e| with NaN matching NaN and infinities exact.
 */
export function expectMatches(actual: Tensor, expected: FixTensor | Tensor, rtol = 0, atol = 0, label = ''): void {
  const e = expected instanceof Tensor ? expected : fromFix(expected);
  expect(actual.shape, `${label} shape`).toEqual(e.shape);
  for (let i = 0; i < e.size; i++) {
    const a = actual.data[i];
    const x = e.data[i];
    if (rtol === 0 && atol === 0) {
      if (!Object.is(a, x)) expect.fail(`${label} element ${i}: got ${fmt(a)}, expected ${fmt(x)}`);
      continue;
    }
    if (Number.isNaN(x) || !Number.isFinite(x)) {
      if (!Object.is(a, x)) expect.fail(`${label} element ${i}: got ${fmt(a)}, expected ${fmt(x)}`);
      continue;
    }
    if (!(Math.abs(a - x) <= atol + rtol * Math.abs(x))) {
      expect.fail(`${label} element ${i}: got ${fmt(a)}, expected ${fmt(x)} (rel err ${Math.abs(a - x) / Math.abs(x)})`);
    }
  }
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

import { describe, expect, it } from 'vitest';
import { powStep } from '../../src/optim/optimizer.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('pow_step.json');

describe("powStep: βᵗ correctly rounded (C's pow, as PyTorch's bias corrections use)", () => {
  it(`every one of ${fx.cases.length} (β, t) pairs above 2^-969 equals the 60-digit value rounded once`, () => {
    let mathPowMisses = 0;
    for (const [b, t, want] of fx.cases as [number, number, number, boolean][]) {
      if (want < 2 ** -969) {
        // Near underflow double-double loses its low part: within an ulp of the (subnormal) value.
        expect(Math.abs(powStep(b, t) - want)).toBeLessThanOrEqual(Number.MIN_VALUE * 2 ** 53);
        continue;
      }
      if (!Object.is(powStep(b, t), want)) expect.fail(`powStep(${b}, ${t}) = ${powStep(b, t)}, expected ${want}`);
      if (Math.pow(b, t) !== want) mathPowMisses++;
    }
    // Why it exists: Math.pow's last bit differs from the correctly rounded value for some inputs.
    expect(mathPowMisses).toBeGreaterThan(0);
  });
});

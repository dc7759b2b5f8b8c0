import { describe, expect, it } from 'vitest';
import { GradCheckError, NablaError, Tensor, ValueError, assertGradCheck, mul, sigmoid, sigmoidBackward } from '../../src/index.js';

const square = { forward: (x: Tensor) => mul(x, x), backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2, x)) };

describe('assertGradCheck', () => {
  it('returns gradCheck’s result when the check passes', () => {
    const r = assertGradCheck(square, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(true);
    expect(assertGradCheck({ forward: sigmoid, backward: sigmoidBackward }, [[0.3, -1.2]], { name: 'sigmoid', maxRelError: 1e-9 }).ok).toBe(true);
    expect(assertGradCheck((x: Tensor) => mul(x, x), [[1, 2]]).ok).toBe(true); // a plain function, via autograd
  });

  it('throws a NablaError carrying the report, with a message naming the rule, each input, and the worst element', () => {
    const prod = {
      forward: (a: Tensor, b: Tensor) => mul(a, b),
      backward: (dy: Tensor, a: Tensor, b: Tensor) => [mul(dy, b), mul(dy, mul(a, 1.01))],
    };
    let caught: unknown = null;
    try {
      assertGradCheck(prod, [[1, 2], [3, -4]], { name: 'mul_backward', dy: [1, -1] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GradCheckError);
    expect(caught).toBeInstanceOf(NablaError);
    const e = caught as GradCheckError;
    expect(e.fn).toBe('assertGradCheck');
    expect(e.report.ok).toBe(false);
    expect(e.report.perInput.map((p) => p.ok)).toEqual([true, false]);
    const lines = e.message.split('\n');
    // |1.01a − a| / (1.01|a| + |a|) = 0.01 / 2.01 ≈ 0.004975 for every element of b's gradient.
    expect(lines[0]).toBe('mul_backward: gradient check failed (relError ≤ 1e-7); max relative error 0.00498');
    expect(lines[1]).toMatch(/^ {2}input 0 \[2\]: max relative error \S+ {2}ok$/);
    expect(lines[2]).toMatch(/^ {2}input 1 \[2\]: max relative error 0\.00498 at \[\d\]: analytic -?[\d.]+, numeric -?[\d.e-]+ {2}FAILED$/);
  });

  it('names the isclose rule when judged by it; default name', () => {
    const wrong = { forward: square.forward, backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2.5, x)) };
    expect(() => assertGradCheck(wrong, [[1]], { rtol: 1e-6, atol: 0 })).toThrow(
      /^assertGradCheck: gradient check failed \(\|analytic − numeric\| ≤ 0 \+ 0\.000001·\|numeric\|\); max relative error 0\.111/,
    );
  });

  it('bad options are ValueErrors before anything runs', () => {
    let calls = 0;
    const counting = { forward: (x: Tensor) => (calls++, mul(x, x)), backward: square.backward };
    expect(() => assertGradCheck(counting, [[1]], { name: '' })).toThrow('assertGradCheck: options.name must be a non-empty string, got ""');
    expect(() => assertGradCheck(counting, [[1]], { nme: 'x' } as never)).toThrow(/assertGradCheck: options has an unknown key "nme" \(did you mean "name"\?\)/);
    expect(() => assertGradCheck(counting, [[1]], { metric: 'relError', atol: 1 })).toThrow(ValueError);
    expect(() => assertGradCheck(counting, [], {})).toThrow('assertGradCheck: inputs must be a non-empty array of tensors, got an array of length 0');
    expect(calls).toBe(0);
  });
});

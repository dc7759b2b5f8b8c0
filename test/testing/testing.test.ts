import { describe, expect, it } from 'vitest';
import { NablaError, Tensor, assertClose, exp, gradCheck, mul, numericalGradient, sum, tensor } from '../../src/index.js';

describe('assertClose', () => {
  it('passes within tolerance', () => {
    expect(() => assertClose([0.1 + 0.2], [0.3], { rtol: 1e-15 })).not.toThrow();
  });

  it('reports count, worst index, both values and relative error', () => {
    let message = '';
    try {
      assertClose([[1, 2, 3], [4, 5, 6.5]], [[1, 2, 3.01], [4, 5, 6]], { rtol: 1e-3, atol: 0 });
    } catch (e) {
      expect(e).toBeInstanceOf(NablaError);
      message = (e as Error).message;
    }
    expect(message).toContain('assertClose: 2 of 6 elements differ (rtol 0.001, atol 0), shape [2,3]');
    expect(message).toContain('worst at [1,2]: actual 6.5, expected 6, |diff| 0.5, relative error 0.08333333333333333');
  });

  it('shape mismatch and NaN are failures', () => {
    expect(() => assertClose([1, 2], [[1, 2]])).toThrow('assertClose: shapes differ: actual is [2], expected [1,2]');
    expect(() => assertClose([NaN], [1])).toThrow(/relative error Infinity/);
    expect(() => assertClose([NaN], [NaN], { equalNan: true })).not.toThrow();
  });
});

describe('numericalGradient', () => {
  it('matches hand derivatives: d/dx Σx² = 2x, d/dx Σeˣ = eˣ', () => {
    const [g] = numericalGradient((x) => mul(x, x), [[1, -2, 3]]);
    for (const [i, v] of [2, -4, 6].entries()) expect(g.data[i]).toBeCloseTo(v, 8);
    const [h] = numericalGradient((x) => exp(x), [[0, 1]]);
    expect(h.data[0]).toBeCloseTo(1, 8);
    expect(h.data[1]).toBeCloseTo(Math.E, 8);
  });

  it('does not perturb the caller’s tensors', () => {
    const x = tensor([1, 2]);
    numericalGradient((v) => mul(v, v), [x]);
    expect(Array.from(x.data)).toEqual([1, 2]);
  });
});

describe('gradCheck', () => {
  const square = {
    forward: (x: Tensor) => mul(x, x),
    backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2, x)),
  };

  it('accepts a correct backward', () => {
    const r = gradCheck(square, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(true);
    expect(r.maxRelError).toBeLessThan(1e-8);
  });

  it('rejects a wrong backward and reports the worst element', () => {
    const wrong = { forward: square.forward, backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2.001, x)) };
    const r = gradCheck(wrong, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(false);
    expect(r.worst?.input).toBe(0);
    expect(r.maxRelError).toBeGreaterThan(1e-4);
  });

  it('catches an error invisible to an all-ones dy (gradient of a sum-invariant output)', () => {
    // y = x − mean(x): with dy = ones, dL/dx = 0 for any backward that returns zeros.
    const centre = {
      forward: (x: Tensor) => {
        const m = sum(x).item() / x.size;
        return new Tensor(x.data.map((v) => v - m), x.shape);
      },
      backward: (dy: Tensor) => new Tensor(new Float64Array(dy.size), dy.shape),
    };
    expect(gradCheck(centre, [[1, 2, 3]]).ok).toBe(false);
    expect(gradCheck(centre, [[1, 2, 3]], { dy: [1, 1, 1] }).ok).toBe(true);
  });

  it('checks several inputs, a subset with wrt, and object results', () => {
    const prod = {
      forward: (a: Tensor, b: Tensor) => mul(a, b),
      backward: (dy: Tensor, a: Tensor, b: Tensor) => ({ da: mul(dy, b), db: mul(dy, a) }),
    };
    expect(gradCheck(prod, [[1, 2], [3, -4]]).ok).toBe(true);
    const onlyA = { forward: prod.forward, backward: (dy: Tensor, _a: Tensor, b: Tensor) => mul(dy, b) };
    expect(gradCheck(onlyA, [[1, 2], [3, -4]], { wrt: [0] }).ok).toBe(true);
  });

  it('validates its arguments', () => {
    expect(() => gradCheck({} as never, [[1]])).toThrow(/gradCheck: the first argument must be a function or a \{ forward, backward \} pair/);
    expect(() => gradCheck(square, [])).toThrow(/inputs must be a non-empty array/);
    expect(() => gradCheck(square, [[1]], { eps: 0 })).toThrow(/options.eps must be a positive finite number, got 0/);
    expect(() => gradCheck(square, [[1]], { dy: [1, 2] })).toThrow(/options.dy has shape \[2\] but forward's output has shape \[1\]/);
    expect(() => gradCheck(square, [[1]], { wrt: [1] })).toThrow(/options.wrt entry 1 is not an input index/);
    const bad = { forward: square.forward, backward: () => tensor([1, 2]) };
    expect(() => gradCheck(bad, [[1]])).toThrow(/gradient 0 from backward has shape \[2\] but input 0 has shape \[1\]/);
  });
});

import { describe, expect, it } from 'vitest';
import { NablaError, ShapeError, Tensor, ValueError, assertClose, exp, gradCheck, mul, numericalGradient, sum, tensor } from '../../src/index.js';

function messageOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NablaError);
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

describe('assertClose', () => {
  it('passes within tolerance', () => {
    expect(() => assertClose([0.1 + 0.2], [0.3], { rtol: 1e-15 })).not.toThrow();
    expect(() => assertClose([0.1 + 0.2], [0.3], { rtol: 1e-15, name: 'sum' })).not.toThrow();
  });

  it('reports count, tolerances, shape, then a table of the worst elements (values exact, errors rounded)', () => {
    const m = messageOf(() => assertClose([[1, 2, 3], [4, 5, 6.5]], [[1, 2, 3.01], [4, 5, 6]], { rtol: 1e-3, atol: 0 }));
    expect(m).toBe(
      [
        'assertClose: 2 of 6 elements differ (rtol 0.001, atol 0), shape [2,3]',
        '  index  actual  expected  |diff|  rel. error',
        '  [1,2]  6.5     6         0.5     0.0833',
        '  [0,2]  3       3.01      0.01    0.00332',
      ].join('\n'),
    );
  });

  it('starts with the name; values at full precision; tiny errors in exponent form', () => {
    const m = messageOf(() => assertClose([0.1 + 0.2, 1], [0.3, 1], { rtol: 1e-17, atol: 0, name: 'dW' }));
    expect(m).toBe(
      [
        'dW: 1 of 2 elements differ (rtol 1e-17, atol 0), shape [2]',
        '  index  actual               expected  |diff|    rel. error',
        '  [0]    0.30000000000000004  0.3       5.55e-17  1.85e-16',
      ].join('\n'),
    );
  });

  it('lists the 5 furthest outside the tolerance, worst first, and counts the rest', () => {
    // expected 10 everywhere; actual 10 + k·0.1 for k = 0…9: element 9 is worst.
    const actual = Array.from({ length: 10 }, (_, k) => 10 + k * 0.1);
    const m = messageOf(() => assertClose(actual, new Array(10).fill(10), { rtol: 0, atol: 0.05, name: 'v' }));
    const lines = m.split('\n');
    expect(lines[0]).toBe('v: 9 of 10 elements differ (rtol 0, atol 0.05), shape [10]');
    expect(lines.slice(2, 7).map((l) => l.trim().split(/\s+/)[0])).toEqual(['[9]', '[8]', '[7]', '[6]', '[5]']);
    expect(lines[7]).toBe('  … and 4 more (the 5 furthest outside the tolerance are shown)');
    expect(lines).toHaveLength(8);
  });

  it('ranks by the excess over the tolerance: a small value off by a little beats a large one within rtol', () => {
    const m = messageOf(() => assertClose([1000.5, 0.002], [1000, 0.001], { rtol: 1e-3, atol: 1e-6 }));
    const rows = m.split('\n').slice(2);
    expect(rows[0]).toMatch(/^ {2}\[1\] /); // |diff| 0.001 vs allowed ≈ 2e-6
    expect(rows).toHaveLength(1); // 1000.5 is within 1e-3·1000
  });

  it('shape mismatch, NaN and infinities are failures; −0 is shown as such', () => {
    expect(() => assertClose([1, 2], [[1, 2]])).toThrow('assertClose: shapes differ: actual is [2], expected [1,2]');
    expect(() => assertClose([1, 2], [[1, 2]], { name: 'db' })).toThrow('db: shapes differ: actual is [2], expected [1,2]');
    expect(messageOf(() => assertClose([NaN], [1]))).toContain('  [0]    NaN     1         NaN     NaN');
    expect(() => assertClose([NaN], [NaN], { equalNan: true })).not.toThrow();
    expect(messageOf(() => assertClose([Infinity], [1e308]))).toContain('1 of 1 elements differ');
    expect(() => assertClose([Infinity, -Infinity], [Infinity, -Infinity])).not.toThrow();
    expect(messageOf(() => assertClose([-0, 1], [0, 2], { rtol: 0, atol: 0.5 }))).not.toContain('-0'); // −0 equals 0
    expect(messageOf(() => assertClose([-0], [1e-3], { rtol: 0, atol: 0 }))).toContain('  [0]    -0      0.001');
  });

  it('errors carry fn "assertClose" whatever the name', () => {
    let error: unknown = null;
    try {
      assertClose([1], [2], { name: 'W1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NablaError);
    expect((error as NablaError).fn).toBe('assertClose');
    expect((error as Error).message.startsWith('W1: 1 of 1 elements differ')).toBe(true);
  });

  it('bad options are ValueErrors naming the option', () => {
    expect(() => assertClose([1], [1], { name: '' })).toThrow('assertClose: options.name must be a non-empty string, got ""');
    expect(() => assertClose([1], [1], { name: 3 } as never)).toThrow('assertClose: options.name must be a non-empty string, got 3');
    expect(() => assertClose([1], [1], { rtol: -1 })).toThrow(ValueError);
    expect(() => assertClose([1], [1], { label: 'x' } as never)).toThrow(/assertClose: options has an unknown key "label"/);
  });
});

describe('numericalGradient', () => {
  it('matches hand derivatives: d/dx Σx² = 2x, d/dx Σeˣ = eˣ', () => {
    const [g] = numericalGradient((x) => mul(x, x), [[1, -2, 3]]);
    for (const [i, v] of [2, -4, 6].entries()) expect(g.data[i]).toBeCloseTo(v, 9);
    const [h] = numericalGradient((x) => exp(x), [[0, 1]]);
    expect(h.data[0]).toBeCloseTo(1, 9);
    expect(h.data[1]).toBeCloseTo(Math.E, 9);
  });

  it('is exact for y = 2x at any magnitude: the divisor is the step taken, and nothing cancels between sums', () => {
    // (2(x + h) − 2(x − h)) / ((x + h) − (x − h)) = 2 exactly, each term being exact.
    const [g] = numericalGradient((x) => mul(x, 2), [[1e-3, 0.7, 12.5, -3e4]]);
    expect(Array.from(g.data)).toEqual([2, 2, 2, 2]);
  });

  it('steps by eps·max(1, |x|): a large input still moves', () => {
    // With an absolute step 1e-5, x = 1e12 would not move at all (x ± 1e-5 rounds to x).
    const [g] = numericalGradient((x) => mul(x, x), [[1e12]]);
    expect(g.data[0] / 2e12).toBeCloseTo(1, 10);
  });

  it('does not perturb the caller’s tensors', () => {
    const x = tensor([1, 2]);
    numericalGradient((v) => mul(v, v), [x]);
    expect(Array.from(x.data)).toEqual([1, 2]);
  });

  it('rejects a forward whose output changes shape, and an eps below the float spacing', () => {
    let calls = 0;
    const shifty = (x: Tensor) => (calls++ === 0 ? x.clone() : tensor([1, 2, 3]));
    expect(() => numericalGradient(shifty, [[1, 2]])).toThrow('numericalGradient: forward returned shape [3] at a perturbed input but [2] at the given one');
    expect(() => numericalGradient((x) => x, [[1]], { eps: 1e-17 })).toThrow(
      'numericalGradient: options.eps 1e-17 is below the float64 spacing at inputs[0] element 0 (1): x + h and x − h round to the same number (use a larger eps)',
    );
  });
});

describe('gradCheck', () => {
  const square = {
    forward: (x: Tensor) => mul(x, x),
    backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2, x)),
  };

  it('accepts a correct backward, judged by the course metric by default', () => {
    const r = gradCheck(square, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(true);
    expect(r.maxRelError).toBeLessThan(1e-9);
    expect(r.criterion).toEqual({ metric: 'relError', maxRelError: 1e-7 });
    expect(r.perInput).toHaveLength(1);
    expect(r.perInput[0]).toMatchObject({ input: 0, shape: [3], ok: true });
  });

  it('rejects a wrong backward and reports the worst element with its course relative error', () => {
    const wrong = { forward: square.forward, backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2.001, x)) };
    const r = gradCheck(wrong, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(false);
    expect(r.worst?.input).toBe(0);
    // |2.001x − 2x| / (|2.001x| + |2x|) = 0.001 / 4.001 for every element (up to the numeric error).
    expect(r.maxRelError).toBeCloseTo(0.001 / 4.001, 8);
    expect(r.worst?.relError).toBe(r.maxRelError);
  });

  it('maxRelError sets the threshold; rtol/atol switch to the isclose rule', () => {
    const slightly = { forward: square.forward, backward: (dy: Tensor, x: Tensor) => mul(dy, mul(2 * (1 + 1e-6), x)) };
    const x = [[0.3, -1.2, 2.5]];
    expect(gradCheck(slightly, x).ok).toBe(false); // relError 5e-7 > 1e-7
    expect(gradCheck(slightly, x, { maxRelError: 1e-6 }).ok).toBe(true);
    const loose = gradCheck(slightly, x, { rtol: 1e-5 });
    expect(loose.ok).toBe(true);
    expect(loose.criterion).toEqual({ metric: 'allclose', rtol: 1e-5, atol: 1e-8 });
    expect(gradCheck(slightly, x, { metric: 'allclose' }).criterion).toEqual({ metric: 'allclose', rtol: 1e-5, atol: 1e-8 });
    expect(gradCheck(slightly, x, { rtol: 1e-7, atol: 0 }).ok).toBe(false);
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
    // With dy = ones the true gradient is 0, and the numeric one is rounding noise (~1e-11): the
    // course metric, with its 1e-8 floor, calls that a large relative error; an absolute tolerance does not.
    const r = gradCheck(centre, [[1, 2, 3]], { dy: [1, 1, 1] });
    expect(r.ok).toBe(false);
    expect(Math.abs(r.worst?.numeric ?? 1)).toBeLessThan(1e-10);
    expect(gradCheck(centre, [[1, 2, 3]], { dy: [1, 1, 1], atol: 1e-9 }).ok).toBe(true);
  });

  it('checks several inputs, a subset with wrt, and object results; reports each input', () => {
    const prod = {
      forward: (a: Tensor, b: Tensor) => mul(a, b),
      backward: (dy: Tensor, a: Tensor, b: Tensor) => ({ da: mul(dy, b), db: mul(dy, a) }),
    };
    const r = gradCheck(prod, [[1, 2], [3, -4]]);
    expect(r.ok).toBe(true);
    expect(r.perInput.map((p) => p.input)).toEqual([0, 1]);
    const onlyA = { forward: prod.forward, backward: (dy: Tensor, _a: Tensor, b: Tensor) => mul(dy, b) };
    expect(gradCheck(onlyA, [[1, 2], [3, -4]], { wrt: [0] }).ok).toBe(true);
    const badB = { forward: prod.forward, backward: (dy: Tensor, a: Tensor, b: Tensor) => [mul(dy, b), mul(dy, mul(a, 1.1))] };
    const rb = gradCheck(badB, [[1, 2], [3, -4]]);
    expect(rb.perInput.map((p) => p.ok)).toEqual([true, false]);
    expect(rb.worst?.input).toBe(1);
  });

  it('NaN in a gradient fails the check and is the worst element', () => {
    const nanny = { forward: square.forward, backward: (dy: Tensor, x: Tensor) => new Tensor(mul(dy, mul(2, x)).data.map((v, i) => (i === 1 ? NaN : v)), x.shape) };
    const r = gradCheck(nanny, [[0.3, -1.2, 2.5]]);
    expect(r.ok).toBe(false);
    expect(r.maxRelError).toBeNaN();
    expect(r.worst?.index).toEqual([1]);
    expect(gradCheck(nanny, [[0.3, -1.2, 2.5]], { rtol: 1, atol: 1 }).ok).toBe(false);
  });

  it('hands backward its own copy of dy: a backward that writes into dy changes neither the caller’s dy nor the check', () => {
    // A backward that computes in place in dy (as a NumPy relu_backward doing dout[x < 0] = 0 would).
    const inPlace = {
      forward: square.forward,
      backward: (dy: Tensor, x: Tensor) => {
        for (let i = 0; i < dy.size; i++) dy.data[i] *= 2 * x.data[i];
        return dy;
      },
    };
    const dy = tensor([0.5, -1, 2]);
    const r = gradCheck(inPlace, [[0.3, -1.2, 2.5]], { dy });
    expect(Array.from(dy.data)).toEqual([0.5, -1, 2]);
    expect(r.ok).toBe(true);
    expect(gradCheck(inPlace, [[0.3, -1.2, 2.5]]).ok).toBe(true); // the default dy too
  });

  it('hands backward copies of the inputs, and compares a copy of the gradients it returns', () => {
    let kept: Tensor | null = null;
    const sneaky = {
      // forward runs again after backward (the numeric pass); it spoils the gradient backward returned.
      forward: (x: Tensor) => {
        if (kept !== null) kept.data.fill(0);
        return mul(x, x);
      },
      backward: (dy: Tensor, x: Tensor) => {
        const g = mul(dy, mul(2, x));
        kept = g;
        x.data.fill(0); // writes into its copy of the input
        return g;
      },
    };
    const x = tensor([0.3, -1.2, 2.5]);
    expect(gradCheck(sneaky, [x]).ok).toBe(true);
    expect(Array.from(x.data)).toEqual([0.3, -1.2, 2.5]);
  });

  it('validates its arguments and options', () => {
    expect(() => gradCheck({} as never, [[1]])).toThrow(/gradCheck: the first argument must be a function or a \{ forward, backward \} pair/);
    expect(() => gradCheck(square, [])).toThrow(/inputs must be a non-empty array/);
    expect(() => gradCheck(square, [[1]], { eps: 0 })).toThrow(/options.eps must be a positive finite number, got 0/);
    expect(() => gradCheck(square, [[1]], { dy: [1, 2] })).toThrow(ShapeError);
    expect(() => gradCheck(square, [[1]], { dy: [1, 2] })).toThrow(/options.dy has shape \[2\] but forward's output has shape \[1\]/);
    expect(() => gradCheck(square, [[1]], { wrt: [1] })).toThrow(/options.wrt entry 1 is not an input index/);
    expect(() => gradCheck(square, [[1]], { wrt: [0, 0] })).toThrow('gradCheck: options.wrt lists an input twice (0, 0)');
    expect(() => gradCheck(square, [[1]], { metric: 'course' as never })).toThrow(/gradCheck: options.metric must be 'relError' or 'allclose', got "course"/);
    expect(() => gradCheck(square, [[1]], { metric: 'relError', rtol: 1e-6 })).toThrow(
      "gradCheck: options.rtol belongs to metric 'allclose' (metric 'relError' is judged by options.maxRelError)",
    );
    expect(() => gradCheck(square, [[1]], { maxRelError: 1e-7, atol: 0 })).toThrow(
      "gradCheck: options.maxRelError belongs to metric 'relError' (metric 'allclose' is judged by options.rtol and options.atol)",
    );
    expect(() => gradCheck(square, [[1]], { maxRelError: -1 })).toThrow('gradCheck: options.maxRelError must be a non-negative finite number, got -1');
    expect(() => gradCheck(square, [[1]], { maxRelErr: 1 } as never)).toThrow(/did you mean "maxRelError"\?/);
    const bad = { forward: square.forward, backward: () => tensor([1, 2]) };
    expect(() => gradCheck(bad, [[1]])).toThrow(/gradient 0 from backward has shape \[2\] but input 0 has shape \[1\]/);
    const none = { forward: square.forward, backward: () => 3 as never };
    expect(() => gradCheck(none, [[1]])).toThrow('gradCheck: backward returned 3 (expected a Tensor, an array of Tensors or an object of Tensors)');
  });
});

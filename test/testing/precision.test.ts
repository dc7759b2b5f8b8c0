// The precision of the numerical gradient on three CS231n gradient checks (the notebooks' seeded
// inputs, the course metric). The method numericalGradient used to have — ⟨dy, f(x + h)⟩ and
// ⟨dy, f(x − h)⟩ as two dot products, subtracted — fails checks the course's own checker passes
// (relu dx 3.85e-9 where < 1e-11 is required; affine-relu dW 2.3e-9 vs < 1e-9; spatial batchnorm
// dx 2.05e-6 vs < 1e-6, at the courses' h = 1e-5). The current method (difference element by
// element, then reduce with dy) passes them. Inputs, analytic gradients and the course checker's own
// errors come from NumPy (scripts/fixtures/course.py).
import { describe, expect, it } from 'vitest';
import {
  Tensor, assertGradCheck, batchNorm, batchNormBackward, createRng, flatten, gradCheck, linear, numericalGradient, relError, relu, reluBackward, vjp,
} from '../../src/index.js';
import { fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('course.json').gradcheck as Record<string, Record<string, FixTensor> & { courseErrors: Record<string, number> }>;

/**
 * A private copy of the replaced formula: (⟨dy, f(x + h·eⱼ)⟩ − ⟨dy, f(x − h·eⱼ)⟩) / 2h, each dot
 * product summed in full before the subtraction.
 */
function oldNumericalGradient(forward: (...xs: Tensor[]) => Tensor, inputs: Tensor[], k: number, dy: Tensor, eps: number): Tensor {
  const xs = inputs.map((x) => x.clone());
  const x = xs[k].data;
  const dot = (): number => {
    const y = forward(...xs);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += dy.data[i] * y.data[i];
    return s;
  };
  const g = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    x[j] = v + eps;
    const fp = dot();
    x[j] = v - eps;
    const fm = dot();
    x[j] = v;
    g[j] = (fp - fm) / (2 * eps);
  }
  return new Tensor(g, xs[k].shape);
}

/** The step the issue's figures were measured with (and the courses' h). */
const H = 1e-5;

describe('the notebooks’ inputs come from createRng(231) and shaped draws', () => {
  it('relu: x = randn(10, 10); dout = randn(*x.shape)', () => {
    const rng = createRng(231);
    expect(relError(rng.randn(10, 10), fromFix(fx.relu.x))).toBeLessThan(1e-15);
    expect(relError(rng.randn(10, 10), fromFix(fx.relu.dout))).toBeLessThan(1e-15);
  });
  it('affine_relu: x = randn(2, 3, 4); w = randn(12, 10); b = randn(10); dout = randn(2, 10)', () => {
    const rng = createRng(231);
    for (const [name, shape] of [['x', [2, 3, 4]], ['w', [12, 10]], ['b', [10]], ['dout', [2, 10]]] as const) {
      expect(relError(rng.randn(...shape), fromFix(fx.affineRelu[name])), name).toBeLessThan(1e-15);
    }
  });
  it('spatial batchnorm: x = 5·randn(2, 3, 4, 5) + 12; gamma, beta = randn(3); dout = randn(2, 3, 4, 5)', () => {
    const rng = createRng(231);
    const x = rng.randn(2, 3, 4, 5);
    expect(relError(new Tensor(x.data.map((v) => 5 * v + 12), x.shape), fromFix(fx.spatialBatchnorm.x))).toBeLessThan(1e-15);
    expect(relError(rng.randn(3), fromFix(fx.spatialBatchnorm.gamma))).toBeLessThan(1e-15);
    expect(relError(rng.randn(3), fromFix(fx.spatialBatchnorm.beta))).toBeLessThan(1e-15);
    expect(relError(rng.randn(2, 3, 4, 5), fromFix(fx.spatialBatchnorm.dout))).toBeLessThan(1e-15);
  });
});

describe('relu backward (course: dx error on the order of 1e-12, required < 1e-11)', () => {
  const c = fx.relu;
  const x = fromFix(c.x);
  const dout = fromFix(c.dout);
  const dx = fromFix(c.dx);
  const forward = (v: Tensor) => relu(v);

  it('the analytic gradient is NumPy’s, and the course’s own checker passes', () => {
    expect(relError(reluBackward(dout, x), dx)).toBe(0);
    expect(c.courseErrors.dx).toBeLessThan(1e-11);
  });
  it('the replaced method fails: two dot products lose the digits', () => {
    const err = relError(oldNumericalGradient(forward, [x], 0, dout, H), dx);
    expect(err).toBeGreaterThan(1e-11);
    expect(err).toBeGreaterThan(1e-9); // measured 3.85e-9
  });
  it('numericalGradient passes, far below 1e-11', () => {
    const err = relError(numericalGradient(forward, [x], { dy: dout })[0], dx);
    expect(err).toBeLessThan(1e-11);
    expect(err).toBeLessThan(1e-15); // measured 6.8e-17: the divisor is the step actually taken
    const r = gradCheck({ forward, backward: (dy, v) => reluBackward(dy, v) }, [x], { dy: dout, maxRelError: 1e-11 });
    expect(r.ok).toBe(true);
    expect(r.perInput[0].maxRelError).toBeLessThan(1e-11);
  });
});

describe('affine-relu backward (course: relative error around 1e-10 or less; dW < 1e-9)', () => {
  const c = fx.affineRelu;
  const inputs = [fromFix(c.x), fromFix(c.w), fromFix(c.b)];
  const dout = fromFix(c.dout);
  // The course's affine layer flattens its input: x.reshape(N, -1) @ w + b.
  const forward = (x: Tensor, w: Tensor, b: Tensor) => relu(linear(flatten(x), w, b));
  const expected = [fromFix(c.dx), fromFix(c.dw), fromFix(c.db)];

  it('the analytic gradients (autograd through linear, flatten, relu) are NumPy’s; the course’s checker passes', () => {
    const g = vjp(forward, ...inputs).backward(dout);
    g.forEach((gi, k) => expect(relError(gi, expected[k])).toBeLessThan(1e-14));
    expect(c.courseErrors.dw).toBeLessThan(1e-9);
  });
  it('the replaced method fails dW', () => {
    const err = relError(oldNumericalGradient(forward, inputs, 1, dout, H), expected[1]);
    expect(err).toBeGreaterThan(1e-9); // measured 2.29e-9
  });
  it('numericalGradient passes dW < 1e-9, and dx and db too', () => {
    const num = numericalGradient(forward, inputs, { dy: dout });
    const errs = num.map((n, k) => relError(n, expected[k]));
    expect(errs[1]).toBeLessThan(1e-9); // measured 8.1e-11
    expect(Math.max(...errs)).toBeLessThan(1e-9);
    expect(assertGradCheck(forward, inputs, { dy: dout, maxRelError: 1e-9, name: 'affine_relu' }).ok).toBe(true);
  });
});

describe('spatial batchnorm backward (course: errors between 1e-12 and 1e-6; dx < 1e-6)', () => {
  const c = fx.spatialBatchnorm;
  const inputs = [fromFix(c.x), fromFix(c.gamma), fromFix(c.beta)];
  const dout = fromFix(c.dout);
  const forward = (x: Tensor, g: Tensor, b: Tensor) => batchNorm(x, { gamma: g, beta: b });
  const expected = [fromFix(c.dx), fromFix(c.dgamma), fromFix(c.dbeta)];

  it('the analytic gradients are NumPy’s; the course’s checker passes (dx 2.8e-7)', () => {
    const g = batchNormBackward(dout, inputs[0], { gamma: inputs[1] });
    [g.dx, g.dgamma, g.dbeta].forEach((gi, k) => expect(relError(gi, expected[k])).toBeLessThan(1e-12));
    expect(c.courseErrors.dx).toBeLessThan(1e-6);
  });
  it('the replaced method fails dx', () => {
    const err = relError(oldNumericalGradient(forward, inputs, 0, dout, H), expected[0]);
    expect(err).toBeGreaterThan(1e-6); // measured 2.05e-6
  });
  it('numericalGradient passes dx < 1e-6 — below the course checker’s own error — and γ, β', () => {
    const num = numericalGradient(forward, inputs, { dy: dout });
    const errs = num.map((n, k) => relError(n, expected[k]));
    expect(errs[0]).toBeLessThan(1e-6);
    expect(errs[0]).toBeLessThan(c.courseErrors.dx); // measured 2.4e-8 (step scaled by |x| ≈ 12)
    expect(Math.max(...errs)).toBeLessThan(1e-7);
    // gradCheck's default criterion (relError ≤ 1e-7) accepts the correct backward.
    const pair = {
      forward,
      backward: (dy: Tensor, x: Tensor, g: Tensor) => {
        const r = batchNormBackward(dy, x, { gamma: g });
        return [r.dx, r.dgamma, r.dbeta];
      },
    };
    expect(gradCheck(pair, inputs, { dy: dout }).ok).toBe(true);
  });
});

describe('gradCheck does not pass what a course fails', () => {
  it('a backward off by a relative 1e-6: the default criterion fails it (NumPy’s isclose with rtol 1e-5 would not)', () => {
    const rng = createRng(5);
    const x = rng.randn(4, 3);
    const dy = rng.randn(4, 3);
    const off = { forward: (v: Tensor) => relu(v), backward: (d: Tensor, v: Tensor) => new Tensor(reluBackward(d, v).data.map((g) => g * (1 + 2e-6)), v.shape) };
    const r = gradCheck(off, [x], { dy });
    expect(r.maxRelError).toBeGreaterThan(9e-7);
    expect(r.maxRelError).toBeLessThan(1.1e-6);
    expect(r.ok).toBe(false);
    expect(gradCheck(off, [x], { dy, metric: 'allclose' }).ok).toBe(true); // the loose rule, only on request
  });
});

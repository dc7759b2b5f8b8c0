import { describe, expect, it } from 'vitest';
import * as nabla from '../../src/index.js';
import { ShapeError, ValueError, Tensor, gradCheck, sigmoid, sigmoidBackward, tensor } from '../../src/index.js';
import { decode, expectMatches, fromFix, loadFixture } from '../helpers/fixtures.js';
import { optionsOf, type LossCase } from '../helpers/lossCases.js';

const fx = loadFixture('losses.json');
type Fn = (input: unknown, target: unknown, options?: Record<string, unknown>) => Tensor;
const forwardOf = (name: string) => (nabla as unknown as Record<string, Fn>)[name];
const backwardOf = (name: string) => (nabla as unknown as Record<string, Fn>)[`${name}Backward`];


function targetOf(c: LossCase): unknown {
  const t = fromFix(c.inputs[1]);
  const isLabels = ['crossEntropy', 'nllLoss', 'logLikelihoodLoss'].includes(c.name) && !c.probs;
  return isLabels ? t : t; // labels come as an integer-valued tensor; probabilities as a tensor
}

describe('losses against 50-digit references (forward: PyTorch definitions; backward: high-precision differences)', () => {
  for (const [k, c] of (fx.cases as LossCase[]).entries()) {
    const label = `${k}: ${c.name} ${JSON.stringify(c.inputs[0].shape)} ${JSON.stringify(Object.keys(c.options))}`;
    it(label, () => {
      const f = forwardOf(c.name);
      const b = backwardOf(c.name);
      const x = fromFix(c.inputs[0]);
      const t = targetOf(c);
      const o = optionsOf(c);
      for (const red of ['mean', 'sum'] as const) {
        const got = f(x, t, { ...o, reduction: red });
        expect(got.shape).toEqual([]);
        const want = decode(c[red] as number);
        if (!Object.is(got.item(), want) && !(Math.abs(got.item() - want) <= 1e-12 * Math.abs(want) + 1e-300)) {
          expect.fail(`${red}: got ${got.item()}, expected ${want}`);
        }
        expectMatches(b(x, t, { ...o, reduction: red, dy: c[`dy_${red}`] }), c[`grad_${red}`], 1e-11, 1e-13, `${red} grad`);
      }
      expectMatches(f(x, t, { ...o, reduction: 'none' }), c.none, 1e-12, 1e-300, 'none');
      expectMatches(b(x, t, { ...o, reduction: 'none', dy: fromFix(c.dyNone) }), c.gradNone, 1e-11, 1e-13, 'none grad');
    });
  }
});

describe('worked examples L1–L4 and the textbook’s numbers (docs/semantics.md)', () => {
  it('BCE p=[0.9,0.2,0,1], y=[1,0,1,0]: log clamp at −100, mean 50.08212602, gradient with PyTorch’s float32 1e−12 guard', () => {
    const l = nabla.binaryCrossEntropy([0.9, 0.2, 0, 1], [1, 0, 1, 0], { reduction: 'none' }).data;
    expect(l[0]).toBeCloseTo(0.1053605157, 10);
    expect(l[1]).toBeCloseTo(0.2231435513, 10);
    expect([l[2], l[3]]).toEqual([100, 100]);
    expect(nabla.binaryCrossEntropy([0.9, 0.2, 0, 1], [1, 0, 1, 0]).item()).toBeCloseTo(50.08212602, 8);
    const g = nabla.binaryCrossEntropyBackward([0.9, 0.2, 0, 1], [1, 0, 1, 0]).data;
    expect(g[0]).toBeCloseTo(-0.2777777778, 10);
    expect(g[1]).toBeCloseTo(0.3125, 12);
    // (p − y)/max(p(1 − p), ε) / N with ε = float32(1e-12) = 9.999999960041972e-13, PyTorch's EPSILON.
    expect(g[2]).toBe(-1 / 9.999999960041972e-13 / 4);
    expect(g[3]).toBe(1 / 9.999999960041972e-13 / 4);
    expect(g[2]).not.toBe(-2.5e11);
  });
  it('BCE with logits at ±800 is finite', () => {
    const l = nabla.binaryCrossEntropyWithLogits([-800, -2, 0, 3, 800], [1, 0, 1, 1, 0], { reduction: 'none' }).data;
    expect(l[0]).toBe(800);
    expect(l[1]).toBeCloseTo(0.126928011, 9);
    expect(l[2]).toBeCloseTo(0.6931471806, 10);
    expect(l[3]).toBeCloseTo(0.04858735157, 11);
    expect(l[4]).toBe(800);
  });
  it('MSE x=[1,2,3], y=[1.5,1,3]: mean 0.41667, sum 1.25, grad [−1/3, 2/3, 0]', () => {
    expect(nabla.mseLoss([1, 2, 3], [1.5, 1, 3]).item()).toBeCloseTo(0.4166666667, 10);
    expect(nabla.mseLoss([1, 2, 3], [1.5, 1, 3], { reduction: 'sum' }).item()).toBe(1.25);
    const g = nabla.mseLossBackward([1, 2, 3], [1.5, 1, 3]).data;
    expect(g[0]).toBeCloseTo(-1 / 3, 15);
    expect(g[1]).toBeCloseTo(2 / 3, 15);
    expect(g[2]).toBe(0);
  });
  it('CE worked example: per-sample, weighted, ignored, smoothed, base 2', () => {
    const x = [[2, 1, 0.1], [0.5, 2.5, 0.3], [1, 1, 1]];
    const none = nabla.crossEntropy(x, [0, 1, 2], { reduction: 'none' }).data;
    expect(none[0]).toBeCloseTo(0.4170300163, 10);
    expect(none[1]).toBeCloseTo(0.220049523, 9);
    expect(none[2]).toBeCloseTo(1.098612289, 9);
    expect(nabla.crossEntropy(x, [0, 1, 2]).item()).toBeCloseTo(0.5785639427, 10);
    expect(nabla.crossEntropy(x, [0, 1, 2], { weight: [1, 2, 0.5] }).item()).toBeCloseTo(0.4018386305, 10);
    expect(nabla.crossEntropy(x, [0, -100, 2]).item()).toBeCloseTo(0.7578211525, 10);
    expect(nabla.crossEntropy(x, [0, 1, 2], { labelSmoothing: 0.1 }).item()).toBeCloseTo(0.6574528315, 10);
    expect(nabla.crossEntropy(x, [0, 1, 2], { labelSmoothing: 0.1, weight: [1, 2, 0.5] }).item()).toBeCloseTo(0.4771302093, 10);
    const onehot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expect(nabla.crossEntropy(x, onehot, { labelSmoothing: 0.1, weight: [1, 2, 0.5] }).item()).toBeCloseTo(0.5566519109, 10);
    expect(nabla.crossEntropy(x, [0, 1, 2], { base: 2 }).item()).toBeCloseTo(0.8346913309, 10);
  });
  it('the textbook: with base 2, y = 1 and o = 0.98 gives 0.0291 bits, o = 0.0001 gives 13.2877', () => {
    expect(nabla.logLikelihoodLoss([0.98, 0.02], 0, { base: 2 }).item()).toBeCloseTo(0.0291, 4);
    expect(nabla.logLikelihoodLoss([0.0001, 0.9999], 0, { base: 2 }).item()).toBeCloseTo(13.2877, 4);
    expect(nabla.binaryCrossEntropy([0.98], [1], { base: 2 }).item()).toBeCloseTo(0.0291, 4);
    expect(nabla.binaryCrossEntropy([0.0001], [1], { base: 2 }).item()).toBeCloseTo(13.2877, 4);
  });
  it('the textbook: log-likelihood of softmax([2.0, 1.2, 4.0]) per class is 3.144, 4.298, 0.258 bits', () => {
    const o = nabla.softmax([2.0, 1.2, 4.0]);
    const bits = [0, 1, 2].map((y) => nabla.logLikelihoodLoss(o, y, { base: 2 }).item());
    expect(bits[0]).toBeCloseTo(3.144, 3);
    expect(bits[1]).toBeCloseTo(4.298, 3);
    expect(bits[2]).toBeCloseTo(0.258, 3);
  });
  it('the textbook’s argument for cross-entropy: with a saturated sigmoid, MSE gives the wrong answer a smaller gradient', () => {
    // o = σ(wx + b), y = 0 (target). Case A: z = 1.5 (o ≈ 0.82, wrong). Case B: z = 5 (o ≈ 0.993, more wrong).
    const grad = (z: number, loss: 'mse' | 'ce') => {
      const o = sigmoid([z]);
      const dLdo = loss === 'mse' ? nabla.mseLossBackward(o, [0], { reduction: 'sum' }).data[0] / 2 : nabla.binaryCrossEntropyBackward(o, [0]).data[0];
      return sigmoidBackward([dLdo], [z]).data[0]; // ∂e/∂z
    };
    expect(grad(5, 'mse')).toBeLessThan(grad(1.5, 'mse')); // MSE: the larger error learns slower
    expect(grad(5, 'ce')).toBeGreaterThan(grad(1.5, 'ce')); // CE: ∂e/∂z = o − y, larger for the larger error
    expect(grad(5, 'ce')).toBeCloseTo(sigmoid([5]).data[0], 10);
  });
});

describe('edge cases', () => {
  it('all targets ignored: mean is NaN (PyTorch), gradient zero', () => {
    expect(nabla.crossEntropy([[1, 2]], [-100]).item()).toBeNaN();
    expect(nabla.nllLoss([[-1, -2]], [-100]).item()).toBeNaN();
    expect(nabla.crossEntropyBackward([[1, 2]], [-100]).toArray()).toEqual([[0, 0]]);
    expect(nabla.crossEntropy([[1, 2]], [-100], { reduction: 'sum' }).item()).toBe(0);
  });
  it('empty batches: mean NaN, sum 0, none empty', () => {
    expect(nabla.mseLoss([], []).item()).toBeNaN();
    expect(nabla.mseLoss([], [], { reduction: 'sum' }).item()).toBe(0);
    expect(nabla.crossEntropy(tensor([], [0, 3]), []).item()).toBeNaN();
    expect(nabla.crossEntropy(tensor([], [0, 3]), [], { reduction: 'none' }).shape).toEqual([0]);
  });
  it('categorical CE: y = 0 terms vanish, p = 0 at the target is +∞', () => {
    expect(nabla.categoricalCrossEntropy([[0, 1]], [[0, 1]]).item()).toBe(0);
    expect(nabla.categoricalCrossEntropy([[1, 0]], [[0, 1]]).item()).toBe(Infinity);
    expect(nabla.categoricalCrossEntropyBackward([[0, 1]], [[0, 1]]).toArray()).toEqual([[0, -1]]);
  });
  it('huge logits stay finite in crossEntropy and its backward', () => {
    const l = nabla.crossEntropy([[1e308, -1e308]], [1]).item();
    expect(l).toBe(Infinity); // true value 2e308 overflows float64
    expect(nabla.crossEntropy([[1000, 0, -1000]], [0]).item()).toBe(0);
    const g = nabla.crossEntropyBackward([[1000, 0, -1000]], [2]).data;
    expect(Array.from(g)).toEqual([1, 0, -1]);
  });
});

describe('gradient checks of every loss backward', () => {
  const logits = tensor([[0.3, -1.2, 2.5], [1.1, 0.4, -2.2], [0.2, 0.1, 0.0], [-1, 2, 0.5]]);
  const labels = [2, 0, 1, 1];
  const probs = tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.25, 0.25, 0.5]]);
  const soft = tensor([[0.1, 0.2, 0.7], [1, 0, 0], [0.3, 0.3, 0.4], [0, 0.5, 0.5]]);
  const cases: [string, Fn, Fn, Tensor, unknown, Record<string, unknown>][] = [
    ['mseLoss', nabla.mseLoss as Fn, nabla.mseLossBackward as Fn, logits, soft, {}],
    ['binaryCrossEntropy', nabla.binaryCrossEntropy as Fn, nabla.binaryCrossEntropyBackward as Fn, probs, soft, { weight: [1, 2, 0.5] }],
    ['binaryCrossEntropyWithLogits', nabla.binaryCrossEntropyWithLogits as Fn, nabla.binaryCrossEntropyWithLogitsBackward as Fn, logits, soft, { posWeight: [2, 1, 0.5] }],
    ['crossEntropy indices', nabla.crossEntropy as Fn, nabla.crossEntropyBackward as Fn, logits, labels, { weight: [1, 2, 0.5], labelSmoothing: 0.2 }],
    ['crossEntropy probabilities', nabla.crossEntropy as Fn, nabla.crossEntropyBackward as Fn, logits, soft, { labelSmoothing: 0.1, base: 2 }],
    ['nllLoss', nabla.nllLoss as Fn, nabla.nllLossBackward as Fn, logits, [2, 0, -100, 1], { weight: [1, 2, 0.5] }],
    ['categoricalCrossEntropy', nabla.categoricalCrossEntropy as Fn, nabla.categoricalCrossEntropyBackward as Fn, probs, soft, { base: 2 }],
    ['logLikelihoodLoss', nabla.logLikelihoodLoss as Fn, nabla.logLikelihoodLossBackward as Fn, probs, labels, {}],
  ];
  for (const [name, f, b, x, t, o] of cases) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`${name} (${reduction})`, () => {
        const r = gradCheck(
          { forward: (v) => f(v, t, { ...o, reduction }), backward: (dy, v) => b(v, t, { ...o, reduction, dy }) },
          [x],
          { eps: 1e-7, rtol: 1e-6, atol: 1e-9 },
        );
        expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      });
    }
  }
});

describe('bad input computes nothing and says why', () => {
  it('shape mismatches (no silent broadcasting)', () => {
    expect(() => nabla.mseLoss([1, 2], [[1, 2]])).toThrow(ShapeError);
    expect(() => nabla.mseLoss([1, 2], [[1, 2]])).toThrow('mseLoss: input has shape [2] but target has shape [1,2] (they must match; losses do not broadcast)');
    expect(() => nabla.crossEntropy([[1, 2]], [0, 1])).toThrow(/crossEntropy: target has shape \[2\] but input has shape \[1,2\]/);
  });
  it('class indices: non-integer, out of range', () => {
    expect(() => nabla.crossEntropy([[1, 2]], [2])).toThrow('crossEntropy: target[0] is 2, out of range for 2 classes (expected 0 ≤ label < 2 or -100 to ignore)');
    expect(() => nabla.nllLoss([[1, 2]], [0.5])).toThrow(/nllLoss: target\[0\] is 0.5 \(expected an integer class index\)/);
    expect(() => nabla.logLikelihoodLoss([[0.5, 0.5]], [-1])).toThrow(ValueError);
  });
  it('probabilities outside [0, 1]', () => {
    expect(() => nabla.binaryCrossEntropy([0.5, 1.2], [1, 0])).toThrow('binaryCrossEntropy: input[1] is 1.2 (every probability must be in [0, 1])');
    expect(() => nabla.binaryCrossEntropy([0.5, NaN], [1, 0])).toThrow(ValueError);
    expect(() => nabla.binaryCrossEntropy([0.5], [2])).toThrow(/target\[0\] is 2 \(every target must be in \[0, 1\]\)/);
    expect(() => nabla.categoricalCrossEntropy([[0.5, -0.1]], [[1, 0]])).toThrow(/input\[0,1\] is -0.1/);
  });
  it('weights of the wrong length and bad options', () => {
    expect(() => nabla.crossEntropy([[1, 2]], [0], { weight: [1, 2, 3] })).toThrow('crossEntropy: options.weight has shape [3] but there are 2 classes (expected [2])');
    expect(() => nabla.crossEntropy([[1, 2]], [0], { labelSmoothing: 2 })).toThrow(/labelSmoothing must be a number in \[0, 1\], got 2/);
    expect(() => nabla.crossEntropy([[1, 2]], [0], { reduction: 'avg' as never })).toThrow(/options.reduction must be 'mean', 'sum' or 'none', got "avg"/);
    expect(() => nabla.crossEntropy([[1, 2]], [0], { base: 1 })).toThrow(/options.base must be a positive finite number other than 1/);
    expect(() => nabla.mseLoss([1], [1], { base: 2 } as never)).toThrow(/mseLoss: options has an unknown key "base" \(known keys: reduction\)/);
    expect(() => nabla.binaryCrossEntropy([0.5], [1], { weight: [1, 2] })).toThrow(/options.weight has shape \[2\], which cannot be broadcast/);
    expect(() => nabla.crossEntropy([[1, 2]], [[1, 0]], { ignoreIndex: 0 })).toThrow(/ignoreIndex 0 cannot be used with probability targets/);
  });
  it('upstream gradients must fit the reduction', () => {
    expect(() => nabla.mseLossBackward([1, 2], [1, 2], { dy: [1, 2] })).toThrow(/options.dy must be a single number for reduction 'mean'/);
    expect(() => nabla.mseLossBackward([1, 2], [1, 2], { reduction: 'none', dy: [1] })).toThrow(/options.dy has shape \[1\] but the unreduced loss has shape \[2\]/);
  });
});

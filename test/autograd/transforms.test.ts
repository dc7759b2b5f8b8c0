import { describe, expect, it } from 'vitest';
import {
  Linear, NablaError, allClose, numericalGradient, ShapeError, Tensor, ValueError, accumulateGrads, add, createRng, crossEntropy, customGrad, grad, gradCheck,
  matmul, mseLoss, mul, noGrad, relu, square, stopGradient, sum, tensor, valueAndGrad, vjp,
} from '../../src/index.js';
import { recording } from '../../src/autograd/tape.js';

describe('valueAndGrad and grad', () => {
  it('gradient of Σx² is 2x (hand derivation)', () => {
    const { value, grads } = valueAndGrad((x) => sum(square(x)))([1, -2, 3]);
    expect(value.item()).toBe(14);
    expect(grads[0].toArray()).toEqual([2, -4, 6]);
  });
  it('argnums selects arguments; default is all', () => {
    const f = (x: Tensor, y: Tensor) => sum(mul(x, y));
    expect(grad(f)([1, 2], [3, 4]).map((g) => g.toArray())).toEqual([[3, 4], [1, 2]]);
    expect(grad(f, { argnums: 1 })([1, 2], [3, 4]).map((g) => g.toArray())).toEqual([[1, 2]]);
    expect(grad(f, { argnums: [1, 0] })([1, 2], [3, 4]).map((g) => g.toArray())).toEqual([[1, 2], [3, 4]]);
  });
  it('a tensor passed twice is two arguments, each with its own partial', () => {
    const x = tensor([3]);
    const [gx, gy] = grad((a, b) => sum(mul(a, b)))(x, x);
    expect(gx.toArray()).toEqual([3]);
    expect(gy.toArray()).toEqual([3]);
  });
  it('a tensor used twice inside f gets the sum of both uses', () => {
    expect(grad((x) => sum(mul(x, x)))([3])[0].toArray()).toEqual([6]);
  });
  it('an argument f does not use gets zeros', () => {
    expect(grad((x, _y) => sum(x))([1, 2], [5, 6, 7])[1].toArray()).toEqual([0, 0, 0]);
  });
  it('tensors f closes over are constants', () => {
    const w = tensor([2, 3]);
    const [g] = grad((x) => sum(mul(x, w)))([1, 1]);
    expect(g.toArray()).toEqual([2, 3]);
    expect(w.grad).toBeNull();
  });
  it('does not modify its arguments and leaves nothing recording', () => {
    const x = tensor([1, 2]);
    grad((t) => sum(square(t)))(x);
    expect(x.toArray()).toEqual([1, 2]);
    expect(x.grad).toBeNull();
    expect(recording.tape).toBeNull();
    expect(recording.active).toBe(0);
  });
  it('recording stops even when f throws', () => {
    expect(() => grad(() => { throw new Error('boom'); })([1])).toThrow('boom');
    expect(recording.tape).toBeNull();
    expect(recording.active).toBe(0);
  });
});

describe('vjp', () => {
  it('any output shape; backward may be called more than once', () => {
    const { value, backward } = vjp((x) => relu(x), [-1, 2, 3]);
    expect(value.toArray()).toEqual([0, 2, 3]);
    expect(backward([5, 5, 5])[0].toArray()).toEqual([0, 5, 5]);
    expect(backward([1, 2, 3])[0].toArray()).toEqual([0, 2, 3]);
  });
  it('matmul: dA = dy·Bᵀ, dB = Aᵀ·dy (hand derivation)', () => {
    const { backward } = vjp(matmul, [[1, 2]], [[3], [4]]);
    const [da, db] = backward([[1]]);
    expect(da.toArray()).toEqual([[3, 4]]);
    expect(db.toArray()).toEqual([[1], [2]]);
  });
  it('dy must have the value shape', () => {
    const { backward } = vjp((x) => relu(x), [1, 2]);
    expect(() => backward([1])).toThrow(ShapeError);
    expect(() => backward([1])).toThrow('vjp.backward: dy has shape [1] but the value has shape [2] (they must match)');
  });
  it('the autograder recipe: a hand-written backward against vjp of its forward', () => {
    const studentBackward = (dy: Tensor, x: Tensor) => mul(dy, mul(2, x)); // d(x²) = 2x
    const x = tensor([0.5, -1.5]);
    const dy = tensor([1, 3]);
    const [expected] = vjp((t) => square(t), x).backward(dy);
    expect(studentBackward(dy, x).toArray()).toEqual(expected.toArray());
  });
});

describe('accumulateGrads', () => {
  it("adds into .grad like PyTorch's backward, creating it when null", () => {
    const w = tensor([1, 2]);
    const loss = accumulateGrads(() => sum(square(w)), [w]);
    expect(loss.item()).toBe(5);
    expect(w.grad?.toArray()).toEqual([2, 4]);
    accumulateGrads(() => sum(w), [w]);
    expect(w.grad?.toArray()).toEqual([3, 5]);
  });
  it('a parameter f does not use gets a zero .grad', () => {
    const a = tensor([1]);
    const b = tensor([2]);
    accumulateGrads(() => sum(a), [a, b]);
    expect(b.grad?.toArray()).toEqual([0]);
  });
  it('weight sharing: a Linear used twice gets the sum over both uses (the bug this fixes: analytic 0 vs numeric −0.304)', () => {
    const fc = new Linear(2, 2, { seed: 1 });
    const x = tensor([[0.3, -0.7]]);
    const f = () => sum(fc.forward(fc.forward(x)));
    accumulateGrads(f, fc.parameters());
    const W = fc.weight;
    const [numeric] = numericalGradient((w) => {
      const saved = W.data.slice();
      W.data.set(w.data);
      const y = f();
      W.data.set(saved);
      return y;
    }, [W.clone()]);
    expect(allClose(W.grad as Tensor, numeric, { rtol: 1e-6, atol: 1e-9 })).toBe(true);
    expect(Math.max(...Array.from(numeric.data, Math.abs))).toBeGreaterThan(0.1);
    const [g] = grad((w) => {
      const y1 = add(matmul(x, w), fc.bias as Tensor);
      return sum(add(matmul(y1, w), fc.bias as Tensor));
    })(W);
    expect(Array.from(W.grad?.data ?? [])).toEqual(Array.from(g.data));
  });
  it('an error leaves every .grad as it was', () => {
    const a = tensor([1, 2]);
    const b = tensor([3]);
    a.grad = tensor([10, 20]);
    expect(() => accumulateGrads(() => add(sum(square(a)), crossEntropy([[1, 2]], [5])), [a, b])).toThrow(ValueError);
    expect(a.grad?.toArray()).toEqual([10, 20]);
    expect(b.grad).toBeNull();
    expect(() => accumulateGrads(() => a, [a, b])).toThrow(/f returned a tensor of shape \[2\] \(expected one element/);
    expect(a.grad?.toArray()).toEqual([10, 20]);
  });
});

describe('noGrad, stopGradient, customGrad', () => {
  it('noGrad: ops inside are constants', () => {
    expect(grad((x) => add(sum(x), noGrad(() => sum(square(x)))))([1, 2])[0].toArray()).toEqual([1, 1]);
    expect(noGrad(() => 42)).toBe(42);
  });
  it('stopGradient: identity with a zero gradient, sharing the values', () => {
    const x = tensor([1, 2]);
    expect(stopGradient(x).data).toBe(x.data);
    expect(grad((t) => sum(mul(t, stopGradient(t))))([3])[0].toArray()).toEqual([3]);
  });
  it("customGrad: a user's op with its hand-written backward, checked by gradCheck", () => {
    const cube = customGrad(
      (x) => mul(x, mul(x, x)),
      (dy, _out, x) => [mul(dy, mul(3, square(x)))],
    );
    expect(grad((x) => sum(cube(x)))([2])[0].toArray()).toEqual([12]);
    expect(gradCheck((x) => cube(x), [[0.3, -1.2, 2]]).ok).toBe(true);
    expect(cube([2]).toArray()).toEqual([8]);
  });
  it('customGrad: the forward runs unrecorded, so only the given backward counts', () => {
    const wrong = customGrad((x) => square(x), (dy) => [dy]); // deliberately not 2x
    expect(grad((x) => sum(wrong(x)))([5])[0].toArray()).toEqual([1]);
  });
  it('customGrad: a backward with the wrong count or shapes is a clear error', () => {
    const twoIn = customGrad((a, b) => add(a, b), (dy) => [dy]);
    expect(() => grad((a, b) => sum(twoIn(a, b)))([1], [2])).toThrow(/customGrad: backward returned 1 gradients for 2 input\(s\)/);
    const badShape = customGrad((a) => square(a), () => [tensor([1, 2, 3])]);
    expect(() => grad((a) => sum(badShape(a)))([1, 2])).toThrow('customGrad: backward\'s gradient 0 has shape [3] but input 0 has shape [2]');
    const notTensor = customGrad((a) => square(a), () => [[1, 2] as never]);
    expect(() => grad((a) => sum(notTensor(a)))([1, 2])).toThrow(/backward's gradient 0 is an array of length 2 \(expected a Tensor or null\)/);
    expect(() => customGrad('f' as never, () => [])).toThrow(/customGrad: forward must be a function, got "f"/);
  });
});

describe('bad input', () => {
  it('a non-scalar output of valueAndGrad/grad names its shape', () => {
    expect(() => grad((x) => square(x))([1, 2])).toThrow(ValueError);
    expect(() => grad((x) => square(x))([1, 2])).toThrow('grad: f returned a tensor of shape [2] (expected one element, such as a loss; use vjp for other outputs)');
    expect(() => grad(() => 3 as never)([1])).toThrow(/grad: f returned 3 \(expected a Tensor\)/);
  });
  it('argnums out of range or malformed', () => {
    expect(() => grad((x) => sum(x), { argnums: 2 })([1])).toThrow('grad: options.argnums entry 2 is out of range: f was called with 1 argument(s) (expected 0 ≤ index < 1)');
    expect(() => grad((x) => sum(x), { argnums: -1 })).toThrow(/argnums entry -1 is not an argument index/);
    expect(() => grad((x) => sum(x), { argnums: [0, 0] })).toThrow(/argnums repeats 0/);
    expect(() => grad((x) => sum(x), { argnum: 0 } as never)).toThrow(/did you mean "argnums"\?/);
  });
  it('params must be distinct tensors', () => {
    const a = tensor([1]);
    expect(() => accumulateGrads(() => sum(a), [a, [1] as never])).toThrow(/accumulateGrads: params\[1\] is an array of length 1 \(expected a Tensor\)/);
    expect(() => accumulateGrads(() => sum(a), [a, a])).toThrow(/params\[1\] appears more than once/);
    expect(() => accumulateGrads(() => sum(a), 'a' as never)).toThrow(/params must be an array of Tensors/);
  });
  it('nested transforms are refused (first derivatives only)', () => {
    const inner = (x: Tensor) => sum(grad((t) => sum(square(t)))(x)[0]);
    expect(() => grad(inner)([1])).toThrow(NablaError);
    expect(() => grad(inner)([1])).toThrow(/grad|valueAndGrad: called inside a recorded function/);
    expect(() => grad((x) => { vjp((t) => t, x); return sum(x); })([1])).toThrow(/vjp: called inside a recorded function/);
    expect(() => grad((x) => accumulateGrads(() => sum(x), [x]))([1])).toThrow(/accumulateGrads: called inside a recorded function/);
  });
  it('a loss whose target is differentiated (other than mseLoss) is an error, not a silent zero', () => {
    expect(() => grad((x, t) => crossEntropy(x, t))([[1, 2]], [[0.5, 0.5]])).toThrow(/crossEntropy: target depends on a differentiated tensor/);
    const [gx, gt] = grad((x, t) => mseLoss(x, t))([1, 2], [0, 0]);
    expect(gx.toArray()).toEqual([1, 2]);
    expect(gt.toArray()).toEqual([-1, -2]);
  });
});

describe('memory: nothing outlives a transform', () => {
  it('10,000 recorded steps do not grow what is reachable from the library', () => {
    const rng = createRng(0);
    const fc = new Linear(8, 4, { rng });
    const x = new Tensor(rng.fillUniform(new Float64Array(32 * 8), -1, 1), [32, 8]);
    for (let i = 0; i < 10000; i++) accumulateGrads(() => sum(relu(fc.forward(x))), fc.parameters());
    expect(recording.tape).toBeNull();
    // The layer keeps one forward's cache (its input) and nothing else from the recorded steps.
    expect(Object.values(fc).filter((v) => v instanceof Tensor).length).toBe(3);
  });
});

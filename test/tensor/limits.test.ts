// Issue 17, items 1, 4 and 5: no call can hang on a zero-size tensor with huge other dimensions,
// allocate an absurd tensor, or overflow the stack on deep or wide input. Every expected shape and
// value here is derived by hand from the shapes (NumPy's rules); nothing comes from nabla's output.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchNorm, Embedding, Linear, MAX_RANK, NablaError, PReLU, Rng, ShapeError, Tensor, ValueError,
  abs, add, allClose, arange, argmax, batchNorm, batchNormBackward, batches, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  categoricalCrossEntropy, clamp, clipGradNorm, concat, constant, createRng, crossEntropy, crossEntropyBackward, exp, eye,
  flatten, full, getMaxElements, leakyRelu, linear, linearBackward, linspace, logSoftmax, logSoftmaxBackward, logSumExp,
  matmul, max, mean, min, mseLoss, mul, nllLoss, normal, oneHot, ones, pad, prelu, preluBackward, relu, reshape,
  setMaxElements, sigmoid, slice, softmax, softmaxBackward, softplus, split, squeeze, stack, standardize, std, sum, take,
  tanh, tensor, transpose, uniform, unsqueeze, variance, vjp, where, xavierUniform, zeros,
} from '../../src/index.js';

const HUGE = 2 ** 40;
/** A tensor with no elements but huge other dimensions (what a crafted .npy header can declare). */
const empty = (shape: number[]) => new Tensor(new Float64Array(0), shape);
const LIMIT = /over the limit of \d+ elements per tensor/;

afterEach(() => {
  setMaxElements(2 ** 28);
});

describe('the element limit (item 4)', () => {
  it('defaults to 2^28 elements and refuses bigger tensors with a ShapeError naming the call, before allocating', () => {
    expect(getMaxElements()).toBe(2 ** 28);
    const cases: [string, () => unknown][] = [
      ['zeros', () => zeros([1e9])],
      ['zeros', () => zeros([1e5, 1e5])],
      ['ones', () => ones([2 ** 14, 2 ** 15])],
      ['full', () => full([2 ** 29], 7)],
      ['eye', () => eye(1e5)],
      ['arange', () => arange(0, 1e10)],
      ['linspace', () => linspace(0, 1, 1e9)],
      ['add', () => add(zeros([2 ** 15, 1]), zeros([1, 2 ** 15]))],
      ['where', () => where(zeros([2 ** 15, 1]), zeros([1, 2 ** 15]), 0)],
      ['allClose', () => allClose(zeros([2 ** 15, 1]), zeros([1, 2 ** 15]))],
      ['sum', () => sum(empty([0, HUGE]), 0)],
      ['matmul', () => matmul(zeros([2 ** 15, 0]), zeros([0, 2 ** 15]))],
      ['linear', () => linear(zeros([2 ** 15, 0]), zeros([0, 2 ** 15]))],
      ['pad', () => pad(zeros([1, 1]), [[0, 2 ** 15], [0, 2 ** 15]])],
      ['concat', () => concat(new Array(2 ** 10).fill(zeros([2 ** 19])), 0)],
      ['stack', () => stack(new Array(2 ** 10).fill(zeros([2 ** 19])), 0)],
      ['take', () => take(zeros([2, 2 ** 20]), new Array(2 ** 10).fill(0), 0)],
      ['oneHot', () => oneHot([0, 1], 2 ** 28)],
      ['tensor', () => tensor(new Array(2 ** 15).fill(new Array(2 ** 15).fill(0)))],
      ['uniform', () => uniform([2 ** 15, 2 ** 15])],
      ['normal', () => normal([2 ** 29])],
      ['xavierUniform', () => xavierUniform([2 ** 15, 2 ** 15])],
      ['constant', () => constant([2 ** 15, 2 ** 15], 1)],
      ['Linear', () => new Linear(1e5, 1e5)],
      ['Embedding', () => new Embedding(1e6, 1e3)],
      ['BatchNorm', () => new BatchNorm(2 ** 29)],
      ['PReLU', () => new PReLU({ numParameters: 2 ** 29 })],
      ['crossEntropy', () => crossEntropy(empty([HUGE, 0]), [0])],
      ['categoricalCrossEntropy', () => categoricalCrossEntropy(empty([HUGE, 0]), empty([HUGE, 0]))],
      ['split', () => split(empty([0]), HUGE)],
      ['batches', () => batches(empty([HUGE, 0]), empty([HUGE, 0]), { batchSize: 1 })],
      ['permutation', () => createRng(0).permutation(1e10)],
    ];
    for (const [fn, f] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, fn).toBeInstanceOf(ShapeError);
      expect((err as NablaError).fn, fn).toBe(fn);
      expect((err as Error).message, fn).toMatch(LIMIT);
    }
    expect(() => zeros([1e5, 1e5])).toThrow(
      'zeros: the result would have shape [100000,100000], 10000000000 elements (74.5 GiB of float64), over the limit of 268435456 elements per tensor (raise it with setMaxElements(n) if this is intended)',
    );
  });

  it('the limit itself is allowed, and setMaxElements raises or lowers it and returns the previous one', () => {
    expect(zeros([2 ** 14, 2 ** 14]).size).toBe(2 ** 28);
    expect(setMaxElements(100)).toBe(2 ** 28);
    expect(getMaxElements()).toBe(100);
    expect(zeros([10, 10]).size).toBe(100);
    expect(() => zeros([101])).toThrow(LIMIT);
    expect(() => tensor(new Array(101).fill(0))).toThrow(LIMIT);
    expect(() => tensor(new Float64Array(101))).toThrow(LIMIT); // a copy is a new tensor too
    expect(() => tensor(new Float32Array(101))).toThrow(LIMIT);
    expect(() => tensor(new Tensor(new Float64Array(101), [101]))).toThrow(LIMIT);
    expect(add(new Float64Array(101), 0).size).toBe(101); // elementwise results are the input's size
    expect(() => add(zeros([11, 1]), zeros([1, 10]))).toThrow(LIMIT);
    expect(setMaxElements(Infinity)).toBe(100);
    expect(zeros([1000]).size).toBe(1000);
    for (const bad of [0, -1, 1.5, NaN, '100', null]) {
      expect(() => setMaxElements(bad as never)).toThrow(ValueError);
    }
    expect(() => setMaxElements(0)).toThrow('setMaxElements: n must be a positive integer or Infinity, got 0');
    expect(getMaxElements()).toBe(Infinity);
  });

  it('shapes with a zero dimension hold no elements, however many huge dimensions they have', () => {
    const s = [2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 0];
    expect(empty(s).size).toBe(0);
    expect(zeros(s).size).toBe(0);
    expect(() => empty([2 ** 53 - 1, 2 ** 53 - 1])).toThrow(ShapeError);
    expect(reshape(empty([0]), s).shape).toEqual(s);
    expect(empty(s).reshape([0]).shape).toEqual([0]);
  });
});

describe('deep and wide input (item 5)', () => {
  it('a 6,000-deep nested array is a ShapeError, not a stack overflow', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 6000; i++) deep = [deep];
    expect(() => tensor(deep as number[])).toThrow(ShapeError);
    expect(() => tensor(deep as number[])).toThrow('tensor: data is nested more than 64 arrays deep (a tensor has at most 64 dimensions)');
    expect(() => add(deep as number[], 1)).toThrow('add: a is nested more than 64 arrays deep');
  });

  it('rank is at most 64 (NumPy 2): constructor, creation, reshape, unsqueeze, stack, take', () => {
    expect(MAX_RANK).toBe(64);
    const wide = new Array(100000).fill(1);
    expect(() => new Tensor(new Float64Array(1), wide)).toThrow('Tensor: shape has 100000 dimensions (at most 64 are supported)');
    expect(() => zeros(wide)).toThrow(ShapeError);
    expect(() => reshape([1], wide)).toThrow('reshape: shape has 100000 dimensions (at most 64 are supported)');
    const r64 = ones(new Array(64).fill(1));
    expect(r64.rank).toBe(64);
    let v: unknown = r64.toArray();
    for (let i = 0; i < 64; i++) v = (v as unknown[])[0];
    expect(v).toBe(1);
    expect(() => unsqueeze(r64, 0)).toThrow('unsqueeze: the result has 65 dimensions (at most 64 are supported)');
    expect(() => stack([r64, r64])).toThrow('stack: the result has 65 dimensions (at most 64 are supported)');
    expect(() => take(ones([2]), tensor(0).reshape(new Array(64).fill(1)), 0)).not.toThrow();
    expect(() => take(ones([2, 1]), tensor(0).reshape(new Array(64).fill(1)), 0)).toThrow('take: the result has 65 dimensions');
    expect(() => uniform(new Array(65).fill(1))).toThrow('uniform: shape has 65 dimensions');
  });

  it('toArray of a tensor that would need more nested arrays than the limit is a ShapeError; toString still prints', () => {
    expect(empty([0, HUGE]).toArray()).toEqual([]);
    expect(() => empty([HUGE, 0]).toArray()).toThrow('toArray: a tensor of shape [1099511627776,0] would need 1099511627777 nested arrays');
    expect(String(empty([HUGE, 0]))).toBe('Tensor([1099511627776,0]) (too large to print)');
    expect(empty([3, 0]).toArray()).toEqual([[], [], []]);
  });
});

// Found by calling every export with hostile arguments (deep arrays, symbols, empty tensors with
// huge dimensions): each of these escaped as a raw RangeError or TypeError.
describe('hostile arguments give NablaErrors (the same rule everywhere)', () => {
  let deep: unknown = [1];
  for (let i = 0; i < 5000; i++) deep = [deep];
  it('a deep array inside a shape, axes or axis list is described, not serialized (no stack overflow)', () => {
    const calls: [string, () => unknown][] = [
      ['xavierUniform', () => xavierUniform([2, deep] as never)],
      ['normal', () => normal([deep] as never)],
      ['constant', () => constant([deep] as never, 1)],
      ['transpose', () => transpose(zeros([2, 2]), [0, deep] as never)],
      ['transpose', () => transpose(zeros([2, 2]), [deep] as never)],
      ['reshape', () => reshape(zeros([4]), [-1, -1, deep] as never)],
      ['argmax', () => argmax(zeros([2, 2]), [0, deep] as never)],
      ['sum', () => sum(zeros([2, 2]), [0, 0, deep] as never)],
    ];
    for (const [fn, f] of calls) {
      expect(f, fn).toThrow(ValueError);
      expect(f, fn).toThrow(new RegExp(`^${fn}: `));
    }
    expect(() => xavierUniform([2, deep] as never)).toThrow('xavierUniform: shape[1] is an array of length 1 in an array of length 2 (dimensions must be positive integers)');
  });

  it('new Rng(seed) checks the seed like createRng', () => {
    for (const bad of [Symbol('s'), -1, 2 ** 32, 1.5, '1', null]) expect(() => new Rng(bad as never)).toThrow(ValueError);
    expect(() => new Rng(Symbol('s') as never)).toThrow('Rng: seed must be an integer in [0, 2^32), got a Symbol');
    expect(new Rng(0).random()).toBe(createRng(0).random());
  });

  it('scratch buffers sized by one dimension of an empty tensor are not allocated', () => {
    expect(variance(empty([0, HUGE]), -1).shape).toEqual([0]);
    expect(std(empty([0, HUGE]), 1).shape).toEqual([0]);
    expect(crossEntropyBackward(empty([0, HUGE]), []).shape).toEqual([0, HUGE]);
    // dbias of an empty [0, 2^40] weight really has 2^40 elements: the limit, not a RangeError.
    expect(() => linearBackward(empty([0, HUGE]), zeros([0, 0]), empty([0, HUGE]))).toThrow(LIMIT);
  });
});

// Item 1: a loop over an empty tensor must not walk its other dimensions. Before the fix each of
// these ran for 2^40 iterations (hours) or died with a raw RangeError.
describe('zero-size tensors with huge other dimensions (item 1)', () => {
  const A = empty([0, HUGE]);
  const B = empty([HUGE, 0]);
  const C = empty([2 ** 20, 0, 2 ** 20]);
  const D = empty([HUGE, 3, 0]);
  /** Runs f; it must return a tensor of `shape`, or throw a NablaError when `shape` is 'error'. */
  const expectShape = (label: string, f: () => Tensor, shape: number[] | 'error') => {
    if (shape === 'error') {
      expect(f, label).toThrow(NablaError);
      return;
    }
    const y = f();
    expect(y.shape, label).toEqual(shape);
    expect(y.size, label).toBe(0);
  };

  it('reductions along every axis', () => {
    for (const op of [sum, mean, logSumExp] as const) {
      expectShape(`${op.name} B 0`, () => op(B, 0), [0]);
      expectShape(`${op.name} B 0 keep`, () => op(B, 0, true), [1, 0]);
      expectShape(`${op.name} A 1`, () => op(A, 1), [0]);
      expectShape(`${op.name} D 1`, () => op(D, 1), [HUGE, 0]);
      expectShape(`${op.name} D [0, 1]`, () => op(D, [0, 1]), [0]);
      expectShape(`${op.name} C 0`, () => op(C, 0), [0, 2 ** 20]);
      expectShape(`${op.name} A 0 (result too large)`, () => op(A, 0), 'error');
    }
    // Reducing every empty line: the identity of the reduction (NumPy: sum 0, mean NaN, logsumexp −∞).
    expect(Array.from(sum(D, [0, 2]).data)).toEqual([0, 0, 0]);
    expect(Array.from(mean(D, [0, 2]).data)).toEqual([NaN, NaN, NaN]);
    expect(Array.from(logSumExp(D, [0, 2]).data)).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(Array.from(sum(C, [0, 1], true).data).length).toBe(2 ** 20);
    expect(sum(B).item()).toBe(0);
    for (const op of [max, min, argmax] as const) {
      expectShape(`${op.name} D 1`, () => op(D, 1), [HUGE, 0]);
      expectShape(`${op.name} B 0`, () => op(B, 0), [0]);
      expectShape(`${op.name} B 1 (empty axis)`, () => op(B, 1), 'error');
    }
    expectShape('variance D 1', () => variance(D, 1), [HUGE, 0]);
    expectShape('std B 0', () => std(B, 0), [0]);
    expectShape('variance C 0', () => variance(C, 0), [0, 2 ** 20]);
  });

  it('elementwise, structural and linear-algebra ops', () => {
    expectShape('exp', () => exp(D), [HUGE, 3, 0]);
    expectShape('add', () => add(B, B), [HUGE, 0]);
    expectShape('mul broadcast', () => mul(D, [[1], [2], [3]]), [HUGE, 3, 0]);
    expectShape('where', () => where(B, B, 1), [HUGE, 0]);
    expectShape('clamp', () => clamp(B, 0, 1), [HUGE, 0]);
    expectShape('abs', () => abs(A), [0, HUGE]);
    expectShape('transpose', () => transpose(C, [2, 0, 1]), [2 ** 20, 2 ** 20, 0]);
    expectShape('concat axis 1', () => concat([B, B], 1), [HUGE, 0]);
    expectShape('concat D axis 1', () => concat([D, D], 1), [HUGE, 6, 0]);
    expectShape('stack', () => stack([B, B], 1), [HUGE, 2, 0]);
    expectShape('slice', () => slice(B, [5], [10]), [10, 0]);
    const parts = split(B, 4, 0);
    expect(parts.map((p) => p.shape)).toEqual(new Array(4).fill([2 ** 38, 0]));
    expectShape('take', () => take(D, [0, 2, 1, 1], 1), [HUGE, 4, 0]);
    expectShape('pad (nothing)', () => pad(B, [[0, 0], [0, 0]]), [HUGE, 0]);
    expectShape('pad (result too large)', () => pad(A, [[1, 0], [0, 0]]), 'error');
    expectShape('reshape', () => reshape(D, [0, HUGE]), [0, HUGE]);
    expectShape('reshape, −1 beside a 0 is ambiguous', () => reshape(D, [-1, 0]), 'error');
    expectShape('flatten', () => flatten(D), [HUGE, 0]);
    expectShape('squeeze', () => squeeze(A), [0, HUGE]);
    expectShape('unsqueeze', () => unsqueeze(B, 1), [HUGE, 1, 0]);
    expectShape('matmul', () => matmul(B, zeros([0, 0])), [HUGE, 0]);
    expectShape('linear', () => linear(B, zeros([0, 0])), [HUGE, 0]);
    expectShape('linear with bias', () => linear(B, zeros([0, 0]), zeros([0])), [HUGE, 0]);
    const g = linearBackward(B, B, zeros([0, 0]));
    expect([g.dx.shape, g.dweight.shape, g.dbias.shape]).toEqual([[HUGE, 0], [0, 0], [0]]);
    expect(allClose(B, B)).toBe(true);
  });

  it('activations, losses, normalization, preprocessing', () => {
    for (const f of [relu, sigmoid, tanh, (x: Tensor) => leakyRelu(x), (x: Tensor) => softplus(x)]) expectShape('activation', () => f(B), [HUGE, 0]);
    for (const axis of [0, 1, 2]) {
      expectShape(`softmax D ${axis}`, () => softmax(D, axis), [HUGE, 3, 0]);
      expectShape(`logSoftmax D ${axis}`, () => logSoftmax(D, axis), [HUGE, 3, 0]);
      expectShape(`softmaxBackward D ${axis}`, () => softmaxBackward(D, D, axis), [HUGE, 3, 0]);
      expectShape(`logSoftmaxBackward D ${axis}`, () => logSoftmaxBackward(D, D, axis), [HUGE, 3, 0]);
    }
    expectShape('prelu', () => prelu(D, 0.25), [HUGE, 3, 0]);
    expectShape('prelu per channel', () => prelu(D, [0.1, 0.2, 0.3]), [HUGE, 3, 0]);
    expect(preluBackward(D, D, [0.1, 0.2, 0.3]).dalpha.toArray()).toEqual([0, 0, 0]);
    const labels = empty([HUGE, 0]);
    expectShape('crossEntropy none', () => crossEntropy(D, labels, { reduction: 'none' }), [HUGE, 0]);
    expect(crossEntropy(D, labels).item()).toBeNaN(); // 0/0, as PyTorch's mean over no samples
    expectShape('crossEntropyBackward', () => crossEntropyBackward(D, labels), [HUGE, 3, 0]);
    expectShape('crossEntropy probs', () => crossEntropy(D, D, { reduction: 'none' }), [HUGE, 0]);
    expectShape('nllLoss', () => nllLoss(D, labels, { reduction: 'none' }), [HUGE, 0]);
    expectShape('mseLoss', () => mseLoss(B, B, { reduction: 'none' }), [HUGE, 0]);
    expectShape('binaryCrossEntropy', () => binaryCrossEntropy(B, B, { reduction: 'none' }), [HUGE, 0]);
    expectShape('binaryCrossEntropyWithLogits', () => binaryCrossEntropyWithLogits(B, B, { reduction: 'none', posWeight: empty([0]) }), [HUGE, 0]);
    expectShape('batchNorm, no channels', () => batchNorm(B), [HUGE, 0]);
    expectShape('batchNorm C, no channels', () => batchNorm(C), [2 ** 20, 0, 2 ** 20]);
    expectShape('batchNorm D, no values per channel', () => batchNorm(D), 'error');
    expectShape('batchNorm D, eval', () => batchNorm(D, { mean: [0, 0, 0], variance: [1, 1, 1] }), [HUGE, 3, 0]);
    const bb = batchNormBackward(D, D, { mean: [0, 0, 0], variance: [1, 1, 1] });
    expect([bb.dx.shape, Array.from(bb.dgamma.data), Array.from(bb.dbeta.data)]).toEqual([[HUGE, 3, 0], [0, 0, 0], [0, 0, 0]]);
    expect(batchNormBackward(B, B).dx.shape).toEqual([HUGE, 0]);
    const bn = new BatchNorm(3);
    bn.eval();
    expectShape('BatchNorm layer, eval', () => bn.forward(D), [HUGE, 3, 0]);
    expect(bn.backward(D).shape).toEqual([HUGE, 3, 0]);
    const st = standardize(B);
    expect([st.out.shape, st.mean.shape, st.std.shape]).toEqual([[HUGE, 0], [0], [0]]);
    expect(clipGradNorm([B], 1)).toBe(0);
  });

  it('autograd backward through the same ops', () => {
    const f = (x: Tensor) => mul(take(concat([x, x], 1), [0, 5, 1], 1), transpose(softmax(x, 1), [0, 1, 2]));
    const { value, backward } = vjp((x: Tensor) => sum(f(x), 1), D);
    expect(value.shape).toEqual([HUGE, 0]);
    expect(backward(empty([HUGE, 0]))[0].shape).toEqual([HUGE, 3, 0]);
    const g = vjp((x: Tensor) => batchNorm(linear(x, zeros([0, 0]))), B);
    expect(g.backward(B)[0].shape).toEqual([HUGE, 0]);
  });
});

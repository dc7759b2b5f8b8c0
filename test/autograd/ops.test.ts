import { describe, expect, it } from 'vitest';
import * as n from '../../src/index.js';
import { Tensor, createRng, gradCheck, tensor, vjp } from '../../src/index.js';
import { dropoutBackward, dropoutMask } from '../../src/conv/dropout.js';

/**
 * Every recorded op, checked two ways:
 * 1. the gradient autograd computes (vjp) is bit-identical to the op's own backward function
 *    called by hand — the tape adds nothing and loses nothing;
 * 2. it matches central differences (gradCheck with a plain function), away from kinks.
 */

const rng = createRng(7);
/** Seeded values in [lo, hi). */
function rand(shape: number[], lo = -1, hi = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(rng.fillUniform(new Float64Array(size), lo, hi), shape);
}
/** Seeded values in ±[0.3, 1) — away from 0, where relu/abs/leaky kinks and log poles sit. */
function awayFromZero(shape: number[]): Tensor {
  const t = rand(shape, 0.3, 1);
  const s = rand(shape);
  for (let i = 0; i < t.size; i++) if (s.data[i] < 0) t.data[i] = -t.data[i];
  return t;
}
const positive = (shape: number[]) => rand(shape, 0.5, 2);

interface Case {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  /** The op's own backward: gradients for the inputs autograd differentiates, from dy. */
  pair?: (dy: Tensor, ...xs: Tensor[]) => (Tensor | null)[];
  rtol?: number;
}

const labels = tensor([2, 0, 1]);
const probs = n.softmax(rand([3, 4]), 1);
const cases: Case[] = [
  // Elementwise, broadcast both ways (gradients summed back to each input's shape).
  { name: 'add', f: n.add, inputs: [rand([2, 3]), rand([3])] },
  { name: 'sub', f: n.sub, inputs: [rand([2, 1, 3]), rand([4, 1])] },
  { name: 'mul', f: n.mul, inputs: [rand([2, 3]), rand([2, 1])] },
  { name: 'div', f: n.div, inputs: [rand([3, 2]), positive([2])] },
  { name: 'pow', f: n.pow, inputs: [positive([2, 3]), rand([3])] },
  { name: 'maximum', f: n.maximum, inputs: [rand([3, 2]), rand([2])] },
  { name: 'minimum', f: n.minimum, inputs: [rand([3, 2]), rand([3, 1])] },
  { name: 'neg', f: n.neg, inputs: [rand([4])] },
  { name: 'exp', f: n.exp, inputs: [rand([2, 2])] },
  { name: 'log', f: n.log, inputs: [positive([5])] },
  { name: 'sqrt', f: n.sqrt, inputs: [positive([5])] },
  { name: 'abs', f: n.abs, inputs: [awayFromZero([5])] },
  { name: 'square', f: n.square, inputs: [rand([5])] },
  { name: 'log1p', f: n.log1p, inputs: [positive([5])] },
  { name: 'expm1', f: n.expm1, inputs: [rand([5])] },
  { name: 'clamp', f: (x) => n.clamp(x, -0.5, 0.5), inputs: [tensor([-0.9, -0.2, 0.1, 0.7, 0.3])] },
  { name: 'where', f: (a, b) => n.where([[1, 0, 1], [0, 0, 1]], a, b), inputs: [rand([2, 3]), rand([3])] },
  // Reductions.
  { name: 'sum axis', f: (x) => n.sum(x, 1), inputs: [rand([2, 3, 4])] },
  { name: 'sum axes [0, 2] keepDims', f: (x) => n.sum(x, [0, 2], true), inputs: [rand([2, 3, 4])] },
  { name: 'mean all', f: (x) => n.mean(x), inputs: [rand([3, 4])] },
  { name: 'max axis', f: (x) => n.max(x, 0), inputs: [rand([3, 4])] },
  { name: 'min axes [0, 2]', f: (x) => n.min(x, [0, 2]), inputs: [rand([2, 3, 2])] },
  { name: 'variance axis', f: (x) => n.variance(x, 1), inputs: [rand([3, 4])] },
  { name: 'variance biased all', f: (x) => n.variance(x, undefined, { unbiased: false }), inputs: [rand([3, 4])] },
  { name: 'std axis', f: (x) => n.std(x, 0), inputs: [rand([3, 4])] },
  { name: 'logSumExp axis', f: (x) => n.logSumExp(x, 1), inputs: [rand([3, 4])] },
  // Linear algebra and shape.
  { name: 'matmul 2-D', f: n.matmul, inputs: [rand([3, 4]), rand([4, 2])], pair: (dy, a, b) => Object.values(n.matmulBackward(dy, a, b)) },
  { name: 'matmul batched, broadcast', f: n.matmul, inputs: [rand([2, 1, 3, 4]), rand([3, 4, 2])], pair: (dy, a, b) => Object.values(n.matmulBackward(dy, a, b)) },
  { name: 'matmul 1-D × 2-D', f: n.matmul, inputs: [rand([4]), rand([4, 3])], pair: (dy, a, b) => Object.values(n.matmulBackward(dy, a, b)) },
  { name: 'matmul 2-D × 1-D', f: n.matmul, inputs: [rand([3, 4]), rand([4])], pair: (dy, a, b) => Object.values(n.matmulBackward(dy, a, b)) },
  {
    name: 'linear',
    f: n.linear,
    inputs: [rand([2, 3, 4]), rand([4, 5]), rand([5])],
    pair: (dy, x, w) => {
      const g = n.linearBackward(dy, x, w);
      return [g.dx, g.dweight, g.dbias];
    },
  },
  { name: 'transpose', f: (x) => n.transpose(x, [2, 0, 1]), inputs: [rand([2, 3, 4])] },
  { name: 'reshape', f: (x) => n.reshape(x, [4, -1]), inputs: [rand([2, 3, 2])] },
  { name: 'Tensor.reshape', f: (x) => x.reshape([6]), inputs: [rand([2, 3])] },
  { name: 'flatten', f: (x) => n.flatten(x), inputs: [rand([2, 3, 2])] },
  { name: 'squeeze', f: (x) => n.squeeze(x), inputs: [rand([1, 3, 1])] },
  { name: 'unsqueeze', f: (x) => n.unsqueeze(x, -1), inputs: [rand([2, 3])] },
  { name: 'concat', f: (a, b) => n.concat([a, b], 1), inputs: [rand([2, 2]), rand([2, 3])] },
  { name: 'stack', f: (a, b) => n.stack([a, b], 1), inputs: [rand([2, 3]), rand([2, 3])] },
  { name: 'slice', f: (x) => n.slice(x, [1, 0], [1, 2]), inputs: [rand([3, 3])] },
  { name: 'split (second piece)', f: (x) => n.split(x, [1, 2], 1)[1], inputs: [rand([2, 3])] },
  { name: 'take with repeats', f: (x) => n.take(x, [2, 0, 2], 1), inputs: [rand([2, 3])] },
  { name: 'pad', f: (x) => n.pad(x, [[1, 0], [0, 2]], 3), inputs: [rand([2, 2])] },
  // Activations, each against its pair.
  { name: 'relu', f: n.relu, inputs: [awayFromZero([6])], pair: (dy, x) => [n.reluBackward(dy, x)] },
  { name: 'sigmoid', f: n.sigmoid, inputs: [rand([6])], pair: (dy, x) => [n.sigmoidBackward(dy, x)] },
  { name: 'tanh', f: n.tanh, inputs: [rand([6])], pair: (dy, x) => [n.tanhBackward(dy, x)] },
  { name: 'leakyRelu', f: (x) => n.leakyRelu(x, 0.2), inputs: [awayFromZero([6])], pair: (dy, x) => [n.leakyReluBackward(dy, x, 0.2)] },
  { name: 'softplus', f: (x) => n.softplus(x, { beta: 2 }), inputs: [rand([6])], pair: (dy, x) => [n.softplusBackward(dy, x, { beta: 2 })] },
  { name: 'softmax', f: (x) => n.softmax(x, 0), inputs: [rand([3, 2])], pair: (dy, x) => [n.softmaxBackward(dy, x, 0)] },
  { name: 'logSoftmax', f: (x) => n.logSoftmax(x), inputs: [rand([3, 2])], pair: (dy, x) => [n.logSoftmaxBackward(dy, x)] },
  {
    name: 'prelu (x and per-channel alpha)',
    f: n.prelu,
    inputs: [awayFromZero([2, 3, 2]), rand([3], 0.1, 0.4)],
    pair: (dy, x, a) => Object.values(n.preluBackward(dy, x, a)),
  },
  {
    name: 'batchNorm (x, gamma, beta)',
    f: (x, g, b) => n.batchNorm(x, { gamma: g, beta: b }),
    inputs: [rand([4, 3, 2]), rand([3], 0.5, 1.5), rand([3])],
    pair: (dy, x, g) => Object.values(n.batchNormBackward(dy, x, { gamma: g })),
  },
  { name: 'gelu', f: (x) => n.gelu(x), inputs: [rand([6])], pair: (dy, x) => [n.geluBackward(dy, x)] },
  { name: 'gelu tanh', f: (x) => n.gelu(x, { approximate: 'tanh' }), inputs: [rand([6])], pair: (dy, x) => [n.geluBackward(dy, x, { approximate: 'tanh' })] },
  { name: 'silu', f: (x) => n.silu(x), inputs: [rand([6])], pair: (dy, x) => [n.siluBackward(dy, x)] },
  { name: 'elu', f: (x) => n.elu(x, 0.7), inputs: [awayFromZero([6])], pair: (dy, x) => [n.eluBackward(dy, x, 0.7)] },
  // Convolution, pooling, layer norm.
  {
    name: 'conv2d (x, weight, bias; stride, padding, dilation)',
    f: (x, w, b) => n.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    inputs: [rand([2, 2, 5, 6]), rand([3, 2, 2, 3]), rand([3])],
    pair: (dy, x, w) => Object.values(n.conv2dBackward(dy, x, w, { stride: [2, 1], padding: 1, dilation: [1, 2] })),
  },
  {
    name: 'conv2d groups, no bias, padding same',
    f: (x, w) => n.conv2d(x, w, null, { groups: 2, padding: 'same' }),
    inputs: [rand([1, 4, 4, 4]), rand([3, 3, 2, 4])],
    pair: (dy, x, w) => {
      const g = n.conv2dBackward(dy, x, w, { groups: 2, padding: 'same' });
      return [g.dx, g.dweight];
    },
  },
  { name: 'maxPool2d', f: (x) => n.maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }), inputs: [rand([1, 2, 4, 4])], pair: (dy, x) => [n.maxPool2dBackward(dy, x, { kernelSize: 2, stride: 1, padding: 1 })] },
  { name: 'avgPool2d ceilMode', f: (x) => n.avgPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }), inputs: [rand([2, 1, 5, 5])], pair: (dy, x) => [n.avgPool2dBackward(dy, x, { kernelSize: 3, stride: 2, ceilMode: true })] },
  {
    name: 'layerNorm (x, weight, bias)',
    f: (x, w, b) => n.layerNorm(x, [3, 2], { weight: w, bias: b }),
    inputs: [rand([4, 3, 2]), rand([3, 2], 0.5, 1.5), rand([3, 2])],
    pair: (dy, x, w) => Object.values(n.layerNormBackward(dy, x, [3, 2], { weight: w })),
  },
  // Losses, with respect to their input.
  { name: 'mseLoss', f: (p, t) => n.mseLoss(p, t), inputs: [rand([3, 2]), rand([3, 2])], pair: (dy, p, t) => [n.mseLossBackward(p, t, { dy }), n.neg(n.mseLossBackward(p, t, { dy }))] },
  { name: 'mseLoss none', f: (p) => n.mseLoss(p, [[1, 2], [3, 4]], { reduction: 'none' }), inputs: [rand([2, 2])], pair: (dy, p) => [n.mseLossBackward(p, [[1, 2], [3, 4]], { reduction: 'none', dy })] },
  { name: 'binaryCrossEntropy', f: (p) => n.binaryCrossEntropy(p, [0, 1, 1]), inputs: [rand([3], 0.2, 0.8)], pair: (dy, p) => [n.binaryCrossEntropyBackward(p, [0, 1, 1], { dy })] },
  { name: 'binaryCrossEntropyWithLogits', f: (x) => n.binaryCrossEntropyWithLogits(x, [0, 1, 0.5], { posWeight: [2, 1, 3] }), inputs: [rand([3])], pair: (dy, x) => [n.binaryCrossEntropyWithLogitsBackward(x, [0, 1, 0.5], { posWeight: [2, 1, 3], dy })] },
  { name: 'crossEntropy', f: (x) => n.crossEntropy(x, labels, { labelSmoothing: 0.1 }), inputs: [rand([3, 4])], pair: (dy, x) => [n.crossEntropyBackward(x, labels, { labelSmoothing: 0.1, dy })] },
  { name: 'crossEntropy none, base 2', f: (x) => n.crossEntropy(x, labels, { reduction: 'none', base: 2 }), inputs: [rand([3, 4])], pair: (dy, x) => [n.crossEntropyBackward(x, labels, { reduction: 'none', base: 2, dy })] },
  { name: 'nllLoss', f: (x) => n.nllLoss(x, labels, { weight: [1, 2, 3, 4] }), inputs: [rand([3, 4])], pair: (dy, x) => [n.nllLossBackward(x, labels, { weight: [1, 2, 3, 4], dy })] },
  { name: 'categoricalCrossEntropy', f: (p) => n.categoricalCrossEntropy(p, n.oneHot([2, 0, 1], 4)), inputs: [probs], pair: (dy, p) => [n.categoricalCrossEntropyBackward(p, n.oneHot([2, 0, 1], 4), { dy })] },
  { name: 'l1Loss', f: (p, t) => n.l1Loss(p, t), inputs: [rand([3, 2]), rand([3, 2])], pair: (dy, p, t) => [n.l1LossBackward(p, t, { dy }), n.neg(n.l1LossBackward(p, t, { dy }))] },
  { name: 'smoothL1Loss', f: (p) => n.smoothL1Loss(p, [0, 0, 0, 0], { beta: 0.5 }), inputs: [tensor([0.1, -0.2, 1.5, -2])], pair: (dy, p) => [n.smoothL1LossBackward(p, [0, 0, 0, 0], { beta: 0.5, dy })] },
  { name: 'huberLoss', f: (p) => n.huberLoss(p, [0, 0, 0, 0], { delta: 0.5, reduction: 'sum' }), inputs: [tensor([0.1, -0.2, 1.5, -2])], pair: (dy, p) => [n.huberLossBackward(p, [0, 0, 0, 0], { delta: 0.5, reduction: 'sum', dy })] },
  { name: 'multiMarginLoss', f: (x) => n.multiMarginLoss(x, labels, { p: 2, margin: 0.7 }), inputs: [rand([3, 4])], pair: (dy, x) => [n.multiMarginLossBackward(x, labels, { p: 2, margin: 0.7, dy })] },
  { name: 'klDiv batchmean', f: (x) => n.klDiv(x, probs, { reduction: 'batchmean' }), inputs: [n.logSoftmax(rand([3, 4]))], pair: (dy, x) => [n.klDivBackward(x, probs, { reduction: 'batchmean', dy })] },
  { name: 'logLikelihoodLoss', f: (p) => n.logLikelihoodLoss(p, [2, 0, 1]), inputs: [probs], pair: (dy, p) => [n.logLikelihoodLossBackward(p, [2, 0, 1], { dy })] },
];

describe('every recorded op: autograd equals its own backward, and central differences', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { value, backward } = vjp(c.f, ...c.inputs);
      const dy = rand(value.shape.slice());
      const grads = backward(dy);
      expect(grads.length).toBe(c.inputs.length);
      grads.forEach((g, i) => expect(g.shape).toEqual(c.inputs[i].shape));
      if (c.pair) {
        const expected = c.pair(dy, ...c.inputs);
        expected.forEach((e, i) => {
          if (e === null) return;
          expect(Array.from(grads[i].data), `${c.name} input ${i} vs its pair`).toEqual(Array.from(e.data));
        });
      }
      const r = gradCheck(c.f, c.inputs, { dy, rtol: c.rtol ?? 1e-6, atol: 1e-9 });
      expect(r.ok, `${c.name}: worst ${JSON.stringify(r.worst)}`).toBe(true);
    });
  }

  it('dropout: the gradient is the forward mask, and equals dropoutBackward with the same draws', () => {
    const x = rand([3, 5]);
    const { value, backward } = vjp((t) => n.dropout(t, { p: 0.4, seed: 9 }), x);
    const dy = rand([3, 5]);
    const mask = dropoutMask([3, 5], 0.4, createRng(9));
    expect(Array.from(backward(dy)[0].data)).toEqual(Array.from(dropoutBackward(dy, mask, 0.4).data));
    expect(Array.from(value.data)).toEqual(Array.from(dropoutBackward(x, mask, 0.4).data));
    const [gEval] = vjp((t) => n.dropout(t, { training: false }), x).backward(dy);
    expect(Array.from(gEval.data)).toEqual(Array.from(dy.data));
  });

  it('comparisons, sign, argmax and linspace are constants (zero gradient, nothing recorded)', () => {
    const x = rand([4]);
    for (const f of [
      (t: Tensor) => n.greater(t, 0),
      (t: Tensor) => n.less(t, 0.5),
      (t: Tensor) => n.equal(t, t),
      (t: Tensor) => n.greaterEqual(t, 0),
      (t: Tensor) => n.lessEqual(t, 0),
      (t: Tensor) => n.sign(t),
    ]) {
      const { backward } = vjp(f, x);
      expect(Array.from(backward(n.ones([4]))[0].data)).toEqual([0, 0, 0, 0]);
    }
  });
});

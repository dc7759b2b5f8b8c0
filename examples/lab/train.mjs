// Mini-batch training with per-epoch evaluation, shared by every experiment.
import {
  accuracy, batches, slice, crossEntropy, crossEntropyBackward, mseLoss, mseLossBackward, oneHot, sigmoid, sigmoidBackward,
} from 'nabla';

/**
 * loss: 'ce' (softmax cross-entropy on logits), 'll2' (softmax + log-likelihood in bits, base 2),
 * 'mse' (sigmoid outputs against one-hot targets, the textbook's ½‖y − o‖²-style objective).
 */
export function lossAndGrad(kind, out, y) {
  if (kind === 'mse') {
    const o = sigmoid(out);
    const t = oneHot(y, out.shape[1]);
    const loss = mseLoss(o, t, { reduction: 'sum' }).item() / (2 * out.shape[0]);
    const dO = mseLossBackward(o, t, { reduction: 'sum', dy: 1 / (2 * out.shape[0]) });
    return { loss, grad: sigmoidBackward(dO, out) };
  }
  const base = kind === 'll2' ? 2 : undefined;
  return { loss: crossEntropy(out, y, { base }).item(), grad: crossEntropyBackward(out, y, { base }) };
}

/**
 * Loss and accuracy of `model` in eval mode on `data`; with `chunk`, in pieces of that many rows
 * (the same numbers up to rounding, without holding a CNN's activations for every digit at once).
 */
export function evaluate(model, data, kind, chunk) {
  model.eval();
  let r;
  if (!chunk) {
    const out = model.forward(data.x);
    r = { loss: lossAndGrad(kind, out, data.y).loss, acc: accuracy(out, data.y) };
  } else {
    const n = data.y.length;
    let loss = 0;
    let correct = 0;
    for (let s = 0; s < n; s += chunk) {
      const e = Math.min(n, s + chunk);
      const y = data.y.slice(s, e);
      const out = model.forward(slice(data.x, [s], [e - s]));
      loss += (lossAndGrad(kind, out, y).loss * (e - s)) / n;
      correct += Math.round(accuracy(out, y) * (e - s));
    }
    r = { loss, acc: correct / n };
  }
  model.train();
  return r;
}

/**
 * Trains `model` with `opt` on mini-batches. Evaluates the test set (and, with `evalTrain`, the
 * whole training set) `evalsPerEpoch` times per epoch — history.epoch then holds fractional epochs —
 * in chunks of `evalBatch` rows when given.
 */
export function train({ name, model, opt, data, epochs, batchSize = 64, loss = 'ce', rng, progress, onEpoch, evalTrain = true, evalBatch, evalsPerEpoch = 1 }) {
  const history = { epoch: [], trainLoss: [], testLoss: [], testAcc: [], trainAcc: [] };
  const t0 = performance.now();
  let diverged = false;
  for (let e = 1; e <= epochs; e++) {
    const bs = batches(data.train.x, data.train.y, { batchSize, shuffle: true, rng });
    const marks = Array.from({ length: evalsPerEpoch }, (_, k) => Math.round(((k + 1) * bs.length) / evalsPerEpoch));
    let sum = 0;
    let count = 0;
    bs.forEach((b, i) => {
      model.zeroGrad();
      const out = model.forward(b.x);
      const { loss: l, grad } = lossAndGrad(loss, out, Array.from(b.y.data));
      sum += l;
      count++;
      model.backward(grad);
      opt.step();
      progress?.update(name, (e - 1) * bs.length + i + 1, epochs * bs.length, `epoch ${e} loss ${l.toFixed(3)}`);
      const k = marks.indexOf(i + 1);
      if (k < 0) return;
      const tr = evalTrain ? evaluate(model, data.train, loss, evalBatch) : null;
      const te = evaluate(model, data.test, loss, evalBatch);
      if (!Number.isFinite(tr ? tr.loss : sum)) diverged = true;
      history.epoch.push(evalsPerEpoch === 1 ? e : e - 1 + (k + 1) / evalsPerEpoch);
      history.trainLoss.push(sum / count);
      history.trainAcc.push(tr ? tr.acc : null);
      history.testLoss.push(te.loss);
      history.testAcc.push(te.acc);
      sum = 0;
      count = 0;
    });
    onEpoch?.(e, model);
  }
  progress?.end();
  const last = history.epoch.length - 1;
  return {
    name,
    history,
    final: { trainLoss: history.trainLoss[last], testLoss: history.testLoss[last], trainAcc: history.trainAcc[last], testAcc: history.testAcc[last] },
    diverged,
    seconds: (performance.now() - t0) / 1000,
  };
}

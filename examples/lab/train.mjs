// Mini-batch training with per-epoch evaluation, shared by every experiment.
import {
  accuracy, batches, crossEntropy, crossEntropyBackward, mseLoss, mseLossBackward, oneHot, sigmoid, sigmoidBackward,
} from 'nabla';

/**
 * loss: 'ce' (softmax cross-entropy on logits), 'll2' (softmax + log-likelihood in bits, base 2),
 * 'mse' (sigmoid outputs against one-hot targets, the notes' ½‖y − o‖²-style objective).
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

export function evaluate(model, data, kind) {
  model.eval();
  const out = model.forward(data.x);
  model.train();
  return { loss: lossAndGrad(kind, out, data.y).loss, acc: accuracy(out, data.y) };
}

export function train({ name, model, opt, data, epochs, batchSize = 64, loss = 'ce', rng, progress, onEpoch }) {
  const history = { epoch: [], trainLoss: [], testLoss: [], testAcc: [], trainAcc: [] };
  const t0 = performance.now();
  let diverged = false;
  for (let e = 1; e <= epochs; e++) {
    const bs = batches(data.train.x, data.train.y, { batchSize, shuffle: true, rng });
    let sum = 0;
    bs.forEach((b, i) => {
      model.zeroGrad();
      const out = model.forward(b.x);
      const { loss: l, grad } = lossAndGrad(loss, out, Array.from(b.y.data));
      sum += l;
      model.backward(grad);
      opt.step();
      progress?.update(name, (e - 1) * bs.length + i + 1, epochs * bs.length, `epoch ${e} loss ${l.toFixed(3)}`);
    });
    const tr = evaluate(model, data.train, loss);
    const te = evaluate(model, data.test, loss);
    if (!Number.isFinite(tr.loss)) diverged = true;
    history.epoch.push(e);
    history.trainLoss.push(sum / bs.length);
    history.trainAcc.push(tr.acc);
    history.testLoss.push(te.loss);
    history.testAcc.push(te.acc);
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

// A consumer of the packed package's types, compiled by scripts/check-types.mjs with the oldest and
// the newest supported TypeScript, `strict`, `skipLibCheck: false` (so the whole .d.ts is checked
// too), no DOM and no @types/node: the declarations must stand on their own. Not part of the build.
import {
  Adam, BatchNorm, Linear, ModuleBase, NablaError, ReLU, SGD, Sequential, Tensor, accumulateGrads, add, assertClose, createRng,
  crossEntropy, fit, gradCheck, readNpy, relu, sum, tensor, valueAndGrad, writeNpy, xavierUniform,
  type EpochInfo, type History, type LossName, type ModuleStateDict, type TensorLike,
} from 'nabla';

class Block extends ModuleBase {
  fc = new Linear(4, 4, { seed: 0 });
  forward(a: TensorLike, b: TensorLike): Tensor {
    return add(relu(this.fc.forward(a)), b);
  }
}

export async function main(): Promise<number> {
  const rng = createRng(0);
  const x: Tensor = xavierUniform([8, 4], { rng });
  const y: number[] = [0, 1, 2, 0, 1, 2, 0, 1];
  const model = new Sequential(new Linear(4, 8, { rng }), new BatchNorm(8), new ReLU(), new Linear(8, 3, { rng }));
  const loss: LossName = 'crossEntropy';
  const history: History = await fit(model, x, y, {
    loss,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    epochs: 2,
    batchSize: 4,
    rng,
    validation: { x, y },
    onEpochEnd: (info: EpochInfo) => (info.loss < 0 ? 'stop' : undefined),
  });
  const block = new Block();
  const value: Tensor = accumulateGrads(() => sum(block.forward(x, x)), block.parameters());
  new SGD(block.parameters(), { lr: 0.1 }).step();
  const { grads } = valueAndGrad((t: Tensor) => crossEntropy(t, [0]))([[1, 2, 3]]);
  assertClose(tensor(readNpy(writeNpy(grads[0])).data), grads[0]);
  const state: ModuleStateDict = model.stateDict();
  const ok: boolean = gradCheck((t: Tensor) => relu(t), [[0.5, -1]]).ok;
  const t = tensor([[1, 2]]);
  const shape: readonly number[] = t.shape;
  const rows: number = shape[0];
  try {
    tensor([[1], [2, 3]]);
  } catch (e) {
    if (e instanceof NablaError) return e.fn.length;
  }
  return history.loss.length + value.item() + Object.keys(state.tensors).length + (ok ? 1 : 0) + rows;
}

// A fixed, seeded workload run both in Node and in a real browser.
// `exact` uses only IEEE basic operations (+ − × ÷ √) and the RNG's uniform streams, so it must
// match bit for bit on any conforming engine. `approx` goes through Math.exp/log/pow, whose last
// bit differs between V8 versions (Node 20's and current Chromium's), so it is compared to 1e-12.
export function run(n) {
  const rng = n.createRng(0);
  // exact: Linear → BatchNorm → ReLU → Linear, MSE, SGD with momentum and Nesterov.
  const model = new n.Sequential(new n.Linear(4, 8, { rng }), new n.BatchNorm(8), new n.ReLU(), new n.Linear(8, 3, { rng }));
  const opt = new n.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  const x = n.uniform([16, 4], { rng, low: -2, high: 2 });
  const target = n.uniform([16, 3], { rng, low: -1, high: 1 });
  const mse = [];
  for (let t = 0; t < 5; t++) {
    model.zeroGrad();
    const y = model.forward(x);
    mse.push(n.mseLoss(y, target).item());
    model.backward(n.mseLossBackward(y, target));
    opt.step();
  }
  const a = n.uniform([70, 90], { rng, low: -1, high: 1 });
  const b = n.uniform([90, 50], { rng, low: -1, high: 1 });
  const exact = {
    mse,
    params: model.parameters().map((p) => Array.from(p.data)),
    matmul: Array.from(n.matmul(a, b).data),
    variance: Array.from(n.variance(a, 0).data),
    permutation: rng.permutation(50),
  };
  // approx: softmax cross-entropy and Adam (exp, log, pow).
  const net = new n.Sequential(new n.Linear(4, 8, { rng }), new n.Tanh(), new n.Linear(8, 3, { rng }));
  const adam = new n.Adam(net.parameters(), { lr: 0.01 });
  const labels = Array.from({ length: 16 }, () => rng.integers(0, 3));
  const ce = [];
  for (let t = 0; t < 5; t++) {
    net.zeroGrad();
    const logits = net.forward(x);
    ce.push(n.crossEntropy(logits, labels).item());
    net.backward(n.crossEntropyBackward(logits, labels));
    adam.step();
  }
  const approx = { ce, params: net.parameters().map((p) => Array.from(p.data)), normal: Array.from(n.normal([50], { rng }).data) };
  return { exact, approx };
}

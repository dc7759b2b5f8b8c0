// `fit` in a real browser (scripts/browser-check.mjs), and the same seeded run in Node.
//
// trainFit: a seeded fit run whose history and parameters must equal Node's bit for bit (the data
// are exact, and the loss goes through nabla's own exp and log).
// responsiveness: while fit trains, requestAnimationFrame and a timer must keep firing, because fit
// yields to the event loop between batches; a synchronous loop of the same steps, as a control,
// lets no timer fire at all.

/**
 * The two spirals, without Math.cos/Math.sin or normal draws (whose last bits the engine chooses):
 * the angle advances by a fixed step, applied as a rotation with literal cos and sin, and the noise
 * is uniform. Every value is then the same on every engine.
 */
function spirals(n, rng) {
  const points = [];
  const labels = [];
  // cos and sin of 0.44 (the angle at r = 0.2) and of the step 6.6/200 (r advances by 3/200).
  let c = 0.9047516632199634;
  let s = 0.4259394650659996;
  const cd = 0.9994555494115813;
  const sd = 0.032994010826119816;
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const r = (i / n) * 3 + 0.2;
    const sign = cls === 0 ? 1 : -1; // + π for the second class
    points.push([sign * r * c + rng.uniform(-0.05, 0.05), sign * r * s + rng.uniform(-0.05, 0.05)]);
    labels.push(cls);
    const c2 = c * cd - s * sd;
    s = s * cd + c * sd;
    c = c2;
  }
  return { points, labels };
}

function setup(n) {
  const rng = n.createRng(3);
  const { points, labels } = spirals(200, rng);
  const model = new n.Sequential(new n.Linear(2, 16, { rng }), new n.Tanh(), new n.Linear(16, 16, { rng }), new n.Tanh(), new n.Linear(16, 2, { rng }));
  return { rng, x: n.tensor(points), labels, model, optimizer: new n.Adam(model.parameters(), { lr: 0.01 }) };
}

/** A seeded fit run: history and final parameters (plain arrays). */
export async function trainFit(n) {
  const { rng, x, labels, model, optimizer } = setup(n);
  const history = await n.fit(model, x, labels, { loss: 'crossEntropy', optimizer, epochs: 4, batchSize: 16, rng, validation: { x, y: labels } });
  return { history: { loss: history.loss, accuracy: history.accuracy, valLoss: history.valLoss, valAccuracy: history.valAccuracy }, params: model.parameters().map((p) => Array.from(p.data)) };
}

/**
 * Counts animation frames and timer ticks while fit trains (until both have fired 10 times, at most
 * 20 s), then while a synchronous loop runs the same kind of steps for 300 ms.
 */
export async function responsiveness(n, { requestAnimationFrame, setInterval, clearInterval }) {
  let frames = 0;
  let ticks = 0;
  let animating = true;
  const frame = () => {
    frames++;
    if (animating) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const timer = setInterval(() => ticks++, 5);
  const { rng, x, labels, model, optimizer } = setup(n);
  const t0 = performance.now();
  let batches = 0;
  const history = await n.fit(model, x, labels, {
    loss: 'crossEntropy', optimizer, epochs: 100000, batchSize: 8, rng,
    onBatchEnd: () => {
      batches++;
      return (frames >= 10 && ticks >= 10) || performance.now() - t0 > 20000 ? 'stop' : undefined;
    },
  });
  const during = { frames, ticks, batches, ms: performance.now() - t0, stopped: history.stopped };
  frames = 0;
  ticks = 0;
  const t1 = performance.now();
  let steps = 0;
  const bs = n.batches(x, labels, { batchSize: 8, shuffle: true, rng });
  while (performance.now() - t1 < 300) {
    const b = bs[steps++ % bs.length];
    model.zeroGrad();
    n.accumulateGrads(() => n.crossEntropy(model.forward(b.x), b.y), model.parameters());
    optimizer.step();
  }
  const control = { frames, ticks, steps, ms: performance.now() - t1 };
  animating = false;
  clearInterval(timer);
  return { during, control };
}

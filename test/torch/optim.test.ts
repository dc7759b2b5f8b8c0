// Optimizers, schedulers and gradient clipping against trajectories computed by real PyTorch
// (test/fixtures/torch/optim.json, written by scripts/fixtures/torch_optim.py).
import { describe, expect, it } from 'vitest';
import * as nabla from '../../src/index.js';
import { SGD, Tensor, clipGradNorm, clipGradValue, tensor } from '../../src/index.js';
import { decode, expectMatches, fromFix, loadFixture, type Enc, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/optim.json');

type AnyOpt = nabla.SGD | nabla.Adagrad | nabla.RMSprop | nabla.Adam | nabla.AdamW;
type OptCtor = new (p: Tensor[] | { params: Tensor[] }[], o?: object) => AnyOpt;
type SchedCtor = new (o: AnyOpt, options: object) => { step(): void };
const optimizers = nabla as unknown as Record<string, OptCtor>;
const schedulers = nabla as unknown as Record<string, SchedCtor>;

interface Case {
  name: string;
  class: string;
  options: object;
  groups: { params: number[]; options: object }[] | null;
  scheduler: { type: string; options: object } | null;
  sparse: boolean;
  lrs: number[][];
  trajectory: number[][][];
}

/** |a − e| ≤ rtol·|e| element by element (the tolerance of test/optim/optim.test.ts). */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e)) continue;
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + 1e-300)) expect.fail(`${label} [${i}]: ${a} vs ${e} (rel ${Math.abs(a - e) / Math.abs(e)})`);
  }
}

/** Runs a fixture case in nabla; `check(step, params)` is called after every step. */
function run(c: Case, check: (step: number, ps: Tensor[], opt: AnyOpt) => void): void {
  const ps = (fx.params0 as FixTensor[]).map(fromFix);
  const spec = c.groups === null ? ps : c.groups.map((g) => ({ params: g.params.map((i) => ps[i]), ...g.options }));
  const opt = new optimizers[c.class](spec, c.options);
  const sch = c.scheduler === null ? null : new schedulers[c.scheduler.type](opt, c.scheduler.options);
  const grads: number[][][] = c.sparse ? fx.gradsSparse : fx.grads;
  grads.forEach((step, k) => {
    expect(opt.paramGroups.map((g) => g.lr), `lr before step ${k + 1}`).toEqual(c.lrs[k]);
    opt.step(step.map((g, i) => new Tensor(Float64Array.from(g), ps[i].shape)));
    sch?.step();
    check(k, ps, opt);
  });
}

describe('20-step trajectories of torch.optim (1e-12 relative, as test/optim)', () => {
  for (const c of fx.cases as Case[]) {
    it(`${c.class}: ${c.name}`, () => {
      run(c, (k, ps) => ps.forEach((p, i) => close(p.data, c.trajectory[k][i], 1e-12, `step ${k + 1} param ${i}`)));
    });
  }
});

// The fixtures are generated with ATEN_CPU_CAPABILITY=default (scripts/fixtures/torch_common.py):
// ATen's portable kernels, no fused multiply-add. With them, PyTorch's SGD is nabla's to the bit.
describe('SGD is bit-identical to torch.optim.SGD', () => {
  for (const c of (fx.cases as Case[]).filter((x) => x.class === 'SGD')) {
    it(c.name, () => run(c, (k, ps) => ps.forEach((p, i) => expectMatches(p, new Tensor(Float64Array.from(c.trajectory[k][i]), p.shape), 0, 0, `step ${k + 1} param ${i}`))));
  }
});

// Adam/AdamW, Adagrad and RMSprop follow torch 1.13's loops operation for operation — the first
// moment as exp_avg.mul_(β1).add_(g, alpha=1 − β1), the update as addcdiv_ computes it,
// p + ((−s)·m)/denom, and β^t correctly rounded as C's pow (Python's `beta ** step`) — so with
// ATen's portable kernels the trajectories are PyTorch's to the bit.
describe('Adam, AdamW, Adagrad and RMSprop are bit-identical to torch.optim (1.13)', () => {
  for (const c of (fx.cases as Case[]).filter((x) => x.class !== 'SGD')) {
    it(`${c.class}: ${c.name}`, () => run(c, (k, ps) => ps.forEach((p, i) => expectMatches(p, new Tensor(Float64Array.from(c.trajectory[k][i]), p.shape), 0, 0, `step ${k + 1} param ${i}`))));
  }
});

// fx.casesDiverging: where nabla and PyTorch disagree by design or by a defect not fixed yet; each
// has a `why`. They are not run as matches. This test fails when one starts to match, so that the
// case can move to fx.cases.
describe('known divergences from torch.optim', () => {
  for (const c of fx.casesDiverging as (Case & { why: string })[]) {
    it(`${c.class}: ${c.name} still differs (${c.why})`, () => {
      let worst = 0;
      run(c, (k, ps) => ps.forEach((p, i) => p.data.forEach((a, j) => (worst = Math.max(worst, Math.abs(a - c.trajectory[k][i][j]))))));
      expect(worst).toBeGreaterThan(1e-3);
    });
  }
});

describe('learning-rate schedulers (torch.optim.lr_scheduler, 30 steps)', () => {
  for (const s of fx.schedulers as { type: string; options: object; base: number; lrs: number[] }[]) {
    it(`${s.type} ${JSON.stringify(s.options)}`, () => {
      const o = new SGD([tensor([1])], { lr: s.base });
      const sch = new schedulers[s.type](o, s.options);
      const got = [o.lr];
      for (let e = 1; e < s.lrs.length; e++) {
        sch.step();
        got.push(o.lr);
      }
      close(got, s.lrs, 1e-15, s.type);
    });
  }
});

interface ClipNorm {
  name: string;
  grads: (FixTensor | null)[];
  maxNorm: number;
  normType: Enc;
  totalNorm: Enc;
  clipped: (FixTensor | null)[];
}

function checkClipNorm(c: ClipNorm): void {
  const gs = c.grads.map((g) => (g === null ? null : fromFix(g)));
  const total = clipGradNorm(gs, c.maxNorm, decode(c.normType));
  const want = decode(c.totalNorm);
  if (!Object.is(total, want) && !(Math.abs(total - want) <= 1e-15 * Math.abs(want))) expect.fail(`total norm ${total}, expected ${want}`);
  gs.forEach((g, i) => {
    if (g === null) return;
    expectMatches(g, c.clipped[i] as FixTensor, 1e-15, 0, `grad ${i}`);
  });
}

describe('clip_grad_norm_ / clip_grad_value_', () => {
  // Norm types 2 and ±∞, and (issue 17, item 18) 1, 3, 0.5, 0 and −1: PyTorch accepts any p.
  for (const c of fx.clipNorm as ClipNorm[]) it(`clipGradNorm: ${c.name}`, () => checkClipNorm(c));
  for (const c of fx.clipValue as { name: string; grads: (FixTensor | null)[]; clip: number; clipped: (FixTensor | null)[] }[]) {
    it(`clipGradValue: ${c.name} (bit-identical, signed zeros included)`, () => {
      const gs = c.grads.map((g) => (g === null ? null : fromFix(g)));
      clipGradValue(gs, c.clip);
      gs.forEach((g, i) => g !== null && expectMatches(g, c.clipped[i] as FixTensor, 0, 0, `grad ${i}`));
    });
  }
});

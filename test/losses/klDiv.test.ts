import { describe, expect, it } from 'vitest';
import { gradCheck, klDiv, klDivBackward, logSoftmax, ShapeError, ValueError } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { checkTorchLoss, type TorchLossCase } from '../helpers/lossCases.js';

const cases = (loadFixture('torch/ops15.json').losses as TorchLossCase[]).filter((c) => c.name === 'klDiv');

describe('klDiv against PyTorch 1.13 (mean, batchmean, sum, none; logTarget; a zero target; base 2)', () => {
  it('covers every option', () => expect(cases.length).toBe(4));
  for (const c of cases) it(c.label, () => checkTorchLoss(c));
});

describe('the definition', () => {
  it("'batchmean' is KL(p‖q) per sample: Σ p log(p/q) / N", () => {
    const p = [[0.25, 0.75], [0.5, 0.5]];
    const q = [[0.5, 0.5], [0.9, 0.1]];
    const kl = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * Math.log(ai / b[i]), 0);
    const want = (kl(p[0], q[0]) + kl(p[1], q[1])) / 2;
    const logq = q.map((r) => r.map(Math.log));
    expect(klDiv(logq, p, { reduction: 'batchmean' }).item()).toBeCloseTo(want, 15);
    expect(klDiv(logq, p.map((r) => r.map(Math.log)), { reduction: 'batchmean', logTarget: true }).item()).toBeCloseTo(want, 15);
    expect(klDiv(logq, p, { reduction: 'mean' }).item()).toBeCloseTo(want / 2, 15);
    expect(klDiv(logq, p, { reduction: 'batchmean', base: 2 }).item()).toBeCloseTo(want / Math.LN2, 15);
  });
  it('KL(p‖p) = 0, with a zero entry in p (xlogy(0, 0) = 0)', () => {
    const p = [0.2, 0, 0.8];
    expect(klDiv(p.map(Math.log), p, { reduction: 'sum' }).item()).toBeNaN(); // log q = −∞ where p = 0: 0·−∞, as PyTorch
    expect(klDiv([Math.log(0.2), -50, Math.log(0.8)], p, { reduction: 'sum' }).item()).toBe(0);
  });
  it('special values: p > 0 with log q = −∞ is +∞; a negative target is NaN', () => {
    expect(klDiv([-Infinity], [0.5], { reduction: 'sum' }).item()).toBe(Infinity);
    expect(klDiv([-1], [-0.5], { reduction: 'sum' }).item()).toBeNaN();
  });
});

describe('gradCheck in float64', () => {
  const logq = logSoftmax([[0.3, -1.2, 0.8], [1.5, 0.2, -0.4]]).toArray() as number[][];
  const p = [[0.2, 0.5, 0.3], [0.6, 0, 0.4]];
  for (const o of [{}, { logTarget: true }, { base: 2 }]) {
    for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
      it(`${JSON.stringify(o)} ${reduction}`, () => {
        const t = 'logTarget' in o ? p.map((r) => r.map((v) => Math.log(v + 0.1))) : p;
        const opts = { ...o, reduction };
        const r = gradCheck({ forward: (a) => klDiv(a, t, opts), backward: (dy, a) => klDivBackward(a, t, { ...opts, dy }) }, [logq], { rtol: 1e-7, atol: 1e-9 });
        expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      });
    }
  }
});

describe('bad input', () => {
  it('reductions include batchmean; others are errors with a suggestion', () => {
    expect(() => klDiv([0], [1], { reduction: 'batchmaen' as never })).toThrow(/'mean', 'batchmean', 'sum' or 'none', got "batchmaen" \(did you mean 'batchmean'\?\)/);
    expect(() => klDiv([0], [1], { log_target: true } as never)).toThrow(/did you mean "logTarget"/);
    expect(() => klDiv([0], [1], { logTarget: 1 } as never)).toThrow(ValueError);
    expect(() => klDiv([0, 1], [1])).toThrow(ShapeError);
    expect(() => klDivBackward([0, 1], [1, 0], { reduction: 'batchmean', dy: [1, 2] })).toThrow(/options.dy must be a single number/);
  });
});

import { accumulateGrads, noGrad } from '../autograd/transforms.js';
import { accuracy } from '../data/accuracy.js';
import { batches } from '../data/batches.js';
import { ShapeError, ValueError, describe, formatShape, renamedError } from '../errors.js';
import type { Labels } from '../labels.js';
import { binaryCrossEntropy } from '../losses/binaryCrossEntropy.js';
import { binaryCrossEntropyWithLogits } from '../losses/binaryCrossEntropyWithLogits.js';
import { categoricalCrossEntropy } from '../losses/categoricalCrossEntropy.js';
import { crossEntropy } from '../losses/crossEntropy.js';
import { huberLoss } from '../losses/huberLoss.js';
import { klDiv } from '../losses/klDiv.js';
import { l1Loss } from '../losses/l1Loss.js';
import { logLikelihoodLoss } from '../losses/logLikelihoodLoss.js';
import { mseLoss } from '../losses/mseLoss.js';
import { multiMarginLoss } from '../losses/multiMarginLoss.js';
import { nllLoss } from '../losses/nllLoss.js';
import { smoothL1Loss } from '../losses/smoothL1Loss.js';
import type { Module } from '../nn/module.js';
import { resolveRng, type RandomOptions } from '../random/rng.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkChoice, checkFunction, checkInteger, checkOptions, checkRecord } from '../validate.js';

/**
 * The losses `fit` takes by name, each called as `loss(output, y)` with its defaults (mean
 * reduction). For other options, pass a function: `(out, y) => crossEntropy(out, y, { labelSmoothing: 0.1 })`.
 */
export type LossName =
  | 'crossEntropy'
  | 'nllLoss'
  | 'mseLoss'
  | 'binaryCrossEntropy'
  | 'binaryCrossEntropyWithLogits'
  | 'categoricalCrossEntropy'
  | 'logLikelihoodLoss'
  | 'multiMarginLoss'
  | 'l1Loss'
  | 'smoothL1Loss'
  | 'huberLoss'
  | 'klDiv';

/** A loss of the model's output and a batch's targets, returning one element (differentiated by autograd). */
export type LossFunction = (output: Tensor, y: Tensor) => Tensor;

/** The part of an `AbortSignal` that `fit` reads (any AbortSignal fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** What a progress callback may return: nothing, `'stop'` to end training early, or a promise of either. */
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/** Passed to `onBatchEnd` after each optimizer step. */
export interface BatchInfo {
  /** The epoch, from 1. */
  epoch: number;
  /** The batch within the epoch, from 1. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** This batch's loss (before the step). */
  loss: number;
  /** Rows in this batch. */
  size: number;
}

/** Passed to `onEpochEnd` after each epoch (and collected in {@link History}). */
export interface EpochInfo {
  /** The epoch, from 1. */
  epoch: number;
  /** `options.epochs`. */
  epochs: number;
  /** Mean training loss over the epoch's rows: each batch's loss, computed before its step, weighted by its rows. */
  loss: number;
  /** Fraction of the epoch's rows whose output was right, as trained (class-index targets only). */
  accuracy?: number;
  /** Loss on `options.validation`, in eval mode after the epoch. */
  valLoss?: number;
  /** Accuracy on `options.validation` (class-index targets only). */
  valAccuracy?: number;
  /** Wall-clock seconds the epoch took, validation included. */
  seconds: number;
}

/** What `fit` resolves to: one entry per completed epoch in each array (Keras' `History.history`). */
export interface History {
  /** Completed epochs, from 1. */
  epoch: number[];
  /** Mean training loss per epoch (see {@link EpochInfo.loss}). */
  loss: number[];
  /** Training accuracy per epoch; empty unless the targets are class indices. */
  accuracy: number[];
  /** Validation loss per epoch; empty without `options.validation`. */
  valLoss: number[];
  /** Validation accuracy per epoch; empty without `options.validation` or class-index targets. */
  valAccuracy: number[];
  /** Why training ended before `options.epochs`: a callback returned `'stop'`, or the signal was aborted. */
  stopped: 'callback' | 'signal' | null;
}

/** Options of {@link fit}. */
export interface FitOptions extends RandomOptions {
  /** A loss name ({@link LossName}) or a function `(output, y) => Tensor` of one element. */
  loss: LossName | LossFunction;
  /** Anything with `step()` that reads each parameter's `.grad`: `new Adam(model.parameters())`. */
  optimizer: { step(): unknown };
  /** Passes over the training data. */
  epochs: number;
  /** Rows per batch. Default 32. */
  batchSize?: number;
  /** Shuffle the rows every epoch (with `rng` or `seed`). Default true. */
  shuffle?: boolean;
  /** Skip a last batch smaller than `batchSize` (BatchNorm cannot train on one row). Default false. */
  dropLast?: boolean;
  /** Data evaluated after every epoch (in eval mode, without gradients): `valLoss`, `valAccuracy`. */
  validation?: { x: TensorLike; y: TensorLike | Labels };
  /** Called after each optimizer step; return `'stop'` to end training. */
  onBatchEnd?: (info: BatchInfo) => CallbackResult;
  /** Called after each epoch (after validation); return `'stop'` to end training. */
  onEpochEnd?: (info: EpochInfo) => CallbackResult;
  /** Ends training before the next batch once aborted (`AbortController#signal`). */
  signal?: AbortSignalLike;
}

// A function, not a module-level table: nothing here runs at import, so a bundle that does not use
// fit keeps none of these losses.
function namedLoss(fn: string, name: unknown): LossFunction {
  const known: LossName[] = [
    'crossEntropy', 'nllLoss', 'mseLoss', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits', 'categoricalCrossEntropy', 'logLikelihoodLoss',
    'multiMarginLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss', 'klDiv',
  ];
  switch (checkChoice(fn, 'options.loss', name, known)) {
    case 'crossEntropy':
      return (o, y) => crossEntropy(o, y);
    case 'nllLoss':
      return (o, y) => nllLoss(o, y);
    case 'mseLoss':
      return (o, y) => mseLoss(o, y);
    case 'binaryCrossEntropy':
      return (o, y) => binaryCrossEntropy(o, y);
    case 'binaryCrossEntropyWithLogits':
      return (o, y) => binaryCrossEntropyWithLogits(o, y);
    case 'categoricalCrossEntropy':
      return (o, y) => categoricalCrossEntropy(o, y);
    case 'logLikelihoodLoss':
      return (o, y) => logLikelihoodLoss(o, y);
    case 'multiMarginLoss':
      return (o, y) => multiMarginLoss(o, y);
    case 'l1Loss':
      return (o, y) => l1Loss(o, y);
    case 'smoothL1Loss':
      return (o, y) => smoothL1Loss(o, y);
    case 'huberLoss':
      return (o, y) => huberLoss(o, y);
    case 'klDiv':
      return (o, y) => klDiv(o, y);
  }
}

/**
 * Trains `model` on `(x, y)`: the loop every example writes by hand. For each epoch, the rows are
 * split into batches (shuffled by default); for each batch the model's gradients are zeroed, the
 * loss of its output is differentiated by autograd into every parameter's `.grad`, and the
 * optimizer steps. Resolves to the per-epoch {@link History}.
 *
 * Between batches `fit` yields to the event loop (a macrotask: timers, input and rendering run), so
 * a browser page stays responsive while it trains. It ends early when a callback returns `'stop'`
 * or `options.signal` is aborted; the model keeps every step taken.
 *
 * Before anything changes, the options, the row counts and one batch of the data (a forward and
 * the loss, in eval mode, without gradients) are checked, so bad input throws with the model and
 * optimizer untouched. An error during training names where it happened (`fit [epoch 2, batch 7]
 * Sequential[1] Linear.forward: …`). The model is left in the mode it was in.
 * @example
 * const history = await fit(model, x, labels, { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 20, seed: 0 });
 * history.accuracy.at(-1); // training accuracy of the last epoch
 */
export async function fit(model: Module, x: TensorLike, y: TensorLike | Labels, options: FitOptions): Promise<History> {
  const fn = 'fit';
  if (model === null || typeof model !== 'object' || typeof model.forward !== 'function' || typeof model.parameters !== 'function' || typeof model.train !== 'function') {
    throw new ValueError(fn, `model is ${describe(model)} (expected a Module: forward, parameters, train, eval)`);
  }
  const o = checkOptions<FitOptions>(fn, options, [
    'loss', 'optimizer', 'epochs', 'batchSize', 'shuffle', 'dropLast', 'rng', 'seed', 'validation', 'onBatchEnd', 'onEpochEnd', 'signal',
  ]);
  if (o.loss === undefined) throw new ValueError(fn, `options.loss is required (a loss name such as 'crossEntropy', or a function (output, y) => Tensor)`);
  const lossFn: LossFunction = typeof o.loss === 'function' ? o.loss : namedLoss(fn, o.loss);
  const optimizer = o.optimizer;
  if (optimizer === undefined) throw new ValueError(fn, 'options.optimizer is required (such as new Adam(model.parameters()))');
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function') {
    throw new ValueError(fn, `options.optimizer is ${describe(optimizer)} (expected an optimizer with step())`);
  }
  if (o.epochs === undefined) throw new ValueError(fn, 'options.epochs is required (a positive integer)');
  const epochs = checkInteger(fn, 'options.epochs', o.epochs);
  const batchSize = checkInteger(fn, 'options.batchSize', o.batchSize ?? 32);
  const shuffle = checkBoolean(fn, 'options.shuffle', o.shuffle ?? true);
  const dropLast = checkBoolean(fn, 'options.dropLast', o.dropLast ?? false);
  const onBatchEnd = o.onBatchEnd === undefined ? undefined : checkFunction<(info: BatchInfo) => CallbackResult>(fn, 'options.onBatchEnd', o.onBatchEnd);
  const onEpochEnd = o.onEpochEnd === undefined ? undefined : checkFunction<(info: EpochInfo) => CallbackResult>(fn, 'options.onEpochEnd', o.onEpochEnd);
  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    throw new ValueError(fn, `options.signal is ${describe(signal)} (expected an AbortSignal)`);
  }
  // A given rng or seed is checked even without shuffling; without either, the default generator.
  const rng = shuffle || o.rng !== undefined || o.seed !== undefined ? resolveRng(fn, o) : null;

  const X = asTensor(x, fn, 'x');
  const Y = targets(fn, 'y', y);
  const N = rows(fn, 'x', 'y', X, Y);
  if (N === 0) throw new ValueError(fn, 'x has no rows (expected at least one row to train on)');
  if (dropLast && N < batchSize) throw new ValueError(fn, `options.dropLast with batchSize ${batchSize} leaves no batch of the ${N} rows (expected batchSize ≤ ${N})`);
  let val: { x: Tensor; y: Tensor } | null = null;
  if (o.validation !== undefined) {
    const v = checkRecord(fn, 'options.validation', o.validation, ['x', 'y']);
    if (v.x === undefined || v.y === undefined) throw new ValueError(fn, 'options.validation needs both x and y');
    val = { x: asTensor(v.x, fn, 'options.validation.x'), y: targets(fn, 'options.validation.y', v.y) };
    if (rows(fn, 'options.validation.x', 'options.validation.y', val.x, val.y) === 0) throw new ValueError(fn, 'options.validation.x has no rows (expected at least one)');
  }
  const params = model.parameters();
  const wasTraining = model.training;

  // One batch through the model and the loss, in eval mode and unrecorded (nothing changes), so
  // that a shape or label error surfaces before any step; it also tells whether accuracy applies.
  const probe = (where: string, px: Tensor, py: Tensor): Tensor => {
    const n = Math.min(batchSize, px.shape[0]);
    const bx = firstRows(px, n);
    const by = firstRows(py, n);
    try {
      model.eval();
      const out = noGrad(() => model.forward(bx));
      checkOutput(fn, out, n);
      checkLoss(fn, noGrad(() => lossFn(out, by)));
      return out;
    } catch (e) {
      throw located(e, where);
    } finally {
      if (wasTraining) model.train();
    }
  };
  const probeOut = probe('[first batch]', X, Y);
  const trackAccuracy = isClassIndex(Y, probeOut);
  const valAccuracy = val !== null && isClassIndex(val.y, probe('[validation]', val.x, val.y));

  const history: History = { epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], stopped: null };
  if (signal?.aborted) {
    history.stopped = 'signal';
    return history;
  }
  const pause = yielder();
  try {
    model.train();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      const list = shuffle && rng !== null ? batches(X, Y, { batchSize, dropLast, shuffle, rng }) : batches(X, Y, { batchSize, dropLast });
      let lossSum = 0;
      let hits = 0;
      let seen = 0;
      for (let b = 0; b < list.length; b++) {
        if (b > 0 || epoch > 1) await pause.next();
        if (signal?.aborted) {
          history.stopped = 'signal';
          return history;
        }
        const { x: bx, y: by } = list[b];
        const size = bx.shape[0];
        let loss: number;
        let out = null as Tensor | null;
        try {
          model.zeroGrad();
          const value = accumulateGrads(() => {
            out = model.forward(bx);
            return checkLoss(fn, lossFn(out, by));
          }, params);
          loss = value.data[0];
          if (trackAccuracy && out !== null) hits += Math.round(accuracy(out, by) * size);
          optimizer.step();
        } catch (e) {
          throw located(e, `[epoch ${epoch}, batch ${b + 1}]`);
        }
        lossSum += loss * size;
        seen += size;
        if (onBatchEnd !== undefined && (await callback(fn, 'onBatchEnd', onBatchEnd, { epoch, batch: b + 1, batches: list.length, loss, size })) === 'stop') {
          history.stopped = 'callback';
          return history;
        }
      }
      const info: EpochInfo = { epoch, epochs, loss: lossSum / seen, seconds: 0 };
      if (trackAccuracy) info.accuracy = hits / seen;
      if (val !== null) {
        const v = val;
        model.eval();
        try {
          const out = noGrad(() => model.forward(v.x));
          info.valLoss = noGrad(() => lossFn(out, v.y)).data[0];
          if (valAccuracy) info.valAccuracy = accuracy(out, v.y);
        } catch (e) {
          throw located(e, `[epoch ${epoch}, validation]`);
        } finally {
          model.train();
        }
      }
      info.seconds = (performance.now() - t0) / 1000;
      history.epoch.push(epoch);
      history.loss.push(info.loss);
      if (info.accuracy !== undefined) history.accuracy.push(info.accuracy);
      if (info.valLoss !== undefined) history.valLoss.push(info.valLoss);
      if (info.valAccuracy !== undefined) history.valAccuracy.push(info.valAccuracy);
      if (onEpochEnd !== undefined && (await callback(fn, 'onEpochEnd', onEpochEnd, info)) === 'stop') {
        history.stopped = 'callback';
        return history;
      }
    }
    return history;
  } finally {
    pause.close();
    if (!wasTraining) model.eval();
  }
}

/** Targets as a Tensor: an Int32Array of labels becomes a 1-D tensor of its values. */
function targets(fn: string, arg: string, y: unknown): Tensor {
  if (y instanceof Int32Array) return new Tensor(Float64Array.from(y), [y.length]);
  return asTensor(y, fn, arg);
}

function rows(fn: string, xArg: string, yArg: string, X: Tensor, Y: Tensor): number {
  if (X.rank < 1 || Y.rank < 1 || X.shape[0] !== Y.shape[0]) {
    throw new ShapeError(fn, `${xArg} has shape ${formatShape(X.shape)} and ${yArg} has shape ${formatShape(Y.shape)} (they must have the same number of rows)`);
  }
  return X.shape[0];
}

function firstRows(t: Tensor, n: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.slice(0, n * row), [n, ...t.shape.slice(1)]);
}

function checkOutput(fn: string, out: unknown, n: number): void {
  if (!(out instanceof Tensor)) throw new ValueError(fn, `model.forward returned ${describe(out)} (expected a Tensor)`);
  if (out.rank < 1 || out.shape[0] !== n) {
    throw new ShapeError(fn, `model.forward returned shape ${formatShape(out.shape)} for a batch of ${n} rows (expected ${n} rows of output)`);
  }
}

function checkLoss(fn: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new ValueError(fn, `options.loss returned ${describe(value)} (expected a Tensor)`);
  if (value.size !== 1) {
    throw new ValueError(fn, `options.loss returned shape ${formatShape(value.shape)} (expected one element: a 'mean' or 'sum' reduction)`);
  }
  return value;
}

/** Accuracy applies to class-index targets: 1-D integers in [0, C) against an output of shape [N, C], C ≥ 2. */
function isClassIndex(Y: Tensor, out: Tensor): boolean {
  if (Y.rank !== 1 || out.rank !== 2 || out.shape[1] < 2) return false;
  const C = out.shape[1];
  for (let i = 0; i < Y.size; i++) {
    const v = Y.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= C) return false;
  }
  return true;
}

async function callback<I>(fn: string, name: string, f: (info: I) => CallbackResult, info: I): Promise<'stop' | undefined> {
  const r: unknown = await f(info);
  if (r !== undefined && r !== 'stop') throw new ValueError(fn, `options.${name} returned ${describe(r)} (expected nothing, or 'stop' to end training)`);
  return r;
}

/** A NablaError from inside the loop, with where it happened in front of its function name. */
function located(e: unknown, where: string): unknown {
  return renamedError(e, (x) => (x.fn === 'fit' ? `fit ${where}` : `fit ${where} ${x.fn}`));
}

/**
 * A yield to the event loop as a macrotask, so timers, input and rendering get their turn:
 * `setImmediate` where it exists (Node), else a MessageChannel (browsers, workers: not throttled
 * like nested `setTimeout`), else `setTimeout(0)`.
 */
function yielder(): { next(): Promise<void>; close(): void } {
  const g = globalThis as {
    setImmediate?: (cb: () => void) => unknown;
    MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(m: unknown): void; close(): void } };
  };
  const setImmediate = g.setImmediate;
  if (typeof setImmediate === 'function') return { next: () => new Promise<void>((r) => void setImmediate(r)), close: () => undefined };
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return {
      next: () =>
        new Promise<void>((r) => {
          waiting.push(r);
          channel.port2.postMessage(null);
        }),
      close: () => {
        channel.port1.close();
        channel.port2.close();
      },
    };
  }
  return { next: () => new Promise<void>((r) => void setTimeout(r, 0)), close: () => undefined };
}

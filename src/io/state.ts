import { ValueError, describe } from '../errors.js';
import { decodeFloat64, encodeFloat64 } from '../base64.js';
import type { ModuleBase, ModuleStateDict } from '../nn/module.js';
import type { AnyOptimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { toBytes } from './bytes.js';
import { parseStrictJson } from './json.js';
import { DEFAULT_MAX_BYTES } from './limits.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';


/**
 * A model's (and optionally an optimizer's) state in one safetensors file: the model's tensors as
 * `model.<name>`, the optimizer's buffers as `optimizer.<param index>.<buffer>` (float64, exact),
 * and everything else — counters, step counts, hyperparameters — as JSON in the metadata
 * (`nabla.model`, `nabla.optimizer`). Other tools see ordinary named tensors.
 * @example const bytes = saveState(model, opt); … loadState(bytes, model, opt);
 */
export function saveState(model: ModuleBase, optimizer?: AnyOptimizer, options?: { metadata?: Record<string, string> }): Uint8Array {
  const fn = 'saveState';
  if (model === null || typeof model !== 'object' || typeof (model as ModuleBase).stateDict !== 'function') {
    throw new ValueError(fn, `model must be a module with stateDict(), got ${describe(model)}`);
  }
  const md = model.stateDict();
  const tensors: Record<string, Tensor> = {};
  for (const [k, e] of Object.entries(md.tensors)) {
    const size = e.shape.reduce((a, c) => a * c, 1);
    tensors[`model.${k}`] = new Tensor(decodeFloat64(fn, k, e.data, size), e.shape);
  }
  const metadata: Record<string, string> = { ...(options?.metadata ?? {}), 'nabla.model': JSON.stringify({ scalars: md.scalars }) };
  if (optimizer !== undefined) {
    const od = optimizer.stateDict();
    const params = optimizer.params;
    const state = od.state.map((s, i) => {
      if (s === null) return null;
      for (const [b, text] of Object.entries(s.buffers)) tensors[`optimizer.${i}.${b}`] = new Tensor(decodeFloat64(fn, b, text, params[i].size), params[i].shape);
      return { step: s.step, buffers: Object.keys(s.buffers), scalars: s.scalars };
    });
    metadata['nabla.optimizer'] = JSON.stringify({ ...od, state });
  }
  return writeSafetensors(tensors, { metadata });
}

/**
 * Restores what {@link saveState} wrote into `model` (and `optimizer`). Both are validated by their
 * own `loadStateDict`; if the optimizer's state is rejected after the model's was applied, the
 * model is put back, so a failed load changes nothing.
 */
export function loadState(bytes: Uint8Array | ArrayBuffer, model: ModuleBase, optimizer?: AnyOptimizer): void {
  const fn = 'loadState';
  // saveState writes float64 only, so a file it wrote never decodes to more bytes than it has.
  const b = toBytes(fn, bytes);
  const { tensors, metadata } = readSafetensors(b, { maxBytes: Math.max(DEFAULT_MAX_BYTES, b.length) });
  const modelMeta = metadata['nabla.model'];
  if (modelMeta === undefined) throw new ValueError(fn, 'the file has no nabla.model metadata (not written by saveState)');
  const mm = parseStrictJson(fn, 'nabla.model metadata', modelMeta) as { scalars?: Record<string, number> };
  const md: ModuleStateDict = { format: 'nabla.module', version: 1, tensors: {}, scalars: { ...(mm?.scalars ?? {}) } };
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) md.tensors[k.slice(6)] = { shape: t.shape.slice(), data: encodeFloat64(t.data) };
  }
  let od: OptimizerStateDict | null = null;
  if (optimizer !== undefined) {
    const text = metadata['nabla.optimizer'];
    if (text === undefined) throw new ValueError(fn, 'the file has no optimizer state (saveState was called without an optimizer)');
    const parsed = parseStrictJson(fn, 'nabla.optimizer metadata', text) as Record<string, any>;
    const state = Array.isArray(parsed?.state) ? parsed.state : null;
    if (state === null) throw new ValueError(fn, 'nabla.optimizer metadata has no state array');
    od = {
      ...parsed,
      groups: Array.isArray(parsed.groups) ? parsed.groups.map((g: object) => ({ ...g })) : parsed.groups,
      state: state.map((s: any, i: number) => {
        if (s === null) return null;
        if (typeof s !== 'object' || !Array.isArray(s.buffers)) throw new ValueError(fn, `optimizer state ${i} is malformed`);
        const buffers: Record<string, string> = {};
        for (const name of s.buffers) {
          if (typeof name !== 'string') throw new ValueError(fn, `optimizer state ${i} names a buffer ${describe(name)} (expected a string)`);
          const t = tensors[`optimizer.${i}.${name}`];
          if (t === undefined) throw new ValueError(fn, `optimizer buffer optimizer.${i}.${name} is missing`);
          buffers[name] = encodeFloat64(t.data);
        }
        return { step: s.step, buffers, scalars: { ...(s.scalars ?? {}) } };
      }),
    } as OptimizerStateDict;
  }
  const before = model.stateDict();
  model.loadStateDict(md);
  if (optimizer !== undefined && od !== null) {
    try {
      optimizer.loadStateDict(od);
    } catch (e) {
      model.loadStateDict(before);
      throw e;
    }
  }
}

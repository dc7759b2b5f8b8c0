import { ValueError, describe } from '../errors.js';
import type { ModuleBase, ModuleStateDict } from '../nn/module.js';
import type { AnyOptimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { toBytes } from './bytes.js';
import { checkOptions } from '../validate.js';
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
  const o = checkOptions<{ metadata?: Record<string, string> }>(fn, options, ['metadata']);
  const md = model.stateDict();
  const tensors: Record<string, Tensor> = {};
  for (const [k, e] of Object.entries(md.tensors)) tensors[`model.${k}`] = new Tensor(e.data as Float64Array, e.shape);
  const modelMeta = md.versions === undefined ? { scalars: md.scalars } : { scalars: md.scalars, versions: md.versions };
  const metadata: Record<string, string> = { ...(o.metadata ?? {}), 'nabla.model': JSON.stringify(modelMeta) };
  if (optimizer !== undefined) {
    const od = optimizer.stateDict();
    const params = optimizer.params;
    const state = od.state.map((s, i) => {
      if (s === null) return null;
      for (const [b, data] of Object.entries(s.buffers)) tensors[`optimizer.${i}.${b}`] = new Tensor(data as Float64Array, params[i].shape);
      const scalars = Object.fromEntries(Object.entries(s.scalars).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? String(v) : v]));
      return { step: s.step, buffers: Object.keys(s.buffers), scalars };
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
  const mm = parseStrictJson(fn, 'nabla.model metadata', modelMeta) as { scalars?: Record<string, number>; versions?: Record<string, number> };
  const md: ModuleStateDict = { format: 'nabla.module', version: 1, tensors: {}, scalars: { ...(mm?.scalars ?? {}) } };
  if (mm?.versions !== undefined) md.versions = mm.versions;
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) md.tensors[k.slice(6)] = { shape: t.shape.slice(), data: t.data };
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
        const buffers: Record<string, Float64Array> = {};
        for (const b of s.buffers) {
          if (typeof b !== 'string') throw new ValueError(fn, `optimizer state ${i} names a buffer ${describe(b)} (expected a buffer name)`);
          const t = tensors[`optimizer.${i}.${b}`];
          if (t === undefined) throw new ValueError(fn, `optimizer buffer optimizer.${i}.${b} is missing`);
          buffers[b] = t.data;
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

import type { Tensor } from '../tensor/tensor.js';

/**
 * The recording tape: the small part of autograd that every differentiable op imports.
 *
 * Outside a transform (`valueAndGrad`, `grad`, `vjp`, `accumulateGrads`) `recording.tape` is null
 * and an op pays one comparison: `if (recording.tape !== null) record(…)`. Inside one, an op whose
 * inputs include a tracked tensor (an argument of the transform, or the output of an op that
 * depended on one) appends a node — its inputs, its output, and a closure calling the op's existing
 * backward function with what it needs — and marks its output tracked. Ops on constants only
 * record nothing. The tape lives as long as the transform (or the `vjp` result) that made it:
 * nothing is attached to tensors, so there is nothing to dispose.
 */

/**
 * The backward of one recorded op: given dL/d(output), the gradient for each input in order
 * (`null` for an input that has none — an integer index, a target, a constant).
 */
export type BackwardFn = (dy: Tensor) => readonly (Tensor | null | undefined)[];

/** One recorded op. @internal */
export interface TapeNode {
  readonly inputs: readonly (Tensor | null)[];
  readonly output: Tensor;
  readonly backward: BackwardFn;
  /** The op's name, for error messages (`"matmul"`). */
  readonly op: string;
}

/** The ops recorded by one transform, in execution order. @internal */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Tensors whose value depends on a leaf (the leaves included). */
  readonly tracked = new Set<Tensor>();
}

/**
 * The recording state. `tape` is the tape ops record on (null outside transforms and inside
 * `noGrad`); `active` counts running transforms, so that a transform started inside another —
 * a higher-order derivative nabla does not compute — is refused rather than silently wrong.
 * @internal
 */
export const recording: { tape: Tape | null; active: number } = { tape: null, active: 0 };

/**
 * Records `output = op(inputs)` on the current tape when at least one input is tracked. Call it
 * only after testing `recording.tape !== null` (so untracked code never builds the closure).
 * @internal
 */
export function record(op: string, output: Tensor, inputs: readonly (Tensor | null)[], backward: BackwardFn): void {
  const tape = recording.tape;
  if (tape === null) return;
  let tracked = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t !== null && tape.tracked.has(t)) {
      tracked = true;
      break;
    }
  }
  if (!tracked) return;
  tape.tracked.add(output);
  tape.nodes.push({ inputs, output, backward, op });
}

/** Whether `t` is tracked by the running transform (false outside transforms). @internal */
export function isTracked(t: Tensor): boolean {
  return recording.tape !== null && recording.tape.tracked.has(t);
}

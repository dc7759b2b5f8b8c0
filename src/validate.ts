import { ValueError, describe } from './errors.js';

/**
 * Argument and option validation: the one place every public function checks what it was given.
 *
 * Every check throws a ValueError whose message names the function, the argument, what it got and
 * what was expected (`SGD: momentum must be a non-negative finite number, got -1`), and returns the
 * value on success, so a check reads as an assignment: `const lr = checkNumber(fn, 'lr', o.lr ?? 1e-3, 'nonneg')`.
 * @internal
 */

/**
 * Reads an options argument against the keys the function knows.
 *
 * - `undefined` and `null` mean "no options" (`{}`).
 * - Anything but a plain object (an array, a Map, a Tensor, a number…) is a ValueError.
 * - A key that is not in `known` is a ValueError that suggests the closest known key
 *   (`Adam: options has an unknown key "learningRate" (did you mean "lr"?)`) — a misspelled option
 *   must never be silently ignored.
 * - A key whose value is `null` reads as omitted, unless it is listed in `nullable` (where null has a
 *   meaning of its own, such as BatchNorm's `momentum: null`).
 *
 * Returns a fresh object holding only own, known keys (so later writes cannot reach the caller's).
 * @internal
 */
export function checkOptions<T extends object>(fn: string, options: unknown, known: readonly string[], nullable: readonly string[] = [], what = 'options'): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options) || !isPlainObject(options)) {
    throw new ValueError(fn, `${what} must be a plain object, got ${describe(options)}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ValueError(fn, unknownKeyMessage(what, key, known));
    const v = (options as Record<string, unknown>)[key];
    if (v === null && !nullable.includes(key)) continue;
    out[key] = v;
  }
  return out as Partial<T>;
}

/** The message for an unknown key, with a suggestion when one is close. @internal */
export function unknownKeyMessage(what: string, key: string, known: readonly string[]): string {
  const guess = closestName(key, known);
  const hint = guess !== undefined ? `did you mean ${JSON.stringify(guess)}?` : known.length === 0 ? `${what} takes no keys` : `known keys: ${known.join(', ')}`;
  return `${what} has an unknown key ${JSON.stringify(key)} (${hint})`;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Names people reach for from other libraries, mapped to nabla's: PyTorch's snake_case is handled
 * by normalization, these are the other spellings (Keras' `learning_rate`, `epsilon`, …).
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  lr: ['learningrate', 'rate', 'stepsize'],
  eps: ['epsilon'],
  reduction: ['reduce', 'sizeaverage'],
  betas: ['beta1', 'beta2', 'beta'],
  weightDecay: ['decay', 'wd', 'l2', 'lambda'],
  rtol: ['tol', 'tolerance', 'reltol', 'relativetolerance'],
  atol: ['abstol', 'absolutetolerance'],
  keepDims: ['keepdim'],
  axis: ['dim'],
  seed: ['randomseed', 'randomstate'],
  momentum: ['beta1'],
  numClasses: ['classes', 'nclasses'],
  negativeSlope: ['slope', 'alpha'],
};

/**
 * The known name closest to `name`: an exact match after ignoring case and `_`/`-` (so
 * `weight_decay` finds `weightDecay`), a known alias (`learningRate` → `lr`), a prefix either way
 * (`meta` → `metadata`), or the nearest by edit distance when that distance is small for the name's
 * length. Undefined when nothing is close.
 * @internal
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const n = norm(name);
  for (const k of known) if (norm(k) === n) return k;
  for (const k of known) if ((ALIASES[k] ?? []).includes(n)) return k;
  // A clipped or extended form (`meta` for `metadata`, `reduce` for `reduction`) wins over mere
  // similarity; among several (`expAvgSqq` extends both expAvg and expAvgSq), the nearest.
  const clipped = (k: string) => n.length >= 3 && (norm(k).startsWith(n) || (n.startsWith(norm(k)) && norm(k).length >= 3));
  let best: string | undefined;
  let bestD = Infinity;
  let bestClipped = false;
  for (const k of known) {
    const c = clipped(k);
    const d = editDistance(n, norm(k));
    if ((c && !bestClipped) || (c === bestClipped && d < bestD)) {
      bestD = d;
      best = k;
      bestClipped = c;
    }
  }
  const limit = n.length <= 3 ? 1 : n.length <= 6 ? 2 : 3;
  return bestClipped || bestD <= limit ? best : undefined;
}

/** Optimal-string-alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) {
    d.push(new Array<number>(n + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[m][n];
}

/**
 * What a number must be:
 * - `'finite'`: any finite number; `'any'`: any number (NaN and ±∞ included);
 * - `'nonneg'`: finite and ≥ 0; `'pos'`: finite and > 0;
 * - `'unit'`: in [0, 1) (a decay rate such as β); `'prob'`: in [0, 1] (a probability).
 * @internal
 */
export type NumberRule = 'finite' | 'any' | 'nonneg' | 'pos' | 'unit' | 'prob';

const EXPECTED: Record<NumberRule, string> = {
  finite: 'a finite number',
  any: 'a number',
  nonneg: 'a non-negative finite number',
  pos: 'a positive finite number',
  unit: 'a number in [0, 1)',
  prob: 'a number in [0, 1]',
};

function passes(v: number, rule: NumberRule): boolean {
  switch (rule) {
    case 'any':
      return true;
    case 'finite':
      return Number.isFinite(v);
    case 'nonneg':
      return Number.isFinite(v) && v >= 0;
    case 'pos':
      return Number.isFinite(v) && v > 0;
    case 'unit':
      return v >= 0 && v < 1;
    default:
      return v >= 0 && v <= 1;
  }
}

/** Checks that `value` is a number obeying `rule` (default finite) and returns it. @internal */
export function checkNumber(fn: string, name: string, value: unknown, rule: NumberRule = 'finite'): number {
  if (typeof value !== 'number' || !passes(value, rule)) throw new ValueError(fn, `${name} must be ${EXPECTED[rule]}, got ${describe(value)}`);
  return value;
}

/**
 * Checks that `value` is a number passing a custom test, with the expectation in words; for the
 * rare ranges the named rules do not cover. @internal
 */
export function checkNumberWhere(fn: string, name: string, value: unknown, expected: string, test: (v: number) => boolean): number {
  if (typeof value !== 'number' || !test(value)) throw new ValueError(fn, `${name} must be ${expected}, got ${describe(value)}`);
  return value;
}

/** Checks that `value` is a safe integer ≥ `min` (default 1: "a positive integer") and returns it. @internal */
export function checkInteger(fn: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new ValueError(fn, `${name} must be ${expected}, got ${describe(value)}`);
  }
  return value;
}

/** Checks that `value` is a boolean and returns it. @internal */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(fn, `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** Checks that `value` is a function and returns it. @internal */
export function checkFunction<F extends (...args: any[]) => unknown>(fn: string, name: string, value: unknown, what = 'a function'): F {
  if (typeof value !== 'function') throw new ValueError(fn, `${name} must be ${what}, got ${describe(value)}`);
  return value as F;
}

/**
 * Checks that `value` is one of `choices` (compared with ===) and returns it; a near miss is named
 * (`reduction must be 'mean', 'sum' or 'none', got "meen" (did you mean 'mean'?)`). @internal
 */
export function checkChoice<T extends string | number | boolean | null>(fn: string, name: string, value: unknown, choices: readonly T[]): T {
  if (choices.includes(value as T)) return value as T;
  const list = choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c)));
  const words = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
  const strings = choices.filter((c): c is T & string => typeof c === 'string');
  const guess = typeof value === 'string' ? closestName(value, strings) : undefined;
  throw new ValueError(fn, `${name} must be ${words}, got ${describe(value)}${guess !== undefined ? ` (did you mean '${guess}'?)` : ''}`);
}

/**
 * An own-keys-only copy of a plain object from untrusted data (a state dict, a file's metadata):
 * unknown keys (including `__proto__`) are errors, and the copy has no prototype. @internal
 */
export function checkRecord(fn: string, what: string, value: unknown, allowed: readonly string[]): Record<string, any> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValueError(fn, `${what} must be an object, got ${describe(value)}`);
  if (!isPlainObject(value)) throw new ValueError(fn, `${what} must be a plain object, got ${describe(value)}`);
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ValueError(fn, `${what} has an unexpected key ${JSON.stringify(key)}`);
    out[key] = (value as Record<string, unknown>)[key];
  }
  return out;
}

import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridedOffsets } from './shape.js';
import { record, recording } from '../autograd/tape.js';
import { checkNumberWhere } from '../validate.js';
import { sumTo } from './reduce.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { expInto, expm1Into, log1pInto, logInto } from '../kernels/arrays.js';

// Operation codes for the shared row kernel. The switch runs once per contiguous row, never per element.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAXIMUM = 5;
const MINIMUM = 6;
// Comparisons: 0/1 results, no gradient.
const EQUAL = 7;
const GREATER = 8;
const GREATER_EQUAL = 9;
const LESS = 10;
const LESS_EQUAL = 11;

/**
 * Elementwise a + b with NumPy broadcasting.
 * @example add([[1], [2]], [10, 20]).toArray(); // => [[11, 21], [12, 22]]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('add', ADD, a, b);
}

/** Elementwise a − b with NumPy broadcasting. @example sub([3, 4], 1).toArray(); // => [2, 3] */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('sub', SUB, a, b);
}

/** Elementwise a · b with NumPy broadcasting. @example mul([1, 2], [3, 4]).toArray(); // => [3, 8] */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', MUL, a, b);
}

/** Elementwise a / b (IEEE: 1/0 = ∞, 0/0 = NaN) with NumPy broadcasting. @example div([1, 1], [2, 0]).toArray(); // => [0.5, Infinity] */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary('div', DIV, a, b);
}

/**
 * Elementwise a^b with NumPy broadcasting and NumPy's (C99 `pow`) special cases: `pow(1, NaN) = 1`
 * and `pow(−1, ±∞) = 1`, where JavaScript's `Math.pow` gives NaN. A negative base with a
 * non-integer exponent is NaN.
 * @example pow([2, 9], [3, 0.5]).toArray(); // => [8, 3]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary('pow', POW, a, b);
}

/**
 * Elementwise maximum with NumPy's rule `(a > b || isNaN(a)) ? a : b`: NaN propagates, and for
 * equal values (such as −0 and +0) the second argument is returned.
 * @example maximum([1, 5], [3, 2]).toArray(); // => [3, 5]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('maximum', MAXIMUM, a, b);
}

/**
 * Elementwise minimum with NumPy's rule `(a < b || isNaN(a)) ? a : b` (NaN propagates; ties give b).
 * @example minimum([1, 5], [3, 2]).toArray(); // => [1, 2]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('minimum', MINIMUM, a, b);
}

/**
 * Elementwise a == b as 1 or 0, with NumPy broadcasting (NaN equals nothing). Comparisons have no
 * gradient: they are constants to autograd.
 * @example equal([1, 2], [1, 3]).toArray(); // => [1, 0]
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return binary('equal', EQUAL, a, b);
}

/** Elementwise a > b as 1 or 0, with broadcasting. @example greater([1, 3], 2).toArray(); // => [0, 1] */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return binary('greater', GREATER, a, b);
}

/** Elementwise a ≥ b as 1 or 0, with broadcasting. @example greaterEqual([1, 2], 2).toArray(); // => [0, 1] */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return binary('greaterEqual', GREATER_EQUAL, a, b);
}

/** Elementwise a < b as 1 or 0, with broadcasting. @example less([1, 3], 2).toArray(); // => [1, 0] */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return binary('less', LESS, a, b);
}

/** Elementwise a ≤ b as 1 or 0, with broadcasting. @example lessEqual([2, 3], 2).toArray(); // => [1, 0] */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return binary('lessEqual', LESS_EQUAL, a, b);
}

function binary(fn: string, op: number, a: TensorLike, b: TensorLike): Tensor {
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const Y = binaryKernel(fn, op, A, B);
  if (op < EQUAL && recording.tape !== null) record(fn, Y, [A, B], (dy) => binaryBackward(op, dy, A, B, Y));
  return Y;
}

function binaryKernel(fn: string, op: number, A: Tensor, B: Tensor): Tensor {
  if (sameShape(A.shape, B.shape)) {
    const out = new Float64Array(A.size);
    rowKernel(op, out, 0, A.data, 0, 1, B.data, 0, 1, A.size);
    return new Tensor(out, A.shape);
  }
  const shape = broadcastShapes(fn, A.shape, B.shape);
  const size = shapeSize(shape);
  const out = new Float64Array(size);
  if (size === 0) return new Tensor(out, shape);
  if (B.size === 1 && B.rank <= A.rank) {
    rowKernel(op, out, 0, A.data, 0, 1, B.data, 0, 0, size);
    return new Tensor(out, shape);
  }
  if (A.size === 1 && A.rank <= B.rank) {
    rowKernel(op, out, 0, A.data, 0, 0, B.data, 0, 1, size);
    return new Tensor(out, shape);
  }
  // Coalesce dimensions so the innermost row is as long as possible.
  const sa = broadcastStrides(A.shape, shape);
  const sb = broadcastStrides(B.shape, shape);
  const dims: number[] = [];
  const stA: number[] = [];
  const stB: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const k = dims.length - 1;
    if (k >= 0 && stA[k] === sa[i] * shape[i] && stB[k] === sb[i] * shape[i]) {
      dims[k] *= shape[i];
      stA[k] = sa[i];
      stB[k] = sb[i];
    } else {
      dims.push(shape[i]);
      stA.push(sa[i]);
      stB.push(sb[i]);
    }
  }
  // Rows of the innermost (coalesced) dimension; one strided offset per row and operand.
  const last = dims.length - 1;
  const n = dims[last];
  const outerDims = dims.slice(0, last);
  const rowsA = stridedOffsets(outerDims, stA.slice(0, last));
  const rowsB = stridedOffsets(outerDims, stB.slice(0, last));
  const ia = stA[last];
  const ib = stB[last];
  for (let row = 0, o = 0; row < rowsA.length; row++, o += n) rowKernel(op, out, o, A.data, rowsA[row], ia, B.data, rowsB[row], ib, n);
  return new Tensor(out, shape);
}

function rowKernel(
  op: number,
  out: Float64Array,
  o: number,
  a: Float64Array,
  ia: number,
  sa: number,
  b: Float64Array,
  ib: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case ADD:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] + b[ib];
      return;
    case SUB:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] - b[ib];
      return;
    case MUL:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] * b[ib];
      return;
    case DIV:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] / b[ib];
      return;
    case POW:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = powC(a[ia], b[ib]);
      return;
    case MAXIMUM:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o + i] = x > y || x !== x ? x : y;
      }
      return;
    case EQUAL:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = +(a[ia] === b[ib]);
      return;
    case GREATER:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = +(a[ia] > b[ib]);
      return;
    case GREATER_EQUAL:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = +(a[ia] >= b[ib]);
      return;
    case LESS:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = +(a[ia] < b[ib]);
      return;
    case LESS_EQUAL:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = +(a[ia] <= b[ib]);
      return;
    default:
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o + i] = x < y || x !== x ? x : y;
      }
  }
}

/** C99 `pow`: like Math.pow except pow(1, y) = 1 for every y and pow(−1, ±∞) = 1. */
function powC(x: number, y: number): number {
  const r = Math.pow(x, y);
  if (r !== r && (x === 1 || (x === -1 && (y === Infinity || y === -Infinity)))) return 1;
  return r;
}

const NEG = 0;
const EXP = 1;
const LOG = 2;
const SQRT = 3;
const ABS = 4;
const SQUARE = 5;
const LOG1P = 6;
const EXPM1 = 7;
const SIGN = 8;

/** Elementwise −x. @example neg([1, -2]).toArray(); // => [-1, 2] */
export function neg(x: TensorLike): Tensor {
  return unary('neg', NEG, x);
}

/**
 * Elementwise eˣ, with nabla's own exp (within 1 ulp, the same bits on every engine and backend;
 * see docs/kernels.md). @example exp([0]).toArray(); // => [1]
 */
export function exp(x: TensorLike): Tensor {
  return unary('exp', EXP, x, expInto);
}

/**
 * Elementwise natural logarithm (log 0 = −∞, log of a negative number = NaN), with nabla's own log
 * (within 1 ulp, the same bits on every engine). @example log([1]).toArray(); // => [0]
 */
export function log(x: TensorLike): Tensor {
  return unary('log', LOG, x, logInto);
}

/** Elementwise square root (√−0 = −0, √ of a negative number = NaN). @example sqrt([4, 9]).toArray(); // => [2, 3] */
export function sqrt(x: TensorLike): Tensor {
  return unary('sqrt', SQRT, x);
}

/** Elementwise |x|. @example abs([-2, 3]).toArray(); // => [2, 3] */
export function abs(x: TensorLike): Tensor {
  return unary('abs', ABS, x);
}

/** Elementwise x² (computed as x·x, like NumPy's `square`). @example square([-3]).toArray(); // => [9] */
export function square(x: TensorLike): Tensor {
  return unary('square', SQUARE, x);
}

/**
 * Elementwise log(1 + x), accurate for tiny x where log(1 + x) would lose every digit
 * (log1p(1e−20) = 1e−20). log1p(−1) = −∞; below −1, NaN.
 * @example log1p([0, 1e-20]).toArray(); // => [0, 1e-20]
 */
export function log1p(x: TensorLike): Tensor {
  return unary('log1p', LOG1P, x, log1pInto);
}

/**
 * Elementwise eˣ − 1, accurate for tiny x (expm1(1e−20) = 1e−20); expm1(−∞) = −1.
 * @example expm1([0, 1e-20]).toArray(); // => [0, 1e-20]
 */
export function expm1(x: TensorLike): Tensor {
  return unary('expm1', EXPM1, x, expm1Into);
}

/**
 * Elementwise sign: −1, 0 or 1; sign(±0) = +0 and sign(NaN) = NaN (NumPy's rule; PyTorch 1.13
 * returns 0 for NaN). Its gradient is 0 everywhere.
 * @example sign([-2, 0, 3]).toArray(); // => [-1, 0, 1]
 */
export function sign(x: TensorLike): Tensor {
  return unary('sign', SIGN, x);
}

/** An array kernel of src/kernels/arrays.ts: out[outOff + i] = f(x[xOff + i]) for i < n. */
type ArrayKernel = (x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number) => void;

/**
 * A unary op: `kernel` (exp, log, log1p, expm1: nabla's own elementary functions, WebAssembly or
 * JavaScript with the same bits) or the shared switch for the rest. Passing the kernel from the
 * op, not naming it in the switch, keeps the kernels out of bundles that use only add or neg.
 */
function unary(fn: string, op: number, x: TensorLike, kernel?: ArrayKernel): Tensor {
  const X = asTensor(x, fn, 'x');
  let Y: Tensor;
  if (kernel === undefined) Y = unaryKernel(op, X);
  else {
    const out = new Float64Array(X.size);
    kernel(X.data, 0, out, 0, X.size);
    Y = new Tensor(out, X.shape);
  }
  if (recording.tape !== null) record(fn, Y, [X], (dy) => [unaryBackward(op, dy, X, Y)]);
  return Y;
}

function unaryKernel(op: number, X: Tensor): Tensor {
  const a = X.data;
  const n = a.length;
  const out = new Float64Array(n);
  switch (op) {
    case NEG:
      for (let i = 0; i < n; i++) out[i] = -a[i];
      break;
    case SQRT:
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      break;
    case ABS:
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      break;
    case SIGN:
      for (let i = 0; i < n; i++) {
        const v = a[i];
        out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v;
      }
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
  }
  return new Tensor(out, X.shape);
}

/**
 * Elementwise choice: `a` where `cond` is nonzero, else `b`, all three broadcast together (NumPy's
 * `where`, PyTorch's `torch.where` with a 0/1 condition). The gradient goes to `a` where cond holds
 * and to `b` elsewhere; `cond` has none.
 * @example where([1, 0, 1], [1, 2, 3], [-1, -2, -3]).toArray(); // => [1, -2, 3]
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const fn = 'where';
  const C = asTensor(cond, fn, 'cond');
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const shape = broadcastShapes(fn, broadcastShapes(fn, C.shape, A.shape), B.shape);
  const n = shapeSize(shape);
  const offC = stridedOffsets(shape, broadcastStrides(C.shape, shape));
  const offA = stridedOffsets(shape, broadcastStrides(A.shape, shape));
  const offB = stridedOffsets(shape, broadcastStrides(B.shape, shape));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = C.data[offC[i]] !== 0 ? A.data[offA[i]] : B.data[offB[i]];
  const Y = new Tensor(out, shape);
  if (recording.tape !== null) {
    record(fn, Y, [C, A, B], (dy) => {
      const ga = new Float64Array(n);
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (C.data[offC[i]] !== 0) ga[i] = dy.data[i];
        else gb[i] = dy.data[i];
      }
      return [null, sumTo(new Tensor(ga, shape), A.shape), sumTo(new Tensor(gb, shape), B.shape)];
    });
  }
  return Y;
}

/**
 * Clamps every element into [min, max] (either bound may be omitted; `min > max` gives max
 * everywhere, as PyTorch). NaN stays NaN. The gradient passes where min ≤ x ≤ max — at the bounds
 * too, PyTorch's rule — and is 0 outside and at NaN.
 * @example clamp([-2, 0.5, 3], 0, 1).toArray(); // => [0, 0.5, 1]
 */
export function clamp(x: TensorLike, min?: number | null, max?: number | null): Tensor {
  const fn = 'clamp';
  const X = asTensor(x, fn, 'x');
  const lo = min === undefined || min === null ? -Infinity : checkNumberWhere(fn, 'min', min, 'a number (not NaN) or null', (v) => v === v);
  const hi = max === undefined || max === null ? Infinity : checkNumberWhere(fn, 'max', max, 'a number (not NaN) or null', (v) => v === v);
  const a = X.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v !== v ? v : Math.min(Math.max(v, lo), hi);
  }
  const Y = new Tensor(out, X.shape);
  if (recording.tape !== null) {
    record(fn, Y, [X], (dy) => {
      const g = new Float64Array(n);
      for (let i = 0; i < n; i++) g[i] = a[i] >= lo && a[i] <= hi ? dy.data[i] : 0;
      return [new Tensor(g, X.shape)];
    });
  }
  return Y;
}

/**
 * dL/dx of a unary op from dL/dy, x and y = f(x), PyTorch's formulas (derivatives.yaml): neg −dy;
 * exp dy·y; log dy/x; sqrt dy/(2y); abs dy·sgn(x) (0 at 0 and NaN); square dy·2x; log1p dy/(x + 1);
 * expm1 dy·(y + 1); sign 0.
 */
function unaryBackward(op: number, dy: Tensor, X: Tensor, Y: Tensor): Tensor {
  const g = dy.data;
  const x = X.data;
  const y = Y.data;
  const n = g.length;
  const out = new Float64Array(n);
  switch (op) {
    case NEG:
      for (let i = 0; i < n; i++) out[i] = -g[i];
      break;
    case EXP:
      for (let i = 0; i < n; i++) out[i] = g[i] * y[i];
      break;
    case LOG:
      for (let i = 0; i < n; i++) out[i] = g[i] / x[i];
      break;
    case SQRT:
      for (let i = 0; i < n; i++) out[i] = g[i] / (2 * y[i]);
      break;
    case ABS:
      // dy·sgn(x) with sgn(±0) = sgn(NaN) = 0, as PyTorch.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? g[i] : v < 0 ? -g[i] : 0 * g[i];
      }
      break;
    case SQUARE:
      for (let i = 0; i < n; i++) out[i] = g[i] * (2 * x[i]);
      break;
    case LOG1P:
      for (let i = 0; i < n; i++) out[i] = g[i] / (x[i] + 1);
      break;
    case EXPM1:
      for (let i = 0; i < n; i++) out[i] = g[i] * (y[i] + 1);
      break;
    default:
      break; // sign: zero gradient
  }
  return new Tensor(out, X.shape);
}

/**
 * dL/da and dL/db of a binary op from dL/dy (the broadcast shape), each summed back to its input's
 * shape, PyTorch's formulas: mul (dy·b, dy·a); div (dy/b, −dy·((a/b)/b)); pow (dy·(b·a^(b−1)), 0
 * where b = 0; dy·(a^b·log a), 0 where a = 0 and b ≥ 0); maximum/minimum: dy to the larger
 * (smaller), split in halves on ties.
 */
function binaryBackward(op: number, dy: Tensor, A: Tensor, B: Tensor, Y: Tensor): [Tensor, Tensor] {
  if (op === ADD) return [sumTo(dy, A.shape), sumTo(dy, B.shape)];
  if (op === SUB) return [sumTo(dy, A.shape), sumTo(unaryKernel(NEG, dy), B.shape)];
  const shape = dy.shape;
  const n = dy.size;
  const g = dy.data;
  // Each operand at the output's indices: itself, or gathered once when it was broadcast.
  const a = sameShape(A.shape, shape) ? A.data : gather(A.data, stridedOffsets(shape, broadcastStrides(A.shape, shape)));
  const b = sameShape(B.shape, shape) ? B.data : gather(B.data, stridedOffsets(shape, broadcastStrides(B.shape, shape)));
  const ga = new Float64Array(n);
  const gb = new Float64Array(n);
  switch (op) {
    case MUL:
      for (let i = 0; i < n; i++) {
        ga[i] = g[i] * b[i];
        gb[i] = g[i] * a[i];
      }
      break;
    case DIV:
      for (let i = 0; i < n; i++) {
        const y = b[i];
        ga[i] = g[i] / y;
        gb[i] = -g[i] * (a[i] / y / y);
      }
      break;
    case POW: {
      const p = Y.data; // a^b, the forward's own values
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const y = b[i];
        ga[i] = y === 0 ? 0 : g[i] * (y * powC(x, y - 1));
        gb[i] = x === 0 && y >= 0 ? 0 : g[i] * (p[i] * Math.log(x));
      }
      break;
    }
    case MAXIMUM:
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const y = b[i];
        const h = x === y ? g[i] / 2 : g[i];
        ga[i] = x < y ? 0 : h;
        gb[i] = x > y ? 0 : h;
      }
      break;
    default:
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const y = b[i];
        const h = x === y ? g[i] / 2 : g[i];
        ga[i] = x > y ? 0 : h;
        gb[i] = x < y ? 0 : h;
      }
  }
  return [sumTo(new Tensor(ga, shape), A.shape), sumTo(new Tensor(gb, shape), B.shape)];
}

/** src[off[i]] for every i: a broadcast operand laid out at the output's indices. */
function gather(src: Float64Array, off: Float64Array): Float64Array {
  const out = new Float64Array(off.length);
  for (let i = 0; i < off.length; i++) out[i] = src[off[i]];
  return out;
}

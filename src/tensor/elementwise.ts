import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridedOffsets } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

// Operation codes for the shared row kernel. The switch runs once per contiguous row, never per element.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAXIMUM = 5;
const MINIMUM = 6;

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

function binary(fn: string, op: number, a: TensorLike, b: TensorLike): Tensor {
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
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

/** Elementwise −x. @example neg([1, -2]).toArray(); // => [-1, 2] */
export function neg(x: TensorLike): Tensor {
  return unary('neg', NEG, x);
}

/** Elementwise eˣ. @example exp([0]).toArray(); // => [1] */
export function exp(x: TensorLike): Tensor {
  return unary('exp', EXP, x);
}

/** Elementwise natural logarithm (log 0 = −∞, log of a negative number = NaN). @example log([1]).toArray(); // => [0] */
export function log(x: TensorLike): Tensor {
  return unary('log', LOG, x);
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

function unary(fn: string, op: number, x: TensorLike): Tensor {
  const X = asTensor(x, fn, 'x');
  const a = X.data;
  const n = a.length;
  const out = new Float64Array(n);
  switch (op) {
    case NEG:
      for (let i = 0; i < n; i++) out[i] = -a[i];
      break;
    case EXP:
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
      break;
    case LOG:
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
      break;
    case SQRT:
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      break;
    case ABS:
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
  }
  return new Tensor(out, X.shape);
}

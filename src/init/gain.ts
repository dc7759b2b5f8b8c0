import { ValueError, describe } from '../errors.js';

/** Nonlinearities known to {@link calculateGain}. */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended gain for a nonlinearity, PyTorch's `nn.init.calculate_gain`:
 *
 * | nonlinearity | gain |
 * |---|---|
 * | linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | √2 |
 * | leaky_relu | √(2/(1 + slope²)), slope default 0.01 |
 * | selu | 3/4 |
 *
 * @example calculateGain('relu'); // => 1.4142135623730951
 * @example calculateGain('leaky_relu', 0.2); // => 1.386750490563073
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new ValueError('calculateGain', `param (negative slope) must be a finite number, got ${describe(slope)}`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(
        'calculateGain',
        `nonlinearity ${describe(nonlinearity)} is not supported (expected linear, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu or selu)`,
      );
  }
}

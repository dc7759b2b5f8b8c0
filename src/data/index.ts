export { batches, type Batch, type BatchesOptions } from './batches.js';
export { accuracy } from './accuracy.js';

import type { Batch } from '../batch.js';

/** Per-execution state of one plan node: a synchronous pull iterator (null = end). */
export interface Operator {
  next(): Batch | null;
}

/** Wraps a batch generator: operators with multi-phase state read most clearly as generators. */
export function fromGenerator(gen: Generator<Batch, void, undefined>): Operator {
  return {
    next: () => {
      const r = gen.next();
      return r.done ? null : r.value;
    },
  };
}

import type { Batch } from '../batch.js';
import { PAUSE, type Pause } from '../pacer.js';

export { PAUSE, type Pause };

/** What next() gives: a batch, null at the end, or PAUSE (call again once the driver resumed). */
export type Pulled = Batch | null | Pause;

/**
 * Per-execution state of one plan node: a synchronous pull iterator. An operator that gets PAUSE
 * from its input returns it unchanged, keeping its state, and carries on when pulled again.
 */
export interface Operator {
  next(): Pulled;
}

/** Wraps a batch generator: operators with multi-phase state read most clearly as generators. */
export function fromGenerator(gen: Generator<Batch | Pause, void, undefined>): Operator {
  return {
    next: () => {
      const r = gen.next();
      return r.done ? null : r.value;
    },
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { PAUSE, type Operator } from './operator.js';

/**
 * Leaf table scan: the host's storage yields the batches. Pauses when the slice is used up,
 * never twice in a row: after a pause it always moves on by a batch, however slow the machine.
 */
export function scan(node: Extract<PhysicalPlan, { kind: 'scan' }>, ctx: ExecContext): Operator {
  let it: Iterator<Batch> | null = null;
  let paused = true; // the first pull reads at once
  const pacer = ctx.pacer;
  return {
    next: () => {
      if (!paused && pacer.shouldPause()) {
        paused = true;
        return PAUSE;
      }
      paused = false;
      it ??= ctx.scan(node, ctx)[Symbol.iterator]();
      const r = it.next();
      return r.done ? null : r.value;
    },
  };
}

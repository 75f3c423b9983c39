import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { PAUSE, type Operator } from './operator.js';

/** Leaf table scan: the host's storage yields the batches; pauses when the slice is used up. */
export function scan(node: Extract<PhysicalPlan, { kind: 'scan' }>, ctx: ExecContext): Operator {
  let it: Iterator<Batch> | null = null;
  const pacer = ctx.pacer;
  return {
    next: () => {
      if (it === null) it = ctx.scan(node, ctx)[Symbol.iterator]();
      else if (pacer.shouldPause()) return PAUSE;
      const r = it.next();
      return r.done ? null : r.value;
    },
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';

/** Aggregator side of a fragment: the batches the host prefetched from the leaves. */
export function gather(node: Extract<PhysicalPlan, { kind: 'gather' }>, ctx: ExecContext): Operator {
  let i = 0;
  return {
    next: () => {
      const batches = ctx.gathered(node);
      if (i >= batches.length) return null;
      ctx.checkInterrupted();
      return batches[i++]!;
    },
  };
}

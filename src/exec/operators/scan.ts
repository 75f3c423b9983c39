import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';

/** Leaf table scan: the host's storage yields the batches. */
export function scan(node: Extract<PhysicalPlan, { kind: 'scan' }>, ctx: ExecContext): Operator {
  let it: Iterator<import('../batch.js').Batch> | null = null;
  return {
    next: () => {
      it ??= ctx.scan(node, ctx)[Symbol.iterator]();
      ctx.checkInterrupted();
      const r = it.next();
      return r.done ? null : r.value;
    },
  };
}

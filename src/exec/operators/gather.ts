import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';

/**
 * Aggregator side of a fragment: the host's reader of what the leaves send (streamed, pausing
 * while the next rows are on their way, or fetched whole before the plan ran). Each pull checks
 * the statement's stop reasons: a correlated subquery reads its gathers once per outer row,
 * synchronously, and KILL or a deadline must still end it.
 */
export function gather(node: Extract<PhysicalPlan, { kind: 'gather' }>, ctx: ExecContext): Operator {
  let source: Operator | null = null;
  const pacer = ctx.pacer;
  return {
    next: () => {
      pacer.check();
      return (source ??= ctx.gathered(node)).next();
    },
  };
}

/** Batches held in memory, read from the start (a gather fetched whole, tests). */
export function batchesOperator(batches: readonly Batch[]): Operator {
  let i = 0;
  return {
    next: () => (i < batches.length ? batches[i++]! : null),
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';

/**
 * Aggregator side of a fragment: the host's reader of what the leaves send (streamed, pausing
 * while the next rows are on their way, or fetched whole before the plan ran).
 */
export function gather(node: Extract<PhysicalPlan, { kind: 'gather' }>, ctx: ExecContext): Operator {
  let source: Operator | null = null;
  return {
    next: () => (source ??= ctx.gathered(node)).next(),
  };
}

/** Batches held in memory, read from the start (a gather fetched whole, tests). */
export function batchesOperator(batches: readonly Batch[]): Operator {
  let i = 0;
  return {
    next: () => (i < batches.length ? batches[i++]! : null),
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import { batchesFromRows, type Batch } from '../batch.js';
import type { Operator } from './operator.js';

/** Literal rows (information_schema, SHOW, tests). */
export function rowset(node: Extract<PhysicalPlan, { kind: 'rowset' }>): Operator {
  let batches: Batch[] | null = null;
  let i = 0;
  return {
    next: () => {
      batches ??= batchesFromRows(node.rows, node.types.length);
      return i < batches.length ? batches[i++]! : null;
    },
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { BATCH_SIZE, boxedBatch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { evalConst } from '../eval.js';
import type { Operator } from './operator.js';

/** Rows computed from expressions without a FROM (SELECT 1, INSERT … VALUES). */
export function values(node: Extract<PhysicalPlan, { kind: 'values' }>, ctx: ExecContext): Operator {
  let pos = 0;
  const width = node.types.length;
  return {
    next: () => {
      if (pos >= node.rows.length) return null;
      const end = Math.min(node.rows.length, pos + BATCH_SIZE);
      const cols: Value[][] = [];
      for (let c = 0; c < width; c++) cols.push(new Array(end - pos));
      for (let r = pos; r < end; r++) {
        const row = node.rows[r]!;
        for (let c = 0; c < width; c++) cols[c]![r - pos] = evalConst(row[c]!, ctx);
      }
      const n = end - pos;
      pos = end;
      return boxedBatch(cols, n);
    },
  };
}

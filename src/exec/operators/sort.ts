import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { BATCH_SIZE, ColumnBuffer } from '../batch.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';
import { compileSortKeys } from './sort-keys.js';

/** Full sort of the input (stable: equal keys keep input order). */
export function sort(node: Extract<PhysicalPlan, { kind: 'sort' }>, input: Operator, ctx: ExecContext): Operator {
  const keys = compileSortKeys(node.keys);
  let rows: ColumnBuffer | null = null;
  let order: number[] = [];
  let pos = 0;
  return {
    next: () => {
      if (!rows) {
        rows = new ColumnBuffer(node.types.length);
        const kb = new ColumnBuffer(keys.exprs.length);
        for (let b = input.next(); b; b = input.next()) {
          rows.append(b);
          kb.append({ length: b.length, cols: keys.exprs.map((f) => f(b, ctx)) });
        }
        const kcols: Value[][] = kb.cols;
        order = new Array(rows.length);
        for (let i = 0; i < order.length; i++) order[i] = i;
        order.sort((i, j) => keys.compare(kcols, i, kcols, j) || i - j);
      }
      if (pos >= order.length) return null;
      const end = Math.min(order.length, pos + BATCH_SIZE);
      const out = rows.gather(order, pos, end);
      pos = end;
      return out;
    },
  };
}

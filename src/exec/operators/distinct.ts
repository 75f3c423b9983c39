import type { PhysicalPlan } from '../../common/ir/physical.js';
import { valuesOf } from '../../common/vector.js';
import { selectRows } from '../batch.js';
import type { Operator } from './operator.js';
import { rowGroupKey } from './row-keys.js';

/** Drops rows equal to an earlier row (NULLs equal each other, strings by collation). */
export function distinct(node: Extract<PhysicalPlan, { kind: 'distinct' }>, input: Operator): Operator {
  const seen = new Set<string | number>();
  const types = node.types;
  let sel: number[] = [];
  return {
    next: () => {
      for (let b = input.next(); b; b = input.next()) {
        if (sel.length < b.length) sel = new Array<number>(b.length).fill(0);
        let m = 0;
        const cols = b.cols.map((c) => valuesOf(c, b.length));
        for (let i = 0; i < b.length; i++) {
          const key = rowGroupKey(cols, types, i);
          if (seen.has(key)) continue;
          seen.add(key);
          sel[m++] = i;
        }
        if (m === b.length) return b;
        if (m > 0) return selectRows(b, sel, m);
      }
      return null;
    },
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import { valuesOf } from '../../common/vector.js';
import { selectRows } from '../batch.js';
import type { ExecContext } from '../context.js';
import { keyBytes } from '../memory.js';
import { KeySet } from './key-map.js';
import { PAUSE, type Operator } from './operator.js';
import { rowGroupKey } from './row-keys.js';

/** Drops rows equal to an earlier row (NULLs equal each other, strings by collation). */
export function distinct(node: Extract<PhysicalPlan, { kind: 'distinct' }>, input: Operator, ctx: ExecContext): Operator {
  const seen = new KeySet();
  const types = node.types;
  let sel: number[] = [];
  return {
    next: () => {
      for (;;) {
        const b = input.next();
        if (b === null || b === PAUSE) return b;
        if (sel.length < b.length) sel = new Array<number>(b.length).fill(0);
        let m = 0;
        let bytes = 0;
        const cols = b.cols.map((c) => valuesOf(c, b.length));
        for (let i = 0; i < b.length; i++) {
          const key = rowGroupKey(cols, types, i);
          if (!seen.add(key)) continue;
          bytes += keyBytes(key);
          sel[m++] = i;
        }
        // The seen set is the working memory: it holds one key per distinct row.
        ctx.pacer.reserve(bytes);
        if (m === b.length) return b;
        if (m > 0) return selectRows(b, sel, m);
      }
    },
  };
}

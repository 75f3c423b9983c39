import type { PhysicalPlan } from '../../common/ir/physical.js';
import { selectRows } from '../batch.js';
import type { ExecContext } from '../context.js';
import { compileExpr, isTrue } from '../eval.js';
import type { Operator } from './operator.js';

/** Keeps the rows whose predicate is true; a batch that passes whole is handed on uncopied. */
export function filter(node: Extract<PhysicalPlan, { kind: 'filter' }>, input: Operator, ctx: ExecContext): Operator {
  const pred = compileExpr(node.predicate);
  let sel = new Int32Array(0);
  return {
    next: () => {
      for (let b = input.next(); b; b = input.next()) {
        const n = b.length;
        if (n === 0) continue;
        const keep = pred(b, ctx);
        if (sel.length < n) sel = new Int32Array(n);
        let m = 0;
        for (let i = 0; i < n; i++) {
          const v = keep[i]!;
          // Inline the common 0/1 case; isTrue handles the other representations.
          if (v === 1 || (v !== 0 && v !== null && isTrue(v))) sel[m++] = i;
        }
        if (m === n) return b;
        if (m > 0) return selectRows(b, sel, m);
      }
      return null;
    },
  };
}

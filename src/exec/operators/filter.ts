import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Vector } from '../../common/vector.js';
import { selectRows } from '../batch.js';
import type { ExecContext } from '../context.js';
import { compileExpr, isTrue } from '../eval.js';
import { PAUSE, type Operator } from './operator.js';

/** Keeps the rows whose predicate is true; a batch that passes whole is handed on uncopied. */
export function filter(node: Extract<PhysicalPlan, { kind: 'filter' }>, input: Operator, ctx: ExecContext): Operator {
  const pred = compileExpr(node.predicate);
  let sel: number[] = [];
  return {
    next: () => {
      for (;;) {
        const b = input.next();
        if (b === null || b === PAUSE) return b;
        const n = b.length;
        if (n === 0) continue;
        if (sel.length < n) sel = new Array<number>(n).fill(0);
        const m = selected(pred(b, ctx), n, sel);
        if (m === n) return b;
        if (m > 0) return selectRows(b, sel, m);
      }
    },
  };
}

/** Writes the indexes of the true rows into sel; returns how many there are. */
function selected(keep: Vector, n: number, sel: number[]): number {
  let m = 0;
  switch (keep.kind) {
    case 'const':
      if (!isTrue(keep.value)) return 0;
      for (let i = 0; i < n; i++) sel[i] = i;
      return n;
    case 'f64':
    case 'scaled': {
      const { data, nulls } = keep;
      for (let i = 0; i < n; i++) if (data[i] !== 0 && (nulls === null || nulls[i] !== 1)) sel[m++] = i;
      return m;
    }
    case 'values': {
      const vs = keep.values;
      for (let i = 0; i < n; i++) {
        const v = vs[i]!;
        // Inline the common 0/1 case; isTrue handles the other representations.
        if (v === 1 || (v !== 0 && v !== null && isTrue(v))) sel[m++] = i;
      }
      return m;
    }
    case 'dict': {
      const { codes, dict, nulls } = keep;
      for (let i = 0; i < n; i++) if ((nulls === null || nulls[i] !== 1) && isTrue(dict[codes[i]!]!)) sel[m++] = i;
      return m;
    }
  }
}

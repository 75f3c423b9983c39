import type { BoundExpr } from '../../common/ir/expr.js';
import type { PhysicalPlan } from '../../common/ir/physical.js';
import { toInteger } from '../../common/cast.js';
import { sliceBatch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { evalConst } from '../eval.js';
import { PAUSE, type Operator } from './operator.js';

/** A LIMIT/OFFSET bound as a non-negative number (the binder rejects bad literals; this only clamps). */
export function limitValue(e: BoundExpr | null, ctx: ExecContext, dflt: number): number {
  if (e === null) return dflt;
  const v = evalConst(e, ctx);
  if (v === null) return 0;
  const n = toInteger(v, e.type, false);
  if (n === null) return 0;
  const x = Number(n);
  return x < 0 ? 0 : x;
}

/** Skips `offset` rows, passes `count`, then stops pulling its input. */
export function limit(node: Extract<PhysicalPlan, { kind: 'limit' }>, input: Operator, ctx: ExecContext): Operator {
  let skip = -1;
  let left = 0;
  return {
    next: () => {
      if (skip < 0) {
        left = limitValue(node.count, ctx, Infinity);
        skip = limitValue(node.offset, ctx, 0);
      }
      while (left > 0) {
        const b = input.next();
        if (b === null || b === PAUSE) return b;
        let from = 0;
        if (skip > 0) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          from = skip;
          skip = 0;
        }
        const to = Math.min(b.length, from + left);
        if (to <= from) continue;
        left -= to - from;
        return sliceBatch(b, from, to);
      }
      return null;
    },
  };
}

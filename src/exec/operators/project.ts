import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { ExecContext } from '../context.js';
import { compileExpr } from '../eval.js';
import { PAUSE, type Operator } from './operator.js';

/** Computes the output columns; plain column references pass the input arrays through. */
export function project(node: Extract<PhysicalPlan, { kind: 'project' }>, input: Operator, ctx: ExecContext): Operator {
  const exprs = node.exprs.map(compileExpr);
  return {
    next: () => {
      const b = input.next();
      if (b === null || b === PAUSE) return b;
      const cols = new Array(exprs.length);
      for (let c = 0; c < exprs.length; c++) cols[c] = exprs[c]!(b, ctx);
      return { length: b.length, cols };
    },
  };
}

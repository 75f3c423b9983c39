import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { ExecContext } from '../context.js';
import { compileExpr } from '../eval.js';
import type { Batch } from '../batch.js';
import { Suspend, finishEvaluation, startEvaluation } from '../waits.js';
import { PAUSE, type Operator } from './operator.js';

/** Computes the output columns; plain column references pass the input arrays through. */
export function project(node: Extract<PhysicalPlan, { kind: 'project' }>, input: Operator, ctx: ExecContext): Operator {
  const exprs = node.exprs.map(compileExpr);
  /** A batch whose evaluation waits (SLEEP): evaluated again once the wait is over (waits.ts). */
  let waiting: Batch | null = null;
  // `SELECT SLEEP(n)` alone: MySQL's SLEEP then returns 1 on KILL QUERY instead of failing.
  const e0 = node.exprs[0];
  const sole = node.exprs.length === 1 && e0?.kind === 'func' && e0.name === 'SLEEP' && node.input.kind === 'values' && node.input.rows.length === 1;
  return {
    next: () => {
      const b = waiting ?? input.next();
      if (b === null || b === PAUSE) return b;
      startEvaluation(ctx.pacer, sole);
      const cols = new Array(exprs.length);
      try {
        for (let c = 0; c < exprs.length; c++) cols[c] = exprs[c]!(b, ctx);
      } catch (e) {
        // Inside a synchronous run the evaluation that started it waits instead.
        if (!(e instanceof Suspend) || ctx.pacer.inSynchronousRun) throw e;
        waiting = b;
        return PAUSE;
      }
      waiting = null;
      finishEvaluation(ctx.pacer);
      return { length: b.length, cols };
    },
  };
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import { valuesOf } from '../../common/vector.js';
import { rowOf, type Batch } from '../batch.js';
import { withOuterRow, type ExecContext } from '../context.js';
import { compileExpr, isTrue } from '../eval.js';
import { combine, padRight, pick } from './hash-join.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';

/**
 * A LATERAL join: for each left row the right plan is instantiated afresh with that row as its
 * enclosing row (its `outer` references of depth 1 read it) and its rows are joined to it. A
 * left apply keeps a left row that got no row (NULL right columns). Nothing is held.
 */
export function apply(
  node: Extract<PhysicalPlan, { kind: 'apply' }>,
  left: Operator,
  ctx: ExecContext,
  build: (plan: PhysicalPlan, ctx: ExecContext) => Operator,
): Operator {
  const cond = node.condition ? compileExpr(node.condition) : null;
  const rightWidth = node.right.types.length;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    for (;;) {
      const lb = left.next();
      if (lb === null) return;
      if (lb === PAUSE) {
        yield PAUSE;
        continue;
      }
      for (let i = 0; i < lb.length; i++) {
        const right = build(node.right, withOuterRow(ctx, rowOf(lb, i)));
        let matched = false;
        for (;;) {
          const rb = right.next();
          if (rb === null) break;
          if (rb === PAUSE) {
            yield PAUSE;
            continue;
          }
          const n = rb.length;
          if (n === 0) continue;
          const li = new Array<number>(n).fill(i);
          const ri = Array.from({ length: n }, (_, j) => j);
          let out = combine(lb, li, rb.cols.map((c) => valuesOf(c, n)), ri);
          if (cond) {
            const ok = valuesOf(cond(out, ctx), n);
            const sel: number[] = [];
            for (let j = 0; j < n; j++) if (isTrue(ok[j]!)) sel.push(j);
            out = pick(out, sel);
          }
          if (out.length > 0) {
            matched = true;
            yield out;
          }
        }
        if (!matched && node.type === 'left') yield padRight(pick(lb, [i]), rightWidth);
        if (pacer.shouldPause()) yield PAUSE;
      }
    }
  }

  return fromGenerator(run());
}

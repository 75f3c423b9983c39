import { assertNever } from '../common/assert.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { Value } from '../common/value.js';
import { batchRows, type Batch } from './batch.js';
import type { ExecContext } from './context.js';
import { apply } from './operators/apply.js';
import { distinct } from './operators/distinct.js';
import { filter } from './operators/filter.js';
import { gather } from './operators/gather.js';
import { hashAgg } from './operators/hash-agg.js';
import { hashJoin } from './operators/hash-join.js';
import { limit } from './operators/limit.js';
import { nestedLoopJoin } from './operators/nested-loop-join.js';
import { PAUSE, type Operator } from './operators/operator.js';
import { invariant } from '../common/assert.js';
import { project } from './operators/project.js';
import { recursiveCte, workTable } from './operators/recursive-cte.js';
import { rowset } from './operators/rowset.js';
import { scan } from './operators/scan.js';
import { setOp } from './operators/set-op.js';
import { sort } from './operators/sort.js';
import { topN } from './operators/top-n.js';
import { unionAll } from './operators/union-all.js';
import { values } from './operators/values.js';
import { windowOp } from './operators/window.js';

export type { Operator } from './operators/operator.js';

/**
 * Builds the per-execution operator tree of a plan. The plan is not modified; expressions are
 * compiled once per expression object and reused when a cached plan runs again.
 */
export function instantiate(plan: PhysicalPlan, ctx: ExecContext): Operator {
  switch (plan.kind) {
    case 'scan': return scan(plan, ctx);
    case 'gather': return gather(plan, ctx);
    case 'values': return values(plan, ctx);
    case 'rowset': return rowset(plan);
    case 'filter': return filter(plan, instantiate(plan.input, ctx), ctx);
    case 'project': return project(plan, instantiate(plan.input, ctx), ctx);
    case 'hashAgg': return hashAgg(plan, instantiate(plan.input, ctx), ctx);
    case 'sort': return sort(plan, instantiate(plan.input, ctx), ctx);
    case 'topN': return topN(plan, instantiate(plan.input, ctx), ctx);
    case 'limit': return limit(plan, instantiate(plan.input, ctx), ctx);
    case 'distinct': return distinct(plan, instantiate(plan.input, ctx), ctx);
    case 'hashJoin': return hashJoin(plan, instantiate(plan.left, ctx), instantiate(plan.right, ctx), ctx);
    case 'nestedLoopJoin': return nestedLoopJoin(plan, instantiate(plan.left, ctx), instantiate(plan.right, ctx), ctx);
    case 'unionAll': return unionAll(plan.inputs.map((p) => instantiate(p, ctx)));
    case 'setOp': return setOp(plan, instantiate(plan.left, ctx), instantiate(plan.right, ctx), ctx);
    // These two instantiate an input again per round / per row.
    case 'recursiveCte': return recursiveCte(plan, ctx, instantiate);
    case 'workTable': return workTable(plan, ctx);
    case 'apply': return apply(plan, instantiate(plan.left, ctx), ctx, instantiate);
    case 'window': return windowOp(plan, instantiate(plan.input, ctx), ctx);
    default: return assertNever(plan, 'plan node');
  }
}

/**
 * Runs an operator to its end without pausing: a subquery inside an expression cannot be
 * suspended, so only the statement's stop checks (KILL, deadline, memory) fire inside it. `each`
 * returns false to stop early.
 */
export function drainSync(op: Operator, ctx: ExecContext, each: (b: Batch) => boolean | void): void {
  ctx.pacer.synchronously(() => {
    for (;;) {
      const b = op.next();
      if (b === null) return;
      invariant(b !== PAUSE, 'a synchronous run paused: its gathers must be fetched whole first');
      if (b.length > 0 && each(b) === false) return;
    }
  });
}

/** Runs a plan to completion, synchronously (tests, small internal plans). */
export function collect(plan: PhysicalPlan, ctx: ExecContext): Batch[] {
  const out: Batch[] = [];
  drainSync(instantiate(plan, ctx), ctx, (b) => {
    out.push(b);
  });
  return out;
}

/** Runs a plan to completion and returns its rows row-major. */
export function collectRows(plan: PhysicalPlan, ctx: ExecContext): Value[][] {
  const rows: Value[][] = [];
  for (const b of collect(plan, ctx)) for (const r of batchRows(b)) rows.push(r);
  return rows;
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { BATCH_SIZE, ColumnBuffer, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { batchBytes } from '../memory.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { compileSortKeys } from './sort-keys.js';
import { sortedOrder } from './sorted-order.js';

/** Full sort of the input (stable: equal keys keep input order). The held rows are the statement's working memory. */
export function sort(node: Extract<PhysicalPlan, { kind: 'sort' }>, input: Operator, ctx: ExecContext): Operator {
  const keys = compileSortKeys(node.keys);

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const rows = new ColumnBuffer(node.types.length);
    const kb = new ColumnBuffer(keys.exprs.length);
    for (;;) {
      const b = input.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const kv = { length: b.length, cols: keys.exprs.map((f) => f(b, ctx)) };
      pacer.reserve(batchBytes(b) + batchBytes(kv) + 8 * b.length);
      rows.append(b);
      kb.append(kv);
    }
    const kcols: Value[][] = kb.cols;
    const order = yield* sortedOrder(rows.length, (i, j) => keys.compare(kcols, i, kcols, j), pacer);
    for (let pos = 0; pos < order.length; pos += BATCH_SIZE) yield rows.gather(order, pos, Math.min(order.length, pos + BATCH_SIZE));
  }

  return fromGenerator(run());
}

import type { PhysicalPlan } from '../../common/ir/physical.js';
import { valuesOf } from '../../common/vector.js';
import { selectRows, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { keyBytes } from '../memory.js';
import { KeyMap, KeySet } from './key-map.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { rowGroupKey } from './row-keys.js';

/**
 * INTERSECT / EXCEPT [ALL]. The right input is read first into a count per distinct row (rows
 * compare whole, NULLs equal, strings by collation: the DISTINCT key); then left rows stream
 * through. INTERSECT ALL keeps a left row while the right has copies left, EXCEPT ALL drops one
 * per copy; DISTINCT returns each qualifying row once. Left rows keep their order.
 */
export function setOp(node: Extract<PhysicalPlan, { kind: 'setOp' }>, left: Operator, right: Operator, ctx: ExecContext): Operator {
  const types = node.types;
  const intersect = node.op === 'intersect';

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    // Right rows by key: how many copies are still to be matched.
    const counts = new KeyMap<{ n: number }>();
    for (;;) {
      const b = right.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const cols = b.cols.map((c) => valuesOf(c, b.length));
      let bytes = 0;
      for (let i = 0; i < b.length; i++) {
        const key = rowGroupKey(cols, types, i);
        const c = counts.get(key);
        if (c) c.n++;
        else {
          counts.add(key, { n: 1 });
          bytes += keyBytes(key) + 16;
        }
      }
      // The counts are this operator's working memory.
      pacer.reserve(bytes);
    }
    const emitted = node.all ? null : new KeySet();
    let sel: number[] = [];
    for (;;) {
      const b = left.next();
      if (b === null) return;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      if (sel.length < b.length) sel = new Array<number>(b.length).fill(0);
      const cols = b.cols.map((c) => valuesOf(c, b.length));
      let m = 0;
      let bytes = 0;
      for (let i = 0; i < b.length; i++) {
        const key = rowGroupKey(cols, types, i);
        const c = counts.get(key);
        let keep: boolean;
        if (node.all) {
          const matched = c !== undefined && c.n > 0;
          if (matched) c.n--;
          keep = intersect ? matched : !matched;
        } else {
          keep = intersect ? c !== undefined : c === undefined;
          if (keep) {
            keep = emitted!.add(key);
            if (keep) bytes += keyBytes(key);
          }
        }
        if (keep) sel[m++] = i;
      }
      pacer.reserve(bytes);
      if (m === b.length) yield b;
      else if (m > 0) yield selectRows(b, sel, m);
      else if (pacer.shouldPause()) yield PAUSE; // a left input that matches nothing for a while
    }
  }

  return fromGenerator(run());
}

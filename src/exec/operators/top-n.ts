import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { BATCH_SIZE, ColumnBuffer, selectRows } from '../batch.js';
import type { ExecContext } from '../context.js';
import type { Operator } from './operator.js';
import { limitValue } from './limit.js';
import { compileSortKeys } from './sort-keys.js';

/**
 * ORDER BY … LIMIT in one pass, keeping offset + count rows. Rows are buffered and the
 * buffer is cut back to the best k whenever it reaches 2k (amortized O(n log k)); the sort is
 * stable and kept rows precede newer ones, so the result equals a stable sort + limit.
 */
export function topN(node: Extract<PhysicalPlan, { kind: 'topN' }>, input: Operator, ctx: ExecContext): Operator {
  const keys = compileSortKeys(node.keys);
  const width = node.types.length;
  let out: ColumnBuffer | null = null;
  let pos = 0;
  let offset = 0;

  const run = (): ColumnBuffer => {
    const count = limitValue(node.count, ctx, Infinity);
    offset = limitValue(node.offset, ctx, 0);
    const k = count + offset;
    let rows = new ColumnBuffer(width);
    let kb = new ColumnBuffer(keys.exprs.length);
    if (count === 0) return rows;
    const compact = (): void => {
      const order: number[] = new Array(rows.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      const kc: Value[][] = kb.cols;
      order.sort((i, j) => keys.compare(kc, i, kc, j) || i - j);
      const keep = Math.min(k, order.length);
      const nr = new ColumnBuffer(width);
      nr.append(rows.gather(order, 0, keep));
      const nk = new ColumnBuffer(keys.exprs.length);
      nk.append(kb.gather(order, 0, keep));
      rows = nr;
      kb = nk;
    };
    // Once k rows are kept, a row that does not sort before the k-th kept row can never make
    // it (ties go to the earlier row), so most rows cost one comparison.
    let full = false;
    let sel = new Int32Array(BATCH_SIZE);
    for (let b = input.next(); b; b = input.next()) {
      let kc: readonly (readonly Value[])[] = keys.exprs.map((f) => valuesOf(f(b, ctx), b.length));
      let batch = b;
      if (full) {
        if (sel.length < b.length) sel = new Int32Array(b.length);
        const kept = kb.cols;
        let m = 0;
        for (let i = 0; i < b.length; i++) if (keys.compare(kc, i, kept, k - 1) < 0) sel[m++] = i;
        if (m === 0) continue;
        if (m < b.length) {
          batch = selectRows(b, sel, m);
          kc = kc.map((col) => pickValues(col, sel, m));
        }
      }
      rows.append(batch);
      kb.appendValues(kc, batch.length);
      if (rows.length >= 2 * k + BATCH_SIZE) {
        compact();
        full = rows.length >= k;
      }
    }
    compact();
    return rows;
  };

  return {
    next: () => {
      if (!out) {
        out = run();
        pos = offset;
      }
      if (pos >= out.length) return null;
      const end = Math.min(out.length, pos + BATCH_SIZE);
      const idx: number[] = [];
      for (let i = pos; i < end; i++) idx.push(i);
      pos = end;
      return out.gather(idx, 0, idx.length);
    },
  };
}

function pickValues(col: readonly Value[], sel: Int32Array, m: number): Value[] {
  const out: Value[] = new Array<Value>(m);
  for (let i = 0; i < m; i++) out[i] = col[sel[i]!]!;
  return out;
}

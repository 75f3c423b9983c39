import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { Decimal } from '../../common/decimal.js';
import { gatherVector, valuesOf, type TypedVector, type Vector } from '../../common/vector.js';
import { BATCH_SIZE, ColumnBuffer, selectRows, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { batchBytes } from '../memory.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { limitValue } from './limit.js';
import { compileSortKeys } from './sort-keys.js';
import { sortedOrder } from './sorted-order.js';

/**
 * ORDER BY … LIMIT in one pass, keeping offset + count rows. Rows are buffered and the
 * buffer is cut back to the best k whenever it reaches 2k (amortized O(n log k)); the sort is
 * stable and kept rows precede newer ones, so the result equals a stable sort + limit.
 */
export function topN(node: Extract<PhysicalPlan, { kind: 'topN' }>, input: Operator, ctx: ExecContext): Operator {
  const keys = compileSortKeys(node.keys);
  const width = node.types.length;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const count = limitValue(node.count, ctx, Infinity);
    const offset = limitValue(node.offset, ctx, 0);
    const k = count + offset;
    let rows = new ColumnBuffer(width);
    let kb = new ColumnBuffer(keys.exprs.length);
    if (count === 0) return;
    /** Working memory of the kept rows (given back in proportion as compaction drops rows). */
    let held = 0;
    // Cuts the buffer back to its best k rows, pausing inside a big sort.
    const compact = function* (): Generator<Pause, void, undefined> {
      const kc: Value[][] = kb.cols;
      const order = yield* sortedOrder(rows.length, (i, j) => keys.compare(kc, i, kc, j), pacer, k);
      const keep = order.length;
      const nr = new ColumnBuffer(width);
      const nk = new ColumnBuffer(keys.exprs.length);
      for (let from = 0; from < keep; from += BATCH_SIZE) {
        const to = Math.min(keep, from + BATCH_SIZE);
        nr.append(rows.gather(order, from, to));
        nk.append(kb.gather(order, from, to));
      }
      const freed = rows.length === 0 ? 0 : Math.floor(held * (1 - keep / rows.length));
      pacer.release(freed);
      held -= freed;
      rows = nr;
      kb = nk;
    };
    // Once k rows are kept, a row that does not sort before the k-th kept row can never make
    // it (ties go to the earlier row), so most rows cost one comparison.
    let full = false;
    let sel = new Int32Array(BATCH_SIZE);
    for (;;) {
      const b = input.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const n = b.length;
      let kv: readonly Vector[] = keys.exprs.map((f) => f(b, ctx));
      let batch = b;
      if (full) {
        if (sel.length < n) sel = new Int32Array(n);
        const kept = kb.cols;
        let boxed: (readonly Value[])[] | null = null;
        const beatsKept = (i: number): boolean => keys.compare((boxed ??= kv.map((v) => valuesOf(v, n))), i, kept, k - 1) < 0;
        let m = 0;
        const bound = typedBound(kv[0]!, kept[0]![k - 1]!);
        if (bound !== null) {
          // The first key decides most rows with one number comparison; ties and NULLs go the long way.
          const { data, nulls } = kv[0] as TypedVector;
          const desc = keys.descs[0]!;
          for (let i = 0; i < n; i++) {
            if (nulls === null || nulls[i] !== 1) {
              const d = data[i]!;
              if (desc ? d < bound : d > bound) continue;
              if (d !== bound) {
                sel[m++] = i;
                continue;
              }
            }
            if (beatsKept(i)) sel[m++] = i;
          }
        } else for (let i = 0; i < n; i++) if (beatsKept(i)) sel[m++] = i;
        if (m === 0) continue;
        if (m < n) {
          batch = selectRows(b, sel, m);
          kv = kv.map((v) => gatherVector(v, sel, m));
        }
      }
      const bytes = batchBytes(batch) + batchBytes({ length: batch.length, cols: kv });
      pacer.reserve(bytes);
      held += bytes;
      rows.append(batch);
      kb.appendColumns(kv, batch.length);
      if (rows.length >= 2 * k + BATCH_SIZE) {
        yield* compact();
        full = rows.length >= k;
      }
    }
    yield* compact();
    const out = rows;
    for (let pos = offset; pos < out.length; ) {
      const end = Math.min(out.length, pos + BATCH_SIZE);
      const idx: number[] = [];
      for (let i = pos; i < end; i++) idx.push(i);
      pos = end;
      yield out.gather(idx, 0, idx.length);
    }
  }

  return fromGenerator(run());
}

/** A kept first-key value on the grid of a typed key vector (an exact number there), or null. */
function typedBound(v: Vector, kept: Value): number | null {
  if (v.kind === 'f64') return typeof kept === 'number' ? kept : null;
  if (v.kind === 'scaled' && kept instanceof Decimal && kept.scale === v.scale) {
    const u = kept.unscaled;
    return u <= MAX_SAFE_BIG && u >= -MAX_SAFE_BIG ? Number(u) : null;
  }
  return null;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

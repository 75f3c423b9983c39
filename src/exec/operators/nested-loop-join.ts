import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { constVector, valueAt, valuesOf, valuesVector, type Vector } from '../../common/vector.js';
import { BATCH_SIZE, ColumnBuffer, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { compileExpr, isTrue } from '../eval.js';
import { combine, padRight, pick } from './hash-join.js';
import { batchBytes } from '../memory.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';

/**
 * Join on an arbitrary condition (or none: CROSS JOIN). The right input is materialized; each
 * left row is tested against it in right-side chunks, the left values broadcast per chunk.
 */
export function nestedLoopJoin(node: Extract<PhysicalPlan, { kind: 'nestedLoopJoin' }>, left: Operator, right: Operator, ctx: ExecContext): Operator {
  const cond = node.condition ? compileExpr(node.condition) : null;
  const kind = node.type;
  const rightWidth = node.right.types.length;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    // The right input is held whole (the statement's working memory).
    const build = new ColumnBuffer(rightWidth);
    for (;;) {
      const b = right.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      pacer.reserve(batchBytes(b));
      build.append(b);
    }
    const rcols = build.cols;
    const rn = build.length;

    for (;;) {
      const lb = left.next();
      if (lb === null) break;
      if (lb === PAUSE) {
        yield PAUSE;
        continue;
      }
      const n = lb.length;
      const matched = new Uint8Array(n);
      let li: number[] = [];
      let ri: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let start = 0; start < rn; start += BATCH_SIZE) {
          const end = Math.min(rn, start + BATCH_SIZE);
          const m = end - start;
          let ok: readonly Value[] | null = null;
          if (cond) {
            const cols: Vector[] = [];
            for (const src of lb.cols) cols.push(constVector(valueAt(src, i)));
            for (const src of rcols) cols.push(valuesVector(src.slice(start, end)));
            ok = valuesOf(cond({ length: m, cols }, ctx), m);
          }
          for (let j = 0; j < m; j++) {
            if (ok && !isTrue(ok[j]!)) continue;
            matched[i] = 1;
            if (kind === 'semi' || kind === 'anti') break;
            li.push(i);
            ri.push(start + j);
          }
          if ((kind === 'semi' || kind === 'anti') && matched[i]) break;
          if (li.length >= BATCH_SIZE) {
            yield combine(lb, li, rcols, ri);
            li = [];
            ri = [];
          } else if (pacer.shouldPause()) yield PAUSE; // a condition that rejects rows produces nothing for a while
        }
      }
      if (li.length > 0) yield combine(lb, li, rcols, ri);
      if (kind === 'left' || kind === 'semi' || kind === 'anti') {
        const want = kind === 'semi' ? 1 : 0;
        const sel: number[] = [];
        for (let i = 0; i < n; i++) if (matched[i] === want) sel.push(i);
        if (sel.length > 0) yield kind === 'left' ? padRight(pick(lb, sel), rightWidth) : pick(lb, sel);
      }
    }
  }

  return fromGenerator(run());
}

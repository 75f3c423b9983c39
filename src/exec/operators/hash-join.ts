import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { constVector, gatherVector, valuesOf, valuesVector, type Vector } from '../../common/vector.js';
import { BATCH_SIZE, ColumnBuffer, selectRows, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { compileExpr, isTrue, warnOf } from '../eval.js';
import { batchBytes, keyBytes } from '../memory.js';
import { KeyMap } from './key-map.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { joinDomain, joinKey } from './row-keys.js';

/**
 * Equi-join with the right input as the build side. Keys compare as SQL `=` (NULL never
 * matches); the residual is evaluated over candidate pairs, one batch of pairs at a time.
 */
export function hashJoin(node: Extract<PhysicalPlan, { kind: 'hashJoin' }>, left: Operator, right: Operator, ctx: ExecContext): Operator {
  const leftKeys = node.leftKeys.map(compileExpr);
  const rightKeys = node.rightKeys.map(compileExpr);
  const domains = node.leftKeys.map((l, i) => joinDomain(l.type, node.rightKeys[i]!.type));
  const timeSides = node.leftKeys.map((l, i) => l.type.kind === 'time' || node.rightKeys[i]!.type.kind === 'time');
  const lTypes = node.leftKeys.map((e) => e.type);
  const rTypes = node.rightKeys.map((e) => e.type);
  const residual = node.residual ? compileExpr(node.residual) : null;
  const kind = node.type;
  const nk = leftKeys.length;
  const rightWidth = node.right.types.length;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const w = warnOf(ctx);
    const keyOf = (cols: readonly (readonly Value[])[], i: number, types: readonly import('../../common/types.js').SqlType[]): string | number | null => {
      if (nk === 1) {
        const v = cols[0]![i]!;
        return v === null ? null : joinKey(v, types[0]!, domains[0]!, timeSides[0]!, w);
      }
      let s = '';
      for (let k = 0; k < nk; k++) {
        const v = cols[k]![i]!;
        if (v === null) return null;
        const p = joinKey(v, types[k]!, domains[k]!, timeSides[k]!, w);
        if (p === null) return null;
        s += typeof p === 'number' ? 'n' + p + ';' : 's' + p.length + ':' + p;
      }
      return s;
    };

    // Build: all right rows, and key → row numbers (the statement's working memory).
    const build = new ColumnBuffer(rightWidth);
    const table = new KeyMap<number[]>();
    for (;;) {
      const b = right.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const base = build.length;
      let bytes = batchBytes(b) + 8 * b.length;
      build.append(b);
      const kc = rightKeys.map((f) => valuesOf(f(b, ctx), b.length));
      for (let i = 0; i < b.length; i++) {
        const key = keyOf(kc, i, rTypes);
        if (key === null) continue;
        const list = table.get(key);
        if (list) list.push(base + i);
        else {
          table.add(key, [base + i]);
          bytes += keyBytes(key) + 32;
        }
      }
      pacer.reserve(bytes);
    }
    const rcols = build.cols;

    for (;;) {
      const lb = left.next();
      if (lb === null) break;
      if (lb === PAUSE) {
        yield PAUSE;
        continue;
      }
      const n = lb.length;
      if (n === 0) continue;
      const kc = leftKeys.map((f) => valuesOf(f(lb, ctx), n));
      const matches: (number[] | undefined)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const key = keyOf(kc, i, lTypes);
        matches[i] = key === null ? undefined : table.get(key);
      }

      if (!residual && (kind === 'semi' || kind === 'anti')) {
        const sel: number[] = [];
        for (let i = 0; i < n; i++) if ((matches[i] !== undefined) === (kind === 'semi')) sel.push(i);
        if (sel.length > 0) yield pick(lb, sel);
        continue;
      }

      // Candidate pairs in chunks; `matched` records left rows with a pair that passed.
      const matched = new Uint8Array(n);
      let li: number[] = [];
      let ri: number[] = [];
      const flush = function* (): Generator<Batch | Pause, void, undefined> {
        if (li.length === 0) return;
        let pl = li;
        let pr = ri;
        li = [];
        ri = [];
        if (residual) {
          const pairs = combine(lb, pl, rcols, pr);
          const ok = valuesOf(residual(pairs, ctx), pl.length);
          const kl: number[] = [];
          const kr: number[] = [];
          for (let j = 0; j < pl.length; j++) {
            if (isTrue(ok[j]!)) {
              kl.push(pl[j]!);
              kr.push(pr[j]!);
            }
          }
          pl = kl;
          pr = kr;
        }
        for (const i of pl) matched[i] = 1;
        if ((kind === 'inner' || kind === 'left') && pl.length > 0) yield combine(lb, pl, rcols, pr);
        // Pairs the residual rejects produce nothing: the slice can still run out here.
        else if (pacer.shouldPause()) yield PAUSE;
      };
      for (let i = 0; i < n; i++) {
        const list = matches[i];
        if (!list) continue;
        for (const r of list) {
          li.push(i);
          ri.push(r);
          if (li.length >= BATCH_SIZE) yield* flush();
        }
      }
      yield* flush();
      if (kind === 'left') {
        const sel: number[] = [];
        for (let i = 0; i < n; i++) if (!matched[i]) sel.push(i);
        if (sel.length > 0) yield padRight(pick(lb, sel), rightWidth);
      } else if (kind === 'semi' || kind === 'anti') {
        const sel: number[] = [];
        for (let i = 0; i < n; i++) if ((matched[i] === 1) === (kind === 'semi')) sel.push(i);
        if (sel.length > 0) yield pick(lb, sel);
      }
    }
  }

  return fromGenerator(run());
}

/** Left rows li[j] side by side with right rows ri[j]. */
export function combine(lb: Batch, li: readonly number[], rcols: readonly (readonly Value[])[], ri: readonly number[]): Batch {
  const m = li.length;
  const cols: Vector[] = [];
  for (const src of lb.cols) cols.push(gatherVector(src, li, m));
  for (const src of rcols) {
    const out: Value[] = new Array<Value>(m);
    for (let j = 0; j < m; j++) out[j] = src[ri[j]!]!;
    cols.push(valuesVector(out));
  }
  return { length: m, cols };
}

export function pick(b: Batch, sel: readonly number[]): Batch {
  if (sel.length === b.length) return b;
  return selectRows(b, sel, sel.length);
}

const NULLS = constVector(null);

/** Appends `width` all-NULL columns (unmatched rows of a left join). */
export function padRight(b: Batch, width: number): Batch {
  const cols = b.cols.slice();
  for (let c = 0; c < width; c++) cols.push(NULLS);
  return { length: b.length, cols };
}

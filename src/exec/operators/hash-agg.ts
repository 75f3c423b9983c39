import { groupKey } from '../../common/compare.js';
import { aggStateTypes, isSplittable, type PhysicalPlan } from '../../common/ir/physical.js';
import { invariant } from '../../common/assert.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { BATCH_SIZE, boxedBatch, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { compileExpr, warnOf, type CompiledExpr } from '../eval.js';
import { valueBytes } from '../memory.js';
import { makeAccumulator, type Accumulator, type AggEnv } from './aggregates.js';
import { KeyMap } from './key-map.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';

/** Working memory of one group besides its key values: the Map entry and each aggregate's state slots. */
const GROUP_BYTES = 48;
const AGG_STATE_BYTES = 32;

const DEFAULT_GROUP_CONCAT_MAX_LEN = 1024;

function groupConcatMaxLen(ctx: ExecContext): number {
  try {
    const v = ctx.sessionValue('@@group_concat_max_len');
    const n = v === null ? NaN : Number(v);
    return Number.isFinite(n) && n > 0 ? n : DEFAULT_GROUP_CONCAT_MAX_LEN;
  } catch {
    return DEFAULT_GROUP_CONCAT_MAX_LEN;
  }
}

/**
 * Hash aggregation in single, partial or final mode (physical.ts). Groups get dense ids in
 * order of first appearance; a single numeric key is used as the Map key directly.
 */
export function hashAgg(node: Extract<PhysicalPlan, { kind: 'hashAgg' }>, input: Operator, ctx: ExecContext): Operator {
  const { mode, aggs } = node;
  const k = node.groupBy.length;
  const groupExprs = node.groupBy.map(compileExpr);
  const groupTypes: SqlType[] = node.groupBy.map((g) => g.type);
  // Inputs per aggregate: argument (+ ORDER BY) expressions, or state column positions in final mode.
  const argExprs: CompiledExpr[][] = [];
  const stateCols: number[][] = [];
  let col = k;
  for (const a of aggs) {
    if (mode === 'final') {
      invariant(isSplittable(a), `aggregate ${a.fn} cannot be merged from partial states`);
      const width = aggStateTypes(a).length;
      stateCols.push(Array.from({ length: width }, (_, i) => col + i));
      col += width;
    } else {
      const exprs = a.args.map(compileExpr);
      if (a.fn === 'groupConcat') for (const o of a.orderBy ?? []) exprs.push(compileExpr(o.expr));
      argExprs.push(exprs);
    }
  }

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const w = warnOf(ctx);
    const env: AggEnv = { groupConcatMaxLen: groupConcatMaxLen(ctx), warn: w, reserve: (n) => pacer.reserve(n), release: (n) => pacer.release(n) };
    const accs: Accumulator[] = aggs.map((a) => makeAccumulator(a, env));
    const groupVals: Value[][] = groupTypes.map(() => []);
    const ids = new KeyMap<number>();
    let dense: Int32Array | null = null;
    let ngroups = 0;
    let capacity = 0;
    const ensure = (n: number): void => {
      if (n <= capacity) return;
      capacity = Math.max(n, capacity * 2, 16);
      for (const acc of accs) acc.grow(capacity);
    };
    // With no GROUP BY there is one group; single/final mode report it even for no input rows.
    if (k === 0 && mode !== 'partial') {
      ensure(1);
      ngroups = 1;
    }
    let gids = new Int32Array(BATCH_SIZE);
    /** Groups whose memory is counted. */
    let counted = 0;
    const perGroup = GROUP_BYTES + AGG_STATE_BYTES * aggs.length;
    for (;;) {
      const b = input.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const n = b.length;
      if (n === 0) continue;
      if (gids.length < n) gids = new Int32Array(n);
      if (k === 0) {
        if (ngroups === 0) {
          ensure(1);
          ngroups = 1;
        }
        gids.fill(0, 0, n);
      } else if (k === 1) {
        const xv = groupExprs[0]!(b, ctx);
        const t = groupTypes[0]!;
        const vals = groupVals[0]!;
        const data = xv.kind === 'f64' ? xv.data : null;
        const nulls = xv.kind === 'f64' ? xv.nulls : null;
        const xs = data === null ? valuesOf(xv, n) : null;
        for (let i = 0; i < n; i++) {
          const v = data !== null ? (nulls !== null && nulls[i] === 1 ? null : data[i]!) : xs![i]!;
          // Small non-negative integer keys index an array instead of hashing.
          if (typeof v === 'number' && (v & 0xffff) === v) {
            dense ??= new Int32Array(0x10000).fill(-1);
            let g = dense[v]!;
            if (g < 0) {
              g = dense[v] = ngroups++;
              vals.push(v);
            }
            gids[i] = g;
            continue;
          }
          const key = typeof v === 'number' ? (v === 0 ? 0 : v) : groupKey(v, t);
          let g = ids.get(key);
          if (g === undefined) {
            g = ngroups++;
            ids.add(key, g);
            vals.push(v);
          }
          gids[i] = g;
        }
        ensure(ngroups);
      } else {
        const cols = groupExprs.map((f) => valuesOf(f(b, ctx), n));
        for (let i = 0; i < n; i++) {
          let key = '';
          for (let c = 0; c < k; c++) {
            const p = groupKey(cols[c]![i]!, groupTypes[c]!);
            key += typeof p === 'number' ? 'n' + p + ';' : 's' + p.length + ':' + p;
          }
          let g = ids.get(key);
          if (g === undefined) {
            g = ngroups++;
            ids.add(key, g);
            for (let c = 0; c < k; c++) groupVals[c]!.push(cols[c]![i]!);
          }
          gids[i] = g;
        }
        ensure(ngroups);
      }
      for (let a = 0; a < accs.length; a++) {
        if (mode === 'final') accs[a]!.merge(gids, stateCols[a]!.map((c) => b.cols[c]!), n, w);
        else accs[a]!.update(gids, argExprs[a]!.map((f) => f(b, ctx)), n, w);
      }
      if (ngroups > counted) {
        // New groups hold their key (in the Map and in groupVals) and their aggregate states.
        let bytes = (ngroups - counted) * perGroup;
        for (let c = 0; c < k; c++) {
          const vals = groupVals[c]!;
          for (let g = counted; g < ngroups; g++) bytes += 2 * valueBytes(vals[g]!);
        }
        counted = ngroups;
        pacer.reserve(bytes);
      }
    }

    // Some results take long to make (GROUP_CONCAT … ORDER BY sorts its group): pause between groups too.
    const slow = aggs.some((a) => a.fn === 'groupConcat');
    for (let start = 0; start < ngroups; start += BATCH_SIZE) {
      if (start > 0 && pacer.shouldPause()) yield PAUSE;
      const end = Math.min(ngroups, start + BATCH_SIZE);
      const cols: Value[][] = [];
      for (let c = 0; c < k; c++) cols.push(groupVals[c]!.slice(start, end));
      for (const acc of accs) {
        if (mode === 'partial') {
          const first = acc.state(start);
          const sc: Value[][] = first.map(() => []);
          for (let g = start; g < end; g++) {
            const st = g === start ? first : acc.state(g);
            for (let j = 0; j < st.length; j++) sc[j]!.push(st[j]!);
          }
          cols.push(...sc);
        } else {
          const rc: Value[] = new Array(end - start);
          for (let g = start; g < end; g++) {
            if (slow && (g & 15) === 15 && pacer.shouldPause()) yield PAUSE;
            rc[g - start] = acc.result(g);
          }
          cols.push(rc);
        }
      }
      yield boxedBatch(cols, end - start);
    }
  }

  return fromGenerator(run());
}

import { assertNever } from '../../common/assert.js';
import type { BoundExpr } from '../../common/ir/expr.js';
import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { FrameBound, WindowCall } from '../../common/ir/window.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesVector, type Vector } from '../../common/vector.js';
import { BATCH_SIZE, ColumnBuffer, type Batch } from '../batch.js';
import type { ExecContext } from '../context.js';
import { comparatorFor, compileExpr, warnOf, type CompiledExpr } from '../eval.js';
import { batchBytes } from '../memory.js';
import type { AggEnv } from './aggregates.js';
import { PAUSE, fromGenerator, type Operator, type Pause } from './operator.js';
import { compileSortKeys, valueComparator } from './sort-keys.js';
import { sortedOrder } from './sorted-order.js';
import { computeCall, type CallInputs, type CallMemo } from './window-functions.js';
import type { BoundEnv, PartitionView } from './window-frames.js';

/** Bytes of one computed value held until the rows are emitted (slot + a boxed number). */
const RESULT_BYTES = 24;

/**
 * Window functions over the whole input: it is held (as a sort holds it), sorted by PARTITION
 * BY then ORDER BY (unless the window below left it so), and each partition's calls are
 * computed in order, pausing between chunks of rows; then the rows leave in that order with the
 * calls' columns after the input's. Memory is counted against the statement's budget.
 */
export function windowOp(node: Extract<PhysicalPlan, { kind: 'window' }>, input: Operator, ctx: ExecContext): Operator {
  const nPart = node.partitionBy.length;
  const sortKeys = [...node.partitionBy.map((expr) => ({ expr, desc: false })), ...node.orderBy];
  const keys = compileSortKeys(sortKeys);
  const keyCmps = sortKeys.map((k) => valueComparator(k.expr.type));
  // Every per-row expression the calls read, evaluated per input batch into one array each.
  const exprs: BoundExpr[] = [];
  const slot = (e: BoundExpr | null): number => {
    if (e === null) return -1;
    exprs.push(e);
    return exprs.length - 1;
  };
  const callSlots = node.calls.map((c) => ({
    arg: slot(callArg(c)),
    fallback: slot(c.fn.kind === 'lag' || c.fn.kind === 'lead' ? c.fn.fallback : null),
    start: slot(c.frame.start.kind === 'range' ? c.frame.start.target : null),
    end: slot(c.frame.end.kind === 'range' ? c.frame.end.target : null),
  }));
  const compiled: CompiledExpr[] = exprs.map((e) => compileExpr(e));
  const orderKeyType = node.orderBy[0]?.expr.type ?? null;

  function* run(): Generator<Batch | Pause, void, undefined> {
    const pacer = ctx.pacer;
    const w = warnOf(ctx);
    const env: AggEnv = { groupConcatMaxLen: 1024, warn: w, reserve: (n) => pacer.reserve(n), release: (n) => pacer.release(n) };
    const width = node.input.types.length;
    const rows = new ColumnBuffer(width);
    const kb = new ColumnBuffer(keys.exprs.length);
    const eb = new ColumnBuffer(exprs.length);
    for (;;) {
      const b = input.next();
      if (b === null) break;
      if (b === PAUSE) {
        yield PAUSE;
        continue;
      }
      const kv = { length: b.length, cols: keys.exprs.map((f) => f(b, ctx)) };
      const ev = { length: b.length, cols: compiled.map((f) => f(b, ctx)) };
      pacer.reserve(batchBytes(b) + batchBytes(kv) + batchBytes(ev) + (8 + RESULT_BYTES * node.calls.length) * b.length);
      rows.append(b);
      kb.append(kv);
      eb.append(ev);
      if (pacer.shouldPause()) yield PAUSE;
    }
    const n = rows.length;
    const kcols: Value[][] = kb.cols;
    let order: number[];
    if (node.presorted) {
      order = new Array<number>(n);
      for (let i = 0; i < n; i++) order[i] = i;
    } else order = yield* sortedOrder(n, (i, j) => keys.compare(kcols, i, kcols, j), pacer);

    const outs: Value[][] = node.calls.map(() => new Array<Value>(n));
    const at = (col: number) => (col < 0 ? null : (pos: number): Value => eb.cols[col]![order[pos]!]!);
    const inputs: CallInputs[] = node.calls.map((c, k) => {
      const s = callSlots[k]!;
      return { arg: at(s.arg), fallback: at(s.fallback), start: boundEnv(c.frame.start, orderKeyType, at(s.start)), end: boundEnv(c.frame.end, orderKeyType, at(s.end)) };
    });
    const nOrder = node.orderBy.length;
    const orderKey = nOrder > 0 ? (pos: number): Value => kcols[nPart]![order[pos]!]! : (): Value => null;
    const sign: 1 | -1 = node.orderBy[0]?.desc ? -1 : 1;
    const sameKeys = (from: number, to: number, a: number, b: number): boolean => {
      const ra = order[a]!;
      const rb = order[b]!;
      for (let k = from; k < to; k++) {
        const x = kcols[k]![ra]!;
        const y = kcols[k]![rb]!;
        if (x === y) continue;
        if (x === null || y === null) return false;
        if (keyCmps[k]!(x, y) !== 0) return false;
      }
      return true;
    };

    // Peer bounds of the current partition, reused by the next (sized for the largest so far).
    let peerStart = new Int32Array(16);
    let peerEnd = new Int32Array(16);
    const memos: CallMemo[] = node.calls.map(() => ({}));
    let start = 0;
    while (start < n) {
      // The partition: the rows whose PARTITION BY values equal the first one's.
      let end = start + 1;
      while (end < n && sameKeys(0, nPart, start, end)) {
        end++;
        if ((end & 4095) === 0 && pacer.shouldPause()) yield PAUSE;
      }
      const len = end - start;
      if (len > peerStart.length) {
        peerStart = new Int32Array(Math.max(len, peerStart.length * 2));
        peerEnd = new Int32Array(peerStart.length);
      }
      let g = start;
      for (let p = start; p < end; p++) {
        if (p > start && !sameKeys(nPart, nPart + nOrder, p - 1, p)) g = p;
        peerStart[p - start] = g;
        if ((p & 4095) === 4095 && pacer.shouldPause()) yield PAUSE;
      }
      let e = end;
      for (let p = end - 1; p >= start; p--) {
        peerEnd[p - start] = e;
        if (peerStart[p - start] === p) e = p;
      }
      let nonNullStart = start;
      let nonNullEnd = end;
      if (nOrder > 0) {
        if (sign > 0) while (nonNullStart < end && orderKey(nonNullStart) === null) nonNullStart++;
        else while (nonNullEnd > start && orderKey(nonNullEnd - 1) === null) nonNullEnd--;
      }
      const part: PartitionView = { start, end, peerStart, peerEnd, key: orderKey, sign, nonNullStart, nonNullEnd };
      for (let k = 0; k < node.calls.length; k++) yield* computeCall(node.calls[k]!, part, inputs[k]!, outs[k]!, pacer, env, memos[k]!);
      if (pacer.shouldPause()) yield PAUSE;
      start = end;
    }

    for (let pos = 0; pos < n; pos += BATCH_SIZE) {
      const to = Math.min(n, pos + BATCH_SIZE);
      const b = rows.gather(order, pos, to);
      const extra: Vector[] = outs.map((o) => valuesVector(o.slice(pos, to)));
      yield { length: b.length, cols: [...b.cols, ...extra] };
    }
  }

  return fromGenerator(run());
}

function callArg(c: WindowCall): BoundExpr | null {
  const fn = c.fn;
  switch (fn.kind) {
    case 'lag': case 'lead': case 'firstValue': case 'lastValue': case 'nthValue':
      return fn.arg;
    case 'aggregate':
      return fn.agg.args[0] ?? null;
    case 'rowNumber': case 'rank': case 'denseRank': case 'percentRank': case 'cumeDist': case 'ntile':
      return null;
    default:
      return assertNever(fn, 'window function');
  }
}

function boundEnv(b: FrameBound, keyType: SqlType | null, target: ((pos: number) => Value) | null): BoundEnv {
  if (b.kind !== 'range' || target === null || keyType === null) return {};
  const cmp = comparatorFor(b.cmp, keyType, b.target.type);
  return { target, cmp: (key, t) => cmp(key, t, noWarn) };
}

function noWarn(): void {}

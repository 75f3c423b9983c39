/**
 * The value of one window function for every row of one sorted partition. Running and sliding
 * frames cost O(partition): COUNT/SUM/AVG keep invertible totals (exact for integers and
 * DECIMAL, as the plain aggregates are), MIN/MAX a monotonic deque, and the other aggregates
 * an accumulator that only adds rows while the frame's start stays put; BIT_* count the bits of
 * the frame's values. Only STD/VARIANCE over a frame whose start moves are recomputed per row, as
 * MySQL does by default (windowing_use_high_precision: no floating-point inverse).
 */
import { assertNever } from '../../common/assert.js';
import { normInt, toDecimal, toDouble, toInteger, type WarnFn } from '../../common/cast.js';
import { Decimal, divRoundHalfUp, pow10 } from '../../common/decimal.js';
import { aggStateTypes, type AggSpec } from '../../common/ir/physical.js';
import type { WindowCall } from '../../common/ir/window.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesVector } from '../../common/vector.js';
import type { Pacer } from '../pacer.js';
import { makeAccumulator, type AggEnv } from './aggregates.js';
import { PAUSE, type Pause } from './operator.js';
import { valueComparator } from './sort-keys.js';
import { FrameCursor, SlidingExtreme, type BoundEnv, type PartitionView } from './window-frames.js';

/** The per-row inputs of one call, by sorted position. */
export interface CallInputs {
  /** The function's argument (aggregates: their one argument; COUNT(*): none). */
  readonly arg: ((pos: number) => Value) | null;
  readonly fallback: ((pos: number) => Value) | null;
  readonly start: BoundEnv;
  readonly end: BoundEnv;
}

/** Rows between pause checks. */
const CHECK_ROWS = 1024;

/**
 * What one call keeps from partition to partition: its frame cursor and running totals are made
 * once, not per partition (a window partitioned by a key has as many partitions as rows).
 */
export interface CallMemo {
  cursor?: FrameCursor;
  totals?: Invertible | null;
}

export function* computeCall(call: WindowCall, part: PartitionView, inputs: CallInputs, out: Value[], pacer: Pacer, env: AggEnv, memo: CallMemo): Generator<Pause, void, undefined> {
  const { start, end } = part;
  const n = end - start;
  const fn = call.fn;
  const arg = inputs.arg;
  const tick = (pos: number): boolean => (pos - start) % CHECK_ROWS === CHECK_ROWS - 1 && pacer.shouldPause();
  const cursor = (): FrameCursor => (memo.cursor ??= new FrameCursor(call.frame, inputs.start, inputs.end)).reset(part);
  switch (fn.kind) {
    case 'rowNumber':
      for (let p = start; p < end; p++) out[p] = p - start + 1;
      return;
    case 'rank':
      for (let p = start; p < end; p++) out[p] = part.peerStart[p - start]! - start + 1;
      return;
    case 'denseRank': {
      let rank = 0;
      for (let p = start; p < end; p++) {
        if (part.peerStart[p - start] === p) rank++;
        out[p] = rank;
      }
      return;
    }
    case 'percentRank':
      for (let p = start; p < end; p++) out[p] = n > 1 ? (part.peerStart[p - start]! - start) / (n - 1) : 0;
      return;
    case 'cumeDist':
      for (let p = start; p < end; p++) out[p] = (part.peerEnd[p - start]! - start) / n;
      return;
    case 'ntile': {
      // The first n % k buckets get one row more than the others.
      const k = fn.buckets;
      const size = Math.floor(n / k);
      const big = n % k;
      const inBig = big * (size + 1);
      for (let p = start; p < end; p++) {
        const r = p - start;
        out[p] = r < inBig ? Math.floor(r / (size + 1)) + 1 : big + Math.floor((r - inBig) / size) + 1;
      }
      return;
    }
    case 'lag':
    case 'lead': {
      const step = fn.kind === 'lag' ? -fn.offset : fn.offset;
      const fb = inputs.fallback;
      for (let p = start; p < end; p++) {
        const q = p + step;
        out[p] = q >= start && q < end ? arg!(q) : fb ? fb(p) : null;
      }
      return;
    }
    case 'firstValue':
    case 'lastValue':
    case 'nthValue': {
      const cur = cursor();
      const nth = fn.kind === 'nthValue' ? fn.n : 1;
      for (let p = start; p < end; p++) {
        cur.at(p);
        const at = fn.kind === 'lastValue' ? cur.hi - 1 : cur.lo + nth - 1;
        out[p] = cur.lo < cur.hi && at >= cur.lo && at < cur.hi ? arg!(at) : null;
        if (tick(p)) yield PAUSE;
      }
      return;
    }
    case 'aggregate':
      yield* aggregateOverFrames(fn.agg, part, inputs, out, pacer, env, tick, cursor(), memo);
      return;
    default:
      return assertNever(fn, 'window function');
  }
}

function* aggregateOverFrames(
  spec: AggSpec, part: PartitionView, inputs: CallInputs, out: Value[], pacer: Pacer, env: AggEnv, tick: (pos: number) => boolean, cur: FrameCursor, memo: CallMemo,
): Generator<Pause, void, undefined> {
  const { start, end } = part;
  const arg = inputs.arg ?? ONE;
  const argType = spec.args[0]?.type ?? BIGINT;
  // Invertible totals: add what enters the frame, take away what leaves it.
  if (memo.totals === undefined) memo.totals = invertible(spec, argType, env.warn);
  const totals = memo.totals;
  if (totals !== null) {
    totals.reset();
    let lo = start;
    let hi = start;
    for (let p = start; p < end; p++) {
      cur.at(p);
      const nlo = Math.max(cur.lo, lo);
      const nhi = Math.max(cur.hi, nlo);
      // Rows leave from the front and enter at the back; a jump past hi drops them all.
      if (nlo >= hi) {
        totals.reset();
        hi = nlo;
      } else for (; lo < nlo; lo++) totals.remove(arg(lo));
      lo = nlo;
      for (; hi < nhi; hi++) totals.add(arg(hi));
      out[p] = totals.result();
      if (tick(p)) yield PAUSE;
    }
    return;
  }
  if (spec.fn === 'min' || spec.fn === 'max') {
    const cmp = valueComparator(argType);
    const sign = spec.fn === 'min' ? 1 : -1;
    const ext = new SlidingExtreme(arg, (a, b) => sign * cmp(a, b), start);
    for (let p = start; p < end; p++) {
      cur.at(p);
      out[p] = cur.lo < cur.hi ? ext.move(cur.lo, cur.hi) : null;
      if (tick(p)) yield PAUSE;
    }
    return;
  }
  // Other aggregates: an accumulator over group 0 that rows are added to; rebuilt when the frame's start moves.
  let acc = makeAccumulator(spec, env);
  acc.grow(1);
  let lo = start;
  let hi = start;
  const gid = new Int32Array(CHECK_ROWS);
  const empty = makeAccumulator(spec, env);
  empty.grow(1);
  const emptyValue = empty.result(0);
  for (let p = start; p < end; p++) {
    cur.at(p);
    if (cur.lo !== lo || cur.hi < hi) {
      acc = makeAccumulator(spec, env);
      acc.grow(1);
      lo = cur.lo;
      hi = cur.lo;
    }
    while (hi < cur.hi) {
      const m = Math.min(cur.hi - hi, CHECK_ROWS);
      const vals = new Array<Value>(m);
      for (let i = 0; i < m; i++) vals[i] = arg(hi + i);
      acc.update(gid, spec.args.length === 0 ? [] : [valuesVector(vals)], m, env.warn);
      hi += m;
      if (hi < cur.hi && pacer.shouldPause()) yield PAUSE;
    }
    out[p] = cur.lo < cur.hi ? acc.result(0) : emptyValue;
    if (tick(p)) yield PAUSE;
  }
}

const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const ONE = (): Value => 1;

interface Invertible {
  add(v: Value): void;
  remove(v: Value): void;
  reset(): void;
  result(): Value;
}

/** COUNT, SUM and AVG over a sliding frame; null for the aggregates that cannot take rows away. */
function invertible(spec: AggSpec, argType: SqlType, warn: WarnFn): Invertible | null {
  if (spec.distinct) return null;
  switch (spec.fn) {
    case 'count':
    case 'countStar': {
      let count = 0;
      const star = spec.fn === 'countStar';
      return {
        add: (v) => void (star || v !== null ? count++ : 0),
        remove: (v) => void (star || v !== null ? count-- : 0),
        reset: () => void (count = 0),
        result: () => count,
      };
    }
    case 'bitAnd':
    case 'bitOr':
    case 'bitXor':
      return bitTotals(spec.fn, argType, warn);
    case 'sum':
    case 'avg': {
      const t = spec.type;
      if (t.kind === 'double' || t.kind === 'float') return doubleTotals(spec.fn, argType, warn);
      const scale = spec.fn === 'sum' ? (t.kind === 'decimal' ? t.scale : 0) : stateScale(spec);
      return exactTotals(spec.fn, argType, t, scale, warn);
    }
    default:
      return null;
  }
}

/**
 * BIT_AND / BIT_OR / BIT_XOR over a sliding frame: how many of the frame's values have each of
 * the 64 bits set (BIT_AND of no rows is all ones, the others 0, as the plain aggregates).
 */
function bitTotals(fn: 'bitAnd' | 'bitOr' | 'bitXor', argType: SqlType, warn: WarnFn): Invertible {
  const counts = new Float64Array(64);
  let rows = 0;
  const bits = (v: Value): bigint => {
    if (typeof v === 'bigint') return BigInt.asUintN(64, v);
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt.asUintN(64, BigInt(v));
    const i = toInteger(v, argType, false, warn)!;
    return BigInt.asUintN(64, typeof i === 'bigint' ? i : BigInt(i));
  };
  const count = (v: Value, d: number): void => {
    if (v === null) return;
    const u = bits(v);
    let lo = Number(u & 0xffffffffn);
    let hi = Number(u >> 32n);
    for (let b = 0; lo !== 0; b++, lo >>>= 1) if (lo & 1) counts[b]! += d;
    for (let b = 32; hi !== 0; b++, hi >>>= 1) if (hi & 1) counts[b]! += d;
    rows += d;
  };
  return {
    add: (v) => count(v, 1),
    remove: (v) => count(v, -1),
    reset: () => {
      counts.fill(0);
      rows = 0;
    },
    result: () => {
      let r = 0n;
      for (let b = 63; b >= 0; b--) {
        const c = counts[b]!;
        const set = fn === 'bitAnd' ? c === rows : fn === 'bitOr' ? c > 0 : c % 2 === 1;
        r = (r << 1n) | (set ? 1n : 0n);
      }
      return normInt(r);
    },
  };
}

function stateScale(spec: AggSpec): number {
  const st = aggStateTypes(spec)[0]!;
  return st.kind === 'decimal' ? st.scale : 0;
}

function doubleTotals(fn: 'sum' | 'avg', argType: SqlType, warn: WarnFn): Invertible {
  let sum = 0;
  let count = 0;
  const num = (v: Value): number => (typeof v === 'number' ? v : toDouble(v, argType, warn)!);
  return {
    add: (v) => {
      if (v === null) return;
      sum += num(v);
      count++;
    },
    remove: (v) => {
      if (v === null) return;
      sum -= num(v);
      // An empty frame starts from an exact zero again.
      if (--count === 0) sum = 0;
    },
    reset: () => {
      sum = 0;
      count = 0;
    },
    result: () => (count === 0 ? null : fn === 'sum' ? sum : sum / count),
  };
}

/** Exact totals as unscaled integers at `scale`: a number while safe, a bigint beyond. */
function exactTotals(fn: 'sum' | 'avg', argType: SqlType, type: SqlType, scale: number, warn: WarnFn): Invertible {
  let small = 0;
  let big = 0n;
  let count = 0;
  const factor = pow10(scale);
  const unscaled = (v: Value): number | bigint => {
    if (typeof v === 'number' && Number.isInteger(v) && argType.kind !== 'double' && argType.kind !== 'float') {
      if (scale === 0) return v;
      return BigInt(v) * factor;
    }
    if (typeof v === 'bigint') return v * factor;
    const d = v instanceof Decimal ? v : toDecimal(v, argType, warn)!;
    if (d.scale === scale) return d.unscaled;
    return d.scale < scale ? d.unscaled * pow10(scale - d.scale) : divRoundHalfUp(d.unscaled, pow10(d.scale - scale));
  };
  const addUnscaled = (u: number | bigint): void => {
    if (typeof u === 'number') {
      const s = small + u;
      if (Number.isSafeInteger(s)) {
        small = s;
        return;
      }
      big += BigInt(u);
      return;
    }
    big += u;
  };
  return {
    add: (v) => {
      if (v === null) return;
      addUnscaled(unscaled(v));
      count++;
    },
    remove: (v) => {
      if (v === null) return;
      const u = unscaled(v);
      addUnscaled(typeof u === 'number' ? -u : -u);
      if (--count === 0) {
        small = 0;
        big = 0n;
      }
    },
    reset: () => {
      small = 0;
      big = 0n;
      count = 0;
    },
    result: () => {
      if (count === 0) return null;
      const total = BigInt(small) + big;
      if (fn === 'sum') {
        if (type.kind === 'decimal') return new Decimal(total, scale).round(type.scale);
        return new Decimal(total, scale);
      }
      const ts = type.kind === 'decimal' ? type.scale : 0;
      // Rounded half away from zero to the result scale, as MySQL (and the plain AVG).
      const q = ts >= scale ? divRoundHalfUp(total * pow10(ts - scale), BigInt(count)) : divRoundHalfUp(total, BigInt(count) * pow10(scale - ts));
      return new Decimal(q, ts);
    },
  };
}

/**
 * Aggregate accumulators for hashAgg. State is struct-of-arrays indexed by group id, so the
 * per-row loops touch plain arrays only. Each accumulator can consume input rows (single and
 * partial mode) or partial states (final mode, see aggStateTypes).
 */
import { assertNever, invariant } from '../../common/assert.js';
import { normInt, toDecimal, toDouble, toInteger, toStringValue, stringToBytes, type WarnFn } from '../../common/cast.js';
import { groupKey } from '../../common/compare.js';
import { Decimal, divRoundHalfUp, pow10 } from '../../common/decimal.js';
import { aggStateTypes, type AggSpec } from '../../common/ir/physical.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { gatherVector, valuesOf, type TypedVector, type Vector } from '../../common/vector.js';
import { keyBytes, valueBytes } from '../memory.js';
import { KeySet } from './key-map.js';
import { compositeKey } from './row-keys.js';
import { valueComparator } from './sort-keys.js';
import { makeJsonAgg } from './json-agg.js';
import type { Accumulator, AggEnv } from './accumulator.js';

export type { Accumulator, AggEnv } from './accumulator.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UINT64_MAX = (1n << 64n) - 1n;

function growArr<T>(a: T[], n: number, v: T): void {
  while (a.length < n) a.push(v);
}

// ---------------------------------------------------------------- exact sums

/**
 * Exact sums of unscaled integers at a fixed scale: a double while the running total is a
 * safe integer, spilling to bigint beyond (the common case never allocates).
 */
class ExactSums {
  readonly small: number[] = [];
  readonly big: (bigint | undefined)[] = [];
  readonly has: number[] = [];

  constructor(readonly scale: number) {}

  grow(n: number): void {
    growArr(this.small, n, 0);
    growArr(this.big, n, undefined);
    growArr(this.has, n, 0);
  }

  addUnscaled(g: number, u: bigint): void {
    this.has[g] = 1;
    if (u >= -9007199254740991n && u <= 9007199254740991n) this.addNumber(g, Number(u));
    else this.big[g] = (this.big[g] ?? 0n) + u;
  }

  /** Adds an unscaled safe integer. */
  addNumber(g: number, u: number): void {
    this.has[g] = 1;
    const s = this.small[g]! + u;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) this.small[g] = s;
    else {
      this.big[g] = (this.big[g] ?? 0n) + BigInt(this.small[g]!) + BigInt(u);
      this.small[g] = 0;
    }
  }

  add(g: number, v: Value, t: SqlType, w: WarnFn): void {
    if (typeof v === 'number' && Number.isInteger(v) && t.kind !== 'double' && t.kind !== 'float') {
      if (this.scale === 0) this.addNumber(g, v);
      else this.addUnscaled(g, BigInt(v) * pow10(this.scale));
      return;
    }
    if (typeof v === 'bigint') {
      this.addUnscaled(g, this.scale === 0 ? v : v * pow10(this.scale));
      return;
    }
    const d = v instanceof Decimal ? v : toDecimal(v, t, w)!;
    let u: bigint;
    if (d.scale === this.scale) u = d.unscaled;
    else if (d.scale < this.scale) u = d.unscaled * pow10(this.scale - d.scale);
    else u = divRoundHalfUp(d.unscaled, pow10(d.scale - this.scale));
    this.addUnscaled(g, u);
  }

  /** Are v's numbers (of type t) integers on this sum's grid, ready for addGrid? */
  onGrid(v: Vector, t: SqlType): v is TypedVector {
    return (v.kind === 'scaled' && v.scale === this.scale) || (v.kind === 'f64' && this.scale === 0 && t.kind === 'int');
  }

  /** Adds integers on this sum's grid (unscaled at its scale, each within ±2^53), skipping NULL rows. */
  addGrid(gids: Int32Array, data: Float64Array, nulls: Uint8Array | null, n: number): void {
    const small = this.small;
    const has = this.has;
    for (let i = 0; i < n; i++) {
      if (nulls !== null && nulls[i] === 1) continue;
      const g = gids[i]!;
      const r = small[g]! + data[i]!;
      if (r <= MAX_SAFE && r >= -MAX_SAFE) {
        small[g] = r;
        has[g] = 1;
      } else this.addNumber(g, data[i]!);
    }
  }

  total(g: number): bigint {
    return BigInt(this.small[g]!) + (this.big[g] ?? 0n);
  }

  /** The sum as a Decimal, or null when no value was added. */
  decimal(g: number): Decimal | null {
    return this.has[g] ? new Decimal(this.total(g), this.scale) : null;
  }
}

/** A Decimal sum presented in the result type (Decimal at its scale, or an int/double). */
function sumAs(d: Decimal | null, t: SqlType): Value {
  if (d === null) return null;
  switch (t.kind) {
    case 'decimal': return d.scale === t.scale ? d : d.round(t.scale);
    case 'int': return normInt(d.toBigInt());
    case 'double': case 'float': return d.toNumber();
    default: return d;
  }
}

class SumExact implements Accumulator {
  private readonly sums: ExactSums;
  constructor(private readonly argType: SqlType, private readonly type: SqlType) {
    this.sums = new ExactSums(type.kind === 'decimal' ? type.scale : 0);
  }
  grow(n: number): void {
    this.sums.grow(n);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    const s = this.sums;
    const t = this.argType;
    const v0 = args[0]!;
    if (s.onGrid(v0, t)) {
      s.addGrid(gids, v0.data, v0.nulls, n);
      return;
    }
    const xs = valuesOf(v0, n);
    const fast = s.scale === 0 && t.kind === 'int';
    const small = s.small;
    const has = s.has;
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v === null) continue;
      const g = gids[i]!;
      if (fast && typeof v === 'number') {
        const r = small[g]! + v;
        if (r <= MAX_SAFE && r >= -MAX_SAFE) {
          small[g] = r;
          has[g] = 1;
          continue;
        }
      }
      s.add(g, v, t, w);
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void {
    const xs = valuesOf(states[0]!, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v !== null) this.sums.add(gids[i]!, v, this.type, w);
    }
  }
  result(g: number): Value {
    return sumAs(this.sums.decimal(g), this.type);
  }
  state(g: number): Value[] {
    return [this.result(g)];
  }
}

/** Floating-point sums and row counts per group: the state of SUM and AVG over doubles. */
class DoubleSums {
  readonly sums: number[] = [];
  readonly counts: number[] = [];

  grow(n: number): void {
    growArr(this.sums, n, 0);
    growArr(this.counts, n, 0);
  }

  /** Adds each non-NULL row of v (of type t) to its group. */
  addRows(gids: Int32Array, v: Vector, n: number, t: SqlType, w: WarnFn): void {
    const sums = this.sums;
    const counts = this.counts;
    if (v.kind === 'f64') {
      const { data, nulls } = v;
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) continue;
        const g = gids[i]!;
        sums[g]! += data[i]!;
        counts[g]!++;
      }
      return;
    }
    const xs = valuesOf(v, n);
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      if (x === null) continue;
      const g = gids[i]!;
      sums[g]! += typeof x === 'number' ? x : toDouble(x, t, w)!;
      counts[g]!++;
    }
  }
}

class SumDouble implements Accumulator {
  private readonly acc = new DoubleSums();
  constructor(private readonly argType: SqlType) {}
  grow(n: number): void {
    this.acc.grow(n);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    this.acc.addRows(gids, args[0]!, n, this.argType, w);
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void {
    // A partial sum adds like a row; the count only marks that the group saw one.
    this.acc.addRows(gids, states[0]!, n, DOUBLE, w);
  }
  result(g: number): Value {
    return this.acc.counts[g] ? this.acc.sums[g]! : null;
  }
  state(g: number): Value[] {
    return [this.result(g)];
  }
}

const DOUBLE: SqlType = { kind: 'double' };

class AvgDecimal implements Accumulator {
  private readonly sums: ExactSums;
  private readonly counts: number[] = [];
  constructor(private readonly argType: SqlType, private readonly type: Extract<SqlType, { kind: 'decimal' }>, stateScale: number) {
    this.sums = new ExactSums(stateScale);
  }
  grow(n: number): void {
    this.sums.grow(n);
    growArr(this.counts, n, 0);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    const v0 = args[0]!;
    if (this.sums.onGrid(v0, this.argType)) {
      const counts = this.counts;
      const nulls = v0.nulls;
      for (let i = 0; i < n; i++) if (nulls === null || nulls[i] !== 1) counts[gids[i]!]!++;
      this.sums.addGrid(gids, v0.data, nulls, n);
      return;
    }
    const xs = valuesOf(v0, n);
    const fast = this.sums.scale === 0 && this.argType.kind === 'int';
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v === null) continue;
      const g = gids[i]!;
      this.counts[g]!++;
      if (fast && typeof v === 'number') this.sums.addNumber(g, v);
      else this.sums.add(g, v, this.argType, w);
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void {
    const ss = valuesOf(states[0]!, n);
    const cs = valuesOf(states[1]!, n);
    for (let i = 0; i < n; i++) {
      const c = cs[i]!;
      if (c === null || c === 0) continue;
      const g = gids[i]!;
      this.counts[g]! += Number(c);
      if (ss[i] !== null) this.sums.add(g, ss[i]!, this.type, w);
    }
  }
  result(g: number): Value {
    const c = this.counts[g]!;
    if (c === 0) return null;
    const total = this.sums.total(g);
    const s = this.sums.scale;
    const ts = this.type.scale;
    // Rounded half away from zero to the result scale, as MySQL.
    const q = ts >= s ? divRoundHalfUp(total * pow10(ts - s), BigInt(c)) : divRoundHalfUp(total, BigInt(c) * pow10(s - ts));
    return new Decimal(q, ts);
  }
  state(g: number): Value[] {
    return [this.sums.decimal(g), this.counts[g]!];
  }
}

class AvgDouble implements Accumulator {
  private readonly acc = new DoubleSums();
  constructor(private readonly argType: SqlType) {}
  grow(n: number): void {
    this.acc.grow(n);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    this.acc.addRows(gids, args[0]!, n, this.argType, w);
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void {
    const { sums, counts } = this.acc;
    const ss = valuesOf(states[0]!, n);
    const cs = valuesOf(states[1]!, n);
    for (let i = 0; i < n; i++) {
      const c = cs[i]!;
      if (c === null || c === 0) continue;
      const g = gids[i]!;
      const s = ss[i]!;
      sums[g]! += s === null ? 0 : typeof s === 'number' ? s : toDouble(s, DOUBLE, w)!;
      counts[g]! += Number(c);
    }
  }
  result(g: number): Value {
    const c = this.acc.counts[g]!;
    return c === 0 ? null : this.acc.sums[g]! / c;
  }
  state(g: number): Value[] {
    const c = this.acc.counts[g]!;
    return [c ? this.acc.sums[g]! : null, c];
  }
}

// ---------------------------------------------------------------- counts, min/max, bits

class Count implements Accumulator {
  private readonly counts: number[] = [];
  constructor(private readonly star: boolean) {}
  grow(n: number): void {
    growArr(this.counts, n, 0);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const counts = this.counts;
    if (this.star || args.length === 0) {
      for (let i = 0; i < n; i++) counts[gids[i]!]!++;
      return;
    }
    if (args.length === 1) {
      const v = args[0]!;
      if (v.kind === 'f64' || v.kind === 'scaled') {
        const nulls = v.nulls;
        if (nulls === null) for (let i = 0; i < n; i++) counts[gids[i]!]!++;
        else for (let i = 0; i < n; i++) if (nulls[i] !== 1) counts[gids[i]!]!++;
        return;
      }
    }
    const cols = args.map((v) => valuesOf(v, n));
    rows: for (let i = 0; i < n; i++) {
      for (let k = 0; k < cols.length; k++) if (cols[k]![i] === null) continue rows;
      counts[gids[i]!]!++;
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number): void {
    const xs = valuesOf(states[0]!, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v !== null) this.counts[gids[i]!]! += Number(v);
    }
  }
  result(g: number): Value {
    return this.counts[g]!;
  }
  state(g: number): Value[] {
    return [this.counts[g]!];
  }
}

class MinMax implements Accumulator {
  private readonly vals: Value[] = [];
  private readonly cmp: (a: Value, b: Value) => number;
  constructor(type: SqlType, private readonly sign: 1 | -1) {
    this.cmp = valueComparator(type);
  }
  grow(n: number): void {
    growArr(this.vals, n, null);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const vals = this.vals;
    const sign = this.sign;
    const v0 = args[0]!;
    if (v0.kind === 'f64') {
      // Numbers against numbers compare as JS does; a bigint kept from another batch goes by cmp.
      const { data, nulls } = v0;
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) continue;
        const v = data[i]!;
        const g = gids[i]!;
        const cur = vals[g]!;
        if (cur === null) vals[g] = v;
        else if (typeof cur === 'number') {
          if (sign > 0 ? v < cur : v > cur) vals[g] = v;
        } else if (this.cmp(v, cur) * sign < 0) vals[g] = v;
      }
      return;
    }
    const xs = valuesOf(v0, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v === null) continue;
      const g = gids[i]!;
      const cur = vals[g]!;
      if (cur === null) vals[g] = v;
      else if (typeof v === 'number' && typeof cur === 'number') {
        if (sign > 0 ? v < cur : v > cur) vals[g] = v;
      } else if (this.cmp(v, cur) * sign < 0) vals[g] = v;
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number): void {
    this.update(gids, states, n);
  }
  result(g: number): Value {
    return this.vals[g]!;
  }
  state(g: number): Value[] {
    return [this.vals[g]!];
  }
}

class AnyValue implements Accumulator {
  private readonly vals: Value[] = [];
  private readonly seen: number[] = [];
  grow(n: number): void {
    growArr(this.vals, n, null);
    growArr(this.seen, n, 0);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const xs = valuesOf(args[0]!, n);
    for (let i = 0; i < n; i++) {
      const g = gids[i]!;
      if (!this.seen[g]) {
        this.seen[g] = 1;
        this.vals[g] = xs[i]!;
      }
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number): void {
    this.update(gids, states, n);
  }
  result(g: number): Value {
    return this.vals[g]!;
  }
  state(g: number): Value[] {
    return [this.vals[g]!];
  }
}

function toU64(v: Value, t: SqlType, w: WarnFn): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt.asUintN(64, BigInt(v));
  const i = toInteger(v, t, false, w)!;
  return BigInt.asUintN(64, typeof i === 'bigint' ? i : BigInt(i));
}

class BitAgg implements Accumulator {
  private readonly vals: bigint[] = [];
  private readonly init: bigint;
  constructor(private readonly op: 'bitAnd' | 'bitOr' | 'bitXor', private readonly argType: SqlType) {
    // BIT_AND of no rows is all ones, BIT_OR/BIT_XOR zero (never NULL).
    this.init = op === 'bitAnd' ? UINT64_MAX : 0n;
  }
  grow(n: number): void {
    growArr(this.vals, n, this.init);
  }
  private fold(gids: Int32Array, xs: readonly Value[], n: number, t: SqlType, w: WarnFn): void {
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v === null) continue;
      const g = gids[i]!;
      const x = toU64(v, t, w);
      const cur = this.vals[g]!;
      this.vals[g] = this.op === 'bitAnd' ? cur & x : this.op === 'bitOr' ? cur | x : cur ^ x;
    }
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    this.fold(gids, valuesOf(args[0]!, n), n, this.argType, w);
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void {
    this.fold(gids, valuesOf(states[0]!, n), n, UBIGINT, w);
  }
  result(g: number): Value {
    return normInt(this.vals[g]!);
  }
  state(g: number): Value[] {
    return [this.result(g)];
  }
}

const UBIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: true };

/** Population/sample variance and standard deviation with Welford's update and Chan's merge. */
class Variance implements Accumulator {
  private readonly count: number[] = [];
  private readonly mean: number[] = [];
  private readonly m2: number[] = [];
  constructor(private readonly argType: SqlType, private readonly sqrt: boolean, private readonly sample: boolean) {}
  grow(n: number): void {
    growArr(this.count, n, 0);
    growArr(this.mean, n, 0);
    growArr(this.m2, n, 0);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    const xs = valuesOf(args[0]!, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      if (v === null) continue;
      const g = gids[i]!;
      const x = typeof v === 'number' ? v : toDouble(v, this.argType, w)!;
      const c = ++this.count[g]!;
      const d = x - this.mean[g]!;
      this.mean[g]! += d / c;
      this.m2[g]! += d * (x - this.mean[g]!);
    }
  }
  merge(gids: Int32Array, states: readonly Vector[], n: number): void {
    const st = states.map((v) => valuesOf(v, n));
    for (let i = 0; i < n; i++) {
      const c2 = Number(st[0]![i] ?? 0);
      if (c2 === 0) continue;
      const g = gids[i]!;
      const mean2 = Number(st[1]![i]);
      const m22 = Number(st[2]![i]);
      const c1 = this.count[g]!;
      const c = c1 + c2;
      const d = mean2 - this.mean[g]!;
      this.mean[g]! += (d * c2) / c;
      this.m2[g]! += m22 + (d * d * c1 * c2) / c;
      this.count[g] = c;
    }
  }
  result(g: number): Value {
    const c = this.count[g]!;
    if (c === 0 || (this.sample && c < 2)) return null;
    const v = this.m2[g]! / (this.sample ? c - 1 : c);
    return this.sqrt ? Math.sqrt(v) : v;
  }
  state(g: number): Value[] {
    return [this.count[g]!, this.mean[g]!, this.m2[g]!];
  }
}

// ---------------------------------------------------------------- GROUP_CONCAT

/**
 * GROUP_CONCAT keeps only what can reach its result, which group_concat_max_len cuts: without
 * ORDER BY, rows stop being added once a group's text is longer than the limit; with ORDER BY,
 * a group keeps its first max_len + 2 entries in order (every entry adds at least one byte, as
 * empty ones are dropped when the separator is empty too): the list is trimmed back to them when
 * it grows by half, and after a trim a row that does not sort before the last kept entry is
 * dropped at once (ties go to the earlier row, as in a stable sort). A group's entries are two
 * flat arrays (texts, and ORDER BY keys `width` to an entry), not an object each: millions of
 * small long-lived objects would make every young-generation collection slow.
 */
class GroupConcat implements Accumulator {
  private readonly texts: (string[] | undefined)[] = [];
  private readonly keys: (Value[] | undefined)[] = [];
  /** Characters so far, per group (no ORDER BY): past the limit, the rest is cut anyway. */
  private readonly chars: number[] = [];
  /** Per group: 1 once the list has been trimmed; its entry keep - 1 is then the one a new entry must sort before. */
  private readonly trimmed: number[] = [];
  private readonly orderCmps: ((a: Value, b: Value) => number)[];
  private readonly signs: number[];
  private readonly width: number;
  private readonly sep: string;
  /** Entries enough for a full result under ORDER BY, and the list length that triggers a trim. */
  private readonly keep: number;
  private readonly trimAt: number;
  constructor(private readonly spec: AggSpec, private readonly env: AggEnv) {
    const ob = spec.orderBy ?? [];
    this.orderCmps = ob.map((k) => valueComparator(k.expr.type));
    this.signs = ob.map((k) => (k.desc ? -1 : 1));
    this.width = ob.length;
    this.sep = spec.separator ?? ',';
    // Every entry past the first adds at least one byte, so max_len + 2 of them are always cut.
    this.keep = env.groupConcatMaxLen + 2;
    this.trimAt = this.keep + Math.max(64, Math.floor(this.keep / 2));
  }
  grow(n: number): void {
    growArr(this.texts, n, undefined);
    growArr(this.chars, n, 0);
    if (this.width > 0) {
      growArr(this.keys, n, undefined);
      growArr(this.trimmed, n, 0);
    }
  }
  update(gids: Int32Array, args: readonly Vector[], n: number): void {
    const nArgs = this.spec.args.length;
    const types = this.spec.args.map((a) => a.type);
    const cols = args.map((v) => valuesOf(v, n));
    const width = this.width;
    const max = this.env.groupConcatMaxLen;
    const trimmed = width > 0 ? this.trimmed : null;
    let bytes = 0;
    rows: for (let i = 0; i < n; i++) {
      const g = gids[i]!;
      if (width === 0 && this.chars[g]! > max) continue; // already past the cut
      for (let k = 0; k < nArgs; k++) if (cols[k]![i] === null) continue rows; // rows with a NULL argument are skipped
      // Most rows of a big group sort after the last kept entry: drop them before making anything.
      if (trimmed !== null && trimmed[g] === 1 && this.compareRow(cols, nArgs, i, this.keys[g]!, (this.keep - 1) * width) >= 0) continue;
      let text = '';
      for (let k = 0; k < nArgs; k++) text += toStringValue(cols[k]![i]!, types[k]!)!;
      const texts = (this.texts[g] ??= []);
      // An empty entry with an empty separator adds nothing but the fact that the group has one.
      if (text === '' && this.sep === '' && texts.length > 0) continue;
      texts.push(text);
      bytes += 8 + (text.length > 0 ? 24 + 2 * text.length : 0);
      if (width === 0) {
        this.chars[g]! += text.length + (texts.length > 1 ? this.sep.length : 0);
        continue;
      }
      const ks = (this.keys[g] ??= []);
      for (let k = 0; k < width; k++) {
        const v = cols[nArgs + k]![i]!;
        ks.push(v);
        bytes += valueBytes(v);
      }
      if (texts.length >= this.trimAt) {
        bytes -= this.trim(g);
        trimmed![g] = 1;
      }
    }
    if (bytes > 0) this.env.reserve(bytes);
    else if (bytes < 0) this.env.release(-bytes);
  }
  /** The entries of group g in ORDER BY order (a stable sort: ties keep their arrival order). */
  private order(g: number): number[] {
    const texts = this.texts[g]!;
    const ks = this.keys[g]!;
    const w = this.width;
    const idx = new Array<number>(texts.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    idx.sort((a, b) => this.compareKeys(ks, a * w, ks, b * w) || a - b);
    return idx;
  }
  /** Keeps group g's first `keep` entries, in order; returns the bytes given back. */
  private trim(g: number): number {
    const texts = this.texts[g]!;
    const ks = this.keys[g]!;
    const w = this.width;
    const idx = this.order(g);
    const nt: string[] = [];
    const nk: Value[] = [];
    let freed = 0;
    for (let j = 0; j < idx.length; j++) {
      const e = idx[j]!;
      if (j < this.keep) {
        nt.push(texts[e]!);
        for (let k = 0; k < w; k++) nk.push(ks[e * w + k]!);
        continue;
      }
      const t = texts[e]!;
      freed += 8 + (t.length > 0 ? 24 + 2 * t.length : 0);
      for (let k = 0; k < w; k++) freed += valueBytes(ks[e * w + k]!);
    }
    this.texts[g] = nt;
    this.keys[g] = nk;
    return freed;
  }
  private compareKeys(a: readonly Value[], ai: number, b: readonly Value[], bi: number): number {
    const cmps = this.orderCmps;
    for (let k = 0; k < cmps.length; k++) {
      const x = a[ai + k]!;
      const y = b[bi + k]!;
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : cmps[k]!(x, y);
      if (c !== 0) return c * this.signs[k]!;
    }
    return 0;
  }
  /** Compares row i's ORDER BY keys (columns from `first` on) with the entry whose keys start at ks[at]. */
  private compareRow(cols: readonly (readonly Value[])[], first: number, i: number, ks: readonly Value[], at: number): number {
    const cmps = this.orderCmps;
    for (let k = 0; k < cmps.length; k++) {
      const x = cols[first + k]![i]!;
      const y = ks[at + k]!;
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : cmps[k]!(x, y);
      if (c !== 0) return c * this.signs[k]!;
    }
    return 0;
  }
  merge(): void {
    invariant(false, 'GROUP_CONCAT is not split into partial and final aggregates');
  }
  result(g: number): Value {
    const texts = this.texts[g];
    if (!texts || texts.length === 0) return null;
    const sep = this.sep;
    let s = '';
    if (this.width > 0) {
      const idx = this.order(g);
      for (let i = 0; i < idx.length; i++) s += (i > 0 ? sep : '') + texts[idx[i]!]!;
    } else {
      for (let i = 0; i < texts.length; i++) s += (i > 0 ? sep : '') + texts[i]!;
    }
    const max = this.env.groupConcatMaxLen;
    if (s.length > max / 4 && Buffer.byteLength(s, 'utf8') > max) {
      s = cutUtf8(s, max);
      this.env.warn('ER_CUT_VALUE_GROUP_CONCAT', `Row ${g + 1} was cut by GROUP_CONCAT()`);
    }
    return this.spec.type.kind === 'string' && this.spec.type.binary ? stringToBytes(s) : s;
  }
  state(): Value[] {
    invariant(false, 'GROUP_CONCAT is not split into partial and final aggregates');
  }
}

/** The longest prefix of s whose UTF-8 encoding fits in max bytes (whole characters only). */
function cutUtf8(s: string, max: number): string {
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + len > max) break;
    bytes += len;
    i += ch.length;
  }
  return s.slice(0, i);
}

// ---------------------------------------------------------------- DISTINCT

/**
 * Drops rows whose argument tuple was already seen in the group (and rows with a NULL
 * argument, which no DISTINCT aggregate counts) before the inner accumulator sees them.
 */
class DistinctAgg implements Accumulator {
  private readonly seen: (KeySet | undefined)[] = [];
  constructor(private readonly inner: Accumulator, private readonly types: readonly SqlType[], private readonly env: AggEnv) {}
  grow(n: number): void {
    growArr(this.seen, n, undefined);
    this.inner.grow(n);
  }
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void {
    const nKey = this.types.length;
    const keep = new Int32Array(n);
    let m = 0;
    const parts: (string | number)[] = new Array(nKey);
    const cols = args.map((v) => valuesOf(v, n));
    let bytes = 0;
    rows: for (let i = 0; i < n; i++) {
      for (let k = 0; k < nKey; k++) {
        const v = cols[k]![i]!;
        if (v === null) continue rows;
        parts[k] = groupKey(v, this.types[k]!);
      }
      const key = nKey === 1 ? parts[0]! : compositeKey(parts);
      const g = gids[i]!;
      const set = (this.seen[g] ??= new KeySet());
      if (!set.add(key)) continue;
      bytes += keyBytes(key);
      keep[m++] = i;
    }
    this.env.reserve(bytes);
    if (m === n) {
      this.inner.update(gids, args, n, w);
      return;
    }
    const g2 = new Int32Array(m);
    for (let j = 0; j < m; j++) g2[j] = gids[keep[j]!]!;
    const a2 = args.map((col) => gatherVector(col, keep, m));
    this.inner.update(g2, a2, m, w);
  }
  merge(): void {
    invariant(false, 'DISTINCT aggregates are not split into partial and final aggregates');
  }
  result(g: number): Value {
    return this.inner.result(g);
  }
  state(): Value[] {
    invariant(false, 'DISTINCT aggregates are not split into partial and final aggregates');
  }
}

// ---------------------------------------------------------------- factory

export function makeAccumulator(spec: AggSpec, env: AggEnv): Accumulator {
  const argType = spec.args[0]?.type ?? BIGINT;
  let acc: Accumulator;
  switch (spec.fn) {
    case 'countStar':
      return new Count(true);
    case 'count':
      acc = new Count(false);
      break;
    case 'sum':
      acc = spec.type.kind === 'double' || spec.type.kind === 'float' ? new SumDouble(argType) : new SumExact(argType, spec.type);
      break;
    case 'avg':
      if (spec.type.kind === 'decimal') {
        const st = aggStateTypes(spec)[0]!;
        acc = new AvgDecimal(argType, spec.type, st.kind === 'decimal' ? st.scale : 0);
      } else acc = new AvgDouble(argType);
      break;
    case 'min':
      return new MinMax(argType, 1);
    case 'max':
      return new MinMax(argType, -1);
    case 'anyValue':
      return new AnyValue();
    case 'bitAnd':
    case 'bitOr':
    case 'bitXor':
      acc = new BitAgg(spec.fn, argType);
      break;
    case 'std':
    case 'variance':
      acc = new Variance(argType, spec.fn === 'std', spec.sample === true);
      break;
    case 'groupConcat':
      acc = new GroupConcat(spec, env);
      break;
    case 'jsonArrayAgg':
    case 'jsonObjectAgg':
      return makeJsonAgg(spec, env);
    default:
      return assertNever(spec.fn, 'aggregate');
  }
  return spec.distinct ? new DistinctAgg(acc, spec.args.map((a) => a.type), env) : acc;
}

const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };

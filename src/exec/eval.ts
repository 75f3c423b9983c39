/**
 * Bound expressions compiled into vectorized closures: one call evaluates a whole batch.
 * Closures hold no per-execution state (a cached plan may run in several executions at
 * once on a leaf); what varies per execution comes from the ExecContext argument.
 */
import { arith, negate } from '../common/arith.js';
import { assertNever, invariant } from '../common/assert.js';
import {
  castToType, castValue, normInt, toBoolean, toBytes, toDecimal, toDouble, toInteger, toStringValue, type WarnFn,
} from '../common/cast.js';
import { collationKey, compareBytes, compareStrings } from '../common/collation.js';
import { compareValues, groupKey } from '../common/compare.js';
import { Decimal, pow10 } from '../common/decimal.js';
import { SqlError } from '../common/errors.js';
import type { BoundExpr, CompareKind, CompareOp, QuantifiedOp } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { constVector, f64Vector, MIN_TYPED_ROWS, valueAt, valuesOf, valuesVector, type ConstVector, type Vector } from '../common/vector.js';
import { rowOf, selectRows, type Batch } from './batch.js';
import { executionMemo, withOuterRow, type ExecContext } from './context.js';
import { lookupFunction } from './functions/registry.js';
import { compileLike, likeMatches } from './functions/like.js';
import { compileRegexp, regexpMatches } from './functions/regexp.js';
import { drainSync, instantiate } from './instantiate.js';
import { vectorBytes } from './memory.js';

/** One value per row of the batch. The returned vector is read-only for the caller. */
export type CompiledExpr = (batch: Batch, ctx: ExecContext) => Vector;

interface Node {
  readonly vec: CompiledExpr;
  /** Set when the value does not depend on the row: evaluated once per batch. */
  readonly scalar: ((ctx: ExecContext) => Value) | null;
  /** Cannot raise an error or warning: safe to evaluate on rows a short-circuit would skip. */
  readonly safe: boolean;
}

const ONE_ROW: Batch = { length: 1, cols: [] };
const cache = new WeakMap<BoundExpr, Node>();
/**
 * Compiled nodes made so far. The cache is keyed by the expression objects, so a leaf reuses
 * compiled code only while it keeps the decoded plan (net/ref-cache.ts); tests read this to check.
 */
export const compileStats = { built: 0 };

export function compileExpr(e: BoundExpr): CompiledExpr {
  return node(e).vec;
}

/** Value of an expression with no column references (LIMIT counts, VALUES rows, scan keys). */
export function evalConst(e: BoundExpr, ctx: ExecContext): Value {
  // Leaves need no compiled node, nor a cache entry: INSERT … VALUES binds one per value.
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'slot':
      return ctx.slots[e.slot] ?? null;
    case 'param':
      return ctx.params[e.index] ?? null;
  }
  const n = node(e);
  return n.scalar ? n.scalar(ctx) : valueAt(n.vec(ONE_ROW, ctx), 0);
}

/** SQL truthiness for WHERE/ON/HAVING: NULL and zero are false. */
export function isTrue(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof Decimal) return !v.isZero();
  const d = toDouble(v, VARCHAR);
  return d !== null && d !== 0;
}

const VARCHAR: SqlType = { kind: 'string', family: 'varchar', length: 65535, binary: false };
const DATETIME6: SqlType = { kind: 'datetime', fsp: 6 };
const DECIMAL_ANY: SqlType = { kind: 'decimal', precision: 65, scale: 30 };

/**
 * ctx.warn as a plain function. Contexts define it as a property callable without `this` (see
 * ExecContext), so no wrapper is made: one per execution used to cost a WeakMap entry per query.
 */
export function warnOf(ctx: ExecContext): WarnFn {
  return ctx.warn;
}

function fill(n: number, v: Value): Value[] {
  return new Array<Value>(n).fill(v);
}

/** The boxed values of a node over a batch (the path of operators with no typed loop). */
function vals(n: Node, b: Batch, ctx: ExecContext): readonly Value[] {
  return valuesOf(n.vec(b, ctx), b.length);
}

function node(e: BoundExpr): Node {
  let n = cache.get(e);
  if (!n) {
    n = build(e);
    compileStats.built++;
    cache.set(e, n);
  }
  return n;
}

/** Does the value of e depend only on the context (not on the current row)? */
function rowIndependent(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const': case 'slot': case 'param': case 'session': case 'outer':
      return true;
    case 'column':
      return false;
    case 'subquery':
      return !e.correlated;
    case 'inSubquery':
      return !e.correlated && rowIndependent(e.arg);
    case 'arith': case 'compare':
      return rowIndependent(e.left) && rowIndependent(e.right);
    case 'neg': case 'not': case 'isNull': case 'isTruth': case 'cast':
      return rowIndependent(e.arg);
    case 'and': case 'or': case 'xor': case 'bit':
      return e.args.every(rowIndependent);
    case 'func':
      // RAND(), UUID(): a new value per row even with constant arguments.
      return lookupFunction(e.name)?.deterministic !== false && e.args.every(rowIndependent);
    case 'inList':
      return rowIndependent(e.arg) && e.list.every(rowIndependent);
    case 'like': case 'regexp':
      return rowIndependent(e.arg) && rowIndependent(e.pattern);
    case 'case':
      return e.whens.every((w) => rowIndependent(w.when) && rowIndependent(w.then)) && (e.else === null || rowIndependent(e.else));
    default:
      return assertNever(e, 'expression');
  }
}

function leaf(get: (ctx: ExecContext) => Value): Node {
  return { scalar: get, vec: (_b, ctx) => constVector(get(ctx)), safe: true };
}

function build(e: BoundExpr): Node {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      const shared = constVector(v); // shared across batches and executions: nobody writes into it
      return { scalar: () => v, vec: () => shared, safe: true };
    }
    case 'slot': {
      const i = e.slot;
      return leaf((ctx) => ctx.slots[i] ?? null);
    }
    case 'param': {
      const i = e.index;
      return leaf((ctx) => ctx.params[i] ?? null);
    }
    case 'session': {
      const name = e.name;
      return leaf((ctx) => ctx.sessionValue(name));
    }
    case 'outer': {
      const { depth, index } = e;
      return leaf((ctx) => {
        const rows = ctx.outerRows;
        invariant(rows !== undefined && rows.length >= depth, `outer row at depth ${depth} missing`);
        return rows[depth - 1]![index] ?? null;
      });
    }
    case 'column': {
      const i = e.index;
      return { scalar: null, vec: (b) => b.cols[i]!, safe: true };
    }
    default: {
      const impl = buildComposite(e);
      if (rowIndependent(e)) {
        const scalar = (ctx: ExecContext): Value => valueAt(impl.vec(ONE_ROW, ctx), 0);
        return { scalar, vec: (_b, ctx) => constVector(scalar(ctx)), safe: impl.safe };
      }
      return impl;
    }
  }
}

/** Evaluates `n` on the rows idx[0..m) of batch, returning values in that order. */
function evalOn(n: Node, batch: Batch, idx: RowIndexes, m: number, ctx: ExecContext): readonly Value[] {
  if (n.scalar) return fill(m, n.scalar(ctx));
  if (m === batch.length) return vals(n, batch, ctx);
  return valuesOf(n.vec(selectRows(batch, idx, m), ctx), m);
}

/**
 * Row-index vectors are plain arrays: V8 allocates a typed array of more than 64 bytes outside the
 * heap at about a microsecond each, while a packed small-integer array is a bump allocation.
 */
type RowIndexes = number[];

function indexVector(n: number): RowIndexes {
  return new Array<number>(n).fill(0);
}

function identity(n: number): RowIndexes {
  const idx = indexVector(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** 1 / 0 / null from a three-valued truth. */
function truthOf(v: Value, t: SqlType, warn: WarnFn): boolean | null {
  if (v === null) return null;
  if (typeof v === 'number') return v !== 0;
  return toBoolean(v, t, warn);
}

function buildComposite(e: Exclude<BoundExpr, { kind: 'const' | 'slot' | 'param' | 'session' | 'outer' | 'column' }>): Node {
  switch (e.kind) {
    case 'arith':
      return buildArith(e);
    case 'neg': {
      const a = node(e.arg);
      const t = e.arg.type;
      const text = `-(${describe(e.arg)})`;
      return {
        scalar: null,
        safe: false,
        vec: (b, ctx) => {
          const xs = vals(a, b, ctx);
          const out: Value[] = new Array(b.length);
          const w = warnOf(ctx);
          for (let i = 0; i < b.length; i++) {
            const v = xs[i]!;
            out[i] = typeof v === 'number' && t.kind !== 'decimal' ? (v === 0 ? 0 : -v) : negate(v, t, text, w);
          }
          return valuesVector(out);
        },
      };
    }
    case 'compare':
      return buildCompare(e);
    case 'and':
    case 'or':
      return buildAndOr(e.kind, e.args);
    case 'xor': {
      const args = e.args.map(node);
      const types = e.args.map((a) => a.type);
      return {
        scalar: null,
        safe: args.every((a) => a.safe),
        vec: (b, ctx) => {
          const w = warnOf(ctx);
          const out: Value[] = new Array(b.length).fill(0);
          for (let k = 0; k < args.length; k++) {
            const xs = vals(args[k]!, b, ctx);
            for (let i = 0; i < b.length; i++) {
              if (out[i] === null) continue;
              const t = truthOf(xs[i]!, types[k]!, w);
              out[i] = t === null ? null : t ? 1 - (out[i] as number) : out[i]!;
            }
          }
          return valuesVector(out);
        },
      };
    }
    case 'not': {
      const a = node(e.arg);
      const t = e.arg.type;
      return {
        scalar: null,
        safe: a.safe,
        vec: (b, ctx) => {
          const xs = vals(a, b, ctx);
          const w = warnOf(ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) {
            const v = truthOf(xs[i]!, t, w);
            out[i] = v === null ? null : v ? 0 : 1;
          }
          return valuesVector(out);
        },
      };
    }
    case 'bit':
      return buildBit(e.op, e.args);
    case 'isNull': {
      const a = node(e.arg);
      const yes = e.not ? 0 : 1;
      const no = 1 - yes;
      return {
        scalar: null,
        safe: a.safe,
        vec: (b, ctx) => {
          const xs = vals(a, b, ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) out[i] = xs[i] === null ? yes : no;
          return valuesVector(out);
        },
      };
    }
    case 'isTruth': {
      const a = node(e.arg);
      const t = e.arg.type;
      const want = e.truth === 'TRUE' ? true : e.truth === 'FALSE' ? false : null;
      const not = e.not;
      return {
        scalar: null,
        safe: a.safe,
        vec: (b, ctx) => {
          const xs = vals(a, b, ctx);
          const w = warnOf(ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) out[i] = (truthOf(xs[i]!, t, w) === want) !== not ? 1 : 0;
          return valuesVector(out);
        },
      };
    }
    case 'inList':
      return buildInList(e);
    case 'like':
      return buildLike(e);
    case 'regexp':
      return buildRegexp(e);
    case 'case':
      return buildCase(e);
    case 'func':
      return buildFunc(e);
    case 'cast':
      return buildCast(e);
    case 'subquery':
      return buildSubquery(e);
    case 'inSubquery':
      return buildInSubquery(e);
    default:
      return assertNever(e, 'expression');
  }
}

// ---------------------------------------------------------------- arithmetic

function buildArith(e: Extract<BoundExpr, { kind: 'arith' }>): Node {
  const l = node(e.left);
  const r = node(e.right);
  const lt = e.left.type;
  const rt = e.right.type;
  const { op, text } = e;
  // Fast paths only where JS arithmetic is exactly MySQL's: signed ints (checked against the
  // safe range) and doubles. Everything else goes through the exact helper.
  const intFast = e.type.kind === 'int' && !e.type.unsigned && lt.kind === 'int' && rt.kind === 'int' && (op === '+' || op === '-' || op === '*');
  const dblFast = e.type.kind === 'double' && (lt.kind === 'double' || lt.kind === 'float') && (rt.kind === 'double' || rt.kind === 'float') && (op === '+' || op === '-' || op === '*');
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const xv = l.vec(b, ctx);
      const yv = r.vec(b, ctx);
      if (intFast || dblFast) {
        const typed = typedArith(op, dblFast, xv, yv, n);
        if (typed !== null) return typed;
      }
      const xs = valuesOf(xv, n);
      const ys = valuesOf(yv, n);
      const out: Value[] = new Array(n);
      const w = warnOf(ctx);
      if (intFast || dblFast) {
        for (let i = 0; i < n; i++) {
          const x = xs[i]!;
          const y = ys[i]!;
          if (typeof x === 'number' && typeof y === 'number') {
            const v = op === '+' ? x + y : op === '-' ? x - y : x * y;
            if (dblFast ? Number.isFinite(v) : v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER) {
              out[i] = v === 0 ? 0 : v;
              continue;
            }
          }
          out[i] = arith(op, x, lt, y, rt, text, w);
        }
        return valuesVector(out);
      }
      for (let i = 0; i < n; i++) out[i] = arith(op, xs[i]!, lt, ys[i]!, rt, text, w);
      return valuesVector(out);
    },
  };
}

/** A number vector's data and nulls; a constant number is spread over a batch. */
function numbersOf(v: Vector, n: number): { data: Float64Array; nulls: Uint8Array | null } | null {
  if (v.kind === 'f64') return v;
  if (v.kind === 'const' && typeof v.value === 'number') return { data: new Float64Array(n).fill(v.value), nulls: null };
  return null;
}

/**
 * + - * over number vectors, or null when an operand is not one or a result leaves the range
 * where JS arithmetic is MySQL's (then the exact path redoes the batch and reports the error).
 */
function typedArith(op: string, double: boolean, xv: Vector, yv: Vector, n: number): Vector | null {
  if (n < MIN_TYPED_ROWS || (xv.kind !== 'f64' && yv.kind !== 'f64')) return null;
  const x = numbersOf(xv, n);
  const y = numbersOf(yv, n);
  if (x === null || y === null) return null;
  const xs = x.data;
  const ys = y.data;
  const out = new Float64Array(n);
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = xs[i]! + ys[i]!; break;
    case '-': for (let i = 0; i < n; i++) out[i] = xs[i]! - ys[i]!; break;
    case '*': for (let i = 0; i < n; i++) out[i] = xs[i]! * ys[i]!; break;
    default: return null;
  }
  const nulls = unionNulls(x.nulls, y.nulls, n);
  let ok = true;
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (nulls !== null && nulls[i] === 1) out[i] = 0;
    else if (double ? !Number.isFinite(v) : v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) ok = false;
    else if (v === 0) out[i] = 0; // no -0 out of integer or double arithmetic, as the boxed path
  }
  return ok ? f64Vector(out, nulls) : null;
}

// ---------------------------------------------------------------- comparison

type Cmp = (a: Value, b: Value, w: WarnFn) => number;

function numCmp(a: number | bigint | string, b: number | bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Comparator for non-NULL operands of types at and bt under MySQL's chosen comparison kind. */
export function comparatorFor(kind: CompareKind, at: SqlType, bt: SqlType): Cmp {
  switch (kind) {
    case 'int':
      return (a, b) =>
        (typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')
          ? numCmp(a, b)
          : (compareValues(a, at, b, bt) ?? 0);
    case 'decimal':
      return (a, b, w) => {
        if (typeof a === 'number' && typeof b === 'number') return numCmp(a, b);
        if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
        return toDecimal(a, at, w)!.compare(toDecimal(b, bt, w)!);
      };
    case 'double':
      return (a, b, w) => {
        const x = typeof a === 'number' ? a : toDouble(a, at, w)!;
        const y = typeof b === 'number' ? b : toDouble(b, bt, w)!;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'string':
      return (a, b) =>
        compareStrings(typeof a === 'string' ? a : toStringValue(a, at)!, typeof b === 'string' ? b : toStringValue(b, bt)!);
    case 'binary':
      return (a, b) => compareBytes(toBytes(a, at)!, toBytes(b, bt)!);
    case 'temporal':
      return (a, b) => compareValues(a, at, b, bt) ?? 0;
    default:
      return assertNever(kind, 'compare kind');
  }
}

function isDateLike(t: SqlType): boolean {
  return t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp';
}

/**
 * A constant operand prepared once per batch: a string compared with a DATE/DATETIME column
 * is parsed once instead of per row.
 */
function prepareConst(kind: CompareKind, v: Value, t: SqlType, other: SqlType, w: WarnFn): { v: Value; t: SqlType } {
  if (v === null) return { v, t };
  if (kind === 'temporal' && isDateLike(other) && !isDateLike(t) && t.kind !== 'time') {
    const d = castValue(v, t, DATETIME6, w);
    if (d !== null) return { v: d, t: DATETIME6 };
  }
  if (kind === 'decimal' && !(v instanceof Decimal) && typeof v !== 'number') {
    const d = toDecimal(v, t, w);
    return { v: d, t: DECIMAL_ANY };
  }
  if (kind === 'double' && typeof v !== 'number') return { v: toDouble(v, t, w), t: { kind: 'double' } };
  return { v, t };
}

function testOp(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': case '<=>': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    default: return assertNever(op, 'compare op');
  }
}

function cmpKindIsQuiet(kind: CompareKind, at: SqlType, bt: SqlType): boolean {
  const numeric = (t: SqlType): boolean => t.kind === 'int' || t.kind === 'decimal' || t.kind === 'double' || t.kind === 'float' || t.kind === 'year' || t.kind === 'null';
  switch (kind) {
    case 'int': case 'string': case 'binary': return true;
    case 'decimal': case 'double': return numeric(at) && numeric(bt);
    case 'temporal': return false;
    default: return assertNever(kind, 'compare kind');
  }
}

function buildCompare(e: Extract<BoundExpr, { kind: 'compare' }>): Node {
  const l = node(e.left);
  const r = node(e.right);
  const lt = e.left.type;
  const rt = e.right.type;
  const { op, cmp: kind } = e;
  const nullSafe = op === '<=>';
  const intKind = kind === 'int';
  return {
    scalar: null,
    safe: l.safe && r.safe && cmpKindIsQuiet(kind, lt, rt),
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      // Each side is evaluated once: a typed loop takes it if it can, else the boxed one below.
      // A constant side is evaluated and converted once for the batch.
      const lc = l.scalar ? l.scalar(ctx) : undefined;
      const rc = r.scalar ? r.scalar(ctx) : undefined;
      const lv = lc === undefined ? l.vec(b, ctx) : null;
      const rv = rc === undefined ? r.vec(b, ctx) : null;
      if (!nullSafe) {
        const typed = typedCompare(op, kind, lv ?? constVector(lc!), lt, rv ?? constVector(rc!), rt, n, w);
        if (typed !== null) return typed;
      }
      const out: Value[] = new Array(n);
      if (rc !== undefined && lv) {
        const p = prepareConst(kind, rc, rt, lt, w);
        const cmp = comparatorFor(kind, lt, p.t);
        const y = p.v;
        const xs = valuesOf(lv, n);
        if (intKind && typeof y === 'number' && !nullSafe) {
          for (let i = 0; i < n; i++) {
            const x = xs[i]!;
            out[i] = x === null ? null : testOp(op, typeof x === 'number' ? (x < y ? -1 : x > y ? 1 : 0) : cmp(x, y, w)) ? 1 : 0;
          }
          return valuesVector(out);
        }
        for (let i = 0; i < n; i++) out[i] = finish(xs[i]!, y, cmp, w);
        return valuesVector(out);
      }
      if (lc !== undefined && rv) {
        const p = prepareConst(kind, lc, lt, rt, w);
        const cmp = comparatorFor(kind, p.t, rt);
        const x = p.v;
        const ys = valuesOf(rv, n);
        for (let i = 0; i < n; i++) out[i] = finish(x, ys[i]!, cmp, w);
        return valuesVector(out);
      }
      const cmp = comparatorFor(kind, lt, rt);
      const xs = lv ? valuesOf(lv, n) : fill(n, lc!);
      const ys = rv ? valuesOf(rv, n) : fill(n, rc!);
      for (let i = 0; i < n; i++) out[i] = finish(xs[i]!, ys[i]!, cmp, w);
      return valuesVector(out);
    },
  };
  function finish(x: Value, y: Value, cmp: Cmp, w: WarnFn): Value {
    if (x === null || y === null) return nullSafe ? (x === y ? 1 : 0) : null;
    return testOp(op, cmp(x, y, w)) ? 1 : 0;
  }
}

// ---------------------------------------------------------------- typed comparison

const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '<=>': '<=>', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Do the numbers of a typed vector of this type stand for exact integers (scaled by `scale` when a DECIMAL)? */
function exactNumbers(v: Vector, t: SqlType): boolean {
  return v.kind === 'scaled' || (v.kind === 'f64' && (t.kind === 'int' || t.kind === 'year'));
}

/**
 * c × 10^scale on the integer grid of a typed vector: the exact integer, or its floor with
 * exact = false; null when c is not a number or lies beyond ±2^53.
 */
function gridBound(c: Value, scale: number): { v: number; exact: boolean } | null {
  let d: Decimal;
  if (typeof c === 'number') {
    if (!Number.isSafeInteger(c)) return null;
    d = Decimal.fromInt(c);
  } else if (typeof c === 'bigint') d = Decimal.fromInt(c);
  else if (c instanceof Decimal) d = c;
  else return null;
  let u: bigint;
  let exact = true;
  if (d.scale <= scale) u = d.unscaled * pow10(scale - d.scale);
  else {
    const div = pow10(d.scale - scale);
    u = d.unscaled / div;
    const rem = d.unscaled % div;
    exact = rem === 0n;
    if (rem < 0n) u -= 1n;
  }
  if (u > MAX_SAFE_BIG || u < -MAX_SAFE_BIG) return null;
  return { v: Number(u), exact };
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** x op y for every row of data against one number; an inexact y is the floor of a value between grid points. */
function compareToNumber(op: CompareOp, data: Float64Array, n: number, y: number, exact: boolean): Float64Array {
  const out = new Float64Array(n);
  if (!exact) {
    switch (op) {
      case '=': case '<=>': return out;
      case '<>': return out.fill(1);
      case '<': case '<=': for (let i = 0; i < n; i++) out[i] = data[i]! <= y ? 1 : 0; return out;
      case '>': case '>=': for (let i = 0; i < n; i++) out[i] = data[i]! > y ? 1 : 0; return out;
      default: return assertNever(op, 'compare op');
    }
  }
  switch (op) {
    case '=': case '<=>': for (let i = 0; i < n; i++) out[i] = data[i] === y ? 1 : 0; break;
    case '<>': for (let i = 0; i < n; i++) out[i] = data[i] !== y ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = data[i]! < y ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = data[i]! <= y ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = data[i]! > y ? 1 : 0; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = data[i]! >= y ? 1 : 0; break;
    default: return assertNever(op, 'compare op');
  }
  return out;
}

function compareVectors(op: CompareOp, xs: Float64Array, ys: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  switch (op) {
    case '=': case '<=>': for (let i = 0; i < n; i++) out[i] = xs[i] === ys[i] ? 1 : 0; break;
    case '<>': for (let i = 0; i < n; i++) out[i] = xs[i] !== ys[i] ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = xs[i]! < ys[i]! ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = xs[i]! <= ys[i]! ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = xs[i]! > ys[i]! ? 1 : 0; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = xs[i]! >= ys[i]! ? 1 : 0; break;
    default: return assertNever(op, 'compare op');
  }
  return out;
}

function unionNulls(a: Uint8Array | null, b: Uint8Array | null, n: number): Uint8Array | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! | b[i]!;
  return out;
}

/**
 * A numeric comparison run straight over typed vectors, or null when the operands are not
 * typed (or the comparison is not exact there) and the boxed path must decide.
 */
function typedCompare(op: CompareOp, kind: CompareKind, xv: Vector, lt: SqlType, yv: Vector, rt: SqlType, n: number, w: WarnFn): Vector | null {
  if (kind !== 'int' && kind !== 'decimal' && kind !== 'double') return null;
  if (xv.kind === 'const' && yv.kind === 'const') return null;
  if (xv.kind === 'const' || yv.kind === 'const') {
    // Column op constant, with the operands swapped (and the operator flipped) when needed.
    const [v, colType, c, constType, o] = yv.kind === 'const' ? [xv, lt, yv.value, rt, op] : [yv, rt, (xv as ConstVector).value, lt, FLIPPED[op]];
    if (v.kind !== 'f64' && v.kind !== 'scaled') return null;
    if (c === null) return constVector(null);
    if (exactNumbers(v, colType) && kind !== 'double') {
      const bound = gridBound(c, v.kind === 'scaled' ? v.scale : 0);
      if (bound === null) return null;
      return f64Vector(compareToNumber(o, v.data, n, bound.v, bound.exact), v.nulls);
    }
    if (v.kind === 'f64' && kind === 'double') {
      const y = typeof c === 'number' ? c : toDouble(c, constType, w);
      if (y === null) return constVector(null);
      return f64Vector(compareToNumber(o, v.data, n, y, true), v.nulls);
    }
    return null;
  }
  if (xv.kind === 'f64' && yv.kind === 'f64') {
    // Exact ints against exact ints, or anything compared as doubles: JS compares the same way.
    if (kind === 'double' || (exactNumbers(xv, lt) && exactNumbers(yv, rt))) {
      return f64Vector(compareVectors(op, xv.data, yv.data, n), unionNulls(xv.nulls, yv.nulls, n));
    }
    return null;
  }
  if (xv.kind === 'scaled' && yv.kind === 'scaled' && xv.scale === yv.scale && kind === 'decimal') {
    return f64Vector(compareVectors(op, xv.data, yv.data, n), unionNulls(xv.nulls, yv.nulls, n));
  }
  return null;
}

// ---------------------------------------------------------------- logic

function buildAndOr(kind: 'and' | 'or', argExprs: readonly BoundExpr[]): Node {
  const args = argExprs.map(node);
  const types = argExprs.map((a) => a.type);
  // A row is decided by the first FALSE (AND) or TRUE (OR) operand; later operands are not
  // evaluated for it, as MySQL's short-circuit (no spurious errors or warnings).
  const decisive = kind === 'or';
  return {
    scalar: null,
    safe: args.every((a) => a.safe),
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const state = new Int8Array(n).fill(decisive ? 0 : 1); // 0 false, 1 true, 2 null
      let pending = identity(n);
      let m = n;
      for (let k = 0; k < args.length && m > 0; k++) {
        const a = args[k]!;
        const t = types[k]!;
        if (a.safe && !a.scalar && m < n) {
          // Cheap operand: evaluate for every row rather than copying a sub-batch.
          const xs = vals(a, b, ctx);
          let m2 = 0;
          for (let j = 0; j < m; j++) {
            const i = pending[j]!;
            const tv = truthOf(xs[i]!, t, w);
            if (tv === decisive) state[i] = decisive ? 1 : 0;
            else {
              if (tv === null) state[i] = 2;
              pending[m2++] = i;
            }
          }
          m = m2;
          continue;
        }
        const xs = evalOn(a, b, pending, m, ctx);
        const next = indexVector(m);
        let m2 = 0;
        for (let j = 0; j < m; j++) {
          const i = pending[j]!;
          const tv = truthOf(xs[j]!, t, w);
          if (tv === decisive) state[i] = decisive ? 1 : 0;
          else {
            if (tv === null) state[i] = 2;
            next[m2++] = i;
          }
        }
        pending = next;
        m = m2;
      }
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = state[i] === 2 ? null : state[i]!;
      return valuesVector(out);
    },
  };
}

function toU64(v: Value, t: SqlType, w: WarnFn): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt.asUintN(64, BigInt(v));
  const i = toInteger(v, t, false, w)!;
  return BigInt.asUintN(64, typeof i === 'bigint' ? i : BigInt(i));
}

function buildBit(op: Extract<BoundExpr, { kind: 'bit' }>['op'], argExprs: readonly BoundExpr[]): Node {
  const args = argExprs.map(node);
  const types = argExprs.map((a) => a.type);
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const out: Value[] = new Array(n);
      if (op === '~') {
        const xs = vals(args[0]!, b, ctx);
        for (let i = 0; i < n; i++) {
          const x = xs[i]!;
          out[i] = x === null ? null : normInt(BigInt.asUintN(64, ~toU64(x, types[0]!, w)));
        }
        return valuesVector(out);
      }
      const xs = vals(args[0]!, b, ctx);
      const ys = vals(args[1]!, b, ctx);
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        const y = ys[i]!;
        if (x === null || y === null) {
          out[i] = null;
          continue;
        }
        // Small non-negative ints: 32-bit JS operators give the same bits.
        if ((op === '&' || op === '|' || op === '^') && typeof x === 'number' && typeof y === 'number' &&
          x >= 0 && y >= 0 && x <= 0x7fffffff && y <= 0x7fffffff && Number.isInteger(x) && Number.isInteger(y)) {
          out[i] = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
          continue;
        }
        const p = toU64(x, types[0]!, w);
        const q = toU64(y, types[1]!, w);
        let r: bigint;
        switch (op) {
          case '&': r = p & q; break;
          case '|': r = p | q; break;
          case '^': r = p ^ q; break;
          case '<<': r = q >= 64n ? 0n : BigInt.asUintN(64, p << q); break;
          case '>>': r = q >= 64n ? 0n : p >> q; break;
          default: return assertNever(op, 'bit op');
        }
        out[i] = normInt(r);
      }
      return valuesVector(out);
    },
  };
}

// ---------------------------------------------------------------- IN, LIKE, REGEXP

/**
 * A hashable key for v under a comparison kind, consistent with comparatorFor equality:
 * values equal under the kind get equal keys. undefined = not hashable (temporal).
 */
export function domainKey(v: Value, t: SqlType, kind: CompareKind, w: WarnFn): string | number | undefined {
  if (v === null) return undefined;
  switch (kind) {
    case 'int':
    case 'decimal':
      if (typeof v === 'number' && Number.isInteger(v)) return v === 0 ? 0 : v;
      if (typeof v === 'bigint') return groupKey(v, t);
      return groupKey(toDecimal(v, t, w), DECIMAL_ANY);
    case 'double': {
      const d = typeof v === 'number' ? v : toDouble(v, t, w)!;
      return d === 0 ? 0 : d;
    }
    case 'string':
      return collationKey(typeof v === 'string' ? v : toStringValue(v, t)!);
    case 'binary':
      return groupKey(toBytes(v, t), t);
    case 'temporal':
      return undefined;
    default:
      return assertNever(kind, 'compare kind');
  }
}

function buildInList(e: Extract<BoundExpr, { kind: 'inList' }>): Node {
  const a = node(e.arg);
  const items = e.list.map(node);
  const at = e.arg.type;
  const kind = e.cmp;
  const cmps = e.list.map((x) => comparatorFor(kind, at, x.type));
  const itemTypes = e.list.map((x) => x.type);
  const hashable = kind !== 'temporal' && items.length >= 4 && items.every((x) => x.scalar !== null);
  const yes = e.not ? 0 : 1;
  const no = 1 - yes;
  // The key set of a constant list depends on the execution (slots, params): rebuilt per context.
  let lastCtx: ExecContext | null = null;
  let lastSet: { keys: Set<string | number>; hasNull: boolean } | null = null;
  return {
    scalar: null,
    safe: a.safe && items.every((x) => x.safe) && e.list.every((x) => cmpKindIsQuiet(kind, at, x.type)),
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const xs = vals(a, b, ctx);
      const out: Value[] = new Array(n);
      if (hashable) {
        if (lastCtx !== ctx || !lastSet) {
          const keys = new Set<string | number>();
          let hasNull = false;
          for (let k = 0; k < items.length; k++) {
            const v = items[k]!.scalar!(ctx);
            if (v === null) hasNull = true;
            else keys.add(domainKey(v, itemTypes[k]!, kind, w)!);
          }
          lastSet = { keys, hasNull };
          lastCtx = ctx;
        }
        const { keys, hasNull } = lastSet;
        for (let i = 0; i < n; i++) {
          const x = xs[i]!;
          if (x === null) out[i] = null;
          else if (keys.has(domainKey(x, at, kind, w)!)) out[i] = yes;
          else out[i] = hasNull ? null : no;
        }
        return valuesVector(out);
      }
      const lists = items.map((it) => vals(it, b, ctx));
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        if (x === null) {
          out[i] = null;
          continue;
        }
        let found = false;
        let sawNull = false;
        for (let k = 0; k < lists.length; k++) {
          const y = lists[k]![i]!;
          if (y === null) sawNull = true;
          else if (cmps[k]!(x, y, w) === 0) {
            found = true;
            break;
          }
        }
        out[i] = found ? yes : sawNull ? null : no;
      }
      return valuesVector(out);
    },
  };
}

function isBinary(t: SqlType): boolean {
  return t.kind === 'string' && t.binary;
}

/** A value as LIKE / REGEXP read it: text, or for a binary comparison its bytes as latin1 units. */
function matchText(v: Value, t: SqlType, binary: boolean): string {
  if (v instanceof Uint8Array) return binary ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1') : toStringValue(v, t)!;
  const s = typeof v === 'string' ? v : toStringValue(v, t)!;
  return binary && !isAsciiText(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * Compiles patterns once per distinct pattern text (a constant pattern once per plan; a pattern
 * read from a column once per value, up to `limit` kept). Compiling is a pure function.
 */
function patternCache<P>(compile: (text: string) => P, limit = 256): (text: string) => P {
  const compiled = new Map<string, P>();
  return (text) => {
    let p = compiled.get(text);
    if (p === undefined) {
      p = compile(text);
      if (compiled.size >= limit) compiled.clear();
      compiled.set(text, p);
    }
    return p;
  };
}

function buildLike(e: Extract<BoundExpr, { kind: 'like' }>): Node {
  const a = node(e.arg);
  const p = node(e.pattern);
  const at = e.arg.type;
  const pt = e.pattern.type;
  const binary = e.binary || isBinary(at) || isBinary(pt);
  const escape = e.escape;
  const yes = e.not ? 0 : 1;
  const no = 1 - yes;
  const patternFor = patternCache((text) => compileLike(text, escape, binary));
  return {
    scalar: null,
    safe: a.safe && p.safe,
    vec: (b, ctx) => {
      const n = b.length;
      const xs = vals(a, b, ctx);
      const out: Value[] = new Array(n);
      const constPat = p.scalar ? p.scalar(ctx) : undefined;
      if (constPat === null) return constVector(null);
      const fixed = constPat === undefined ? null : patternFor(matchText(constPat, pt, binary));
      const ps = fixed ? null : vals(p, b, ctx);
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        const pv = ps ? ps[i]! : constPat!;
        if (x === null || pv === null) {
          out[i] = null;
          continue;
        }
        out[i] = likeMatches(fixed ?? patternFor(matchText(pv, pt, binary)), matchText(x, at, binary)) ? yes : no;
      }
      return valuesVector(out);
    },
  };
}

function buildRegexp(e: Extract<BoundExpr, { kind: 'regexp' }>): Node {
  const a = node(e.arg);
  const p = node(e.pattern);
  const at = e.arg.type;
  const pt = e.pattern.type;
  const binary = isBinary(at) || isBinary(pt);
  const yes = e.not ? 0 : 1;
  const no = 1 - yes;
  const patternFor = patternCache((text) => compileRegexp(text, !binary));
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const xs = vals(a, b, ctx);
      const constPat = p.scalar ? p.scalar(ctx) : undefined;
      if (constPat === null) return constVector(null);
      const fixed = constPat === undefined ? null : patternFor(matchText(constPat, pt, binary));
      const ps = fixed ? null : vals(p, b, ctx);
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        const pv = ps ? ps[i]! : constPat!;
        out[i] = x === null || pv === null ? null : regexpMatches(fixed ?? patternFor(matchText(pv, pt, binary)), matchText(x, at, binary)) ? yes : no;
      }
      return valuesVector(out);
    },
  };
}

// ---------------------------------------------------------------- CASE, functions, CAST

function buildCase(e: Extract<BoundExpr, { kind: 'case' }>): Node {
  const whens = e.whens.map((w) => ({ when: node(w.when), then: node(w.then), type: w.when.type }));
  const otherwise = e.else ? node(e.else) : null;
  return {
    scalar: null,
    safe: whens.every((w) => w.when.safe && w.then.safe) && (otherwise === null || otherwise.safe),
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const out: Value[] = new Array(n).fill(null);
      // Each branch is evaluated only on the rows that reach it.
      let pending = identity(n);
      let m = n;
      for (const wh of whens) {
        if (m === 0) break;
        const conds = evalOn(wh.when, b, pending, m, ctx);
        const hit = indexVector(m);
        const rest = indexVector(m);
        let h = 0;
        let r = 0;
        for (let j = 0; j < m; j++) {
          if (truthOf(conds[j]!, wh.type, w)) hit[h++] = pending[j]!;
          else rest[r++] = pending[j]!;
        }
        if (h > 0) {
          const vals = evalOn(wh.then, b, hit, h, ctx);
          for (let j = 0; j < h; j++) out[hit[j]!] = vals[j]!;
        }
        pending = rest;
        m = r;
      }
      if (otherwise && m > 0) {
        const vals = evalOn(otherwise, b, pending, m, ctx);
        for (let j = 0; j < m; j++) out[pending[j]!] = vals[j]!;
      }
      return valuesVector(out);
    },
  };
}

function buildFunc(e: Extract<BoundExpr, { kind: 'func' }>): Node {
  const fn = lookupFunction(e.name);
  if (!fn) throw new SqlError('ER_SP_DOES_NOT_EXIST', `FUNCTION ${e.name} does not exist`);
  const args = e.args.map(node);
  const types = e.args.map((a) => a.type);
  const nullIfAnyNull = fn.nullIfAnyNull;
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const cols = args.map((a) => vals(a, b, ctx));
      const out: Value[] = new Array(n);
      const argv: Value[] = new Array(args.length);
      rows: for (let i = 0; i < n; i++) {
        for (let k = 0; k < cols.length; k++) {
          const v = cols[k]![i]!;
          if (v === null && nullIfAnyNull) {
            out[i] = null;
            continue rows;
          }
          argv[k] = v;
        }
        // One argument array reused for every row: functions read it during the call only.
        out[i] = fn.evaluate(argv, types, ctx);
      }
      return valuesVector(out);
    },
  };
}

function strictMode(ctx: ExecContext): boolean {
  try {
    const m = ctx.sessionValue('@@sql_mode');
    if (m === null) return true;
    const s = String(m).toUpperCase();
    return s.includes('STRICT_TRANS_TABLES') || s.includes('STRICT_ALL_TABLES');
  } catch {
    return true;
  }
}

function buildCast(e: Extract<BoundExpr, { kind: 'cast' }>): Node {
  const a = node(e.arg);
  const from = e.arg.type;
  const to = e.type;
  const text = e.column ?? describe(e.arg);
  const mode = e.mode;
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const xs = vals(a, b, ctx);
      const out: Value[] = new Array(n);
      if (mode === 'cast') {
        for (let i = 0; i < n; i++) out[i] = castValue(xs[i]!, from, to, w, text);
        return valuesVector(out);
      }
      const strict = strictMode(ctx) ? 'strict' : 'lenient';
      for (let i = 0; i < n; i++) out[i] = castToType(xs[i]!, from, to, strict, { column: text, row: i + 1, warn: w, now: ctx.now });
      return valuesVector(out);
    },
  };
}

/** Short text for an expression in error messages when the bound expression carries none. */
function describe(e: BoundExpr): string {
  switch (e.kind) {
    case 'arith': return e.text;
    case 'const': return e.value === null ? 'NULL' : String(e.value);
    case 'column': return `column#${e.index}`;
    default: return e.kind;
  }
}

// ---------------------------------------------------------------- subqueries

function outerRowCtx(b: Batch, i: number, ctx: ExecContext): ExecContext {
  return withOuterRow(ctx, rowOf(b, i));
}

function runScalar(plan: PhysicalPlan, ctx: ExecContext): Value {
  let value: Value = null;
  let rows = 0;
  drainSync(instantiate(plan, ctx), ctx, (batch) => {
    rows += batch.length;
    if (rows > 1) throw new SqlError('ER_SUBQUERY_NO_1_ROW', 'Subquery returns more than 1 row');
    value = valueAt(batch.cols[0]!, 0);
  });
  return value;
}

function runExists(plan: PhysicalPlan, ctx: ExecContext): Value {
  let found: Value = 0;
  drainSync(instantiate(plan, ctx), ctx, () => {
    found = 1;
    return false;
  });
  return found;
}

function buildSubquery(e: Extract<BoundExpr, { kind: 'subquery' }>): Node {
  const run = e.mode === 'scalar' ? runScalar : runExists;
  const plan = e.plan;
  if (!e.correlated) {
    // Evaluated once per execution (the memo is keyed by the host context).
    return {
      scalar: null,
      safe: false,
      vec: (_b, ctx) => {
        const memo = executionMemo(ctx);
        let v = memo.get(e) as Value | undefined;
        if (v === undefined) {
          v = run(plan, ctx);
          memo.set(e, v);
        }
        return constVector(v);
      },
    };
  }
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const out: Value[] = new Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = run(plan, outerRowCtx(b, i, ctx));
      return valuesVector(out);
    },
  };
}

/** The first column of a subquery's result, ready for quantified tests. */
interface InSet {
  /** Distinct non-null values by comparison key; null when the kind is not hashable. */
  readonly keys: Set<string | number> | null;
  /** Non-null values (only kept when keys is null). */
  readonly values: Value[];
  /** Smallest and largest non-null values (null when there are none). */
  readonly min: Value;
  readonly max: Value;
  readonly hasNull: boolean;
  readonly empty: boolean;
  /** Working memory the set holds (counted against the statement's budget while it lives). */
  readonly bytes: number;
}

const TRUE_OF: Record<QuantifiedOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/**
 * `x op ANY|ALL (set)` in MySQL's three-valued logic: ANY over an empty set is FALSE and ALL is
 * TRUE (whatever x is); otherwise a NULL x, or a NULL in the set that could decide the answer,
 * makes the result NULL. Ordered ops reduce to one comparison against the set's min or max;
 * = and <> use the key set when the comparison kind is hashable.
 */
function quantifiedTest(op: QuantifiedOp, all: boolean, x: Value, s: InSet, xKey: () => string | number, cmp: Cmp, w: WarnFn): Value {
  if (s.empty) return all ? 1 : 0;
  if (x === null) return null;
  // A NULL in the set leaves undecided what the non-null values did not decide.
  const orUnknown = (v: 0 | 1): Value => (s.hasNull ? null : v);
  if (s.min === null) return null; // only NULLs in the set
  const holds = TRUE_OF[op];
  switch (op) {
    case '<': case '<=': case '>': case '>=': {
      // ALL: must hold against the extreme that is hardest to beat; ANY: the easiest.
      const hardest = op === '>' || op === '>=' ? s.max : s.min;
      const easiest = op === '>' || op === '>=' ? s.min : s.max;
      if (all) return holds(cmp(x, hardest, w)) ? orUnknown(1) : 0;
      return holds(cmp(x, easiest, w)) ? 1 : orUnknown(0);
    }
    case '=': case '<>': {
      let found: boolean;
      let distinct: number;
      if (s.keys) {
        found = s.keys.has(xKey());
        distinct = s.keys.size;
      } else {
        found = s.values.some((y) => cmp(x, y, w) === 0);
        distinct = s.values.some((y) => cmp(s.values[0]!, y, w) !== 0) ? 2 : 1;
      }
      // Does some non-null y satisfy x op y? Does every one?
      const some = op === '=' ? found : distinct > 1 || !found;
      const every = op === '=' ? found && distinct === 1 : !found;
      if (all) return every ? orUnknown(1) : 0;
      return some ? 1 : orUnknown(0);
    }
    default:
      return assertNever(op, 'quantified op');
  }
}

function buildInSubquery(e: Extract<BoundExpr, { kind: 'inSubquery' }>): Node {
  const a = node(e.arg);
  const at = e.arg.type;
  const plan = e.plan;
  const vt = plan.types[0]!;
  const kind = e.cmp;
  const cmp = comparatorFor(kind, at, vt);
  const cmpSet = comparatorFor(kind, vt, vt);
  const hashable = kind !== 'temporal' && (e.op === '=' || e.op === '<>');
  const all = e.quantifier === 'ALL';
  const load = (ctx: ExecContext): InSet => {
    const w = warnOf(ctx);
    const op = instantiate(plan, ctx);
    const pacer = ctx.pacer;
    let bytes = 0;
    const values: Value[] = [];
    let hasNull = false;
    let empty = true;
    let min: Value = null;
    let max: Value = null;
    const keys = hashable ? new Set<string | number>() : null;
    drainSync(op, ctx, (batch) => {
      const col = valuesOf(batch.cols[0]!, batch.length);
      // The set is the working memory of this subquery.
      const b = vectorBytes(batch.cols[0]!, batch.length) * 2;
      pacer.reserve(b);
      bytes += b;
      for (let i = 0; i < batch.length; i++) {
        empty = false;
        const v = col[i]!;
        if (v === null) {
          hasNull = true;
          continue;
        }
        if (min === null || cmpSet(v, min, w) < 0) min = v;
        if (max === null || cmpSet(v, max, w) > 0) max = v;
        if (keys) keys.add(domainKey(v, vt, kind, w)!);
        else if (e.op === '=' || e.op === '<>') values.push(v);
      }
    });
    return { keys, values, min, max, hasNull, empty, bytes };
  };
  const test = (x: Value, s: InSet, w: WarnFn): Value => {
    const r = quantifiedTest(e.op, all, x, s, () => domainKey(x, at, kind, w)!, cmp, w);
    return e.not && r !== null ? 1 - (r as number) : r;
  };
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const xs = vals(a, b, ctx);
      const out: Value[] = new Array(n);
      if (!e.correlated) {
        const memo = executionMemo(ctx);
        let s = memo.get(e) as InSet | undefined;
        if (!s) {
          s = load(ctx);
          memo.set(e, s);
        }
        for (let i = 0; i < n; i++) out[i] = test(xs[i]!, s, w);
        return valuesVector(out);
      }
      for (let i = 0; i < n; i++) {
        const s = load(outerRowCtx(b, i, ctx));
        out[i] = test(xs[i]!, s, w);
        ctx.pacer.release(s.bytes);
      }
      return valuesVector(out);
    },
  };
}

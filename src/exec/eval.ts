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
import { Decimal } from '../common/decimal.js';
import { SqlError } from '../common/errors.js';
import type { BoundExpr, CompareKind, CompareOp, QuantifiedOp } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { rowOf, selectRows, type Batch } from './batch.js';
import { executionMemo, withOuterRow, type ExecContext } from './context.js';
import { lookupFunction } from './functions/registry.js';
import { likeMatch, likeToRegExp } from './functions/string.js';
import { instantiate } from './instantiate.js';

/** One value per row of the batch. The returned array is read-only for the caller. */
export type CompiledExpr = (batch: Batch, ctx: ExecContext) => Value[];

interface Node {
  readonly vec: CompiledExpr;
  /** Set when the value does not depend on the row: evaluated once per batch. */
  readonly scalar: ((ctx: ExecContext) => Value) | null;
  /** Cannot raise an error or warning: safe to evaluate on rows a short-circuit would skip. */
  readonly safe: boolean;
}

const ONE_ROW: Batch = { length: 1, cols: [] };
const cache = new WeakMap<BoundExpr, Node>();

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
  return n.scalar ? n.scalar(ctx) : n.vec(ONE_ROW, ctx)[0]!;
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
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = v;
  return out;
}

function node(e: BoundExpr): Node {
  let n = cache.get(e);
  if (!n) {
    n = build(e);
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
  return { scalar: get, vec: (b, ctx) => fill(b.length, get(ctx)), safe: true };
}

function build(e: BoundExpr): Node {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      // Constant arrays are shared across batches and executions: callers never write into them.
      let shared: Value[] = [];
      return {
        scalar: () => v,
        vec: (b) => (shared.length === b.length ? shared : (shared = fill(b.length, v))),
        safe: true,
      };
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
        const scalar = (ctx: ExecContext): Value => impl.vec(ONE_ROW, ctx)[0]!;
        return { scalar, vec: (b, ctx) => fill(b.length, scalar(ctx)), safe: impl.safe };
      }
      return impl;
    }
  }
}

/** Evaluates `n` on the rows idx[0..m) of batch, returning values in that order. */
function evalOn(n: Node, batch: Batch, idx: RowIndexes, m: number, ctx: ExecContext): Value[] {
  if (n.scalar) return fill(m, n.scalar(ctx));
  if (m === batch.length) return n.vec(batch, ctx);
  return n.vec(selectRows(batch, idx, m), ctx);
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
          const xs = a.vec(b, ctx);
          const out: Value[] = new Array(b.length);
          const w = warnOf(ctx);
          for (let i = 0; i < b.length; i++) {
            const v = xs[i]!;
            out[i] = typeof v === 'number' && t.kind !== 'decimal' ? (v === 0 ? 0 : -v) : negate(v, t, text, w);
          }
          return out;
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
            const xs = args[k]!.vec(b, ctx);
            for (let i = 0; i < b.length; i++) {
              if (out[i] === null) continue;
              const t = truthOf(xs[i]!, types[k]!, w);
              out[i] = t === null ? null : t ? 1 - (out[i] as number) : out[i]!;
            }
          }
          return out;
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
          const xs = a.vec(b, ctx);
          const w = warnOf(ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) {
            const v = truthOf(xs[i]!, t, w);
            out[i] = v === null ? null : v ? 0 : 1;
          }
          return out;
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
          const xs = a.vec(b, ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) out[i] = xs[i] === null ? yes : no;
          return out;
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
          const xs = a.vec(b, ctx);
          const w = warnOf(ctx);
          const out: Value[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) out[i] = (truthOf(xs[i]!, t, w) === want) !== not ? 1 : 0;
          return out;
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
      const xs = l.vec(b, ctx);
      const ys = r.vec(b, ctx);
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
        return out;
      }
      for (let i = 0; i < n; i++) out[i] = arith(op, xs[i]!, lt, ys[i]!, rt, text, w);
      return out;
    },
  };
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
      const out: Value[] = new Array(n);
      // A constant side is evaluated and converted once for the batch.
      if (r.scalar && !l.scalar) {
        const p = prepareConst(kind, r.scalar(ctx), rt, lt, w);
        const cmp = comparatorFor(kind, lt, p.t);
        const y = p.v;
        const xs = l.vec(b, ctx);
        if (intKind && typeof y === 'number' && !nullSafe) {
          for (let i = 0; i < n; i++) {
            const x = xs[i]!;
            out[i] = x === null ? null : testOp(op, typeof x === 'number' ? (x < y ? -1 : x > y ? 1 : 0) : cmp(x, y, w)) ? 1 : 0;
          }
          return out;
        }
        for (let i = 0; i < n; i++) out[i] = finish(xs[i]!, y, cmp, w);
        return out;
      }
      if (l.scalar && !r.scalar) {
        const p = prepareConst(kind, l.scalar(ctx), lt, rt, w);
        const cmp = comparatorFor(kind, p.t, rt);
        const x = p.v;
        const ys = r.vec(b, ctx);
        for (let i = 0; i < n; i++) out[i] = finish(x, ys[i]!, cmp, w);
        return out;
      }
      const cmp = comparatorFor(kind, lt, rt);
      const xs = l.vec(b, ctx);
      const ys = r.vec(b, ctx);
      for (let i = 0; i < n; i++) out[i] = finish(xs[i]!, ys[i]!, cmp, w);
      return out;
    },
  };
  function finish(x: Value, y: Value, cmp: Cmp, w: WarnFn): Value {
    if (x === null || y === null) return nullSafe ? (x === y ? 1 : 0) : null;
    return testOp(op, cmp(x, y, w)) ? 1 : 0;
  }
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
          const xs = a.vec(b, ctx);
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
      return out;
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
        const xs = args[0]!.vec(b, ctx);
        for (let i = 0; i < n; i++) {
          const x = xs[i]!;
          out[i] = x === null ? null : normInt(BigInt.asUintN(64, ~toU64(x, types[0]!, w)));
        }
        return out;
      }
      const xs = args[0]!.vec(b, ctx);
      const ys = args[1]!.vec(b, ctx);
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
      return out;
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
      const xs = a.vec(b, ctx);
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
        return out;
      }
      const lists = items.map((it) => it.vec(b, ctx));
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
      return out;
    },
  };
}

function isBinary(t: SqlType): boolean {
  return t.kind === 'string' && t.binary;
}

function latin1(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
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
  const text = (v: Value, t: SqlType): string => (binary && v instanceof Uint8Array ? latin1(v) : typeof v === 'string' ? v : toStringValue(v, t)!);
  const compiled = new Map<string, RegExp>(); // pattern text → RegExp: a pure function, safe to share
  const regexFor = (pat: string): RegExp => {
    let re = compiled.get(pat);
    if (!re) {
      re = likeToRegExp(pat, escape, binary);
      if (compiled.size > 256) compiled.clear();
      compiled.set(pat, re);
    }
    return re;
  };
  return {
    scalar: null,
    safe: a.safe && p.safe,
    vec: (b, ctx) => {
      const n = b.length;
      const xs = a.vec(b, ctx);
      const out: Value[] = new Array(n);
      const constPat = p.scalar ? p.scalar(ctx) : undefined;
      if (constPat === null) return fill(n, null);
      const fixed = constPat === undefined ? null : regexFor(text(constPat, pt));
      const ps = fixed ? null : p.vec(b, ctx);
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        const pv = ps ? ps[i]! : constPat!;
        if (x === null || pv === null) {
          out[i] = null;
          continue;
        }
        out[i] = likeMatch(text(x, at), fixed ?? regexFor(text(pv, pt))) ? yes : no;
      }
      return out;
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
  const compiled = new Map<string, RegExp>();
  const regexFor = (pat: string): RegExp => {
    let re = compiled.get(pat);
    if (!re) {
      try {
        re = new RegExp(pat, binary ? 's' : 'is');
      } catch {
        throw new SqlError('ER_WRONG_ARGUMENTS', `Illegal argument to a regular expression: '${pat}'`);
      }
      if (compiled.size > 256) compiled.clear();
      compiled.set(pat, re);
    }
    return re;
  };
  const text = (v: Value, t: SqlType): string => (typeof v === 'string' ? v : toStringValue(v, t)!);
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const xs = a.vec(b, ctx);
      const ps = p.vec(b, ctx);
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        const pv = ps[i]!;
        out[i] = x === null || pv === null ? null : regexFor(text(pv, pt)).test(text(x, at)) ? yes : no;
      }
      return out;
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
      return out;
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
      const cols = args.map((a) => a.vec(b, ctx));
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
      return out;
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
  const text = describe(e.arg);
  const mode = e.mode;
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const n = b.length;
      const w = warnOf(ctx);
      const xs = a.vec(b, ctx);
      const out: Value[] = new Array(n);
      if (mode === 'cast') {
        for (let i = 0; i < n; i++) out[i] = castValue(xs[i]!, from, to, w, text);
        return out;
      }
      const strict = strictMode(ctx) ? 'strict' : 'lenient';
      for (let i = 0; i < n; i++) out[i] = castToType(xs[i]!, from, to, strict, { column: text, row: i + 1, warn: w, now: ctx.now });
      return out;
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
  const op = instantiate(plan, ctx);
  let value: Value = null;
  let rows = 0;
  for (let batch = op.next(); batch; batch = op.next()) {
    if (batch.length === 0) continue;
    rows += batch.length;
    if (rows > 1) throw new SqlError('ER_SUBQUERY_NO_1_ROW', 'Subquery returns more than 1 row');
    value = batch.cols[0]![0]!;
  }
  return value;
}

function runExists(plan: PhysicalPlan, ctx: ExecContext): Value {
  const op = instantiate(plan, ctx);
  for (let batch = op.next(); batch; batch = op.next()) if (batch.length > 0) return 1;
  return 0;
}

function buildSubquery(e: Extract<BoundExpr, { kind: 'subquery' }>): Node {
  const run = e.mode === 'scalar' ? runScalar : runExists;
  const plan = e.plan;
  if (!e.correlated) {
    // Evaluated once per execution (the memo is keyed by the host context).
    return {
      scalar: null,
      safe: false,
      vec: (b, ctx) => {
        const memo = executionMemo(ctx);
        let v = memo.get(e) as Value | undefined;
        if (v === undefined) {
          v = run(plan, ctx);
          memo.set(e, v);
        }
        return fill(b.length, v);
      },
    };
  }
  return {
    scalar: null,
    safe: false,
    vec: (b, ctx) => {
      const out: Value[] = new Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = run(plan, outerRowCtx(b, i, ctx));
      return out;
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
    const values: Value[] = [];
    let hasNull = false;
    let empty = true;
    let min: Value = null;
    let max: Value = null;
    const keys = hashable ? new Set<string | number>() : null;
    for (let batch = op.next(); batch; batch = op.next()) {
      const col = batch.cols[0]!;
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
    }
    return { keys, values, min, max, hasNull, empty };
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
      const xs = a.vec(b, ctx);
      const out: Value[] = new Array(n);
      if (!e.correlated) {
        const memo = executionMemo(ctx);
        let s = memo.get(e) as InSet | undefined;
        if (!s) {
          s = load(ctx);
          memo.set(e, s);
        }
        for (let i = 0; i < n; i++) out[i] = test(xs[i]!, s, w);
        return out;
      }
      for (let i = 0; i < n; i++) out[i] = test(xs[i]!, load(outerRowCtx(b, i, ctx)), w);
      return out;
    },
  };
}

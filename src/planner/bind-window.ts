/**
 * Binding window functions (MySQL 8 semantics). The binder hands every call with OVER that it
 * meets in a select list or ORDER BY to a WindowCollector, which resolves the window (named
 * windows, refinement), checks the frame, binds the function and returns a placeholder column;
 * `plan` then puts the window nodes over the query's rows (after grouping and HAVING) and says
 * where each call's column landed. Calls that share PARTITION BY and ORDER BY share a node, and
 * a node whose sort is a prefix of the one below it reuses that sort.
 */
import type * as A from '../sql/ast.js';
import { SqlError } from '../common/errors.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { AggFunc, AggSpec, SortKey } from '../common/ir/physical.js';
import { WHOLE_PARTITION, type FrameBound, type WindowCall, type WindowFn, type WindowFrame } from '../common/ir/window.js';
import { isNumericType, isTemporalType } from '../common/types.js';
import { assertNever } from '../common/assert.js';
import type { LogicalPlan } from './logical.js';
import { BIGINT, DOUBLE, aggType, compareKind, unifyTypes } from './typing.js';
import { literalValue } from './literals.js';

/** Placeholder columns for window calls: index WINDOW_PLACEHOLDER_BASE - j is call j. */
export const WINDOW_PLACEHOLDER_BASE = -1_000_000;

export function isWindowPlaceholder(e: BoundExpr): boolean {
  return e.kind === 'column' && e.index <= WINDOW_PLACEHOLDER_BASE;
}

/** A window with its refinements applied; `name` is what MySQL's messages call it. */
interface ResolvedWindow {
  readonly name: string;
  readonly partitionBy: readonly A.Expr[];
  readonly orderBy: readonly A.OrderItem[];
  readonly frame?: A.WindowFrame;
}

const UNNAMED = '<unnamed window>';

interface CollectedCall {
  readonly key: string;
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly SortKey[];
  readonly call: WindowCall;
}

/** Binds an expression of a window (argument, PARTITION BY, ORDER BY, frame target) over the window's input. */
export type BindWindowExpr = (e: A.Expr) => BoundExpr;

export class WindowCollector {
  private readonly defs = new Map<string, A.WindowSpec>();
  private readonly resolved = new Map<string, ResolvedWindow>();
  private readonly calls: CollectedCall[] = [];

  constructor(defs: readonly A.WindowDef[] | undefined, private readonly baked: Set<number>) {
    for (const d of defs ?? []) {
      const k = d.name.toLowerCase();
      if (this.defs.has(k)) throw new SqlError('ER_WINDOW_DUPLICATE_NAME', `Window '${d.name}' is defined twice.`);
      this.defs.set(k, d.spec);
    }
    for (const d of defs ?? []) this.named(d.name, []);
  }

  get size(): number {
    return this.calls.length;
  }

  /** Binds a call with OVER; `aggFn` is set for aggregates. Returns the call's placeholder column. */
  bindCall(e: A.Expr & { kind: 'call' }, aggFn: AggFunc | undefined, bind: BindWindowExpr): BoundExpr {
    const over = e.over!;
    const w = over.kind === 'named' ? this.named(over.name, []) : this.refine(over.spec, UNNAMED);
    // A window function inside a window's PARTITION BY / ORDER BY is 3595, not 3593.
    const bindSpec = (x: A.Expr): BoundExpr => {
      // ORDER BY 1 is a position elsewhere; MySQL refuses it in a window rather than sort by a constant.
      if (x.kind === 'literal' && x.value.type === 'int') {
        throw new SqlError('ER_WINDOW_ILLEGAL_ORDER_BY', `Window '${w.name}': ORDER BY or PARTITION BY uses legacy position indication which is not supported, use expression.`);
      }
      try {
        return bind(x);
      } catch (err) {
        if (err instanceof SqlError && err.code === 'ER_WINDOW_INVALID_WINDOW_FUNC_USE') {
          throw new SqlError('ER_WINDOW_NESTED_WINDOW_FUNC_USE_IN_WINDOW_SPEC', `You cannot nest a window function in the specification of window '${w.name}'.`);
        }
        throw err;
      }
    };
    const partitionBy = w.partitionBy.map(bindSpec);
    const orderBy = w.orderBy.map((o): SortKey => ({ expr: bindSpec(o.expr), desc: o.desc }));
    const name = e.name.toUpperCase();
    const { fn, type, usesFrame } = this.bindFunction(e, name, aggFn, bind);
    const frame = usesFrame ? this.frame(w, orderBy, bind) : (this.frame(w, orderBy, bind), WHOLE_PARTITION);
    const key = JSON.stringify({ p: partitionBy, o: orderBy }, replacer);
    this.calls.push({ key, partitionBy, orderBy, call: { fn, frame, type } });
    return { kind: 'column', index: WINDOW_PLACEHOLDER_BASE - (this.calls.length - 1), type };
  }

  /**
   * The window nodes over `input`, and for each call (by its placeholder number) its column in
   * their output. Nodes are ordered longest sort first, so a node whose keys are a prefix of the
   * previous node's needs no sort of its own.
   */
  plan(input: LogicalPlan): { plan: LogicalPlan; columnOf: readonly number[] } {
    const groups: { key: string; members: number[] }[] = [];
    this.calls.forEach((c, j) => {
      const g = groups.find((x) => x.key === c.key);
      if (g) g.members.push(j);
      else groups.push({ key: c.key, members: [j] });
    });
    const sortList = (j: number): string[] => {
      const c = this.calls[j]!;
      return [...c.partitionBy.map((e) => JSON.stringify({ e, d: false }, replacer)), ...c.orderBy.map((k) => JSON.stringify({ e: k.expr, d: k.desc }, replacer))];
    };
    const lists = groups.map((g) => sortList(g.members[0]!));
    const order = groups.map((_, i) => i).sort((a, b) => lists[b]!.length - lists[a]!.length || a - b);
    const columnOf = new Array<number>(this.calls.length);
    let plan = input;
    let prev: string[] | null = null;
    for (const gi of order) {
      const g = groups[gi]!;
      const list = lists[gi]!;
      const first = this.calls[g.members[0]!]!;
      const presorted = list.length === 0 || (prev !== null && list.every((k, i) => prev![i] === k));
      const width = plan.types.length;
      g.members.forEach((j, k) => (columnOf[j] = width + k));
      const calls = g.members.map((j) => this.calls[j]!.call);
      plan = { kind: 'window', input: plan, partitionBy: first.partitionBy, orderBy: first.orderBy, presorted, calls, types: [...plan.types, ...calls.map((c) => c.type)] };
      // A node without keys keeps its input's order: the sort below still holds.
      if (list.length > 0 || prev === null) prev = list;
    }
    return { plan, columnOf };
  }

  // ───────────── windows ─────────────

  private named(name: string, visiting: readonly string[]): ResolvedWindow {
    const k = name.toLowerCase();
    const done = this.resolved.get(k);
    if (done) return done;
    const spec = this.defs.get(k);
    if (!spec) throw new SqlError('ER_WINDOW_NO_SUCH_WINDOW', `Window name '${name}' is not defined.`);
    if (visiting.includes(k)) throw new SqlError('ER_WINDOW_CIRCULARITY_IN_WINDOW_GRAPH', 'There is a circularity in the window dependency graph.');
    const w = this.refine(spec, name, [...visiting, k]);
    this.resolved.set(k, w);
    return w;
  }

  /** A spec over the window it names, with MySQL's rules for what a refinement may add. */
  private refine(spec: A.WindowSpec, name: string, visiting: readonly string[] = []): ResolvedWindow {
    const frame = spec.frame ? { frame: spec.frame } : {};
    if (spec.base === undefined) return { name, partitionBy: spec.partitionBy ?? [], orderBy: spec.orderBy ?? [], ...frame };
    const base = this.named(spec.base, visiting);
    if (spec.partitionBy) throw new SqlError('ER_WINDOW_NO_CHILD_PARTITIONING', 'A window which depends on another cannot define partitioning.');
    if (base.frame) throw new SqlError('ER_WINDOW_NO_INHERIT_FRAME', `Window '${base.name}' has a frame definition, so cannot be referenced by another window.`);
    if (base.orderBy.length > 0 && spec.orderBy) {
      throw new SqlError('ER_WINDOW_NO_REDEFINE_ORDER_BY', `Window '${name}' cannot inherit '${base.name}' since both contain an ORDER BY clause.`);
    }
    return { name, partitionBy: base.partitionBy, orderBy: spec.orderBy ?? base.orderBy, ...frame };
  }

  // ───────────── frames ─────────────

  private frame(w: ResolvedWindow, orderBy: readonly SortKey[], bind: BindWindowExpr): WindowFrame {
    const f = w.frame;
    // MySQL's default: RANGE UNBOUNDED PRECEDING to the current row's last peer; without ORDER BY every row is a peer.
    if (!f) return orderBy.length > 0 ? { start: { kind: 'unbounded' }, end: { kind: 'peers' } } : WHOLE_PARTITION;
    const s = f.start.kind;
    const e = f.end.kind;
    if (s === 'unboundedFollowing') throw new SqlError('ER_WINDOW_FRAME_START_ILLEGAL', `Window '${w.name}': frame start cannot be UNBOUNDED FOLLOWING.`);
    if (e === 'unboundedPreceding') throw new SqlError('ER_WINDOW_FRAME_END_ILLEGAL', `Window '${w.name}': frame end cannot be UNBOUNDED PRECEDING.`);
    if ((s === 'currentRow' && e === 'preceding') || (s === 'following' && e === 'currentRow') || (s === 'following' && e === 'preceding')) throw illegal(w);
    return { start: this.bound(f.start, f.unit, w, orderBy, bind), end: this.bound(f.end, f.unit, w, orderBy, bind) };
  }

  private bound(b: A.FrameBound, unit: 'ROWS' | 'RANGE', w: ResolvedWindow, orderBy: readonly SortKey[], bind: BindWindowExpr): FrameBound {
    switch (b.kind) {
      case 'unboundedPreceding':
      case 'unboundedFollowing':
        return { kind: 'unbounded' };
      case 'currentRow':
        return unit === 'ROWS' ? { kind: 'rows', offset: 0 } : { kind: 'peers' };
      case 'preceding':
      case 'following': {
        const interval = b.value.kind === 'interval' ? b.value : null;
        if (unit === 'ROWS' && interval) throw new SqlError('ER_WINDOW_ROWS_INTERVAL_USE', `Window '${w.name}': INTERVAL can only be used with RANGE frames.`);
        const amount = interval ? interval.value : b.value;
        const n = this.constant(amount, w);
        if (unit === 'ROWS') {
          if (typeof n !== 'bigint' || n < 0n) throw illegal(w);
          const rows = Number(n);
          return { kind: 'rows', offset: b.kind === 'preceding' ? -rows : rows };
        }
        const key = orderBy[0];
        if (orderBy.length !== 1 || !(isNumericType(key!.expr.type) || isTemporalType(key!.expr.type))) {
          throw new SqlError('ER_WINDOW_RANGE_FRAME_ORDER_TYPE', `Window '${w.name}' with RANGE N PRECEDING/FOLLOWING frame requires exactly one ORDER BY expression, of numeric or temporal type`);
        }
        const temporal = isTemporalType(key!.expr.type);
        if (temporal && !interval) throw new SqlError('ER_WINDOW_RANGE_FRAME_TEMPORAL_TYPE', `Window '${w.name}' with RANGE frame has ORDER BY expression of datetime type. Only INTERVAL bound value allowed.`);
        if (!temporal && interval) throw new SqlError('ER_WINDOW_RANGE_FRAME_NUMERIC_TYPE', `Window '${w.name}' with RANGE frame has ORDER BY expression of numeric type, INTERVAL bound value not allowed.`);
        if (n === null || (typeof n === 'bigint' ? n < 0n : n < 0)) throw illegal(w);
        // The key value the bound reaches: n PRECEDING is below an ascending key, above a descending one.
        const up = (b.kind === 'following') !== key!.desc;
        const keyAst = w.orderBy[0]!.expr;
        const targetAst: A.Expr = interval
          ? { kind: 'call', name: up ? 'DATE_ADD' : 'DATE_SUB', args: [keyAst, interval.value, { kind: 'timeUnit', unit: interval.unit }] }
          : { kind: 'binary', op: up ? '+' : '-', left: keyAst, right: amount };
        const target = bind(targetAst);
        return { kind: 'range', target, cmp: compareKind(key!.expr.type, target.type) };
      }
      default:
        return assertNever(b, 'frame bound');
    }
  }

  /** A frame offset's value (a number literal, baked into the plan): bigint for an integer, number otherwise, null for NULL. */
  private constant(e: A.Expr, w: ResolvedWindow): bigint | number | null {
    if (e.kind === 'param') throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support '? as a window frame offset'");
    if (e.kind !== 'literal') throw new SqlError('ER_WINDOW_RANGE_BOUND_NOT_CONSTANT', `Window '${w.name}' has a non-constant frame bound.`);
    if (e.slot >= 0) this.baked.add(e.slot);
    const v = literalValue(e.value);
    if (v === null) return null;
    if (e.value.type === 'int') return BigInt(e.value.text);
    return Number(v);
  }

  // ───────────── functions ─────────────

  private bindFunction(e: A.Expr & { kind: 'call' }, name: string, aggFn: AggFunc | undefined, bind: BindWindowExpr): { fn: WindowFn; type: WindowCall['type']; usesFrame: boolean } {
    const args = e.args;
    const wrongArgs = (): never => {
      throw new SqlError('ER_WRONG_ARGUMENTS', `Incorrect arguments to ${name.toLowerCase()}`);
    };
    const arity = (min: number, max: number): void => {
      if (args.length < min || args.length > max) throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${name}' at line 1`);
    };
    if (aggFn) {
      arity(1, 1);
      const star = args[0]!.kind === 'star';
      let agg: AggSpec;
      if (star) {
        if (aggFn !== 'count') arity(0, 0);
        agg = { fn: 'countStar', args: [], distinct: false, type: BIGINT };
      } else {
        const a = bind(args[0]!);
        agg = { fn: aggFn, args: [a], distinct: false, type: aggType(aggFn, a.type), ...(name.endsWith('_SAMP') ? { sample: true } : {}) };
      }
      return { fn: { kind: 'aggregate', agg }, type: agg.type, usesFrame: true };
    }
    switch (name) {
      case 'ROW_NUMBER':
      case 'RANK':
      case 'DENSE_RANK':
      case 'PERCENT_RANK':
      case 'CUME_DIST': {
        arity(0, 0);
        const kind = ({ ROW_NUMBER: 'rowNumber', RANK: 'rank', DENSE_RANK: 'denseRank', PERCENT_RANK: 'percentRank', CUME_DIST: 'cumeDist' } as const)[name];
        return { fn: { kind }, type: kind === 'percentRank' || kind === 'cumeDist' ? DOUBLE : BIGINT, usesFrame: false };
      }
      case 'NTILE': {
        arity(1, 1);
        const n = this.intArg(args[0]!);
        if (n === undefined || n <= 0) wrongArgs();
        return { fn: { kind: 'ntile', buckets: n! }, type: BIGINT, usesFrame: false };
      }
      case 'LAG':
      case 'LEAD': {
        arity(1, 3);
        const value = bind(args[0]!);
        const offset = args.length > 1 ? this.intArg(args[1]!) : 1;
        if (offset === undefined || offset < 0) wrongArgs();
        const given = args.length > 2 ? bind(args[2]!) : null;
        // The value and the default meet in one result type (LAG(n, 1, 'none') is a string).
        const type = given ? unifyTypes([value.type, given.type]) : value.type;
        const as = (e: BoundExpr): BoundExpr => (JSON.stringify(e.type) === JSON.stringify(type) ? e : { kind: 'cast', arg: e, type, mode: 'convert' });
        return { fn: { kind: name === 'LAG' ? 'lag' : 'lead', arg: as(value), offset: offset!, fallback: given ? as(given) : null }, type, usesFrame: false };
      }
      case 'FIRST_VALUE':
      case 'LAST_VALUE': {
        arity(1, 1);
        const arg = bind(args[0]!);
        return { fn: { kind: name === 'FIRST_VALUE' ? 'firstValue' : 'lastValue', arg }, type: arg.type, usesFrame: true };
      }
      case 'NTH_VALUE': {
        arity(2, 2);
        const arg = bind(args[0]!);
        const n = this.intArg(args[1]!);
        if (n === undefined || n <= 0) wrongArgs();
        return { fn: { kind: 'nthValue', arg, n: n! }, type: arg.type, usesFrame: true };
      }
      default:
        throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'OVER' at line 1`);
    }
  }

  /** A non-negative integer literal argument (baked into the plan), else undefined. */
  private intArg(e: A.Expr): number | undefined {
    if (e.kind !== 'literal' || e.value.type !== 'int') return undefined;
    if (e.slot >= 0) this.baked.add(e.slot);
    const n = Number(e.value.text);
    return Number.isSafeInteger(n) ? n : undefined;
  }
}

function illegal(w: ResolvedWindow): SqlError {
  return new SqlError('ER_WINDOW_FRAME_ILLEGAL', `Window '${w.name}': frame start or end is negative, NULL or of non-integral type`);
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

/** The error for a window function where none may be (WHERE, GROUP BY, HAVING, ON, inside another call's arguments). */
export function windowNotAllowed(name: string): SqlError {
  return new SqlError('ER_WINDOW_INVALID_WINDOW_FUNC_USE', `You cannot use the window function '${name.toLowerCase()}' in this context.'`);
}

/** Replaces the window placeholders of e with the columns the window nodes gave their calls. */
export function resolveWindowPlaceholders(e: BoundExpr, columnOf: readonly number[], mapChildren: (e: BoundExpr, f: (c: BoundExpr) => BoundExpr) => BoundExpr): BoundExpr {
  if (e.kind === 'column' && e.index <= WINDOW_PLACEHOLDER_BASE) return { kind: 'column', index: columnOf[WINDOW_PLACEHOLDER_BASE - e.index]!, type: e.type };
  return mapChildren(e, (c) => resolveWindowPlaceholders(c, columnOf, mapChildren));
}

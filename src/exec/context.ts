import type { ErrorCodeName } from '../common/error-codes.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { Value } from '../common/value.js';
import type { Batch } from './batch.js';
import type { Pacer } from './pacer.js';
import type { Operator } from './operators/operator.js';

/** Everything an execution needs from its host (the leaf or the aggregator). */
export interface ExecContext {
  /** Values of 'slot' exprs (literal tokens of the statement). */
  readonly slots: readonly Value[];
  /** Values of 'param' exprs, already converted to the param's type. */
  readonly params: readonly Value[];
  /** Statement start, canonical 'YYYY-MM-DD hh:mm:ss.ffffff'. */
  readonly now: string;
  /** 'session' exprs: DATABASE, USER, CONNECTION_ID, LAST_INSERT_ID, '@x' user vars, '@@x' system vars. */
  sessionValue(name: string): Value;
  /** A plain function, callable detached from the context (operators hold on to it). */
  readonly warn: (code: ErrorCodeName, message: string) => void;
  /** Leaf: the rows of a scan node in the partition(s) being run, in chunks. */
  scan(node: Extract<PhysicalPlan, { kind: 'scan' }>, ctx: ExecContext): Iterable<Batch>;
  /**
   * Aggregator: a reader of a gather node's rows, from the start. Called once per instantiation
   * (a correlated subquery instantiates its plan once per outer row and reads its gathers again).
   */
  gathered(node: Extract<PhysicalPlan, { kind: 'gather' }>): Operator;
  /** The statement's time slices, stop checks (KILL, deadline) and working-memory budget. */
  readonly pacer: Pacer;
  /** LAST_INSERT_ID(expr) sets the session's value (functions/types.ts EvalContext). */
  readonly setLastInsertId?: (id: number | bigint) => void;
  /**
   * Rows of the enclosing queries while a correlated subquery runs: outerRows[0] is the
   * nearest enclosing row (an 'outer' expr with depth d reads outerRows[d - 1]). Hosts leave
   * it unset; the executor derives contexts that carry it.
   */
  readonly outerRows?: readonly (readonly Value[])[];
}

/** Links a derived context to the host's, so per-execution memos are shared. */
const ROOT = Symbol('exec.root');

interface Derived extends ExecContext {
  readonly [ROOT]: ExecContext;
}

export function rootContext(ctx: ExecContext): ExecContext {
  return (ctx as Partial<Derived>)[ROOT] ?? ctx;
}

/** A context for running a correlated subquery for one row of the enclosing query. */
export function withOuterRow(ctx: ExecContext, row: readonly Value[]): ExecContext {
  const root = rootContext(ctx);
  const outerRows = ctx.outerRows ? [row, ...ctx.outerRows] : [row];
  // Delegating functions rather than Object.create: hosts may be classes with private fields.
  const derived: Derived = {
    [ROOT]: root,
    slots: ctx.slots,
    params: ctx.params,
    now: ctx.now,
    outerRows,
    sessionValue: (name) => root.sessionValue(name),
    warn: (code, message) => root.warn(code, message),
    scan: (node, c) => root.scan(node, c),
    gathered: (node) => root.gathered(node),
    pacer: root.pacer,
    ...(root.setLastInsertId ? { setLastInsertId: root.setLastInsertId } : {}),
  };
  return derived;
}

/**
 * Per-execution memo (uncorrelated subquery results), keyed by the host context so that a
 * cached plan run again gets fresh results and derived contexts share their root's.
 */
const memos = new WeakMap<ExecContext, Map<object, unknown>>();

export function executionMemo(ctx: ExecContext): Map<object, unknown> {
  const root = rootContext(ctx);
  let m = memos.get(root);
  if (!m) {
    m = new Map();
    memos.set(root, m);
  }
  return m;
}

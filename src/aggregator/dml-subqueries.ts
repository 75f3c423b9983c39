/**
 * Subqueries in statements other than SELECT (INSERT … VALUES, UPDATE … SET and WHERE, DELETE
 * WHERE, SET @x = …). The binder leaves them as `subquery` / `inSubquery` nodes over logical
 * plans; here they are planned like a SELECT's and run on the aggregator, which is the only
 * place that can gather from every partition:
 *
 *  - an uncorrelated scalar or EXISTS subquery runs once per statement and becomes a constant, so
 *    the write itself still runs on the leaves in one pass;
 *  - anything else (a correlated subquery, IN / ANY / ALL) is computed per row by a read of the
 *    target table on the aggregator (dml.ts, modifyInTwoPhases), which then writes row by row.
 *
 * Like MariaDB, a subquery may read the table being changed: it sees the table as it was before
 * the statement, since every subquery value is computed before the first row is written.
 */
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { LogicalPlan, OutputColumn } from '../planner/logical.js';
import { forEachPlanExpr, mapChildren } from '../planner/binder.js';
import { distribute } from '../planner/distribute.js';
import { sessionNamesOf } from '../planner/session-names.js';
import type * as A from '../sql/ast.js';

/** What these helpers need of a session (session.ts): running a plan on the aggregator. */
export interface PlanRunner {
  executePlan(
    qp: { readonly plan: PhysicalPlan; readonly columns: readonly OutputColumn[]; readonly sessionNames: readonly string[] },
    ps: A.ParsedStatement,
    params: { readonly values: readonly Value[]; readonly types: readonly SqlType[] },
  ): Promise<Value[][]>;
}

type Params = Parameters<PlanRunner['executePlan']>[2];

export type SubqueryNode = Extract<BoundExpr, { kind: 'subquery' | 'inSubquery' }>;

/** The outermost subquery nodes of e, left to right (their plans are not entered). */
export function subqueryNodes(e: BoundExpr | null | undefined, out: SubqueryNode[] = []): SubqueryNode[] {
  if (e === null || e === undefined) return out;
  if (e.kind === 'subquery' || e.kind === 'inSubquery') {
    out.push(e);
    return out;
  }
  mapChildren(e, (c) => {
    subqueryNodes(c, out);
    return c;
  });
  return out;
}

export function hasSubquery(e: BoundExpr | null | undefined): boolean {
  return subqueryNodes(e).length > 0;
}

/** e with the given nodes replaced by constants of their values. */
export function substitute(e: BoundExpr, values: ReadonlyMap<BoundExpr, Value>): BoundExpr {
  if (values.has(e)) return { kind: 'const', value: values.get(e)!, type: e.type };
  if (e.kind === 'subquery') return e;
  return mapChildren(e, (c) => substitute(c, values));
}

/**
 * Evaluates bound expressions (whose subqueries are still logical plans) on the aggregator, as
 * the one row of a VALUES plan: subquery gathers are fetched from the leaves first.
 */
export async function evaluateOnAggregator(session: PlanRunner, ps: A.ParsedStatement, params: Params, exprs: readonly BoundExpr[]): Promise<Value[]> {
  const logical: LogicalPlan = { kind: 'values', rows: [exprs], types: exprs.map((e) => e.type) };
  const plan = distribute(logical);
  const rows = await session.executePlan({ plan, columns: [], sessionNames: sessionNamesOf(plan) }, ps, params);
  return rows[0]!;
}

/**
 * Replaces every uncorrelated scalar or EXISTS subquery in the expressions by its value,
 * computed once. IN / ANY / ALL and correlated subqueries stay (they depend on the row).
 */
export async function resolveUncorrelated<E extends BoundExpr | null>(session: PlanRunner, ps: A.ParsedStatement, params: Params, exprs: readonly E[]): Promise<E[]> {
  const once: SubqueryNode[] = [];
  for (const e of exprs) for (const n of subqueryNodes(e)) if (n.kind === 'subquery' && !n.correlated) once.push(n);
  if (once.length === 0) return [...exprs];
  const values = await evaluateOnAggregator(session, ps, params, once);
  const byNode = new Map<BoundExpr, Value>(once.map((n, i) => [n, values[i]!]));
  return exprs.map((e) => (e === null ? e : (substitute(e, byNode) as E)));
}

/**
 * The columns of the statement's row (the scope the node was bound in) that a subquery node
 * reads: an IN's left operand, and the outer references of its plan that reach this row.
 */
export function rowColumnsRead(n: SubqueryNode): Set<number> {
  const out = new Set<number>();
  const visitExpr = (e: BoundExpr, level: number): void => {
    if (e.kind === 'column' && level === 0) out.add(e.index);
    if (e.kind === 'outer' && e.depth === level) out.add(e.index);
    if (e.kind === 'subquery' || e.kind === 'inSubquery') visitPlan(e.plan as unknown as LogicalPlan, level + 1);
    mapChildren(e, (c) => {
      visitExpr(c, level);
      return c;
    });
  };
  const visitPlan = (p: LogicalPlan, level: number): void => forEachPlanExpr(p, (e) => visitExpr(e, level));
  visitExpr(n, 0);
  return out;
}

/**
 * Subqueries in statements other than SELECT (INSERT … VALUES, UPDATE … SET and WHERE, DELETE
 * WHERE, SET @x = …). The binder leaves them as `subquery` / `inSubquery` nodes over logical
 * plans; here they are planned like a SELECT's and run on the aggregator, which is the only
 * place that can gather from every partition:
 *
 *  - an uncorrelated scalar or EXISTS subquery runs once per statement and becomes a constant,
 *    an uncorrelated IN (SELECT …) a constant IN list, so the write itself still runs on the
 *    leaves in one pass (and a key in such a list seeks);
 *  - anything else (a correlated subquery, other ANY / ALL tests) is computed per row by a read
 *    of the target table on the aggregator (dml.ts, modifyInTwoPhases), which then writes row by
 *    row.
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

/** e with the given nodes replaced. */
export function substitute(e: BoundExpr, replacements: ReadonlyMap<BoundExpr, BoundExpr>): BoundExpr {
  const r = replacements.get(e);
  if (r !== undefined) return r;
  if (e.kind === 'subquery') return e;
  return mapChildren(e, (c) => substitute(c, replacements));
}

export function constOf(node: BoundExpr, value: Value): BoundExpr {
  return { kind: 'const', value, type: node.type };
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
 * Replaces every uncorrelated scalar or EXISTS subquery in the expressions by its value, and
 * every uncorrelated `x [NOT] IN (SELECT …)` by `x [NOT] IN (its values)`, each computed once.
 * Correlated subqueries and other ANY / ALL tests stay (they depend on the row).
 */
export async function resolveUncorrelated<E extends BoundExpr | null>(session: PlanRunner, ps: A.ParsedStatement, params: Params, exprs: readonly E[]): Promise<E[]> {
  const scalars: SubqueryNode[] = [];
  const lists: Extract<BoundExpr, { kind: 'inSubquery' }>[] = [];
  for (const e of exprs) {
    for (const n of subqueryNodes(e)) {
      if (n.correlated) continue;
      if (n.kind === 'subquery') scalars.push(n);
      else if ((n.op === '=' && n.quantifier === 'ANY') || (n.op === '<>' && n.quantifier === 'ALL')) lists.push(n);
    }
  }
  if (scalars.length === 0 && lists.length === 0) return [...exprs];
  const replacements = new Map<BoundExpr, BoundExpr>();
  if (scalars.length > 0) {
    const values = await evaluateOnAggregator(session, ps, params, scalars);
    scalars.forEach((n, i) => replacements.set(n, constOf(n, values[i]!)));
  }
  for (const n of lists) replacements.set(n, await asInList(session, ps, params, n));
  return exprs.map((e) => (e === null ? e : (substitute(e, replacements) as E)));
}

/**
 * `x IN (SELECT …)` over the subquery's rows: the same three-valued answer as an IN list of
 * them (NULL when x is not found and a NULL is among them), and FALSE when there are none
 * whatever x is. `x <> ALL (…)` is NOT IN.
 */
async function asInList(session: PlanRunner, ps: A.ParsedStatement, params: Params, n: Extract<BoundExpr, { kind: 'inSubquery' }>): Promise<BoundExpr> {
  const plan = distribute(n.plan as unknown as LogicalPlan);
  const rows = await session.executePlan({ plan, columns: [], sessionNames: sessionNamesOf(plan) }, ps, params);
  const not = n.op === '=' ? n.not : !n.not;
  if (rows.length === 0) return { kind: 'const', value: not ? 1 : 0, type: n.type };
  const itemType = plan.types[0]!;
  const seen = new Set<unknown>();
  const list: BoundExpr[] = [];
  for (const r of rows) {
    const v = r[0]!;
    // Plain numbers and strings repeat often (a join key): one list entry each is enough.
    const key = typeof v === 'number' || typeof v === 'string' || v === null ? v : undefined;
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    list.push({ kind: 'const', value: v, type: itemType });
  }
  return { kind: 'inList', arg: n.arg, list, cmp: n.cmp, not, type: n.type };
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

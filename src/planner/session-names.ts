/**
 * The session values a plan reads: DATABASE(), LAST_INSERT_ID(), @user and @@system variables,
 * and the settings operators consult on their own (sql_mode for assignment casts,
 * group_concat_max_len). Their values travel to the leaves as data with every execution
 * (ExecInputs.sessionValues); a leaf never calls back into a session.
 */
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, PhysicalPlan, Routing } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import { windowExprs } from '../common/ir/window.js';
import { assertNever } from '../common/assert.js';
import { mapChildren } from './binder.js';

/** What an assignment-mode cast reads to choose strict or lenient conversion (eval.ts). */
const SQL_MODE = '@@sql_mode';
/** How many rounds a recursive CTE may run (recursive-cte.ts). */
const CTE_MAX_RECURSION_DEPTH = '@@cte_max_recursion_depth';
/** What GROUP_CONCAT reads to cut its result (hash-agg.ts). */
const GROUP_CONCAT_MAX_LEN = '@@group_concat_max_len';

/** Collects names into a set; one instance walks any number of plans and expressions. */
export class SessionNames {
  private readonly names = new Set<string>();

  /**
   * enterSubqueries false: names inside subquery plans are left out (their plans are still
   * logical and run on the aggregator, which reads the session itself).
   */
  constructor(private readonly enterSubqueries = true) {}

  list(): string[] {
    return [...this.names];
  }

  expr(e: BoundExpr | null | undefined): this {
    if (e === null || e === undefined) return this;
    switch (e.kind) {
      case 'session':
        this.names.add(e.name);
        return this;
      case 'cast':
        if (e.mode === 'convert') this.names.add(SQL_MODE);
        break;
      case 'subquery':
        if (this.enterSubqueries) this.plan(e.plan);
        return this;
      case 'inSubquery':
        if (this.enterSubqueries) this.plan(e.plan);
        break;
      default:
        break;
    }
    mapChildren(e, (c) => {
      this.expr(c);
      return c;
    });
    return this;
  }

  exprs(es: readonly (BoundExpr | null | undefined)[] | undefined): this {
    for (const e of es ?? []) this.expr(e);
    return this;
  }

  access(a: Access): this {
    switch (a.kind) {
      case 'full':
        return this;
      case 'point':
        for (const k of a.keys) this.exprs(k);
        return this;
      case 'range':
        this.exprs(a.lo?.key);
        return this.exprs(a.hi?.key);
      default:
        return assertNever(a, 'access path');
    }
  }

  routing(r: Routing): this {
    switch (r.kind) {
      case 'all':
      case 'partition':
        return this;
      case 'shardKey':
        return this.exprs(r.values);
      case 'shardKeys':
        for (const t of r.tuples) this.exprs(t);
        return this;
      default:
        return assertNever(r, 'routing');
    }
  }

  plan(p: PhysicalPlan): this {
    switch (p.kind) {
      case 'scan':
        this.access(p.access);
        break;
      case 'gather':
        this.routing(p.routing);
        this.plan(p.fragment);
        break;
      case 'values':
        for (const r of p.rows) this.exprs(r);
        break;
      case 'rowset':
      case 'distinct':
      case 'unionAll':
        break;
      case 'filter':
        this.expr(p.predicate);
        break;
      case 'project':
        this.exprs(p.exprs);
        break;
      case 'hashAgg':
        this.exprs(p.groupBy);
        for (const a of p.aggs) {
          if (a.fn === 'groupConcat') this.names.add(GROUP_CONCAT_MAX_LEN);
          this.exprs(a.args);
          for (const k of a.orderBy ?? []) this.expr(k.expr);
        }
        break;
      case 'sort':
        for (const k of p.keys) this.expr(k.expr);
        break;
      case 'topN':
        for (const k of p.keys) this.expr(k.expr);
        this.expr(p.count).expr(p.offset);
        break;
      case 'limit':
        this.expr(p.count).expr(p.offset);
        break;
      case 'hashJoin':
        this.exprs(p.leftKeys).exprs(p.rightKeys).expr(p.residual);
        break;
      case 'nestedLoopJoin':
      case 'apply':
        this.expr(p.condition);
        break;
      case 'window':
        this.exprs(windowExprs(p));
        break;
      case 'recursiveCte':
        this.names.add(CTE_MAX_RECURSION_DEPTH);
        break;
      case 'setOp':
      case 'workTable':
        break;
      default:
        return assertNever(p, 'plan');
    }
    for (const i of planInputs(p)) this.plan(i);
    return this;
  }
}

/** The session values a physical plan reads. */
export function sessionNamesOf(plan: PhysicalPlan): string[] {
  return new SessionNames().plan(plan).list();
}

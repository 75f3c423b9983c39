import type * as A from '../sql/ast.js';
import { isNumericType, type SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr, CompareKind } from '../common/ir/expr.js';
import type { AggFunc, AggSpec, SortKey } from '../common/ir/physical.js';
import { SqlError } from '../common/errors.js';
import { Decimal } from '../common/decimal.js';
import { assertNever } from '../common/assert.js';
import type { CatalogView, TableDef, ViewDef } from '../cluster/catalog.js';
import type { LogicalPlan, OutputColumn } from './logical.js';
import { BIGINT, BOOL_RESULT, DOUBLE, NULL_TYPE, UBIGINT, aggType, arithType, compareKind, unifyTypes, varchar } from './typing.js';
import { bindLiteral, hexLiteralAsNumber, literalValue } from './literals.js';
import { viewBindError, viewQuery, viewRecursion } from './bind-view.js';
import { leftmostIsLateral, recursiveShape, seedQuery, type CteDef, type CteFrame, type RecursiveShape, type WorkTable } from './bind-cte.js';
import { windowExprs } from '../common/ir/window.js';
import { WindowCollector, isWindowPlaceholder, resolveWindowPlaceholders, windowNotAllowed } from './bind-window.js';

/** What the binder needs to know about scalar functions (the registry lives in exec). */
export interface FunctionInfo {
  readonly minArgs: number;
  readonly maxArgs: number;
  returnType(args: readonly SqlType[]): SqlType;
  constReturnType?(args: readonly SqlType[], consts: readonly (Value | undefined)[]): SqlType;
}

/** A table the aggregator materializes itself (information_schema). */
export interface VirtualTable {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly rows: readonly (readonly Value[])[];
}

export interface BindContext {
  readonly catalog: CatalogView;
  readonly db: string | null;
  readonly literals: readonly A.Literal[];
  readonly paramTypes: readonly SqlType[];
  lookupFunction(name: string): FunctionInfo | undefined;
  virtualTable(db: string, name: string): VirtualTable | undefined;
  /** Type of @@var / @var for SELECT. */
  variableType(name: string, scope: 'user' | 'session' | 'global' | 'default'): SqlType;
  /** Slots whose values the plan depends on; the plan cache checks them on a hit. */
  readonly baked: Set<number>;
  /**
   * At prepare: per `?`, the type of what it is compared with or limits (`id = ?` on a BIGINT
   * is an integer), which the PREPARE reply reports so drivers send values typed.
   */
  readonly paramHints?: (SqlType | undefined)[];
  /** Before a view is expanded: may the session read through it (SQL SECURITY INVOKER checks the caller's rights). */
  checkView?(view: ViewDef, query: A.Query): void;
}

export interface BoundQuery {
  readonly plan: LogicalPlan;
  readonly columns: readonly OutputColumn[];
}

/** A column visible to name resolution. */
interface ScopeColumn {
  readonly name: string;
  /** The alias (or table name) that qualifies it. */
  readonly table: string;
  readonly db: string;
  readonly orgName: string;
  readonly orgTable: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** Hidden from unqualified lookup and `*` (the right side of a USING/NATURAL column). */
  readonly usingDuplicate?: boolean;
  /** Position in its table (or derived table): `t.*` lists a table's columns in this order. */
  readonly pos?: number;
  /** Position in what an unqualified `*` lists, when a join orders it otherwise than the plan does. */
  readonly rank?: number;
  readonly keyFlags?: { primaryKey?: boolean; uniqueKey?: boolean; multipleKey?: boolean; autoIncrement?: boolean };
}

interface Scope {
  readonly columns: readonly ScopeColumn[];
  readonly parent: Scope | null;
  /** Output aliases usable from HAVING / ORDER BY (MySQL extension). */
  readonly aliases?: ReadonlyMap<string, BoundExpr>;
}

const AGGREGATES: Readonly<Record<string, AggFunc>> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  GROUP_CONCAT: 'groupConcat',
  BIT_AND: 'bitAnd',
  BIT_OR: 'bitOr',
  BIT_XOR: 'bitXor',
  STD: 'std',
  STDDEV: 'std',
  STDDEV_POP: 'std',
  STDDEV_SAMP: 'std',
  VARIANCE: 'variance',
  VAR_POP: 'variance',
  VAR_SAMP: 'variance',
  ANY_VALUE: 'anyValue',
  JSON_ARRAYAGG: 'jsonArrayAgg',
  JSON_OBJECTAGG: 'jsonObjectAgg',
};

export function isAggregateName(name: string): boolean {
  return name in AGGREGATES;
}

/** GET_LOCK and the other functions whose locks belong to the calling connection. */
const LOCK_FUNCTIONS: ReadonlySet<string> = new Set(['GET_LOCK', 'RELEASE_LOCK', 'RELEASE_ALL_LOCKS', 'IS_FREE_LOCK', 'IS_USED_LOCK']);

/** Session-scoped functions evaluated by the aggregator per statement. */
const SESSION_FUNCTIONS: Readonly<Record<string, SqlType>> = {
  DATABASE: varchar(64),
  SCHEMA: varchar(64),
  USER: varchar(288),
  CURRENT_USER: varchar(288),
  CURRENT_ROLE: varchar(1024),
  SESSION_USER: varchar(288),
  SYSTEM_USER: varchar(288),
  CONNECTION_ID: UBIGINT,
  LAST_INSERT_ID: UBIGINT,
  ROW_COUNT: BIGINT,
  FOUND_ROWS: BIGINT,
};

type Clause = 'field list' | 'where clause' | 'group statement' | 'having clause' | 'order clause' | 'on clause' | 'IN (...)';

/**
 * Aggregation state while binding a grouped SELECT: aggregate calls found in the select list,
 * HAVING and ORDER BY become columns of the aggregate's output.
 */
interface AggContext {
  readonly inputScope: Scope;
  readonly groupBy: BoundExpr[];
  readonly groupKeys: string[];
  readonly aggs: AggSpec[];
  readonly aggKeys: string[];
}

export class Binder {
  /** The common table expressions in scope, innermost first. */
  private ctes: CteFrame | null = null;
  /** Recursive CTEs whose recursive part is being bound: their references read the work table. */
  private readonly working = new Map<CteDef, WorkTable>();
  private nextCteId = 0;
  /** Where window functions may be bound now: a select list or ORDER BY (null elsewhere). */
  private windows: WindowCollector | null = null;

  /** The database unqualified names resolve in: the session's, or a view's while it is expanded. */
  private db: string | null;
  /** Views being expanded, outermost first. */
  private readonly expanding: ViewDef[] = [];

  constructor(private readonly ctx: BindContext) {
    this.db = ctx.db;
  }

  // ───────────────────────────── queries ─────────────────────────────

  bindQuery(q: A.Query, outer: Scope | null = null): BoundQuery {
    if (q.with) return this.withCtes(q.with, () => this.bindQueryBody(q, outer));
    return this.bindQueryBody(q, outer);
  }

  private bindQueryBody(q: A.Query, outer: Scope | null): BoundQuery {
    switch (q.kind) {
      case 'select':
        return this.bindSelect(q, outer);
      case 'union':
        return q.op ? this.bindSetOp(q, outer) : this.bindUnion(q, outer);
      default:
        return assertNever(q, 'query');
    }
  }

  // ───────────────────────────── WITH ─────────────────────────────

  /** Binds `f` with the CTEs of `w` in scope; each CTE is bound where it is read (inlined). */
  private withCtes<T>(w: A.WithClause, f: () => T): T {
    const saved = this.ctes;
    const seen = new Set<string>();
    let frame = saved;
    for (const c of w.ctes) {
      const key = c.name.toLowerCase();
      if (seen.has(key)) throw new SqlError('ER_NON_UNIQ_TABLE', `Not unique table/alias: '${c.name}'`);
      seen.add(key);
      frame = { def: { name: c.name, columns: c.columns, query: c.query, recursive: w.recursive, visible: frame }, parent: frame };
    }
    this.ctes = frame;
    try {
      return f();
    } finally {
      this.ctes = saved;
    }
  }

  private bindCteRef(ref: A.TableRef & { kind: 'cte' }): { plan: LogicalPlan; columns: ScopeColumn[] } {
    let frame = this.ctes;
    while (frame && !sameName(frame.def.name, ref.name)) frame = frame.parent;
    if (!frame) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${this.db ?? ''}.${ref.name}' doesn't exist`);
    const def = frame.def;
    const alias = ref.alias ?? ref.name;
    const work = this.working.get(def);
    if (work) {
      const plan: LogicalPlan = { kind: 'workTable', id: work.id, name: def.name, types: work.types };
      return { plan, columns: work.types.map((type, i) => ({ pos: i, name: work.names[i]!, table: alias, db: '', orgName: '', orgTable: alias, type, nullable: true })) };
    }
    const saved = this.ctes;
    // The body sees the CTEs before it (and itself when recursive), not those of the query reading it.
    this.ctes = def.recursive ? frame : def.visible;
    try {
      const shape = def.recursive ? recursiveShape(def.name, def.query, containsAggregate) : null;
      const q = shape ? this.bindRecursiveCte(def, shape) : this.bindQuery(def.query, null);
      return { plan: q.plan, columns: derivedColumns(q, alias, def.columns) };
    } finally {
      this.ctes = saved;
    }
  }

  /**
   * WITH RECURSIVE: the seed members give the column types (MySQL); each recursive member is
   * cast to them and reads the previous round through a work table.
   */
  private bindRecursiveCte(def: CteDef, shape: RecursiveShape): BoundQuery {
    const seed = this.bindQuery(seedQuery(shape), null);
    const names = def.columns ?? seed.columns.map((c) => c.name);
    if (names.length !== seed.columns.length) throw wrongColumnList();
    const types = seed.plan.types;
    const id = this.nextCteId++;
    this.working.set(def, { id, names, types });
    let recursive: LogicalPlan;
    try {
      const parts = shape.recursive.map((m) => {
        const b = this.bindQuery(m, null);
        if (b.columns.length !== types.length) {
          throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT', 'The used SELECT statements have a different number of columns');
        }
        return castPlan(b.plan, types, names);
      });
      recursive = parts.length === 1 ? parts[0]! : { kind: 'union', inputs: parts, types };
    } finally {
      this.working.delete(def);
    }
    let plan: LogicalPlan = { kind: 'recursiveCte', id, distinct: shape.distinct, seed: seed.plan, recursive, types };
    // LIMIT on the CTE's UNION stops the rounds once it has its rows (MySQL 8.0.19).
    if (def.query.limit) plan = this.bindLimit(plan, def.query.limit);
    const columns = seed.columns.map((c, i): OutputColumn => ({ ...c, name: names[i]!, nullable: true, orgName: '', orgTable: '', table: '', schema: '' }));
    return { plan, columns };
  }

  /** INTERSECT / EXCEPT [ALL | DISTINCT]: both sides cast to the unified column types. */
  private bindSetOp(q: A.SetOperation, outer: Scope | null): BoundQuery {
    const l = this.bindQuery(q.left, outer);
    const r = this.bindQuery(q.right, outer);
    if (r.columns.length !== l.columns.length) {
      throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT', 'The used SELECT statements have a different number of columns');
    }
    const types = l.plan.types.map((t, i) => unifyTypes([t, r.plan.types[i]!]));
    const plan: LogicalPlan = {
      kind: 'setOp',
      op: q.op === 'INTERSECT' ? 'intersect' : 'except',
      all: q.all,
      left: castPlan(l.plan, types, l.columns.map((c) => c.name)),
      right: castPlan(r.plan, types, l.columns.map((c) => c.name)),
      types,
    };
    return this.finishSetOperation(q, plan, l.columns, types, outer);
  }

  private bindUnion(q: A.SetOperation, outer: Scope | null): BoundQuery {
    // Flatten a left-deep chain; UNION DISTINCT anywhere dedupes everything to its left.
    const terms: { query: A.Query; all: boolean }[] = [];
    let node: A.Query = q;
    // INTERSECT / EXCEPT members and parenthesized parts (own ORDER BY, LIMIT or WITH) bind whole.
    while (node.kind === 'union' && node.op === undefined && (node === q || (!node.orderBy && !node.limit && !node.with))) {
      terms.unshift({ query: node.right, all: node.all });
      node = node.left;
    }
    const first = this.bindQuery(node, outer);
    let plan: LogicalPlan = first.plan;
    let types = [...first.plan.types];
    const inputs: LogicalPlan[] = [plan];
    for (const t of terms) {
      const b = this.bindQuery(t.query, outer);
      if (b.columns.length !== first.columns.length) {
        throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT', 'The used SELECT statements have a different number of columns');
      }
      types = types.map((ty, i) => unifyTypes([ty, b.plan.types[i]!]));
      inputs.push(b.plan);
      if (!t.all) {
        plan = { kind: 'distinct', input: { kind: 'union', inputs: [...inputs], types }, types };
        inputs.length = 0;
        inputs.push(plan);
      }
    }
    if (inputs.length > 1 || inputs[0] !== plan) plan = { kind: 'union', inputs: [...inputs], types };
    else if (plan.kind === 'distinct') plan = { ...plan, types };
    // Each branch is cast to the unified type so the columns line up.
    plan = castUnionInputs(plan, types);
    return this.finishSetOperation(q, plan, first.columns, types, outer);
  }

  /** The result columns of a set operation, and its own ORDER BY / LIMIT over them. */
  private finishSetOperation(q: A.SetOperation, input: LogicalPlan, firstColumns: readonly OutputColumn[], types: readonly SqlType[], outer: Scope | null): BoundQuery {
    let plan = input;
    const columns = firstColumns.map((c, i) => ({ ...c, type: types[i]!, nullable: true, orgName: '', orgTable: '', table: '', schema: '' }));
    const scope: Scope = {
      columns: columns.map((c) => ({ name: c.name, table: '', db: '', orgName: '', orgTable: '', type: c.type, nullable: true })),
      parent: outer,
    };
    if (q.orderBy) {
      const keys = q.orderBy.map((o) => ({ expr: this.bindOrderItem(o.expr, scope, columns.map((c) => c.name)), desc: o.desc }));
      plan = { kind: 'sort', input: plan, keys, types };
    }
    if (q.limit) plan = this.bindLimit(plan, q.limit);
    return { plan, columns };
  }

  private bindOrderItem(e: A.Expr, scope: Scope, names: readonly string[]): BoundExpr {
    const ordinal = this.ordinal(e, names.length, 'order clause');
    if (ordinal !== undefined) return { kind: 'column', index: ordinal, type: scope.columns[ordinal]!.type };
    return this.bindExpr(e, scope, 'order clause');
  }

  private bindSelect(s: A.Select, outer: Scope | null): BoundQuery {
    // A subquery's windows are its own; the enclosing select list's come back after it.
    const enclosingWindows = this.windows;
    this.windows = null;
    // FROM
    let plan: LogicalPlan;
    let scope: Scope;
    if (s.from) {
      if (countTables(s.from, MAX_JOIN_TABLES) > MAX_JOIN_TABLES) {
        // MySQL opens the tables first: a missing one is reported before their number.
        this.assertTablesExist(s.from);
        throw new SqlError('ER_TOO_MANY_TABLES', `Too many tables; MySQL can only use ${MAX_JOIN_TABLES} tables in a join`);
      }
      const f = this.bindFrom(s.from, outer);
      plan = f.plan;
      scope = { columns: f.columns, parent: outer };
    } else {
      plan = { kind: 'values', rows: [[]], types: [] };
      scope = { columns: [], parent: outer };
    }

    // WHERE
    if (s.where) {
      this.rejectAggregates(s.where, 'where clause');
      const predicate = this.bindExpr(s.where, scope, 'where clause');
      plan = { kind: 'filter', input: plan, predicate, types: plan.types };
    }

    // Expand the select list.
    const items = this.expandItems(s.items, scope);
    // Window functions may appear in the select list and ORDER BY only.
    const windows = new WindowCollector(s.windows, this.ctx.baked);

    const hasAgg =
      (s.groupBy?.length ?? 0) > 0 ||
      items.some((it) => it.kind === 'expr' && containsAggregate(it.expr)) ||
      (s.having !== undefined && containsAggregate(s.having)) ||
      (s.orderBy ?? []).some((o) => containsAggregate(o.expr));

    let outExprs: BoundExpr[];
    let agg: AggContext | null = null;
    let preAgg: BoundExpr[] | null = null;
    const names = items.map((it) => it.name);

    if (hasAgg) {
      agg = { inputScope: scope, groupBy: [], groupKeys: [], aggs: [], aggKeys: [] };
      for (const g of s.groupBy ?? []) {
        const ordinal = this.ordinal(g, items.length, 'group statement');
        let bound: BoundExpr;
        if (ordinal !== undefined) {
          const item = items[ordinal]!;
          if (item.kind === 'expr' && containsAggregate(item.expr)) {
            throw new SqlError('ER_WRONG_GROUP_FIELD', `Can't group on '${item.name}'`);
          }
          bound = item.kind === 'bound' ? item.bound : this.bindExpr(item.expr, scope, 'group statement');
        } else {
          bound = this.bindGroupItem(g, scope, items);
        }
        agg.groupBy.push(bound);
        agg.groupKeys.push(exprKey(bound));
      }
      this.windows = windows;
      preAgg = items.map((it) => (it.kind === 'bound' ? it.bound : this.bindExpr(it.expr, scope, 'field list', agg!)));
      outExprs = preAgg.map((e) => this.toAggOutput(e, agg!));
    } else {
      this.windows = windows;
      outExprs = items.map((it) => (it.kind === 'bound' ? it.bound : this.bindExpr(it.expr, scope, 'field list')));
    }

    // Aliases usable in HAVING / ORDER BY; in a grouped query they stand for the pre-aggregation
    // expression, which the aggregate rewrite then maps onto the aggregate's output.
    const aliasMap = new Map<string, BoundExpr>();
    items.forEach((it, i) => {
      if (it.alias !== undefined && !aliasMap.has(it.alias.toLowerCase())) aliasMap.set(it.alias.toLowerCase(), (preAgg ?? outExprs)[i]!);
    });

    let having: BoundExpr | undefined;
    this.windows = null;
    if (s.having) {
      if (agg) having = this.bindAggExpr(s.having, agg, 'having clause', aliasMap);
      else having = this.bindExpr(s.having, { ...scope, aliases: aliasMap }, 'having clause');
      if (containsWindowPlaceholder(having)) throw windowAliasNotAllowed(s.having, items);
    }
    this.windows = windows;

    // ORDER BY: keys may be ordinals, aliases, or any expression over the input (hidden columns).
    const orderKeys: { expr: BoundExpr; desc: boolean }[] = [];
    for (const o of s.orderBy ?? []) {
      const ordinal = this.ordinal(o.expr, items.length, 'order clause');
      if (ordinal !== undefined) {
        orderKeys.push({ expr: outExprs[ordinal]!, desc: o.desc });
        continue;
      }
      if (o.expr.kind === 'column' && o.expr.table === undefined) {
        const colName = o.expr.name.toLowerCase();
        const alias = aliasMap.get(colName);
        // An input column of the same name wins over an alias only when it is not also an output name.
        if (alias && !(this.hasColumn(scope, colName) && !names.some((n) => n.toLowerCase() === colName))) {
          orderKeys.push({ expr: agg ? this.toAggOutput(alias, agg) : alias, desc: o.desc });
          continue;
        }
      }
      const bound = agg ? this.bindAggExpr(o.expr, agg, 'order clause', aliasMap) : this.bindExpr(o.expr, { ...scope, aliases: aliasMap }, 'order clause');
      orderKeys.push({ expr: bound, desc: o.desc });
    }

    // Build: [aggregate] → [having] → project(out + hidden order keys) → [distinct] → sort → limit → project(out)
    if (agg) {
      const types = [...agg.groupBy.map((g) => g.type), ...agg.aggs.map((a) => a.type)];
      plan = { kind: 'aggregate', input: plan, groupBy: agg.groupBy, aggs: agg.aggs, types };
    }
    if (having) plan = { kind: 'filter', input: plan, predicate: having, types: plan.types };
    this.windows = null;
    if (windows.size > 0) {
      // Windows run over the grouped (and filtered) rows; their calls' columns follow those rows'.
      const w = windows.plan(plan);
      plan = w.plan;
      const resolve = (e: BoundExpr): BoundExpr => resolveWindowPlaceholders(e, w.columnOf, mapChildren);
      outExprs = outExprs.map(resolve);
      for (const k of orderKeys) k.expr = resolve(k.expr);
    }

    const projected: BoundExpr[] = [...outExprs];
    const sortKeys: SortKey[] = [];
    for (const k of orderKeys) {
      const key = exprKey(k.expr);
      let idx = projected.findIndex((p) => exprKey(p) === key);
      if (idx < 0) {
        if (s.distinct) {
          // MySQL requires ORDER BY terms of a DISTINCT query to be in the select list.
          throw new SqlError('ER_WRONG_FIELD_WITH_GROUP', "Expression #1 of ORDER BY clause is not in SELECT list, references column which is not in SELECT list; this is incompatible with DISTINCT");
        }
        idx = projected.length;
        projected.push(k.expr);
      }
      sortKeys.push({ expr: { kind: 'column', index: idx, type: projected[idx]!.type }, desc: k.desc });
    }
    const projTypes = projected.map((e) => e.type);
    plan = { kind: 'project', input: plan, exprs: projected, types: projTypes };
    if (s.distinct) plan = { kind: 'distinct', input: plan, types: projTypes };
    if (sortKeys.length) plan = { kind: 'sort', input: plan, keys: sortKeys, types: projTypes };
    if (s.limit) plan = this.bindLimit(plan, s.limit);
    if (projected.length > outExprs.length) {
      const keep = outExprs.map((e, i): BoundExpr => ({ kind: 'column', index: i, type: e.type }));
      plan = { kind: 'project', input: plan, exprs: keep, types: keep.map((e) => e.type) };
    }

    const columns: OutputColumn[] = items.map((it, i) => {
      const e = outExprs[i]!;
      const src = it.source;
      return {
        name: it.name,
        orgName: src?.orgName ?? '',
        table: src?.table ?? '',
        orgTable: src?.orgTable ?? '',
        schema: src?.db ?? '',
        type: e.type,
        nullable: src ? src.nullable || (agg !== null && !agg.groupKeys.includes(exprKey(e))) : true,
        ...(src?.keyFlags ?? {}),
      };
    });
    this.windows = enclosingWindows;
    return { plan, columns };
  }

  private hasColumn(scope: Scope, name: string): boolean {
    const n = name.toLowerCase();
    return scope.columns.some((c) => c.name.toLowerCase() === n);
  }

  /** GROUP BY may name a select alias when no input column has that name (MySQL). */
  private bindGroupItem(g: A.Expr, scope: Scope, items: readonly ExpandedItem[]): BoundExpr {
    if (g.kind === 'column' && g.table === undefined && !this.hasColumn(scope, g.name)) {
      const item = items.find((it) => it.alias?.toLowerCase() === g.name.toLowerCase());
      if (item) {
        if (item.kind === 'expr' && containsAggregate(item.expr)) throw new SqlError('ER_WRONG_GROUP_FIELD', `Can't group on '${item.name}'`);
        return item.kind === 'bound' ? item.bound : this.bindExpr(item.expr, scope, 'group statement');
      }
    }
    this.rejectAggregates(g, 'group statement');
    return this.bindExpr(g, scope, 'group statement');
  }

  private bindLimit(plan: LogicalPlan, limit: A.Limit): LogicalPlan {
    const count = this.bindLimitValue(limit.count);
    const offset = limit.offset ? this.bindLimitValue(limit.offset) : null;
    return { kind: 'limit', input: plan, count, offset, types: plan.types };
  }

  private bindLimitValue(e: A.Expr): BoundExpr {
    if (e.kind === 'literal' && e.value.type === 'int') return this.bindExpr(e, { columns: [], parent: null }, 'field list');
    if (e.kind === 'param') {
      const p: BoundExpr = { kind: 'param', index: e.index, type: BIGINT };
      this.hintParam(p, BIGINT);
      return p;
    }
    throw new SqlError('ER_PARSE', 'You have an error in your SQL syntax; LIMIT takes integer constants or ? placeholders');
  }

  /** Notes the first type a `?` meets (see BindContext.paramHints). */
  private hintParam(e: BoundExpr, type: SqlType): void {
    const hints = this.ctx.paramHints;
    if (hints && e.kind === 'param' && hints[e.index] === undefined && type.kind !== 'null') hints[e.index] = type;
  }

  /** An ORDER BY / GROUP BY position (1-based in SQL). */
  private ordinal(e: A.Expr, count: number, clause: Clause): number | undefined {
    if (e.kind !== 'literal' || e.value.type !== 'int') return undefined;
    if (e.slot >= 0) this.ctx.baked.add(e.slot);
    const n = Number(e.value.text);
    if (!Number.isInteger(n) || n < 1 || n > count) {
      throw new SqlError('ER_BAD_FIELD', `Unknown column '${e.value.text}' in '${clause}'`);
    }
    return n - 1;
  }

  // ───────────────────────────── select list ─────────────────────────────

  private expandItems(items: readonly A.SelectItem[], scope: Scope): ExpandedItem[] {
    const out: ExpandedItem[] = [];
    for (const it of items) {
      if (it.kind === 'star') {
        const cols = scope.columns
          .map((c, i) => ({ c, i }))
          .filter(({ c }) => !c.usingDuplicate || it.table !== undefined)
          .filter(({ c }) => it.table === undefined || sameName(c.table, it.table));
        // `*` over joins lists columns by rank (MySQL's order for USING, RIGHT JOIN's written order).
        if (it.table === undefined) cols.sort((x, y) => (x.c.rank ?? x.i) - (y.c.rank ?? y.i));
        if (it.table !== undefined && cols.length === 0) {
          throw new SqlError('ER_BAD_TABLE', `Unknown table '${it.table}'`);
        }
        if (it.table === undefined && scope.columns.length === 0) {
          throw new SqlError('ER_NO_TABLES_USED' as never, 'No tables used');
        }
        // t.* lists t's columns in its own order (a USING join may have moved one to the front).
        if (it.table !== undefined) cols.sort((x, y) => (x.c.pos ?? x.i) - (y.c.pos ?? y.i));
        for (const { c, i } of cols) {
          out.push({ kind: 'bound', bound: { kind: 'column', index: i, type: c.type }, name: c.name, source: c });
        }
        continue;
      }
      const source = it.expr.kind === 'column' ? this.findColumn(scope, it.expr) : undefined;
      const name = it.alias ?? defaultName(it);
      // Select-list literals shape the result's column names and types: bake them.
      this.bakeNameLiterals(it.expr);
      out.push({ kind: 'expr', expr: it.expr, name, alias: it.alias, source });
    }
    return out;
  }

  /** A column name that shows literal text must be re-derived when the literal changes. */
  private bakeNameLiterals(e: A.Expr): void {
    walkAst(e, (n) => {
      if (n.kind === 'literal' && n.slot >= 0) this.ctx.baked.add(n.slot);
    });
  }

  private findColumn(scope: Scope, c: { table?: string; name: string; db?: string }): ScopeColumn | undefined {
    const hits = columnsNamed(scope.columns, c.name).filter((i) => matches(scope.columns[i]!, c));
    return hits.length === 1 ? scope.columns[hits[0]!] : undefined;
  }

  // ───────────────────────────── FROM ─────────────────────────────

  private bindFrom(ref: A.TableRef, outer: Scope | null): { plan: LogicalPlan; columns: ScopeColumn[] } {
    switch (ref.kind) {
      case 'table':
        return this.bindTable(ref);
      case 'derived': {
        const q = this.bindQuery(ref.query, outer);
        return { plan: q.plan, columns: derivedColumns(q, ref.alias, ref.columns) };
      }
      case 'cte':
        return this.bindCteRef(ref);
      case 'join':
        return this.bindJoin(ref, outer);
      default:
        return assertNever(ref, 'table reference');
    }
  }

  /** ER_NO_SUCH_TABLE for the first table of a FROM (in written order) that does not exist. */
  private assertTablesExist(from: A.TableRef): void {
    const pending: A.TableRef[] = [from];
    while (pending.length > 0) {
      const ref = pending.pop()!;
      if (ref.kind === 'join') pending.push(ref.right, ref.left);
      else if (ref.kind === 'table') {
        const db = ref.db ?? this.db;
        if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
        if (!this.ctx.virtualTable(db, ref.name) && !this.ctx.catalog.table(db, ref.name) && !this.ctx.catalog.view(db, ref.name)) {
          throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${ref.name}' doesn't exist`);
        }
      }
    }
  }

  private bindTable(ref: A.TableRef & { kind: 'table' }): { plan: LogicalPlan; columns: ScopeColumn[] } {
    const db = ref.db ?? this.db;
    if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
    const alias = ref.alias ?? ref.name;
    const virtual = this.ctx.virtualTable(db, ref.name);
    if (virtual) {
      const types = virtual.columns.map((c) => c.type);
      return {
        plan: { kind: 'rowset', rows: virtual.rows, types },
        columns: virtual.columns.map((c, i) => ({ pos: i, name: c.name, table: alias, db, orgName: c.name, orgTable: ref.name.toUpperCase(), type: c.type, nullable: true })),
      };
    }
    const table = this.ctx.catalog.table(db, ref.name);
    if (!table) {
      const view = this.ctx.catalog.view(db, ref.name);
      if (view) return this.bindView(view, alias);
      throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${ref.name}' doesn't exist`);
    }
    const types = table.columns.map((c) => c.type);
    return { plan: { kind: 'get', table, types }, columns: tableScopeColumns(table, alias) };
  }

  /**
   * A view read in FROM: its SELECT bound in place as a derived table, in the view's database and
   * with none of the reading query's CTEs in scope.
   */
  private bindView(view: ViewDef, alias: string): { plan: LogicalPlan; columns: ScopeColumn[] } {
    if (this.expanding.includes(view)) throw viewRecursion(view);
    const saved = { db: this.db, ctes: this.ctes, windows: this.windows };
    this.db = view.nameDb;
    this.ctes = null;
    this.windows = null;
    this.expanding.push(view);
    try {
      const query = viewQuery(view);
      this.ctx.checkView?.(view, query);
      const q = this.bindQuery(query, null);
      return { plan: q.plan, columns: derivedColumns(q, alias, view.columns).map((c) => ({ ...c, db: view.db, orgTable: view.name })) };
    } catch (e) {
      throw viewBindError(view, e);
    } finally {
      this.expanding.pop();
      this.db = saved.db;
      this.ctes = saved.ctes;
      this.windows = saved.windows;
    }
  }

  /**
   * `t, LATERAL (SELECT … t.a …) AS d` / `t [LEFT] JOIN LATERAL (…) AS d ON …`: the derived
   * table binds with t's columns as its enclosing row, and runs once per row of t.
   */
  private bindLateralJoin(ref: A.TableRef & { kind: 'join' }, d: A.TableRef & { kind: 'derived' }, outer: Scope | null): { plan: LogicalPlan; columns: ScopeColumn[] } {
    if (ref.type === 'RIGHT' || ref.natural || ref.using) throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support 'LATERAL in a RIGHT, NATURAL or USING join'");
    const l = this.bindFrom(ref.left, outer);
    const q = this.bindQuery(d.query, { columns: l.columns, parent: outer });
    const columns = [...l.columns, ...derivedColumns(q, d.alias, d.columns)];
    let condition: BoundExpr | null = null;
    if (ref.on) {
      this.rejectAggregates(ref.on, 'on clause');
      condition = this.bindExpr(ref.on, { columns, parent: outer }, 'on clause');
    }
    const type = ref.type === 'LEFT' ? 'left' : 'inner';
    const plan: LogicalPlan = { kind: 'apply', type, left: l.plan, right: q.plan, condition, types: columns.map((c) => c.type) };
    const width = l.columns.length;
    return { plan, columns: type === 'left' ? columns.map((c, i) => (i >= width ? { ...c, nullable: true } : c)) : columns };
  }

  private bindJoin(ref: A.TableRef & { kind: 'join' }, outer: Scope | null): { plan: LogicalPlan; columns: ScopeColumn[] } {
    if (ref.right.kind === 'derived' && ref.right.lateral) return this.bindLateralJoin(ref, ref.right, outer);
    // `t, LATERAL (…) AS d JOIN u ON …`: the comma binds loosest, yet d reads t; (t, d) JOIN u is
    // the same join (a cross product associates with the join after it).
    const nested = ref.right;
    if (nested.kind === 'join' && nested.type !== 'RIGHT' && !nested.natural && (ref.type === 'CROSS' || ref.type === 'INNER') && !ref.on && !ref.using && !ref.natural && leftmostIsLateral(nested)) {
      return this.bindJoin({ ...nested, left: { kind: 'join', type: ref.type, natural: false, left: ref.left, right: nested.left } }, outer);
    }
    const l = this.bindFrom(ref.left, outer);
    const r = this.bindFrom(ref.right, outer);
    const isRight = ref.type === 'RIGHT';
    // RIGHT JOIN is a LEFT JOIN with the sides swapped; the columns' ranks restore the written order for `*`.
    const [a, b] = isRight ? [r, l] : [l, r];
    const columns = [...a.columns, ...b.columns];
    const conds: BoundExpr[] = [];

    let usingNames: readonly string[] | undefined = ref.using;
    if (ref.natural) {
      usingNames = l.columns.filter((c) => !c.usingDuplicate && r.columns.some((rc) => !rc.usingDuplicate && sameName(rc.name, c.name))).map((c) => c.name);
    }
    // USING / NATURAL: the column of the first table of the (LEFT-converted) join — the preserved
    // side of an outer join — is the visible coalesced one; its twin stays reachable qualified.
    const common: number[] = [];
    const dupIndexes = new Set<number>();
    if (usingNames) {
      for (const name of usingNames) {
        const li = a.columns.findIndex((c) => !c.usingDuplicate && sameName(c.name, name));
        const riLocal = b.columns.findIndex((c) => !c.usingDuplicate && sameName(c.name, name));
        if (li < 0 || riLocal < 0) throw new SqlError('ER_BAD_FIELD', `Unknown column '${name}' in 'from clause'`);
        const ri = a.columns.length + riLocal;
        conds.push(this.makeCompare('=', { kind: 'column', index: li, type: columns[li]!.type }, { kind: 'column', index: ri, type: columns[ri]!.type }));
        if (!common.includes(li)) common.push(li);
        dupIndexes.add(ri);
      }
    }
    const joinColumns = columns.map((c, i) => (dupIndexes.has(i) ? { ...c, usingDuplicate: true } : c));
    if (ref.on) {
      this.rejectAggregates(ref.on, 'on clause');
      conds.push(this.bindExpr(ref.on, { columns: joinColumns, parent: outer }, 'on clause'));
    }
    const condition = conds.length === 0 ? null : conds.length === 1 ? conds[0]! : { kind: 'and' as const, args: conds, type: BOOL_RESULT };
    const type = ref.type === 'LEFT' || ref.type === 'RIGHT' ? 'left' : 'inner';
    const types = columns.map((c) => c.type);
    const plan: LogicalPlan = { kind: 'join', type, left: a.plan, right: b.plan, condition, types };
    // Outer-joined columns become nullable.
    const outCols = type === 'left' ? joinColumns.map((c, i) => (i >= a.columns.length ? { ...c, nullable: true } : c)) : joinColumns;
    // Written order with no USING twins or ranks below: `*` lists the plan's order as it is.
    // (The common case, and a join of many tables stays linear in its columns.)
    if (!usingNames && !isRight && outCols.every((c) => c.rank === undefined && !c.usingDuplicate)) return { plan, columns: outCols };
    // What `*` lists, in order (ranks; the plan keeps its own column order so filters push down):
    // USING / NATURAL — the coalesced columns in the first table's order, then the first table's
    // other columns, then the second's (the hidden twins only by qualified name); otherwise the
    // written order, left table first.
    const aStar = starOrder(a.columns);
    const bStar = starOrder(b.columns).map((i) => a.columns.length + i);
    let order: number[];
    if (usingNames) {
      const firstOrder = (x: number): number => aStar.indexOf(x);
      common.sort((x, y) => firstOrder(x) - firstOrder(y));
      order = [...common, ...aStar.filter((i) => !common.includes(i)), ...bStar.filter((i) => !dupIndexes.has(i))];
    } else {
      order = isRight ? [...bStar, ...aStar] : [...aStar, ...bStar];
    }
    const rank = new Map(order.map((i, n) => [i, n] as const));
    const ranked = outCols.map((c, i): ScopeColumn => {
      const { rank: _old, ...rest } = c;
      const r = rank.get(i);
      return r === undefined ? rest : { ...rest, rank: r };
    });
    return { plan, columns: ranked };
  }

  // ───────────────────────────── expressions ─────────────────────────────

  private rejectAggregates(e: A.Expr, _clause: Clause): void {
    if (containsAggregate(e)) throw new SqlError('ER_INVALID_GROUP_FUNC_USE', 'Invalid use of group function');
  }

  /** Binds an expression of a grouped query: aggregates and group keys become aggregate outputs. */
  private bindAggExpr(e: A.Expr, agg: AggContext, clause: Clause, aliases?: ReadonlyMap<string, BoundExpr>): BoundExpr {
    const scope: Scope = aliases ? { ...agg.inputScope, aliases } : agg.inputScope;
    const bound = this.bindExpr(e, scope, clause, agg);
    return this.toAggOutput(bound, agg);
  }

  /**
   * Rewrites an expression bound over the aggregate's input into one over its output: group
   * keys → their column, aggregate placeholders → their column, any other input column →
   * ANY_VALUE (MySQL without ONLY_FULL_GROUP_BY; functionally dependent columns in MySQL 8).
   */
  private toAggOutput(e: BoundExpr, agg: AggContext): BoundExpr {
    // A window call's column: its arguments are over the aggregate's output already.
    if (isWindowPlaceholder(e)) return e;
    const key = exprKey(e);
    const g = agg.groupKeys.indexOf(key);
    if (g >= 0) return { kind: 'column', index: g, type: e.type };
    if (e.kind === 'column') {
      if (e.index <= AGG_PLACEHOLDER_BASE) {
        return { kind: 'column', index: agg.groupBy.length + (AGG_PLACEHOLDER_BASE - e.index), type: e.type };
      }
      const spec: AggSpec = { fn: 'anyValue', args: [e], distinct: false, type: e.type };
      const k = exprKey({ kind: 'func', name: 'ANY_VALUE', args: [e], type: e.type });
      let j = agg.aggKeys.indexOf(k);
      if (j < 0) {
        j = agg.aggs.length;
        agg.aggs.push(spec);
        agg.aggKeys.push(k);
      }
      return { kind: 'column', index: agg.groupBy.length + j, type: e.type };
    }
    return mapChildren(e, (c) => this.toAggOutput(c, agg));
  }

  bindExpr(e: A.Expr, scope: Scope, clause: Clause, agg?: AggContext): BoundExpr {
    const bind = (x: A.Expr): BoundExpr => this.bindExpr(x, scope, clause, agg);
    switch (e.kind) {
      case 'literal':
        return bindLiteral(e, this.ctx.baked);
      case 'param': {
        const type = this.ctx.paramTypes[e.index] ?? varchar(255);
        return { kind: 'param', index: e.index, type };
      }
      case 'column':
        return this.resolveColumn(e, scope, clause);
      case 'star':
        throw new SqlError('ER_PARSE', "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '*' at line 1");
      case 'unary': {
        const arg = e.op === '-' || e.op === '~' ? hexLiteralAsNumber(bind(e.operand)) : bind(e.operand);
        switch (e.op) {
          case '-':
            if (arg.kind === 'const' && typeof arg.value === 'number' && arg.value === 0) return arg;
            // -18446744073709551615 is a DECIMAL literal, -9223372036854775808 still a BIGINT (MySQL).
            if (arg.kind === 'const' && typeof arg.value === 'bigint' && arg.type.kind === 'int' && arg.type.unsigned) {
              const v = -arg.value;
              return v >= -(1n << 63n) ? { kind: 'const', value: v, type: BIGINT } : { kind: 'const', value: new Decimal(v, 0), type: { kind: 'decimal', precision: 20, scale: 0 } };
            }
            return { kind: 'neg', arg, type: negType(arg.type) };
          case '+':
            return arg;
          case 'NOT':
            return { kind: 'not', arg, type: BOOL_RESULT };
          case '~':
            return { kind: 'bit', op: '~', args: [arg], type: UBIGINT };
          case 'BINARY':
            return { kind: 'cast', arg, type: { kind: 'string', family: 'varchar', length: 65535, binary: true }, mode: 'cast' };
          default:
            return assertNever(e as never, 'unary operator');
        }
      }
      case 'binary':
        return this.bindBinary(e, bind);
      case 'isNull':
        return { kind: 'isNull', arg: bind(e.operand), not: e.not, type: BOOL_RESULT };
      case 'isTruth':
        return { kind: 'isTruth', arg: bind(e.operand), truth: e.truth, not: e.not, type: BOOL_RESULT };
      case 'between': {
        const x = bind(e.operand);
        const lo = bind(e.low);
        const hi = bind(e.high);
        const both: BoundExpr = { kind: 'and', args: [this.makeCompare('>=', x, lo), this.makeCompare('<=', x, hi)], type: BOOL_RESULT };
        return e.not ? { kind: 'not', arg: both, type: BOOL_RESULT } : both;
      }
      case 'inList': {
        if (e.operand.kind === 'row') {
          // (a, b) IN ((1, 2), (3, 4)) → OR of row equalities
          const alts = e.list.map((item) => this.bindRowCompare('=', e.operand, item, bind));
          const any: BoundExpr = { kind: 'or', args: alts, type: BOOL_RESULT };
          return e.not ? { kind: 'not', arg: any, type: BOOL_RESULT } : any;
        }
        let arg = bind(e.operand);
        let list = e.list.map(bind);
        // 0x41 IN (65): a hex literal compared with numbers is a number.
        if (list.some((it) => isNumericType(it.type))) arg = hexLiteralAsNumber(arg);
        if (isNumericType(arg.type)) list = list.map(hexLiteralAsNumber);
        for (const it of list) this.hintParam(it, arg.type);
        const cmp = list.reduce<CompareKind>((k, it) => mergeCompareKinds(k, compareKind(arg.type, it.type)), compareKind(arg.type, list[0]?.type ?? arg.type));
        return { kind: 'inList', arg, list, cmp, not: e.not, type: BOOL_RESULT };
      }
      case 'inQuery': {
        if (e.operand.kind === 'row') return this.bindRowInSubquery(e.operand.items, e.query, e.not, scope, bind);
        const sub = this.bindSubquery(e.query, scope);
        if (sub.columns.length !== 1) throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
        const arg = bind(e.operand);
        return { kind: 'inSubquery', arg, plan: sub.plan as never, correlated: sub.correlated, cmp: compareKind(arg.type, sub.columns[0]!.type), op: '=', quantifier: 'ANY', not: e.not, type: BOOL_RESULT };
      }
      case 'like': {
        const arg = bind(e.operand);
        const pattern = bind(e.pattern);
        let escape = '\\';
        if (e.escape) {
          if (e.escape.kind !== 'literal' || e.escape.value.type !== 'string') throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to ESCAPE');
          if (e.escape.slot >= 0) this.ctx.baked.add(e.escape.slot);
          // One character; an empty ESCAPE '' keeps the backslash (MySQL without NO_BACKSLASH_ESCAPES).
          const chars = Array.from(e.escape.value.value);
          if (chars.length > 1) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to ESCAPE');
          escape = chars[0] ?? '\\';
        }
        const binary = (arg.type.kind === 'string' && arg.type.binary) || (pattern.type.kind === 'string' && pattern.type.binary);
        return { kind: 'like', arg, pattern, escape, binary, not: e.not, type: BOOL_RESULT };
      }
      case 'regexp':
        return { kind: 'regexp', arg: bind(e.operand), pattern: bind(e.pattern), not: e.not, type: BOOL_RESULT };
      case 'exists': {
        const sub = this.bindSubquery(e.query, scope);
        return { kind: 'subquery', mode: 'exists', plan: sub.plan as never, correlated: sub.correlated, type: BOOL_RESULT };
      }
      case 'subquery': {
        const sub = this.bindSubquery(e.query, scope);
        if (sub.columns.length !== 1) throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
        return { kind: 'subquery', mode: 'scalar', plan: sub.plan as never, correlated: sub.correlated, type: sub.columns[0]!.type };
      }
      case 'quantified': {
        const sub = this.bindSubquery(e.query, scope);
        if (sub.columns.length !== 1) throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
        const arg = bind(e.operand);
        const cmp = compareKind(arg.type, sub.columns[0]!.type);
        return { kind: 'inSubquery', arg, plan: sub.plan as never, correlated: sub.correlated, cmp, op: e.op, quantifier: e.quantifier, not: false, type: BOOL_RESULT };
      }
      case 'case': {
        const operand = e.operand ? bind(e.operand) : undefined;
        const whens = e.whens.map((w) => {
          const when = bind(w.when);
          return { when: operand ? this.makeCompare('=', operand, when) : when, then: bind(w.then) };
        });
        const elseExpr = e.else ? bind(e.else) : null;
        const type = unifyTypes([...whens.map((w) => w.then.type), ...(elseExpr ? [elseExpr.type] : [NULL_TYPE])]);
        return { kind: 'case', whens, else: elseExpr, type };
      }
      case 'call':
        return this.bindCall(e, scope, clause, agg);
      case 'timeUnit':
        return { kind: 'const', value: e.unit, type: varchar(20) };
      case 'interval':
        throw new SqlError('ER_PARSE', "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'INTERVAL' at line 1");
      case 'cast':
        return { kind: 'cast', arg: bind(e.operand), type: castTargetType(e.target), mode: 'cast' };
      case 'variable': {
        const name = e.scope === 'user' ? `@${e.name.toLowerCase()}` : `@@${e.scope === 'global' ? 'global.' : ''}${e.name.toLowerCase()}`;
        return { kind: 'session', name, type: this.ctx.variableType(e.name, e.scope) };
      }
      case 'collate': {
        const arg = bind(e.operand);
        if (/_bin$/i.test(e.collation) || e.collation.toLowerCase() === 'binary') {
          return { kind: 'cast', arg, type: { kind: 'string', family: 'varchar', length: 65535, binary: true }, mode: 'convert' };
        }
        return arg;
      }
      case 'row':
        if (e.items.length === 1) return bind(e.items[0]!);
        throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
      case 'default':
        throw new SqlError('ER_PARSE', "You have an error in your SQL syntax; DEFAULT is allowed only in INSERT and UPDATE values");
      default:
        return assertNever(e, 'expression');
    }
  }

  private bindBinary(e: A.Expr & { kind: 'binary' }, bind: (x: A.Expr) => BoundExpr): BoundExpr {
    switch (e.op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case 'DIV':
      case '%': {
        const left = hexLiteralAsNumber(bind(e.left));
        const right = hexLiteralAsNumber(bind(e.right));
        return { kind: 'arith', op: e.op, left, right, type: arithType(e.op, left.type, right.type), text: `(${exprText(e.left)} ${e.op} ${exprText(e.right)})` };
      }
      case '=':
      case '<=>':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (e.left.kind === 'row' || e.right.kind === 'row') return this.bindRowCompare(e.op, e.left, e.right, bind);
        return this.makeCompare(e.op, bind(e.left), bind(e.right));
      case 'AND':
      case 'OR':
      case 'XOR': {
        const kind = e.op === 'AND' ? 'and' : e.op === 'OR' ? 'or' : 'xor';
        const args: BoundExpr[] = [];
        // Flatten chains so long AND/OR lists evaluate in one node.
        const collect = (x: A.Expr): void => {
          if (x.kind === 'binary' && x.op === e.op) {
            collect(x.left);
            collect(x.right);
          } else args.push(bind(x));
        };
        collect(e);
        return { kind, args, type: BOOL_RESULT };
      }
      case '&':
      case '|':
      case '^':
      case '<<':
      case '>>':
        return { kind: 'bit', op: e.op, args: [hexLiteralAsNumber(bind(e.left)), hexLiteralAsNumber(bind(e.right))], type: UBIGINT };
      default:
        return assertNever(e.op, 'binary operator');
    }
  }

  /**
   * (a, b) [NOT] IN (SELECT x, y …) with IN's three-valued logic: TRUE when a row equals, else
   * NULL when some row might (a NULL compared), else FALSE. Two correlated EXISTS over the
   * subquery filtered by the row equality, its operands read as the enclosing row.
   */
  private bindRowInSubquery(items: readonly A.Expr[], query: A.Query, not: boolean, scope: Scope, bind: (x: A.Expr) => BoundExpr): BoundExpr {
    const sub = this.bindQuery(query, scope);
    if (sub.columns.length !== items.length) throw new SqlError('ER_OPERAND_COLUMNS', `Operand should contain ${items.length} column(s)`);
    const args = items.map((x) => {
      if (x.kind === 'row') throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
      const b = bind(x);
      if (hasSubqueryExpr(b)) throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support 'a subquery inside a row compared with IN (SELECT …)'");
      return asOuterRow(b);
    });
    const types = sub.plan.types;
    const equal: BoundExpr = { kind: 'and', args: args.map((a, i) => this.makeCompare('=', a, { kind: 'column', index: i, type: types[i]! })), type: BOOL_RESULT };
    const exists = (predicate: BoundExpr): BoundExpr => ({
      kind: 'subquery', mode: 'exists', correlated: true, type: BOOL_RESULT,
      plan: { kind: 'filter', input: sub.plan, predicate, types } as never,
    });
    const found = exists(equal);
    const unknown = exists({ kind: 'isNull', arg: equal, not: false, type: BOOL_RESULT });
    const yes: BoundExpr = { kind: 'const', value: not ? 0 : 1, type: BOOL_RESULT };
    const no: BoundExpr = { kind: 'const', value: not ? 1 : 0, type: BOOL_RESULT };
    return { kind: 'case', whens: [{ when: found, then: yes }, { when: unknown, then: { kind: 'const', value: null, type: BOOL_RESULT } }], else: no, type: BOOL_RESULT };
  }

  private bindRowCompare(op: '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>=', l: A.Expr, r: A.Expr, bind: (x: A.Expr) => BoundExpr): BoundExpr {
    const li = l.kind === 'row' ? l.items : [l];
    const ri = r.kind === 'row' ? r.items : [r];
    if (li.length !== ri.length) throw new SqlError('ER_OPERAND_COLUMNS', `Operand should contain ${li.length} column(s)`);
    // ((a, b), c) = ((1, 2), 3): nested rows compare item by item too.
    const item = (o: '=' | '<=>' | '<>', x: A.Expr, y: A.Expr): BoundExpr =>
      x.kind === 'row' || y.kind === 'row' ? this.bindRowCompare(o, x, y, bind) : this.makeCompare(o, bind(x), bind(y));
    if (op === '=' || op === '<=>') {
      return { kind: 'and', args: li.map((x, i) => item(op, x, ri[i]!)), type: BOOL_RESULT };
    }
    if (op === '<>') {
      return { kind: 'or', args: li.map((x, i) => item('<>', x, ri[i]!)), type: BOOL_RESULT };
    }
    // Lexicographic: (a1 < b1) OR (a1 = b1 AND (a2 < b2 …))
    const strict = op === '<' || op === '>' ? op : op === '<=' ? '<' : '>';
    const build = (i: number): BoundExpr => {
      const a = bind(li[i]!);
      const b = bind(ri[i]!);
      if (i === li.length - 1) return this.makeCompare(op, a, b);
      return { kind: 'or', args: [this.makeCompare(strict, a, b), { kind: 'and', args: [this.makeCompare('=', a, b), build(i + 1)], type: BOOL_RESULT }], type: BOOL_RESULT };
    };
    return build(0);
  }

  makeCompare(op: '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>=', left: BoundExpr, right: BoundExpr): BoundExpr {
    // 0xFF = 255 compares numbers; 0x41 = 'A' compares strings.
    if (isNumericType(right.type)) left = hexLiteralAsNumber(left);
    if (isNumericType(left.type)) right = hexLiteralAsNumber(right);
    this.hintParam(left, right.type);
    this.hintParam(right, left.type);
    return { kind: 'compare', op, left, right, cmp: compareKind(left.type, right.type), type: BOOL_RESULT };
  }

  private bindCall(e: A.Expr & { kind: 'call' }, scope: Scope, clause: Clause, agg?: AggContext): BoundExpr {
    const name = e.name.toUpperCase();
    const aggFn = AGGREGATES[name];
    if (e.over) return this.bindWindowCall(e, aggFn, scope, clause, agg);
    if (aggFn) {
      if (!agg) throw new SqlError('ER_INVALID_GROUP_FUNC_USE', 'Invalid use of group function');
      return this.bindAggregateCall(e, aggFn, name, agg, clause);
    }
    const bind = (x: A.Expr): BoundExpr => this.bindExpr(x, scope, clause, agg);
    const sessionType = SESSION_FUNCTIONS[name];
    if (sessionType) {
      if (name === 'LAST_INSERT_ID' && e.args.length === 1) {
        return { kind: 'func', name: 'LAST_INSERT_ID_SET', args: [bind(e.args[0]!)], type: UBIGINT };
      }
      return { kind: 'session', name: name.toLowerCase(), type: sessionType };
    }
    if (name === 'VALUES') {
      // ON DUPLICATE KEY UPDATE: VALUES(col) is the column of the row being inserted, anywhere in
      // the expression (inside IN, BETWEEN, CASE, function arguments, subqueries).
      const arg = e.args[0];
      if (e.args.length === 1 && arg?.kind === 'column' && seesInsertedRow(scope)) {
        try {
          return this.resolveColumn({ kind: 'column', table: INSERTED_ROW, name: arg.name }, scope, clause);
        } catch (err) {
          // The inserted row's hidden table name is no name to show the user.
          if (err instanceof SqlError && err.code === 'ER_BAD_FIELD') throw new SqlError('ER_BAD_FIELD', `Unknown column '${arg.name}' in '${clause}'`);
          throw err;
        }
      }
      throw new SqlError('ER_PARSE', 'You have an error in your SQL syntax; VALUES() is allowed only in INSERT … ON DUPLICATE KEY UPDATE');
    }
    const fn = this.ctx.lookupFunction(name);
    if (!fn) {
      throw new SqlError('ER_SP_DOES_NOT_EXIST', `FUNCTION ${this.db ?? 'tessera'}.${e.name.toLowerCase()} does not exist`);
    }
    // User-level lock functions get the connection that owns the locks as a last, hidden argument.
    const owned = LOCK_FUNCTIONS.has(name);
    const count = e.args.length + (owned ? 1 : 0);
    if (count < fn.minArgs || count > fn.maxArgs) {
      throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${e.name}'`);
    }
    const args = e.args.map(bind);
    if (owned) args.push({ kind: 'session', name: 'connection_id', type: UBIGINT });
    const types = args.map((a) => a.type);
    if (!fn.constReturnType) return { kind: 'func', name, args, type: fn.returnType(types) };
    // The result type depends on constant arguments (ROUND's digits, DATE_ADD's unit): bake them.
    const consts = e.args.map((a, i) => {
      if (a.kind === 'timeUnit') return a.unit;
      // A negated number is a constant too (ROUND(x, -2) has no decimals).
      const negated = a.kind === 'unary' && a.op === '-' && a.operand.kind === 'literal';
      const lit = negated ? (a.operand as A.Expr & { kind: 'literal' }) : a.kind === 'literal' ? a : undefined;
      if (lit === undefined) return undefined;
      if (lit.slot >= 0) this.ctx.baked.add(lit.slot);
      const b = args[i]!;
      if (b.kind === 'const') return b.value;
      const v = literalValue(lit.value);
      return negated ? negatedConstant(v) : v;
    });
    return { kind: 'func', name, args, type: fn.constReturnType(types, consts) };
  }

  /** A window function call: its window's expressions are over the grouped rows when the query groups. */
  private bindWindowCall(e: A.Expr & { kind: 'call' }, aggFn: AggFunc | undefined, scope: Scope, clause: Clause, agg?: AggContext): BoundExpr {
    const windows = this.windows;
    if (!windows) throw windowNotAllowed(e.name);
    const bind = (x: A.Expr): BoundExpr => {
      // No window function inside another's arguments or window.
      this.windows = null;
      try {
        return agg ? this.toAggOutput(this.bindExpr(x, agg.inputScope, clause, agg), agg) : this.bindExpr(x, scope, clause);
      } finally {
        this.windows = windows;
      }
    };
    return windows.bindCall(e, aggFn, bind);
  }

  private bindAggregateCall(e: A.Expr & { kind: 'call' }, fn: AggFunc, name: string, agg: AggContext, clause: Clause): BoundExpr {
    const windows = this.windows;
    this.windows = null;
    try {
      return this.bindAggregateCallArgs(e, fn, name, agg, clause);
    } finally {
      this.windows = windows;
    }
  }

  private bindAggregateCallArgs(e: A.Expr & { kind: 'call' }, fn: AggFunc, name: string, agg: AggContext, clause: Clause): BoundExpr {
    // Arguments of an aggregate are over the input rows and may not nest aggregates.
    for (const a of e.args) {
      if (containsAggregate(a)) throw new SqlError('ER_INVALID_GROUP_FUNC_USE', 'Invalid use of group function');
    }
    const starArg = e.args.length === 1 && e.args[0]!.kind === 'star';
    let spec: AggSpec;
    if (fn === 'count' && starArg) {
      spec = { fn: 'countStar', args: [], distinct: false, type: BIGINT };
    } else {
      if (e.args.length === 0) throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ')' at line 1`);
      if (fn === 'jsonObjectAgg' ? e.args.length !== 2 : e.args.length > 1 && fn !== 'count' && fn !== 'groupConcat') {
        throw new SqlError('ER_PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ',' at line 1`);
      }
      const args = e.args.map((a) => this.bindExpr(a, agg.inputScope, clause));
      const orderBy = e.orderBy?.map((o) => ({ expr: this.bindExpr(o.expr, agg.inputScope, clause), desc: o.desc }));
      spec = {
        fn,
        args,
        distinct: e.distinct === true,
        type: aggType(fn, args[0]?.type),
        ...(fn === 'groupConcat' ? { separator: e.separator ?? ',' } : {}),
        ...(orderBy ? { orderBy } : {}),
        ...(name.endsWith('_SAMP') ? { sample: true } : {}),
      };
    }
    const key = JSON.stringify(spec, jsonReplacer);
    let j = agg.aggKeys.indexOf(key);
    if (j < 0) {
      j = agg.aggs.length;
      agg.aggs.push(spec);
      agg.aggKeys.push(key);
    }
    return { kind: 'column', index: AGG_PLACEHOLDER_BASE - j, type: spec.type };
  }

  private resolveColumn(c: A.Expr & { kind: 'column' }, scope: Scope, clause: Clause): BoundExpr {
    let depth = 0;
    for (let s: Scope | null = scope; s; s = s.parent, depth++) {
      const hits = columnsNamed(s.columns, c.name).filter((i) => matches(s.columns[i]!, c));
      if (hits.length > 1) {
        throw new SqlError('ER_NON_UNIQ_FIELD', `Column '${c.table ? `${c.table}.` : ''}${c.name}' in ${clause} is ambiguous`);
      }
      if (hits.length === 1) {
        const i = hits[0]!;
        const type = s.columns[i]!.type;
        return depth === 0 ? { kind: 'column', index: i, type } : { kind: 'outer', depth, index: i, type };
      }
      if (depth === 0 && c.table === undefined && s.aliases) {
        const a = s.aliases.get(c.name.toLowerCase());
        if (a) return a;
      }
    }
    const full = [c.db, c.table, c.name].filter((x) => x !== undefined).join('.');
    throw new SqlError('ER_BAD_FIELD', `Unknown column '${full}' in '${clause}'`);
  }

  private bindSubquery(q: A.Query, scope: Scope): { plan: LogicalPlan; columns: readonly OutputColumn[]; correlated: boolean } {
    const b = this.bindQuery(q, scope);
    return { plan: b.plan, columns: b.columns, correlated: isCorrelated(b.plan) };
  }
}

const AGG_PLACEHOLDER_BASE = -1000;

/** MySQL's limit on the tables of one SELECT's FROM (ER_TOO_MANY_TABLES beyond it). */
const MAX_JOIN_TABLES = 61;

/**
 * Table references of a FROM clause (each table and derived table counts once), counted up to
 * `limit` + 1: a walk with its own stack, so no FROM is too deep to count.
 */
function countTables(from: A.TableRef, limit: number): number {
  let count = 0;
  const pending: A.TableRef[] = [from];
  while (pending.length > 0 && count <= limit) {
    const ref = pending.pop()!;
    if (ref.kind === 'join') pending.push(ref.left, ref.right);
    else count++;
  }
  return count;
}

/**
 * The table name of the row an INSERT is inserting, in the scope of its ON DUPLICATE KEY UPDATE
 * (next to the existing row's columns); no SQL name can spell it, so only VALUES(col) reaches it.
 */
export const INSERTED_ROW = '\u0000values';

function seesInsertedRow(scope: Scope | null): boolean {
  for (let s = scope; s; s = s.parent) if (s.columns.some((c) => c.table === INSERTED_ROW)) return true;
  return false;
}

type ExpandedItem =
  | { kind: 'bound'; bound: BoundExpr; name: string; alias?: string; source?: ScopeColumn }
  | { kind: 'expr'; expr: A.Expr; name: string; alias?: string; source?: ScopeColumn };

/** Indices of the columns `*` shows, in the order it shows them. */
function starOrder(columns: readonly ScopeColumn[]): number[] {
  return [...columns.keys()].filter((i) => !columns[i]!.usingDuplicate).sort((x, y) => (columns[x]!.rank ?? x) - (columns[y]!.rank ?? y));
}

/**
 * Positions of the columns called `name` (any case): name resolution looks up each reference
 * here instead of testing every column, which a FROM of 61 tables makes hundreds.
 */
const nameIndexes = new WeakMap<readonly ScopeColumn[], Map<string, number[]>>();
function columnsNamed(columns: readonly ScopeColumn[], name: string): readonly number[] {
  let index = nameIndexes.get(columns);
  if (!index) {
    index = new Map();
    for (let i = 0; i < columns.length; i++) {
      const key = columns[i]!.name.toLowerCase();
      const list = index.get(key);
      if (list) list.push(i);
      else index.set(key, [i]);
    }
    nameIndexes.set(columns, index);
  }
  return index.get(name.toLowerCase()) ?? [];
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function matches(col: ScopeColumn, c: { table?: string; name: string; db?: string }): boolean {
  if (!sameName(col.name, c.name)) return false;
  if (c.table === undefined) return !col.usingDuplicate;
  if (!sameName(col.table, c.table)) return false;
  return c.db === undefined || sameName(col.db, c.db);
}

export function tableScopeColumns(table: TableDef, alias: string): ScopeColumn[] {
  const pk = table.indexes.find((i) => i.primary);
  return table.columns.map((c, i): ScopeColumn => {
    const inPk = pk?.columns.includes(i) ?? false;
    const uniqueFirst = table.indexes.some((ix) => ix.unique && !ix.primary && ix.columns.length === 1 && ix.columns[0] === i);
    const multiple = table.indexes.some((ix) => !ix.primary && ix.columns[0] === i && (!ix.unique || ix.columns.length > 1));
    return {
      pos: i,
      name: c.name,
      table: alias,
      db: table.db,
      orgName: c.name,
      orgTable: table.name,
      type: c.type,
      nullable: c.nullable,
      keyFlags: { primaryKey: inPk, uniqueKey: uniqueFirst, multipleKey: multiple, autoIncrement: c.autoIncrement },
    };
  });
}

/** MySQL names an unaliased select item by its text; a string literal by its value. */
function defaultName(it: A.SelectItem & { kind: 'expr' }): string {
  if (it.expr.kind === 'column') return it.expr.name;
  if (it.expr.kind === 'literal' && it.expr.value.type === 'string') return it.expr.value.value;
  return it.text;
}

/** The value of -v for a numeric literal's value (for result types only: undefined when not a number). */
function negatedConstant(v: Value): Value | undefined {
  if (typeof v === 'number') return -v;
  if (typeof v === 'bigint') return -v;
  if (v instanceof Decimal) return v.neg();
  return undefined;
}

function negType(t: SqlType): SqlType {
  if (t.kind === 'int') return t.unsigned ? { kind: 'decimal', precision: 20, scale: 0 } : BIGINT;
  if (t.kind === 'decimal' || t.kind === 'double') return t;
  if (t.kind === 'null') return BIGINT;
  return DOUBLE;
}

function mergeCompareKinds(a: CompareKind, b: CompareKind): CompareKind {
  if (a === b) return a;
  const rank: CompareKind[] = ['int', 'decimal', 'double'];
  if (rank.includes(a) && rank.includes(b)) return rank[Math.max(rank.indexOf(a), rank.indexOf(b))]!;
  if ((a === 'string' && b === 'binary') || (a === 'binary' && b === 'string')) return 'binary';
  return 'double';
}

export function castTargetType(t: A.CastTarget): SqlType {
  switch (t.type) {
    case 'SIGNED':
      return BIGINT;
    case 'UNSIGNED':
      return UBIGINT;
    case 'DATE':
      return { kind: 'date' };
    case 'JSON':
      return { kind: 'json' };
    case 'DOUBLE':
    case 'REAL':
      return DOUBLE;
    case 'FLOAT':
      return { kind: 'float' };
    case 'DECIMAL': {
      const precision = t.precision ?? 10;
      const scale = t.scale ?? 0;
      if (precision > 65) throw new SqlError('ER_TOO_BIG_PRECISION', `Too-big precision ${precision} specified for 'CAST'. Maximum is 65.`);
      if (scale > 30) throw new SqlError('ER_TOO_BIG_SCALE', `Too big scale ${scale} specified for 'CAST'. Maximum is 30.`);
      if (scale > precision) throw new SqlError('ER_M_BIGGER_THAN_D', "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column 'CAST').");
      return { kind: 'decimal', precision, scale };
    }
    case 'CHAR':
    case 'NCHAR':
      return { kind: 'string', family: 'varchar', length: t.length ?? 65535, binary: false };
    case 'BINARY':
      return { kind: 'string', family: 'varchar', length: t.length ?? 65535, binary: true };
    case 'DATETIME':
      return { kind: 'datetime', fsp: t.fsp ?? 0 };
    case 'TIME':
      return { kind: 'time', fsp: t.fsp ?? 0 };
    default:
      return assertNever(t, 'cast target');
  }
}

export function containsAggregate(e: A.Expr): boolean {
  let found = false;
  walkAst(e, (n) => {
    // A window call is no aggregate of its query (its arguments may hold some).
    if (n.kind === 'call' && n.over === undefined && isAggregateName(n.name.toUpperCase())) found = true;
  }, true);
  return found;
}

/** Visits an expression tree; subqueries are not entered when `skipSubqueries`. */
export function walkAst(e: A.Expr, visit: (e: A.Expr) => void, skipSubqueries = false): void {
  visit(e);
  const rec = (x: A.Expr | undefined): void => {
    if (x) walkAst(x, visit, skipSubqueries);
  };
  switch (e.kind) {
    case 'literal':
    case 'param':
    case 'column':
    case 'star':
    case 'timeUnit':
    case 'variable':
    case 'default':
      return;
    case 'unary':
      return rec(e.operand);
    case 'binary':
      rec(e.left);
      return rec(e.right);
    case 'isNull':
    case 'isTruth':
      return rec(e.operand);
    case 'between':
      rec(e.operand);
      rec(e.low);
      return rec(e.high);
    case 'inList':
      rec(e.operand);
      return e.list.forEach(rec);
    case 'inQuery':
    case 'quantified':
      return rec(e.operand);
    case 'like':
      rec(e.operand);
      rec(e.pattern);
      return rec(e.escape);
    case 'regexp':
      rec(e.operand);
      return rec(e.pattern);
    case 'exists':
    case 'subquery':
      return;
    case 'case':
      rec(e.operand);
      e.whens.forEach((w) => {
        rec(w.when);
        rec(w.then);
      });
      return rec(e.else);
    case 'call':
      e.args.forEach(rec);
      if (e.over?.kind === 'spec') {
        e.over.spec.partitionBy?.forEach(rec);
        e.over.spec.orderBy?.forEach((o) => rec(o.expr));
      }
      return e.orderBy?.forEach((o) => rec(o.expr));
    case 'cast':
    case 'collate':
      return rec(e.operand);
    case 'row':
      return e.items.forEach(rec);
    case 'interval':
      return rec(e.value);
    default:
      return assertNever(e, 'expression');
  }
}

function containsWindowPlaceholder(e: BoundExpr): boolean {
  if (isWindowPlaceholder(e)) return true;
  let found = false;
  mapChildren(e, (c) => {
    if (!found && containsWindowPlaceholder(c)) found = true;
    return c;
  });
  return found;
}

/** 3594: HAVING names the alias of a select item that holds a window function. */
function windowAliasNotAllowed(having: A.Expr, items: readonly ExpandedItem[]): SqlError {
  let alias = '';
  walkAst(having, (n) => {
    if (alias === '' && n.kind === 'column' && n.table === undefined) {
      const it = items.find((i) => i.alias?.toLowerCase() === n.name.toLowerCase());
      if (it) alias = it.alias!;
    }
  });
  return new SqlError('ER_WINDOW_INVALID_WINDOW_FUNC_ALIAS_USE', `You cannot use the alias '${alias}' of an expression containing a window function in this context.'`);
}

/** A structural key of a bound expression, for matching GROUP BY terms. */
export function exprKey(e: BoundExpr): string {
  return JSON.stringify(e, jsonReplacer);
}

function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

/** Applies f to each direct child expression (not into subquery plans). */
export function mapChildren(e: BoundExpr, f: (c: BoundExpr) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'const':
    case 'slot':
    case 'param':
    case 'column':
    case 'outer':
    case 'session':
    case 'subquery':
      return e;
    case 'arith':
    case 'compare':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'neg':
    case 'not':
    case 'isNull':
    case 'isTruth':
    case 'cast':
      return { ...e, arg: f(e.arg) };
    case 'and':
    case 'or':
    case 'xor':
    case 'bit':
    case 'func':
      return { ...e, args: e.args.map(f) };
    case 'inList':
      return { ...e, arg: f(e.arg), list: e.list.map(f) };
    case 'inSubquery':
      return { ...e, arg: f(e.arg) };
    case 'like':
    case 'regexp':
      return { ...e, arg: f(e.arg), pattern: f(e.pattern) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })), else: e.else ? f(e.else) : null };
    default:
      return assertNever(e, 'bound expression');
  }
}

/** Does a plan read a column of an enclosing query? */
function isCorrelated(plan: LogicalPlan): boolean {
  let found = false;
  const visitExpr = (e: BoundExpr, depth: number): void => {
    if (found) return;
    if (e.kind === 'outer' && e.depth > depth) found = true;
    if (e.kind === 'subquery' || e.kind === 'inSubquery') visitPlan(e.plan as unknown as LogicalPlan, depth + 1);
    mapChildren(e, (c) => {
      visitExpr(c, depth);
      return c;
    });
  };
  const visitPlan = (p: LogicalPlan, depth: number): void => {
    forEachPlanExpr(p, (e) => visitExpr(e, depth));
  };
  visitPlan(plan, 0);
  return found;
}

/** Visits every expression of a logical plan tree (not entering subquery plans). */
export function forEachPlanExpr(p: LogicalPlan, f: (e: BoundExpr) => void): void {
  switch (p.kind) {
    case 'get':
    case 'rowset':
      return;
    case 'values':
      return p.rows.forEach((r) => r.forEach(f));
    case 'filter':
      f(p.predicate);
      return forEachPlanExpr(p.input, f);
    case 'project':
      p.exprs.forEach(f);
      return forEachPlanExpr(p.input, f);
    case 'aggregate':
      p.groupBy.forEach(f);
      p.aggs.forEach((a) => {
        a.args.forEach(f);
        a.orderBy?.forEach((o) => f(o.expr));
      });
      return forEachPlanExpr(p.input, f);
    case 'sort':
      p.keys.forEach((k) => f(k.expr));
      return forEachPlanExpr(p.input, f);
    case 'limit':
      if (p.count) f(p.count);
      if (p.offset) f(p.offset);
      return forEachPlanExpr(p.input, f);
    case 'distinct':
      return forEachPlanExpr(p.input, f);
    case 'window':
      windowExprs(p).forEach(f);
      return forEachPlanExpr(p.input, f);
    case 'join':
      if (p.condition) f(p.condition);
      forEachPlanExpr(p.left, f);
      return forEachPlanExpr(p.right, f);
    case 'union':
      return p.inputs.forEach((i) => forEachPlanExpr(i, f));
    case 'setOp':
      forEachPlanExpr(p.left, f);
      return forEachPlanExpr(p.right, f);
    case 'recursiveCte':
      forEachPlanExpr(p.seed, f);
      return forEachPlanExpr(p.recursive, f);
    case 'workTable':
      return;
    case 'apply':
      if (p.condition) f(p.condition);
      forEachPlanExpr(p.left, f);
      return forEachPlanExpr(p.right, f);
    default:
      return assertNever(p, 'plan');
  }
}

/** A plan's columns converted to `types` where they differ (the members of a set operation). */
function castPlan(p: LogicalPlan, types: readonly SqlType[], names?: readonly string[]): LogicalPlan {
  if (p.types.every((t, i) => JSON.stringify(t) === JSON.stringify(types[i]))) return p;
  const exprs = p.types.map((t, i): BoundExpr => {
    const col: BoundExpr = { kind: 'column', index: i, type: t };
    if (JSON.stringify(t) === JSON.stringify(types[i])) return col;
    const name = names?.[i];
    return name !== undefined ? { kind: 'cast', arg: col, type: types[i]!, mode: 'convert', column: name } : { kind: 'cast', arg: col, type: types[i]!, mode: 'convert' };
  });
  return { kind: 'project', input: p, exprs, types };
}

/** A derived table's or CTE's columns under its alias, named by its column list when it has one. */
function derivedColumns(q: BoundQuery, alias: string, given: readonly string[] | undefined): ScopeColumn[] {
  const names = given ?? q.columns.map((c) => c.name);
  if (names.length !== q.columns.length) throw wrongColumnList();
  const seen = new Set<string>();
  for (const n of names) {
    const k = n.toLowerCase();
    if (seen.has(k)) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${n}'`);
    seen.add(k);
  }
  return q.columns.map((c, i): ScopeColumn => ({
    pos: i,
    name: names[i]!,
    table: alias,
    db: '',
    orgName: c.orgName === '' ? '' : c.orgName,
    orgTable: alias,
    type: c.type,
    nullable: c.nullable,
  }));
}

function wrongColumnList(): SqlError {
  return new SqlError('ER_VIEW_WRONG_LIST', 'In definition of view, derived table or common table expression, SELECT list and column names list have different column counts');
}

function hasSubqueryExpr(e: BoundExpr): boolean {
  if (e.kind === 'subquery' || e.kind === 'inSubquery') return true;
  let found = false;
  mapChildren(e, (c) => {
    if (!found && hasSubqueryExpr(c)) found = true;
    return c;
  });
  return found;
}

/** An expression over the current row, as read from inside a subquery of it (one level deeper). */
function asOuterRow(e: BoundExpr): BoundExpr {
  if (e.kind === 'column') return { kind: 'outer', depth: 1, index: e.index, type: e.type };
  if (e.kind === 'outer') return { ...e, depth: e.depth + 1 };
  return mapChildren(e, asOuterRow);
}

function castUnionInputs(plan: LogicalPlan, types: readonly SqlType[]): LogicalPlan {
  const castInput = (p: LogicalPlan): LogicalPlan => castPlan(p, types);
  switch (plan.kind) {
    case 'union':
      return { ...plan, inputs: plan.inputs.map((i) => (i.kind === 'distinct' ? castUnionInputs(i, types) : castInput(i))), types };
    case 'distinct':
      return { ...plan, input: castUnionInputs(plan.input, types), types };
    default:
      return castInput(plan);
  }
}

/**
 * A short text of an AST expression for messages (BIGINT overflow names the expression), cut
 * short ('…') past about EXPR_TEXT_MAX characters: every arithmetic node computes its text, so a
 * long chain must not cost the square of its length.
 */
const EXPR_TEXT_MAX = 200;

function exprText(e: A.Expr, budget = EXPR_TEXT_MAX): string {
  if (budget <= 0) return '…';
  switch (e.kind) {
    case 'column':
      return `\`${e.table ? `${e.table}\`.\`` : ''}${e.name}\``;
    case 'literal':
      switch (e.value.type) {
        case 'int':
        case 'decimal':
        case 'double':
          return e.value.text;
        case 'string':
          return `'${e.value.value}'`;
        default:
          return '?';
      }
    case 'binary': {
      // Halving the budget per level bounds the work by the text, not by the chain.
      const left = exprText(e.left, budget >> 1);
      return `(${left} ${e.op.toLowerCase()} ${exprText(e.right, (budget - left.length) >> 1)})`;
    }
    case 'unary':
      return `-${exprText(e.operand, budget >> 1)}`;
    default:
      return e.kind;
  }
}

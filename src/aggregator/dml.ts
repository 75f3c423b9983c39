import type * as A from '../sql/ast.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, Routing } from '../common/ir/physical.js';
import { SqlError } from '../common/errors.js';
import { castToType } from '../common/cast.js';
import type { ErrorCodeName } from '../common/error-codes.js';
import type { TableDef, ColumnDef } from '../cluster/catalog.js';
import { partitionOf } from '../cluster/sharding.js';
import { batchRows, evalConst } from '../exec/index.js';
import { Binder, INSERTED_ROW, mapChildren, tableScopeColumns, type BindContext } from '../planner/binder.js';
import { chooseAccess, chooseRouting, distribute } from '../planner/distribute.js';
import type { LogicalPlan } from '../planner/logical.js';
import { SessionNames, sessionNamesOf } from '../planner/session-names.js';
import type { ColumnValue, InsertOutcome, ModifyRequest } from '../net/leaf-api.js';
import type { StatementResult } from './mysql/session-api.js';
import type { Session } from './session.js';
import { nowText, ok, type Params } from './statement-results.js';
import { implicitDefault } from '../common/implicit-default.js';
import { assignsShardKey, updateMovingRows } from './shard-key-update.js';
import { columnIndex, defaultValue, foundRows, rowKey, touchedColumns } from './dml-rows.js';
import { constOf, evaluateOnAggregator, hasSubquery, resolveUncorrelated, rowColumnsRead, subqueryNodes, substitute } from './dml-subqueries.js';

/** An insert id for the OK packet: an unsigned 64-bit integer (a negative id wraps, as in MySQL). */
function insertIdOf(v: Value): number | bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number' && Number.isInteger(v)) return v >= 0 ? v : BigInt.asUintN(64, BigInt(v));
  return 0;
}

// ───────────────────────────── INSERT / REPLACE ─────────────────────────────

function noAutoValueOnZero(session: Session): boolean {
  return /\bNO_AUTO_VALUE_ON_ZERO\b/.test(String(session.vars.get('sql_mode') ?? ''));
}

/** A value of a VALUES row that holds a subquery: computed on the aggregator once every row is bound. */
interface DeferredValue {
  readonly row: Value[];
  readonly at: number;
  readonly expr: BoundExpr;
}

export async function runInsert(session: Session, ps: A.ParsedStatement, st: A.Statement & { kind: 'insert' }, params: Params): Promise<StatementResult> {
  const t = session.table(st.table);
  const now = nowText();
  const ctx = session.bindContext(ps, params.types);
  const binder = new Binder(ctx);
  // Values are computed here; session expressions are read from the session directly.
  const inputs = session.execInputs(ps, params, []);
  const ectx = session.execContext(inputs, () => []);

  // Target columns and the rows of expressions / values for them.
  let targets: number[];
  let rows: Value[][];
  let rowTypes: SqlType[][];
  const deferred: DeferredValue[] = [];
  let query: ReturnType<Session['subquery']> | null = null;
  const src = st.source;
  if (src.kind === 'set') {
    targets = src.assignments.map((a) => columnIndex(t, a.column.name));
    const exprs = src.assignments.map((a) => a.value);
    const r = evalRow(session, binder, t, targets, exprs, ectx, now, deferred);
    rows = [r.values];
    rowTypes = [r.types];
  } else {
    targets = st.columns ? st.columns.map((c) => columnIndex(t, c)) : t.columns.map((_, i) => i);
    if (src.kind === 'values') {
      rows = [];
      rowTypes = [];
      src.rows.forEach((exprs, n) => {
        if (exprs.length !== targets.length && !(exprs.length === 0 && st.columns === undefined)) {
          throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', `Column count doesn't match value count at row ${n + 1}`);
        }
        const r = exprs.length === 0 ? { values: [], types: [] } : evalRow(session, binder, t, targets, exprs, ectx, now, deferred);
        if (exprs.length === 0) targets = [];
        rows.push(r.values);
        rowTypes.push(r.types);
      });
    } else {
      // INSERT … SELECT: rows are inserted a batch at a time as the SELECT makes them (below).
      query = session.subquery(ps, src.query, params);
      if (query.columns.length !== targets.length) throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', `Column count doesn't match value count at row 1`);
      rows = [];
      rowTypes = [];
    }
  }
  if (deferred.length > 0) {
    // Subqueries read the tables as they are before this statement writes a row (MariaDB's
    // answer for INSERT INTO t VALUES ((SELECT MAX(id) FROM t) + 1) as well).
    const values = await evaluateOnAggregator(session, ps, params, deferred.map((d) => d.expr));
    deferred.forEach((d, i) => (d.row[d.at] = values[i]!));
  }
  const seen = new Set<number>();
  for (const c of targets) {
    if (seen.has(c)) throw new SqlError('ER_FIELD_SPECIFIED_TWICE', `Column '${t.columns[c]!.name}' specified twice`);
    seen.add(c);
  }

  // Full, cast rows with defaults and auto-increment ids.
  const strict = session.strict && !st.ignore;
  const autoCol = t.columns.findIndex((c) => c.autoIncrement);
  const warnFn = (code: ErrorCodeName, msg: string): void => session.warn(code, msg);
  // A single-row INSERT … VALUES fails on a NULL for a NOT NULL column; with several rows (or a SELECT) it is a warning.
  const singleRow = query === null && rows.length === 1 && !st.ignore;
  /** Rows made full so far (row numbers in messages count on across INSERT … SELECT's batches). */
  let total = 0;
  /** Full rows, and which of them got a generated AUTO_INCREMENT id. */
  const fullRows = (rows: readonly Value[][], rowTypes: readonly (readonly SqlType[])[]): { full: Value[][]; generated: boolean[] } => {
    const full: Value[][] = [];
    const generated: boolean[] = [];
    rows.forEach((r, j) => {
      const n = total + j;
      const row: Value[] = t.columns.map(() => undefined as unknown as Value);
      targets.forEach((c, i) => {
        const col = t.columns[c]!;
        const v = r[i]!;
        row[c] = v === DEFAULT_MARK ? defaultValue(session, col, now) : castValue(v, rowTypes[j]![i]!, col, strict, n + 1, warnFn, now);
      });
      t.columns.forEach((col, c) => {
        if (row[c] === undefined) row[c] = defaultValue(session, col, now);
      });
      let made = false;
      if (autoCol >= 0) {
        const v = row[autoCol];
        // 0 asks for a new id too, unless sql_mode has NO_AUTO_VALUE_ON_ZERO (what dumps restore with).
        if (v === null || ((v === 0 || v === 0n) && !noAutoValueOnZero(session))) {
          const id = session.engine.takeAutoIncrement(t, 1);
          row[autoCol] = id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
          made = true;
        } else if (typeof v === 'number' || typeof v === 'bigint') {
          session.engine.observeAutoIncrement(t, BigInt(v));
        }
      }
      t.columns.forEach((col, c) => {
        if (row[c] === null && !col.nullable) {
          if (strict || singleRow) throw new SqlError('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
          session.warn('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
          row[c] = implicitDefault(col.type);
        }
      });
      full.push(row);
      generated.push(made);
    });
    total += rows.length;
    return { full, generated };
  };

  const onDuplicate = st.onDuplicate ? await bindOnDuplicate(session, ps, params, binder, t, st) : undefined;
  const touch = onDuplicate ? touchedColumns(t, onDuplicate, now) : [];
  const leafInputs = onDuplicate ? { ...inputs, sessionValues: session.sessionValues(new SessionNames().exprs(onDuplicate.map((a) => a.expr)).list()) } : inputs;

  // Route rows to partitions by shard key, a batch at a time (INSERT … SELECT never holds its source).
  const db = session.engine.catalog.database(t.db)!;
  const shardTypes = t.shardKey.map((c) => t.columns[c]!.type);
  const mode = st.replace ? 'replace' : st.ignore ? 'ignore' : 'insert';
  const counts = newInsertCounts();
  const insertFull = async ({ full, generated }: { full: Value[][]; generated: boolean[] }): Promise<void> => {
    const byPartition = new Map<number, number[]>();
    full.forEach((row, i) => {
      const p = t.singlePartition ? 0 : t.shardKey.length === 0 ? (i + Math.floor(Math.random() * db.partitions)) % db.partitions : partitionOf(t.shardKey.map((c) => row[c]!), shardTypes, db.partitions);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(i);
    });
    const outcomes: InsertOutcome[] = new Array<InsertOutcome>(full.length);
    for (const [p, indexes] of [...byPartition].sort((a, b) => a[0] - b[0])) {
      const leaf = session.engine.partitionMap.leafFor(t.db, p);
      const res = await leaf.insert({
        ...leafInputs,
        txnId: session.txnId,
        db: t.db,
        partition: p,
        tableId: t.id,
        rows: indexes.map((i) => full[i]!),
        mode,
        ...(onDuplicate ? { onDuplicate } : {}),
        ...(onDuplicate && autoCol >= 0 ? { autoIncrementColumn: autoCol } : {}),
        ...(touch.length > 0 ? { touch } : {}),
      });
      indexes.forEach((i, k) => (outcomes[i] = res.outcomes[k]!));
      for (const w of res.warnings) session.warn('ER_DUP_ENTRY', w.message);
      if (res.lastInsertId !== undefined) session.setInsertIdArg(res.lastInsertId);
    }
    countInsert(counts, outcomes, full, generated, autoCol);
  };
  await insertFull(fullRows(rows, rowTypes));
  if (query !== null) {
    const types = query.columns.map((c) => c.type);
    await query.forEachBatch(async (b) => {
      const chunk = batchRows(b);
      await insertFull(fullRows(chunk, chunk.map(() => types)));
    });
  }
  if (counts.firstGenerated !== null) session.lastInsertId = counts.firstGenerated;
  // MySQL's insert id: the first id generated for a row that was written; else what
  // LAST_INSERT_ID(expr) set; else, when rows were written, the AUTO_INCREMENT value of the
  // last row processed (an explicit id, or the row ON DUPLICATE KEY UPDATE met).
  const insertId = counts.firstGenerated ?? session.insertIdArg ?? (autoCol >= 0 && counts.copied > 0 ? insertIdOf(counts.lastAutoValue) : 0);
  const found = foundRows(session);
  const dupUpdates = found ? counts.touched : counts.updated;
  const affected = counts.copied + counts.deleted + dupUpdates;
  const duplicates = st.ignore ? total - counts.copied : counts.deleted + dupUpdates;
  const info = total > 1 || src.kind === 'query' ? `Records: ${total}  Duplicates: ${duplicates}  Warnings: ${session.warnings.length}` : undefined;
  return ok(affected, { insertId, warnings: session.warnings.length, ...(info ? { info } : {}) });
}

/**
 * MySQL's counters of an INSERT (sql_insert.cc): copied = rows written (inserted, replaced, or
 * changed by ON DUPLICATE KEY UPDATE), deleted = rows REPLACE removed, updated / touched = rows
 * ON DUPLICATE KEY UPDATE changed / met at all.
 */
interface InsertCounts {
  copied: number;
  deleted: number;
  updated: number;
  touched: number;
  firstGenerated: number | bigint | null;
  lastAutoValue: Value;
}

function newInsertCounts(): InsertCounts {
  return { copied: 0, deleted: 0, updated: 0, touched: 0, firstGenerated: null, lastAutoValue: null };
}

/** Adds one batch's outcomes to the counts (INSERT … SELECT counts batch by batch). */
function countInsert(c: InsertCounts, outcomes: readonly InsertOutcome[], rows: readonly (readonly Value[])[], generated: readonly boolean[], autoCol: number): void {
  outcomes.forEach((o, i) => {
    const own = autoCol >= 0 ? rows[i]![autoCol]! : null;
    switch (o.kind) {
      case 'replaced':
      case 'inserted':
        // REPLACE inserts the row after deleting those it conflicted with.
        if (o.kind === 'replaced') c.deleted += o.deleted;
        c.copied++;
        if (generated[i] && c.firstGenerated === null) c.firstGenerated = insertIdOf(own);
        c.lastAutoValue = own;
        return;
      case 'updated':
        c.copied++;
        c.updated++;
        c.touched++;
        c.lastAutoValue = o.autoValue;
        return;
      case 'unchanged':
        c.touched++;
        c.lastAutoValue = o.autoValue;
        return;
      case 'skipped':
        c.lastAutoValue = own;
        return;
    }
  });
}

/**
 * ON DUPLICATE KEY UPDATE: assignments over [existing row…, inserted row…]. VALUES(col) (and
 * `alias.col` after INSERT … AS alias) read the inserted row. Uncorrelated scalar subqueries
 * are computed here once; a subquery that depends on the row would have to run per conflict.
 */
async function bindOnDuplicate(session: Session, ps: A.ParsedStatement, params: Params, binder: Binder, t: TableDef, st: A.Statement & { kind: 'insert' }): Promise<{ column: number; expr: BoundExpr }[]> {
  const inserted = (alias: string) => tableScopeColumns(t, alias).map((c) => ({ ...c, usingDuplicate: true }));
  const scope = {
    columns: [...tableScopeColumns(t, st.table.name), ...inserted(INSERTED_ROW), ...(st.rowAlias !== undefined ? inserted(st.rowAlias) : [])],
    parent: null,
  };
  // The row alias repeats the inserted row: its columns are read from the same positions.
  const width = t.columns.length;
  const bound = st.onDuplicate!.map((a) => ({ column: columnIndex(t, a.column.name), expr: foldRowAlias(binder.bindExpr(a.value, scope, 'field list'), width) }));
  const exprs = await resolveUncorrelated(session, ps, params, bound.map((a) => a.expr));
  if (exprs.some(hasSubquery)) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support a subquery that depends on the row (or IN (SELECT …)) in ON DUPLICATE KEY UPDATE");
  }
  return bound.map((a, i) => ({ column: a.column, expr: exprs[i]! }));
}

/** Columns of the `INSERT … AS alias` copy of the inserted row → the same columns of the first copy. */
function foldRowAlias(e: BoundExpr, width: number): BoundExpr {
  if (e.kind === 'column') return e.index >= 2 * width ? { ...e, index: e.index - width } : e;
  if (e.kind === 'subquery') return e;
  return mapChildren(e, (c) => foldRowAlias(c, width));
}

const DEFAULT_MARK = Symbol('DEFAULT') as unknown as Value;

function evalRow(session: Session, binder: Binder, t: TableDef, targets: readonly number[], exprs: readonly A.Expr[], ectx: ReturnType<Session['execContext']>, now: string, deferred: DeferredValue[]): { values: Value[]; types: SqlType[] } {
  const values: Value[] = [];
  const types: SqlType[] = [];
  exprs.forEach((e, i) => {
    if (e.kind === 'default') {
      const col = e.column !== undefined ? t.columns[columnIndex(t, e.column)]! : t.columns[targets[i]!]!;
      values.push(e.column !== undefined ? defaultValue(session, col, now) : DEFAULT_MARK);
      types.push(col.type);
      return;
    }
    const bound = binder.bindExpr(e, { columns: [], parent: null }, 'field list');
    if (hasSubquery(bound)) {
      deferred.push({ row: values, at: values.length, expr: bound });
      values.push(null);
    } else values.push(evalConst(bound, ectx));
    types.push(bound.type);
  });
  return { values, types };
}

function castValue(v: Value, from: SqlType, col: ColumnDef, strict: boolean, row: number, warn: (c: ErrorCodeName, m: string) => void, now: string): Value {
  if (v === null) return null;
  return castToType(v, from, col.type, strict ? 'strict' : 'lenient', { column: col.name, row, warn, now });
}

// ───────────────────────────── UPDATE / DELETE ─────────────────────────────

/** What UPDATE / DELETE bind to; cached like a query plan, so OLTP writes skip the binder. */
interface ModifyPlan {
  readonly table: TableDef;
  readonly alias: string;
  readonly tableName: A.TableName;
  /** Over the table's columns. Subqueries still hold logical plans (dml-subqueries.ts). */
  readonly filter: BoundExpr | null;
  /** expr null = DEFAULT, resolved per execution (a CURRENT_TIMESTAMP default follows the clock). */
  readonly assignments?: readonly { readonly column: number; readonly expr: BoundExpr | null }[];
  readonly orderBy?: readonly { readonly expr: BoundExpr; readonly desc: boolean }[];
  readonly limit: BoundExpr | null;
  readonly routing: Routing;
  readonly access: Access;
  /** The session values the leaves read (user variables, DATABASE(), …), sent with each request. */
  readonly sessionNames: readonly string[];
  /** Some expression holds a subquery: the aggregator computes it before the leaves write. */
  readonly hasSubqueries: boolean;
}

function planModify(session: Session, st: A.Statement & { kind: 'update' | 'delete' }, ctx: BindContext): ModifyPlan {
  let tableName: A.TableName;
  let alias: string;
  if (st.kind === 'update') {
    if (st.table.kind !== 'table') throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support multi-table UPDATE");
    tableName = { ...(st.table.db ? { db: st.table.db } : {}), name: st.table.name };
    alias = st.table.alias ?? st.table.name;
  } else {
    tableName = st.table;
    alias = st.alias ?? st.table.name;
  }
  const t = session.table(tableName);
  const binder = new Binder(ctx);
  const scope = { columns: tableScopeColumns(t, alias), parent: null };
  const filter = st.where ? binder.bindExpr(st.where, scope, 'where clause') : null;
  const assignments =
    st.kind === 'update'
      ? st.set.map((a) => {
          const column = columnIndex(t, a.column.name);
          return { column, expr: a.value.kind === 'default' ? null : binder.bindExpr(a.value, scope, 'field list') };
        })
      : undefined;
  const orderBy = st.orderBy?.map((o) => ({ expr: binder.bindExpr(o.expr, scope, 'order clause'), desc: o.desc }));
  const limit = st.limit ? binder.bindExpr(st.limit.count, scope, 'field list') : null;
  const routing = chooseRouting(t, filter);
  const access = chooseAccess(t, filter);
  const exprs = [filter, ...(assignments ?? []).map((a) => a.expr), ...(orderBy ?? []).map((o) => o.expr)];
  const sessionNames = new SessionNames(false).exprs(exprs).expr(limit).access(access).routing(routing).list();
  return {
    table: t,
    alias,
    tableName,
    filter,
    ...(assignments ? { assignments } : {}),
    ...(orderBy ? { orderBy } : {}),
    limit,
    routing,
    access,
    sessionNames,
    hasSubqueries: exprs.some(hasSubquery),
  };
}

type Assignment = { readonly column: number; readonly expr: BoundExpr };
type OrderKey = { readonly expr: BoundExpr; readonly desc: boolean };

export async function runModify(session: Session, ps: A.ParsedStatement, st: A.Statement & { kind: 'update' | 'delete' }, params: Params): Promise<StatementResult> {
  const plan = session.cachedPlan(ps, params.types, (ctx) => planModify(session, st, ctx));
  const { table: t, alias, tableName } = plan;
  const now = nowText();
  let assignments: Assignment[] | undefined = plan.assignments?.map(({ column, expr }) => {
    const col = t.columns[column]!;
    return { column, expr: expr ?? ({ kind: 'const', value: defaultValue(session, col, now), type: col.type } satisfies BoundExpr) };
  });
  const inputs = session.execInputs(ps, params, plan.sessionNames);
  const ectx = session.execContext(inputs, () => []);
  const limit = plan.limit === null ? undefined : Number(evalConst(plan.limit, ectx));

  let { filter, access, routing } = plan;
  let orderBy: readonly OrderKey[] | undefined = plan.orderBy;
  if (plan.hasSubqueries) {
    // Uncorrelated scalar subqueries become constants (then a key may seek, as for literals).
    const n = assignments?.length ?? 0;
    const resolved = await resolveUncorrelated(session, ps, params, [filter, ...(assignments ?? []).map((a) => a.expr), ...(orderBy ?? []).map((o) => o.expr)]);
    filter = resolved[0]!;
    assignments = assignments?.map((a, i) => ({ column: a.column, expr: resolved[1 + i]! }));
    orderBy = orderBy?.map((o, i) => ({ expr: resolved[1 + n + i]!, desc: o.desc }));
    access = chooseAccess(t, filter);
    routing = chooseRouting(t, filter);
  }

  const shardTypes = t.shardKey.map((c) => t.columns[c]!.type);
  const partitions = session.engine.cursor.partitionsFor(t.db, routing, shardTypes, ectx);
  const base = {
    ...inputs,
    txnId: session.txnId,
    db: t.db,
    tableId: t.id,
    columnNames: t.columns.map((c) => c.name),
    shardKey: t.shardKey,
    strict: session.strict && !(st.kind === 'update' && st.ignore),
    ...(assignments ? { assignments } : {}),
    ...(assignments ? touchIfAny(touchedColumns(t, assignments, now)) : {}),
  };
  // What is left after the constants: subqueries that depend on the row (or IN / ANY / ALL).
  const perRow = plan.hasSubqueries && (hasSubquery(filter) || (assignments ?? []).some((a) => hasSubquery(a.expr)) || (orderBy ?? []).some((o) => hasSubquery(o.expr)));
  let matched = 0;
  let changed = 0;
  const kind = st.kind;
  if (st.kind === 'update' && assignsShardKey(t, assignments)) {
    // A new shard-key value moves the row to another partition: delete + insert (shard-key-update.ts).
    if (assignments!.some((a) => hasSubquery(a.expr))) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support a subquery that depends on the row in an UPDATE of a shard-key column");
    }
    ({ matched, changed } = await updateMovingRows(session, ps, params, { table: t, alias, tableName, statement: st, filter, assignments: assignments!, strict: base.strict, inputs, ectx }));
  } else if (perRow || (limit !== undefined && partitions.length > 1)) {
    ({ matched, changed } = await modifyInTwoPhases(session, ps, params, { table: t, kind, filter, assignments, orderBy, limit: plan.limit, partitions, base }));
  } else {
    const byLeaf = new Map<ReturnType<typeof session.engine.partitionMap.leafFor>, number[]>();
    for (const p of partitions) {
      const leaf = session.engine.partitionMap.leafFor(t.db, p);
      let list = byLeaf.get(leaf);
      if (!list) byLeaf.set(leaf, (list = []));
      list.push(p);
    }
    for (const [leaf, parts] of byLeaf) {
      const r = await leaf.modify({ ...base, partitions: parts, access, filter, ...(orderBy ? { orderBy } : {}), ...(limit !== undefined ? { limit } : {}) }, kind);
      matched += r.matched;
      changed += r.changed;
      for (const w of r.warnings) session.warn(w.code, w.message);
      if (r.lastInsertId !== undefined) session.setInsertIdArg(r.lastInsertId);
    }
  }
  if (kind === 'delete') return ok(changed, { warnings: session.warnings.length });
  // An UPDATE reports what LAST_INSERT_ID(expr) set as its insert id.
  return ok(foundRows(session) ? matched : changed, { insertId: session.insertIdArg ?? 0, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${session.warnings.length}`, warnings: session.warnings.length });
}

function touchIfAny(touch: ColumnValue[]): { touch?: ColumnValue[] } {
  return touch.length > 0 ? { touch } : {};
}

interface TwoPhaseModify {
  readonly table: TableDef;
  readonly kind: 'update' | 'delete';
  readonly filter: BoundExpr | null;
  readonly assignments: readonly Assignment[] | undefined;
  readonly orderBy: readonly OrderKey[] | undefined;
  readonly limit: BoundExpr | null;
  /** The partitions the WHERE can reach. */
  readonly partitions: readonly number[];
  readonly base: Omit<ModifyRequest, 'partitions' | 'access' | 'filter'>;
}

/**
 * UPDATE / DELETE whose rows or values need the aggregator: a subquery in WHERE or SET that
 * depends on the row (or IN / ANY / ALL), or ORDER BY … LIMIT across partitions. Phase 1 reads
 * the matching rows with row locks, in order and limited, with the key that names each row and
 * the subquery values of its SET; phase 2 writes each row by its key on its partition, with
 * those values as constants. The locks make the values those of the version written.
 */
async function modifyInTwoPhases(session: Session, ps: A.ParsedStatement, params: Params, m: TwoPhaseModify): Promise<{ matched: number; changed: number }> {
  const t = m.table;
  const key = rowKey(t);
  if (!key) {
    const what = m.kind.toUpperCase();
    throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support ${what} with a subquery or with ORDER BY … LIMIT on a table without a primary key (or a unique key on NOT NULL columns)`);
  }
  const assignments = m.assignments ?? [];
  const nodesOf = assignments.map((a) => subqueryNodes(a.expr));
  // MySQL assigns left to right and a later SET sees earlier results; a subquery value is
  // computed before any, so it must not read a column an earlier assignment changes.
  const assigned = new Set<number>();
  assignments.forEach((a, i) => {
    for (const n of nodesOf[i]!) {
      for (const c of rowColumnsRead(n)) {
        if (assigned.has(c)) {
          throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support a subquery in UPDATE … SET that reads column '${t.columns[c]!.name}' after an earlier assignment of the same statement changed it`);
        }
      }
    }
    assigned.add(a.column);
  });
  const nodes = nodesOf.flat();
  const types = t.columns.map((c) => c.type);
  const column = (c: number): BoundExpr => ({ kind: 'column', index: c, type: types[c]! });
  // The shard key, when rows are placed by it, says which partition holds each row.
  const placedByKey = !t.singlePartition && !t.reference && t.shardKey.length > 0;
  const shardCols = placedByKey ? t.shardKey : [];
  const picked: BoundExpr[] = [...key.columns.map(column), ...shardCols.map(column), ...nodes];
  let read: LogicalPlan = { kind: 'get', table: t, types };
  if (m.filter !== null) read = { kind: 'filter', input: read, predicate: m.filter, types };
  if (m.orderBy?.length) read = { kind: 'sort', input: read, keys: m.orderBy, types };
  if (m.limit !== null) read = { kind: 'limit', input: read, count: m.limit, offset: null, types };
  read = { kind: 'project', input: read, exprs: picked, types: picked.map((e) => e.type) };
  const plan = distribute(read);
  const rows = await session.executePlan({ plan, columns: [], sessionNames: sessionNamesOf(plan) }, ps, params, true);

  const db = session.engine.catalog.database(t.db)!;
  const shardTypes = shardCols.map((c) => types[c]!);
  const keyIndex = t.indexes.indexOf(key);
  const k = key.columns.length;
  const s = shardCols.length;
  // The leaf re-checks a WHERE it can evaluate on the locked row; one with subqueries was decided above.
  const recheck = m.filter !== null && !hasSubquery(m.filter) ? m.filter : null;
  let matched = 0;
  let changed = 0;
  const pacer = session.pacer;
  for (const row of rows) {
    // One leaf call per row: share the thread, and stop here when the statement is stopped.
    if (pacer.shouldPause()) await pacer.resume();
    const keys = key.columns.map((c, i): BoundExpr => ({ kind: 'const', value: row[i]!, type: types[c]! }));
    const parts = placedByKey ? [partitionOf(row.slice(k, k + s), shardTypes, db.partitions)] : m.partitions;
    const values = new Map<BoundExpr, BoundExpr>(nodes.map((n, i) => [n, constOf(n, row[k + s + i]!)]));
    const rowAssignments = nodes.length === 0 ? assignments : assignments.map((a) => ({ column: a.column, expr: substitute(a.expr, values) }));
    for (const p of parts) {
      const leaf = session.engine.partitionMap.leafFor(t.db, p);
      const r = await leaf.modify(
        { ...m.base, ...(m.kind === 'update' ? { assignments: rowAssignments } : {}), partitions: [p], access: { kind: 'point', index: keyIndex, keys: [keys] }, filter: recheck },
        m.kind,
      );
      matched += r.matched;
      changed += r.changed;
      for (const w of r.warnings) session.warn(w.code, w.message);
      if (r.lastInsertId !== undefined) session.setInsertIdArg(r.lastInsertId);
    }
  }
  return { matched, changed };
}

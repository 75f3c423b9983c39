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
import { Binder, tableScopeColumns, walkAst, type BindContext } from '../planner/binder.js';
import { chooseAccess, chooseRouting, leafSafe } from '../planner/distribute.js';
import type { StatementResult } from './mysql/session-api.js';
import { ClientFlags } from './mysql/session-api.js';
import { ok, nowText, type Params, type Session } from './session.js';
import { implicitDefault } from '../common/implicit-default.js';
import { declaredDefault } from './ddl/table-def.js';
import { assignsShardKey, updateMovingRows } from './shard-key-update.js';

const NEW_ROW_ALIAS = '\u0000values';

function columnIndex(t: TableDef, name: string, clause = 'field list'): number {
  const i = t.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new SqlError('ER_BAD_FIELD', `Unknown column '${name}' in '${clause}'`);
  return i;
}

/** The value a column takes when the statement gives none. */
function defaultValue(session: Session, c: ColumnDef, now: string): Value {
  const v = declaredDefault(c, now);
  if (v !== undefined) return v;
  if (c.nullable || c.autoIncrement) return null;
  if (session.strict) throw new SqlError('ER_NO_DEFAULT_FOR_FIELD', `Field '${c.name}' doesn't have a default value`);
  session.warn('ER_NO_DEFAULT_FOR_FIELD', `Field '${c.name}' doesn't have a default value`);
  return implicitDefault(c.type);
}


// ───────────────────────────── INSERT / REPLACE ─────────────────────────────

export async function runInsert(session: Session, ps: A.ParsedStatement, st: A.Statement & { kind: 'insert' }, params: Params): Promise<StatementResult> {
  const t = session.table(st.table);
  const now = nowText();
  const ctx = session.bindContext(ps, params.types);
  const binder = new Binder(ctx);
  const inputs = session.execInputs(ps, params, ['database', 'last_insert_id', 'connection_id', 'user']);
  const ectx = session.execContext(inputs, () => []);

  // Target columns and the rows of expressions / values for them.
  let targets: number[];
  let rows: Value[][];
  let rowTypes: SqlType[][];
  let query: ReturnType<Session['subquery']> | null = null;
  const src = st.source;
  if (src.kind === 'set') {
    targets = src.assignments.map((a) => columnIndex(t, a.column.name));
    const exprs = src.assignments.map((a) => a.value);
    const r = evalRow(session, binder, t, targets, exprs, ectx, now);
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
        const r = exprs.length === 0 ? { values: [], types: [] } : evalRow(session, binder, t, targets, exprs, ectx, now);
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
  const seen = new Set<number>();
  for (const c of targets) {
    if (seen.has(c)) throw new SqlError('ER_FIELD_SPECIFIED_TWICE', `Column '${t.columns[c]!.name}' specified twice`);
    seen.add(c);
  }

  // Full, cast rows with defaults and auto-increment ids.
  const strict = session.strict && !st.ignore;
  const autoCol = t.columns.findIndex((c) => c.autoIncrement);
  let firstGenerated: bigint | null = null;
  const warnFn = (code: ErrorCodeName, msg: string): void => session.warn(code, msg);
  // A single-row INSERT … VALUES fails on a NULL for a NOT NULL column; with several rows (or a SELECT) it is a warning.
  const singleRow = query === null && rows.length === 1 && !st.ignore;
  /** Rows made full so far (row numbers in messages count on across INSERT … SELECT's batches). */
  let total = 0;
  const fullRows = (rows: readonly Value[][], rowTypes: readonly (readonly SqlType[])[]): Value[][] => {
    const full: Value[][] = [];
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
      if (autoCol >= 0) {
        const v = row[autoCol];
        if (v === null || v === 0 || v === 0n) {
          const id = session.engine.takeAutoIncrement(t, 1);
          firstGenerated ??= id;
          row[autoCol] = id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
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
    });
    total += rows.length;
    return full;
  };

  // ON DUPLICATE KEY UPDATE: assignments over [existing row…, inserted row…].
  let onDuplicate: { column: number; expr: BoundExpr }[] | undefined;
  if (st.onDuplicate) {
    const scope = {
      columns: [...tableScopeColumns(t, st.table.name), ...tableScopeColumns(t, NEW_ROW_ALIAS).map((c) => ({ ...c, usingDuplicate: true }))],
      parent: null,
    };
    onDuplicate = st.onDuplicate.map((a) => {
      const expr = rewriteValuesCalls(a.value);
      return { column: columnIndex(t, a.column.name), expr: binder.bindExpr(expr, scope, 'field list') };
    });
  }

  // Route rows to partitions by shard key.
  const db = session.engine.catalog.database(t.db)!;
  const shardTypes = t.shardKey.map((c) => t.columns[c]!.type);
  const mode = st.replace ? 'replace' : st.ignore ? 'ignore' : 'insert';
  let affected = 0;
  let duplicates = 0;
  const insertFull = async (full: readonly Value[][]): Promise<void> => {
    const byPartition = new Map<number, Value[][]>();
    full.forEach((row, i) => {
      const p = t.singlePartition ? 0 : t.shardKey.length === 0 ? (i + Math.floor(Math.random() * db.partitions)) % db.partitions : partitionOf(t.shardKey.map((c) => row[c]!), shardTypes, db.partitions);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(row);
    });
    for (const [p, prow] of [...byPartition].sort((a, b) => a[0] - b[0])) {
      const leaf = session.engine.partitionMap.leafFor(t.db, p);
      const res = await leaf.insert({ ...inputs, txnId: session.txnId, db: t.db, partition: p, tableId: t.id, rows: prow, mode, ...(onDuplicate ? { onDuplicate } : {}) });
      affected += res.affectedRows;
      duplicates += res.warnings.length;
      for (const w of res.warnings) session.warn('ER_DUP_ENTRY', w.message);
    }
  };
  await insertFull(fullRows(rows, rowTypes));
  if (query !== null) {
    const types = query.columns.map((c) => c.type);
    await query.forEachBatch(async (b) => {
      const chunk = batchRows(b);
      await insertFull(fullRows(chunk, chunk.map(() => types)));
    });
  }
  if (firstGenerated !== null) session.lastInsertId = firstGenerated <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(firstGenerated) : firstGenerated;
  session.rowCount = affected;
  const info = total > 1 || src.kind === 'query' ? `Records: ${total}  Duplicates: ${st.replace ? Math.max(0, affected - total) : duplicates}  Warnings: ${session.warnings.length}` : undefined;
  return ok(affected, { insertId: firstGenerated ?? 0, warnings: session.warnings.length, ...(info ? { info } : {}) });
}

const DEFAULT_MARK = Symbol('DEFAULT') as unknown as Value;

function evalRow(session: Session, binder: Binder, t: TableDef, targets: readonly number[], exprs: readonly A.Expr[], ectx: ReturnType<Session['execContext']>, now: string): { values: Value[]; types: SqlType[] } {
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
    values.push(evalConst(bound, ectx));
    types.push(bound.type);
  });
  return { values, types };
}

function castValue(v: Value, from: SqlType, col: ColumnDef, strict: boolean, row: number, warn: (c: ErrorCodeName, m: string) => void, now: string): Value {
  if (v === null) return null;
  return castToType(v, from, col.type, strict ? 'strict' : 'lenient', { column: col.name, row, warn, now });
}

/** VALUES(col) in ON DUPLICATE KEY UPDATE reads the row that was being inserted. */
function rewriteValuesCalls(e: A.Expr): A.Expr {
  let found = false;
  walkAst(e, (n) => {
    if (n.kind === 'call' && n.name.toUpperCase() === 'VALUES') found = true;
  });
  if (!found) return e;
  return mapAst(e);
}

function mapAst(e: A.Expr): A.Expr {
  if (e.kind === 'call' && e.name.toUpperCase() === 'VALUES' && e.args.length === 1 && e.args[0]!.kind === 'column') {
    return { kind: 'column', table: NEW_ROW_ALIAS, name: e.args[0]!.name };
  }
  switch (e.kind) {
    case 'binary':
      return { ...e, left: mapAst(e.left), right: mapAst(e.right) };
    case 'unary':
      return { ...e, operand: mapAst(e.operand) };
    case 'call':
      return { ...e, args: e.args.map(mapAst) };
    case 'case':
      return { ...e, ...(e.operand ? { operand: mapAst(e.operand) } : {}), whens: e.whens.map((w) => ({ when: mapAst(w.when), then: mapAst(w.then) })), ...(e.else ? { else: mapAst(e.else) } : {}) };
    case 'isNull':
    case 'isTruth':
      return { ...e, operand: mapAst(e.operand) };
    case 'cast':
      return { ...e, operand: mapAst(e.operand) };
    default:
      return e;
  }
}

// ───────────────────────────── UPDATE / DELETE ─────────────────────────────

/** What UPDATE / DELETE bind to; cached like a query plan, so OLTP writes skip the binder. */
interface ModifyPlan {
  readonly table: TableDef;
  readonly alias: string;
  readonly tableName: A.TableName;
  readonly filter: BoundExpr | null;
  /** expr null = DEFAULT, resolved per execution (a CURRENT_TIMESTAMP default follows the clock). */
  readonly assignments?: readonly { readonly column: number; readonly expr: BoundExpr | null }[];
  readonly orderBy?: readonly { readonly expr: BoundExpr; readonly desc: boolean }[];
  readonly limit: BoundExpr | null;
  readonly routing: Routing;
  readonly access: Access;
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
  return {
    table: t,
    alias,
    tableName,
    filter,
    ...(assignments ? { assignments } : {}),
    ...(orderBy ? { orderBy } : {}),
    limit: st.limit ? binder.bindExpr(st.limit.count, scope, 'field list') : null,
    routing: chooseRouting(t, filter),
    access: chooseAccess(t, filter),
  };
}

export async function runModify(session: Session, ps: A.ParsedStatement, st: A.Statement & { kind: 'update' | 'delete' }, params: Params): Promise<StatementResult> {
  const plan = session.cachedPlan(ps, params.types, (ctx) => planModify(session, st, ctx));
  const { table: t, alias, tableName, filter, orderBy, routing } = plan;
  const now = nowText();
  const assignments = plan.assignments?.map(({ column, expr }) => {
    const col = t.columns[column]!;
    return { column, expr: expr ?? ({ kind: 'const', value: defaultValue(session, col, now), type: col.type } satisfies BoundExpr) };
  });
  const inputs = session.execInputs(ps, params, ['database', 'last_insert_id', 'connection_id', 'user']);
  const ectx = session.execContext(inputs, () => []);
  const limit = plan.limit === null ? undefined : Number(evalConst(plan.limit, ectx));

  const db = session.engine.catalog.database(t.db)!;
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
  };
  let matched = 0;
  let changed = 0;
  const kind = st.kind;
  if (st.kind === 'update' && assignsShardKey(t, assignments)) {
    // A new shard-key value moves the row to another partition: delete + insert (shard-key-update.ts).
    ({ matched, changed } = await updateMovingRows(session, ps, params, { table: t, alias, tableName, statement: st, filter, assignments: assignments!, strict: base.strict, inputs, ectx }));
  } else if ((limit !== undefined && partitions.length > 1) || (filter !== null && !leafSafe(filter))) {
    // ORDER BY … LIMIT across partitions: pick the rows first, then modify them by primary key.
    const pk = t.indexes.find((i) => i.primary);
    if (!pk) throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support ${kind.toUpperCase()} … LIMIT on a table without a primary key`);
    const q: A.Query = {
      kind: 'select',
      distinct: false,
      items: pk.columns.map((c) => ({ kind: 'expr' as const, expr: { kind: 'column' as const, name: t.columns[c]!.name }, text: t.columns[c]!.name })),
      from: { kind: 'table', ...(tableName.db ? { db: tableName.db } : {}), name: tableName.name, ...(alias !== tableName.name ? { alias } : {}) },
      ...(st.where ? { where: st.where } : {}),
      ...(st.orderBy ? { orderBy: st.orderBy } : {}),
      ...(st.limit ? { limit: st.limit } : {}),
    };
    const picked = await session.runSubquery(ps, q, params);
    const pacer = session.pacer;
    for (const keyRow of picked.rows) {
      // One leaf call per row: share the thread, and stop here when the statement is stopped.
      if (pacer.shouldPause()) await pacer.resume();
      const keys = keyRow.map((v, i): BoundExpr => ({ kind: 'const', value: v, type: t.columns[pk.columns[i]!]!.type }));
      const p = t.shardKey.every((c) => pk.columns.includes(c))
        ? partitionOf(t.shardKey.map((c) => keyRow[pk.columns.indexOf(c)]!), shardTypes, db.partitions)
        : undefined;
      const targets = p === undefined ? partitions : [p];
      for (const part of targets) {
        const leaf = session.engine.partitionMap.leafFor(t.db, part);
        // The rows were chosen above by primary key. The leaf re-checks the filter on the locked,
        // latest version (a concurrent write may have moved the row out of the WHERE); a filter
        // with subqueries cannot run on a leaf, so there the choice above stands.
        const recheck = filter !== null && leafSafe(filter) ? filter : null;
        const r = await leaf.modify({ ...base, partitions: [part], access: { kind: 'point', index: t.indexes.indexOf(pk), keys: [keys] }, filter: recheck }, kind);
        matched += r.matched;
        changed += r.changed;
        for (const w of r.warnings) session.warn(w.code, w.message);
      }
    }
  } else {
    const access = plan.access;
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
    }
  }
  if (kind === 'delete') {
    session.rowCount = changed;
    return ok(changed, { warnings: session.warnings.length });
  }
  const foundRows = (session.conn.clientFlags & ClientFlags.FOUND_ROWS) !== 0;
  session.rowCount = foundRows ? matched : changed;
  return ok(foundRows ? matched : changed, { info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${session.warnings.length}`, warnings: session.warnings.length });
}

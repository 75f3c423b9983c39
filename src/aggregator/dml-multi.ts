/**
 * Multi-table UPDATE (`UPDATE t1 JOIN t2 ON … SET t1.a = …, t2.b = … WHERE …`, or a comma list)
 * and DELETE (`DELETE t1, t2 FROM t1 JOIN t2 …`, `DELETE FROM t1 USING t1 JOIN t2 …`).
 * The join runs first as a locking read that yields, per target table, the key naming each row
 * (and its shard key) and the values its assignments compute; then each target row is written
 * once by that key through the leaf's modify path, with those values as constants (plain data
 * across the leaf protocol). A row the join matches several times is changed once, with the
 * values of its first match (MySQL). The whole statement is one transaction: the caller's
 * write transaction undoes every write if any fails.
 */
import type * as A from '../sql/ast.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import { SqlError } from '../common/errors.js';
import { assertNever } from '../common/assert.js';
import type { TableDef } from '../cluster/catalog.js';
import { partitionOf } from '../cluster/sharding.js';
import { Binder } from '../planner/binder.js';
import { chooseRouting, distribute } from '../planner/distribute.js';
import { sessionNamesOf } from '../planner/session-names.js';
import type { ColumnValue, ExecInputs } from '../net/leaf-api.js';
import type { ExecContext } from '../exec/index.js';
import type { StatementResult } from './mysql/session-api.js';
import type { Session, QueryPlan } from './session.js';
import { nowText, ok, type Params } from './statement-results.js';
import { collectTableRefs } from './statement-tables.js';
import { columnIndex, defaultValue, foundRows, rowKey, touchedColumns } from './dml-rows.js';

/** A table of the UPDATE's FROM, by the name its columns are qualified with. */
interface Source {
  readonly alias: string;
  readonly table: TableDef;
}

/** A table the SET writes, its assignments, and where its columns sit in the join's rows. */
interface Target {
  readonly source: Source;
  readonly key: readonly number[];
  readonly keyIndex: number;
  readonly assignments: { readonly column: number; readonly value: A.Expr | null }[];
  /** Row position of the first key column; the shard key, then the assigned values follow. */
  offset: number;
}

type MultiUpdate = A.Statement & { kind: 'update' };

export async function runMultiUpdate(session: Session, ps: A.ParsedStatement, st: MultiUpdate, params: Params): Promise<StatementResult> {
  if (st.orderBy) throw new SqlError('ER_WRONG_USAGE', 'Incorrect usage of UPDATE and ORDER BY');
  if (st.limit) throw new SqlError('ER_WRONG_USAGE', 'Incorrect usage of UPDATE and LIMIT');
  const sources: Source[] = [];
  collectSources(session, st.table, sources);
  const targets = targetsOf(st, sources);
  refuseSubqueriesOn(session, [st.set.map((a) => a.value), st.where ?? null], targets);
  const { rows, types } = await readJoin(session, ps, params, st.table, st.where, targets);
  const now = nowText();
  const inputs = session.execInputs(ps, params, []);
  const ectx = session.execContext(inputs, () => []);
  const strict = session.strict && !st.ignore;
  let matched = 0;
  let changed = 0;
  for (const tg of targets) {
    const t = tg.source.table;
    const defaults = tg.assignments.map((a) => (a.value === null ? defaultValue(session, t.columns[a.column]!, now) : undefined));
    const first = tg.offset + tg.key.length + shardColumns(t).length;
    const assign = (row: readonly Value[]): { column: number; expr: BoundExpr }[] =>
      tg.assignments.map((a, i) => {
        if (a.value === null) return { column: a.column, expr: { kind: 'const', value: defaults[i]!, type: t.columns[a.column]!.type } };
        return { column: a.column, expr: { kind: 'const', value: row[first + i]!, type: types[first + i]! } };
      });
    const r = await writeTargetRows(session, inputs, ectx, rows, tg, 'update', assign, strict, touchedColumns(t, tg.assignments, now));
    matched += r.matched;
    changed += r.changed;
  }
  return ok(foundRows(session) ? matched : changed, { insertId: session.insertIdArg ?? 0, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${session.warnings.length}`, warnings: session.warnings.length });
}

/**
 * The join's rows, read with row locks: per target its key, its shard key and its assigned
 * values (sets each target's offset). The plan is cached under the statement's own key.
 */
async function readJoin(session: Session, ps: A.ParsedStatement, params: Params, from: A.TableRef, where: A.Expr | undefined, targets: Target[]): Promise<{ rows: Value[][]; types: readonly SqlType[] }> {
  const items: A.SelectItem[] = [];
  const col = (alias: string, name: string): A.SelectItem => ({ kind: 'expr', expr: { kind: 'column', table: alias, name }, text: name });
  for (const tg of targets) {
    const t = tg.source.table;
    tg.offset = items.length;
    for (const c of tg.key) items.push(col(tg.source.alias, t.columns[c]!.name));
    for (const c of shardColumns(t)) items.push(col(tg.source.alias, t.columns[c]!.name));
    for (const a of tg.assignments) items.push(a.value === null ? { kind: 'expr', expr: { kind: 'literal', value: { type: 'null' }, slot: -1 }, text: 'NULL' } : { kind: 'expr', expr: a.value, text: 'v' });
  }
  const join: A.Select = { kind: 'select', distinct: false, items, from, ...(where ? { where } : {}), lock: 'update' };
  const qp = session.cachedPlan<QueryPlan & { readonly types: readonly SqlType[] }>(ps, params.types, (ctx) => {
    const bound = new Binder(ctx).bindQuery(join);
    const plan = distribute(bound.plan);
    return { plan, columns: bound.columns, sessionNames: sessionNamesOf(plan), types: bound.columns.map((c) => c.type) };
  });
  return { rows: await session.executePlan(qp, ps, params, true), types: qp.types };
}

/** Writes (or deletes) each target row of the join once, by its key, on the partition that holds it. */
async function writeTargetRows(
  session: Session,
  inputs: ExecInputs,
  ectx: ExecContext,
  rows: readonly Value[][],
  tg: Target,
  kind: 'update' | 'delete',
  assign: (row: readonly Value[]) => { column: number; expr: BoundExpr }[],
  strict: boolean,
  touch: readonly ColumnValue[] = [],
): Promise<{ matched: number; changed: number }> {
  const t = tg.source.table;
  const db = session.engine.catalog.database(t.db)!;
  const shard = shardColumns(t);
  const shardTypes = shard.map((c) => t.columns[c]!.type);
  const k = tg.key.length;
  const s = shard.length;
  // Rows not placed by a shard key: wherever the table keeps them (one partition, or each).
  const unplaced = s > 0 ? [] : session.engine.cursor.partitionsFor(t.db, chooseRouting(t, null), [], ectx);
  const seen = new Set<string>();
  const pacer = session.pacer;
  let matched = 0;
  let changed = 0;
  for (const row of rows) {
    const keyValues = row.slice(tg.offset, tg.offset + k);
    // An outer join's missing side has no row to write.
    if (keyValues.some((v) => v === null)) continue;
    const id = rowIdentity(keyValues);
    if (seen.has(id)) continue;
    seen.add(id);
    // One leaf call per row: share the thread, and stop here when the statement is stopped.
    if (pacer.shouldPause()) await pacer.resume();
    const keys = tg.key.map((c, i): BoundExpr => ({ kind: 'const', value: keyValues[i]!, type: t.columns[c]!.type }));
    const parts = s > 0 ? [partitionOf(row.slice(tg.offset + k, tg.offset + k + s), shardTypes, db.partitions)] : unplaced;
    for (const p of parts) {
      const leaf = session.engine.partitionMap.leafFor(t.db, p);
      const r = await leaf.modify(
        {
          ...inputs,
          txnId: session.txnId,
          db: t.db,
          tableId: t.id,
          columnNames: t.columns.map((c) => c.name),
          shardKey: t.shardKey,
          strict,
          ...(kind === 'update' ? { assignments: assign(row) } : {}),
          ...(touch.length > 0 ? { touch } : {}),
          partitions: [p],
          access: { kind: 'point', index: tg.keyIndex, keys: [keys] },
          filter: null,
        },
        kind,
      );
      matched += r.matched;
      changed += r.changed;
      for (const w of r.warnings) session.warn(w.code, w.message);
      if (r.lastInsertId !== undefined) session.setInsertIdArg(r.lastInsertId);
    }
  }
  return { matched, changed };
}

type MultiDelete = A.Statement & { kind: 'deleteMulti' };

/**
 * Multi-table DELETE: the join is read first (with row locks) for each target's row keys, then
 * each target row is deleted once by its key. Affected rows: the rows deleted, over all targets.
 */
export async function runMultiDelete(session: Session, ps: A.ParsedStatement, st: MultiDelete, params: Params): Promise<StatementResult> {
  const sources: Source[] = [];
  collectSources(session, st.from, sources);
  const targets: Target[] = [];
  for (const name of st.targets) {
    const source = sources.find((s) => s.alias.toLowerCase() === name.name.toLowerCase() && (name.db === undefined || s.table.db.toLowerCase() === name.db.toLowerCase()));
    if (!source) throw new SqlError('ER_UNKNOWN_TABLE', `Unknown table '${name.name}' in MULTI DELETE`);
    if (targets.some((x) => x.source === source)) continue;
    const key = rowKey(source.table);
    if (!key) throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support a multi-table DELETE from a table without a primary key (or a unique key on NOT NULL columns): '${source.table.name}'`);
    targets.push({ source, key: key.columns, keyIndex: source.table.indexes.indexOf(key), assignments: [], offset: 0 });
  }
  refuseSubqueriesOn(session, [st.where ?? null], targets);
  const { rows } = await readJoin(session, ps, params, st.from, st.where, targets);
  const inputs = session.execInputs(ps, params, []);
  const ectx = session.execContext(inputs, () => []);
  let deleted = 0;
  for (const tg of targets) {
    deleted += (await writeTargetRows(session, inputs, ectx, rows, tg, 'delete', () => [], session.strict)).changed;
  }
  return ok(deleted, { warnings: session.warnings.length });
}

/** The base tables of the FROM (derived tables and CTEs are read, never written). */
function collectSources(session: Session, ref: A.TableRef, out: Source[]): void {
  switch (ref.kind) {
    case 'table': {
      const alias = ref.alias ?? ref.name;
      if (out.some((s) => s.alias.toLowerCase() === alias.toLowerCase())) throw new SqlError('ER_NON_UNIQ_TABLE', `Not unique table/alias: '${alias}'`);
      out.push({ alias, table: session.table(ref) });
      return;
    }
    case 'join':
      collectSources(session, ref.left, out);
      collectSources(session, ref.right, out);
      return;
    case 'derived':
    case 'cte':
      return;
    default:
      return assertNever(ref, 'table reference');
  }
}

/** Each SET column's table: by its qualifier, else the one FROM table that has the column (1052 if several). */
function targetsOf(st: MultiUpdate, sources: readonly Source[]): Target[] {
  const targets: Target[] = [];
  for (const a of st.set) {
    const q = a.column.table;
    let source: Source | undefined;
    if (q !== undefined) {
      source = sources.find((s) => s.alias.toLowerCase() === q.toLowerCase());
      if (!source) throw new SqlError('ER_BAD_FIELD', `Unknown column '${q}.${a.column.name}' in 'field list'`);
    } else {
      const having = sources.filter((s) => s.table.columns.some((c) => c.name.toLowerCase() === a.column.name.toLowerCase()));
      if (having.length > 1) throw new SqlError('ER_NON_UNIQ_FIELD', `Column '${a.column.name}' in field list is ambiguous`);
      source = having[0];
      if (!source) throw new SqlError('ER_BAD_FIELD', `Unknown column '${a.column.name}' in 'field list'`);
    }
    let tg = targets.find((x) => x.source === source);
    if (!tg) {
      const t = source.table;
      const key = rowKey(t);
      if (!key) throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support a multi-table UPDATE of a table without a primary key (or a unique key on NOT NULL columns): '${t.name}'`);
      tg = { source, key: key.columns, keyIndex: t.indexes.indexOf(key), assignments: [], offset: 0 };
      targets.push(tg);
    }
    const column = columnIndex(source.table, a.column.name);
    if (source.table.shardKey.includes(column) && !source.table.singlePartition && !source.table.reference) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support a multi-table UPDATE of a shard-key column");
    }
    tg.assignments.push({ column, value: a.value.kind === 'default' ? null : a.value });
  }
  return targets;
}

/** MySQL's 1093: a subquery in SET or WHERE may not read a table the statement writes (the message says update for DELETE too). */
function refuseSubqueriesOn(session: Session, exprs: unknown, targets: readonly Target[]): void {
  const written = targets.map((tg) => tg.source.table);
  collectTableRefs(exprs, (ref) => {
    const db = (ref.db ?? session.db ?? '').toLowerCase();
    const hit = written.find((t) => t.db.toLowerCase() === db && t.name.toLowerCase() === ref.name.toLowerCase());
    if (hit) throw new SqlError('ER_UPDATE_TABLE_USED', `You can't specify target table '${hit.name}' for update in FROM clause`);
  });
}

/** The columns rows are placed by (none for a single-partition or reference table). */
function shardColumns(t: TableDef): readonly number[] {
  return !t.singlePartition && !t.reference && t.shardKey.length > 0 ? t.shardKey : [];
}


/** Exact identity of a row's key values (the bytes stored, so a case-insensitive key is still one row). */
function rowIdentity(values: readonly Value[]): string {
  return values.map((v) => (v === null ? 'n' : v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v + ':' + String(v))).join('\u0000');
}

import type * as A from '../../sql/ast.js';
import { parseOne, quoteIdent } from '../../sql/index.js';
import type { TableDef } from '../../cluster/catalog.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { castToType } from '../../common/cast.js';
import { SqlError } from '../../common/errors.js';
import type { ErrorCodeName } from '../../common/error-codes.js';
import { assertNever } from '../../common/assert.js';
import type { StatementResult } from '../mysql/session-api.js';
import type { LeafApi, LeafIndexSchema } from '../../net/leaf-api.js';
import type { Session } from '../session.js';
import { nowText, ok } from '../statement-results.js';
import { planAlter } from './alter.js';
import { copyInto, createAndFill } from './rebuild.js';
import { buildTableDef, shardKeyWarning, type CreateTable } from './table-def.js';

/**
 * ALTER TABLE, RENAME TABLE and CREATE TABLE … SELECT on the aggregator, built from the
 * primitives every DDL already uses (leaf createTable/dropTable/addIndex/dropIndex, inserts in a
 * transaction, catalog addTable/replaceTable/swapTable/removeTable), so the durable catalog and leaf logs
 * need no special case. A column change copies the rows into a new table (rebuild.ts) and swaps
 * the catalog entry only once the copy is committed.
 */

function dbName(session: Session, name: A.TableName): string {
  const db = name.db ?? session.db;
  if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
  const def = session.engine.catalog.database(db);
  if (!def) throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
  return def.name;
}

function existing(session: Session, name: A.TableName): TableDef {
  const db = dbName(session, name);
  const t = session.engine.catalog.table(db, name.name);
  if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name.name}' doesn't exist`);
  return t;
}

function info(records: number, warnings: number): string {
  return `Records: ${records}  Duplicates: 0  Warnings: ${warnings}`;
}

// ───────────────────────────── ALTER TABLE ─────────────────────────────

/** The rows go to other partitions: the shard key's columns (by name) or the one-partition rule changed. */
function movedPartitions(a: TableDef, b: TableDef): boolean {
  const names = (t: TableDef): string => t.shardKey.map((c) => t.columns[c]!.name.toLowerCase()).join(',');
  return (a.singlePartition === true) !== (b.singlePartition === true) || names(a) !== names(b);
}

export async function runAlterTable(session: Session, st: Extract<A.Statement, { kind: 'alterTable' }>): Promise<StatementResult> {
  const engine = session.engine;
  const catalog = engine.catalog;
  const t = existing(session, st.table);
  const plan = planAlter(t, st.actions);
  const target = plan.renameTo ? { db: dbName(session, plan.renameTo), name: plan.renameTo.name } : { db: t.db, name: t.name };
  const renamed = target.db.toLowerCase() !== t.db.toLowerCase() || target.name.toLowerCase() !== t.name.toLowerCase();
  if (renamed && catalog.table(target.db, target.name)) throw new SqlError('ER_TABLE_EXISTS', `Table '${target.name}' already exists`);
  const moved = target.db.toLowerCase() !== t.db.toLowerCase();

  // The in-place path builds new indexes before it drops old ones, so one ALTER cannot drop an
  // index and add another of the same name there: such a redefinition copies the table.
  const { added, dropped } = indexChanges(t, plan.def);
  const redefined = added.some((a) => dropped.some((d) => d.name.toLowerCase() === a.name.toLowerCase()));
  if (plan.rebuild || moved || redefined) {
    const now = nowText();
    const next: TableDef = { ...plan.def, id: catalog.allocateTableId(), db: target.db, name: target.name };
    const oldNext = engine.nextAutoIncrement(t);
    const res = await copyInto(session, t, next, plan.sources, { strict: session.strict, now, autoStart: oldNext });
    // Swap: the catalog names the new table, then the old one goes from the leaves.
    let counter = plan.autoIncrement ?? oldNext;
    if (res.maxAuto !== null && res.maxAuto + 1n > counter) counter = res.maxAuto + 1n;
    if (renamed) {
      catalog.swapTable(t, next);
    } else {
      catalog.replaceTable(next);
    }
    engine.setAutoIncrement(next.id, counter);
    for (const leaf of engine.partitionMap.leaves()) await leaf.dropTable(t.db, t.id);
    engine.log.info({ db: next.db, table: next.name, oldId: t.id, newId: next.id, rows: res.rows }, 'table rebuilt by ALTER TABLE');
    // New unique keys chose another shard key (or one partition): say so, as CREATE TABLE does.
    const placement = movedPartitions(t, next) ? shardKeyWarning(next) : undefined;
    if (placement !== undefined) session.warn('ER_NONUNIQ_SHARD_KEY', placement);
    return ok(res.rows, { info: info(res.rows, res.warnings + (placement !== undefined ? 1 : 0)), warnings: session.warnings.length });
  }

  // In place: the new secondary indexes are built on the leaves first (sharing the thread; KILL
  // QUERY or a duplicate stops the build and those built so far go again), then the dropped
  // ones go and the catalog follows. Adds before drops: a failed ALTER leaves every index where
  // it was, and the leaves' order of indexes stays the catalog's.
  const leaves = engine.partitionMap.leaves();
  const leafIndex = (ix: TableDef['indexes'][number]): LeafIndexSchema => ({ name: ix.name, columns: ix.columns, unique: ix.unique, primary: false });
  const built: { leaf: LeafApi; name: string }[] = [];
  try {
    for (const ix of added) {
      for (const leaf of leaves) {
        await leaf.addIndex(t.db, t.id, leafIndex(ix), session.statementIds());
        built.push({ leaf, name: ix.name });
      }
    }
  } catch (e) {
    for (const b of built.reverse()) await b.leaf.dropIndex(t.db, t.id, b.name).catch(() => undefined);
    throw e;
  }
  for (const ix of dropped) for (const leaf of leaves) await leaf.dropIndex(t.db, t.id, ix.name);
  // The leaves append an added index after the ones they have: the catalog lists them in the
  // same order, since plans name an index by its position.
  const newKeys = new Set(plan.def.indexes.map(indexKey));
  const kept = t.indexes.filter((ix) => ix.primary || newKeys.has(indexKey(ix))).map((ix) => plan.def.indexes.find((n) => indexKey(n) === indexKey(ix))!);
  const next: TableDef = { ...plan.def, name: target.name, indexes: [...kept, ...added] };
  if (renamed) {
    catalog.swapTable(t, next);
  } else {
    catalog.replaceTable(next);
  }
  if (plan.autoIncrement !== undefined) await setAutoIncrementAtLeastMax(session, next, plan.autoIncrement);
  return ok(0, { info: info(0, 0) });
}

/** An index by what the leaves hold of it: name, columns, uniqueness. */
function indexKey(ix: TableDef['indexes'][number]): string {
  return `${ix.name.toLowerCase()}|${ix.columns.join(',')}|${ix.unique}`;
}

/** The secondary indexes `def` has and `t` lacks, and the other way round. */
function indexChanges(t: TableDef, def: TableDef): { added: TableDef['indexes']; dropped: TableDef['indexes'] } {
  const oldKeys = new Set(t.indexes.map(indexKey));
  const newKeys = new Set(def.indexes.map(indexKey));
  return { added: def.indexes.filter((ix) => !ix.primary && !oldKeys.has(indexKey(ix))), dropped: t.indexes.filter((ix) => !ix.primary && !newKeys.has(indexKey(ix))) };
}

/** AUTO_INCREMENT = n: InnoDB never goes below max(column) + 1, so a lower n gives that. */
async function setAutoIncrementAtLeastMax(session: Session, t: TableDef, n: bigint): Promise<void> {
  const col = t.columns.find((c) => c.autoIncrement);
  let floor = 1n;
  if (col) {
    const ps = parseOne(`SELECT MAX(${quoteIdent(col.name)}) FROM ${quoteIdent(t.db)}.${quoteIdent(t.name)}`);
    const r = await session.runSubquery(ps, ps.statement as A.Query, { values: [], types: [] });
    const v = r.rows[0]?.[0];
    if (typeof v === 'number' || typeof v === 'bigint') floor = BigInt(v) + 1n;
  }
  session.engine.setAutoIncrement(t.id, n > floor ? n : floor);
}

// ───────────────────────────── RENAME TABLE ─────────────────────────────

/**
 * RENAME TABLE a TO b [, c TO d …]: checked as a whole first (so `a TO tmp, b TO a, tmp TO b`
 * swaps), then applied pair by pair. Within a database only the catalog entry changes; a move to
 * another database copies the rows (its partitions are other partitions).
 */
export async function runRenameTable(session: Session, st: Extract<A.Statement, { kind: 'renameTable' }>): Promise<StatementResult> {
  const catalog = session.engine.catalog;
  const names = new Map<string, boolean>(); // db.table (lower) → exists after the pairs so far
  const exists = (db: string, name: string): boolean => names.get(`${db}.${name}`.toLowerCase()) ?? catalog.table(db, name) !== undefined;
  const pairs = st.pairs.map((p) => ({ fromDb: dbName(session, p.from), from: p.from.name, toDb: dbName(session, p.to), to: p.to.name }));
  for (const p of pairs) {
    if (!exists(p.fromDb, p.from)) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${p.fromDb}.${p.from}' doesn't exist`);
    if (exists(p.toDb, p.to)) throw new SqlError('ER_TABLE_EXISTS', `Table '${p.to}' already exists`);
    names.set(`${p.fromDb}.${p.from}`.toLowerCase(), false);
    names.set(`${p.toDb}.${p.to}`.toLowerCase(), true);
  }
  for (const p of pairs) {
    const t = catalog.table(p.fromDb, p.from)!;
    if (p.fromDb.toLowerCase() === p.toDb.toLowerCase()) {
      // The new name first: a crash in between leaves a second name, never a lost table.
      catalog.swapTable(t, { ...t, name: p.to });
    } else {
      await runAlterTable(session, { kind: 'alterTable', table: { db: p.fromDb, name: p.from }, actions: [{ kind: 'renameTable', to: { db: p.toDb, name: p.to } }] });
    }
  }
  return ok(0);
}

// ───────────────────────────── CREATE TABLE … SELECT ─────────────────────────────

/** A TypeName that gives back this SQL type (CREATE TABLE … SELECT columns take the SELECT's types). */
function typeNameOf(t: SqlType): A.TypeName {
  const base = { args: [] as number[], unsigned: false, zerofill: false };
  switch (t.kind) {
    case 'int': {
      const names = { 1: 'TINYINT', 2: 'SMALLINT', 3: 'MEDIUMINT', 4: 'INT', 8: 'BIGINT' } as const;
      return { ...base, name: names[t.bytes], args: t.display === 1 && t.bytes === 1 ? [1] : [], unsigned: t.unsigned };
    }
    case 'decimal':
      return { ...base, name: 'DECIMAL', args: [Math.max(t.precision, 1), t.scale], unsigned: t.unsigned === true };
    case 'float':
      return { ...base, name: 'FLOAT' };
    case 'double':
      return { ...base, name: 'DOUBLE' };
    case 'string': {
      if (t.family === 'char' || t.family === 'varchar') {
        // MySQL turns string expressions longer than 512 characters into TEXT/BLOB.
        if (t.length > 512 && t.family === 'varchar') return { ...base, name: t.binary ? 'BLOB' : 'TEXT', args: [t.length] };
        const name = t.family === 'char' ? (t.binary ? 'BINARY' : 'CHAR') : t.binary ? 'VARBINARY' : 'VARCHAR';
        return { ...base, name, args: [t.length] };
      }
      const text = { tinytext: 'TINY', text: '', mediumtext: 'MEDIUM', longtext: 'LONG' } as const;
      return { ...base, name: text[t.family] + (t.binary ? 'BLOB' : 'TEXT') };
    }
    case 'date':
      return { ...base, name: 'DATE' };
    case 'datetime':
    case 'timestamp':
    case 'time':
      return { ...base, name: t.kind.toUpperCase(), args: t.fsp > 0 ? [t.fsp] : [] };
    case 'year':
      return { ...base, name: 'YEAR' };
    case 'json':
      return { ...base, name: 'JSON' };
    case 'enum':
      return { ...base, name: 'ENUM', values: t.values };
    case 'null':
      // SELECT NULL gives a BINARY(0) column in MySQL.
      return { ...base, name: 'BINARY', args: [0] };
    default:
      return assertNever(t, 'type');
  }
}

/**
 * Positions of a plain SELECT's items that are non-NULL literals: MySQL makes such columns NOT
 * NULL (`CREATE TABLE t AS SELECT 0 AS n`). Other expressions are taken as NULL-able.
 */
function notNullLiterals(q: A.Query): Set<number> {
  const out = new Set<number>();
  if (q.kind !== 'select' || q.items.some((it) => it.kind === 'star')) return out;
  q.items.forEach((it, i) => {
    if (it.kind !== 'expr') return;
    let e = it.expr;
    while (e.kind === 'unary' && e.op === '-') e = e.operand;
    if (e.kind === 'literal' && e.value.type !== 'null') out.add(i);
  });
  return out;
}

/** The literal tokens of a query, by slot, so it can run on its own (DDL gets no parsed statement). */
function literalsOf(q: A.Query): A.Literal[] {
  const out: A.Literal[] = [];
  const seen = new Set<object>();
  const visit = (x: unknown, depth: number): void => {
    if (x === null || typeof x !== 'object' || seen.has(x) || depth > 10_000) return;
    seen.add(x);
    const o = x as { kind?: unknown; slot?: unknown; value?: unknown };
    if (o.kind === 'literal' && typeof o.slot === 'number' && o.slot >= 0) out[o.slot] = o.value as A.Literal;
    for (const v of Array.isArray(x) ? x : Object.values(x)) visit(v, depth + 1);
  };
  visit(q, 0);
  for (let i = 0; i < out.length; i++) out[i] ??= { type: 'null' };
  return out;
}

/**
 * CREATE TABLE t [(defs…)] [AS] SELECT …: the SELECT runs first; its columns follow the defined
 * ones (a defined column of the same name takes the selected values), typed as the SELECT types
 * them, NULL-able unless the SELECT column cannot be NULL. Rows are cast as INSERT would cast them.
 */
export async function runCreateTableSelect(session: Session, st: CreateTable & { asQuery: A.Query }): Promise<StatementResult> {
  const engine = session.engine;
  const db = dbName(session, st.table);
  const ps: A.ParsedStatement = { statement: st.asQuery, text: '', cacheKey: '', literals: literalsOf(st.asQuery), paramCount: 0 };
  const result = await session.runSubquery(ps, st.asQuery, { values: [], types: [] });
  const seen = new Set<string>();
  for (const c of result.columns) {
    if (seen.has(c.name.toLowerCase())) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${c.name}'`);
    seen.add(c.name.toLowerCase());
  }
  // MySQL's order: the defined columns the SELECT does not name, then the SELECT's columns (a
  // defined column of the same name keeps its definition but takes the SELECT's place).
  const defined = new Map(st.columns.map((c) => [c.name.toLowerCase(), c] as const));
  const selected = new Set(result.columns.map((c) => c.name.toLowerCase()));
  const literal = notNullLiterals(st.asQuery);
  const fromSelect: A.ColumnDef[] = result.columns.map(
    (c, i) =>
      defined.get(c.name.toLowerCase()) ?? {
        name: c.name,
        type: typeNameOf(c.type),
        nullable: !literal.has(i) && (c.nullable || c.type.kind === 'null'),
        autoIncrement: false,
        primaryKey: false,
        unique: false,
      },
  );
  const create: CreateTable = { ...st, columns: [...st.columns.filter((c) => !selected.has(c.name.toLowerCase())), ...fromSelect] };
  delete (create as { asQuery?: A.Query }).asQuery;
  const built = buildTableDef(create, { db, id: engine.catalog.allocateTableId(), now: nowText().slice(0, 19), collation: engine.catalog.database(db)!.collation });
  const def = built.def;
  // Where each table column's value comes from: a SELECT column, or the column's default.
  const position = new Map(result.columns.map((c, i) => [c.name.toLowerCase(), i] as const));
  const strict = session.strict;
  const now = nowText();
  let warnings = 0;
  const warn = (code: ErrorCodeName, msg: string): void => {
    warnings++;
    session.warn(code, msg);
  };
  let nextAuto = built.autoIncrementStart;
  const fill = await createAndFill(session, def, async (emit) => {
    let n = 0;
    for (const r of result.rows) {
      n++;
      const row: Value[] = def.columns.map((col) => {
        const i = position.get(col.name.toLowerCase());
        let v: Value = i === undefined ? (col.default.kind === 'value' ? col.default.value : null) : r[i]!;
        if (i !== undefined && v !== null) v = castToType(v, result.columns[i]!.type, col.type, strict ? 'strict' : 'lenient', { column: col.name, row: n, warn, now });
        if (col.autoIncrement && (v === null || v === 0 || v === 0n)) {
          const id = nextAuto++;
          return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
        }
        if (v === null && !col.nullable) {
          if (strict) throw new SqlError('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
          warn('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
          return col.type.kind === 'string' ? '' : 0;
        }
        return v;
      });
      await emit(row);
    }
  });
  engine.catalog.addTable(def);
  let counter = nextAuto;
  if (fill.maxAuto !== null && fill.maxAuto + 1n > counter) counter = fill.maxAuto + 1n;
  engine.setAutoIncrement(def.id, counter);
  return ok(fill.rows, { info: info(fill.rows, warnings), warnings: session.warnings.length });
}

import type * as A from '../sql/ast.js';
import { SqlError } from '../common/errors.js';
import type { TableDef } from '../cluster/catalog.js';
import { buildTableDef, leafSchema, tableDefLike } from './ddl/table-def.js';
import { runAlterTable, runCreateTableSelect, runRenameTable } from './ddl/alter-table.js';
import type { StatementResult } from './mysql/session-api.js';
import type { Session } from './session.js';
import { nowText, ok } from './statement-results.js';
import { INFORMATION_SCHEMA } from './admin/information-schema.js';
import { runViewDdl } from './ddl/views.js';
import type { Engine } from './engine.js';
import type { LeafApi, LeafIndexSchema } from '../net/leaf-api.js';

export function isDdl(st: A.Statement): boolean {
  return ['createDatabase', 'dropDatabase', 'createTable', 'createTableLike', 'dropTable', 'truncate', 'createIndex', 'dropIndex', 'alterTable', 'renameTable', 'createView', 'alterView', 'dropView'].includes(st.kind);
}


function dbOf(session: Session, name: { db?: string }): string {
  const db = name.db ?? session.db;
  if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
  if (db.toLowerCase() === INFORMATION_SCHEMA) throw new SqlError('ER_DBACCESS_DENIED', `Access denied for user '${session.conn.user}'@'%' to database '${INFORMATION_SCHEMA}'`);
  if (!session.engine.catalog.database(db)) throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
  return session.engine.catalog.database(db)!.name;
}

function tableOf(session: Session, name: A.TableName): TableDef {
  const db = dbOf(session, name);
  const t = session.engine.catalog.table(db, name.name);
  if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name.name}' doesn't exist`);
  return t;
}

/** Creates a table in the catalog and its partitions on every leaf. */
async function createTable(session: Session, def: TableDef, autoIncrementStart: bigint): Promise<void> {
  const engine = session.engine;
  const db = engine.catalog.database(def.db)!;
  engine.catalog.addTable(def);
  engine.setAutoIncrement(def.id, autoIncrementStart);
  const schema = leafSchema(def);
  for (const leaf of engine.partitionMap.leaves()) {
    await leaf.createTable(def.db, engine.partitionsOn(leaf, db.partitions, def.db), schema);
  }
}

/** MySQL's rule for a new database's name: 1 to 64 characters, not ending in a space (1102 otherwise). */
function checkDatabaseName(name: string): void {
  if (name.length === 0 || name.endsWith(' ') || [...name].length > 64) throw new SqlError('ER_WRONG_DB_NAME', `Incorrect database name '${name}'`);
}

export async function runDdl(session: Session, st: A.Statement): Promise<StatementResult> {
  const engine = session.engine;
  const catalog = engine.catalog;
  switch (st.kind) {
    case 'createDatabase': {
      checkDatabaseName(st.name);
      if (st.name.toLowerCase() === INFORMATION_SCHEMA || catalog.database(st.name)) {
        if (st.ifNotExists) {
          session.warn('ER_DB_CREATE_EXISTS', `Can't create database '${st.name}'; database exists`, 'Note');
          return ok(0, { warnings: session.warnings.length });
        }
        throw new SqlError('ER_DB_CREATE_EXISTS', `Can't create database '${st.name}'; database exists`);
      }
      const partitions = Number(st.options['PARTITIONS'] ?? engine.opts.partitionsPerDatabase);
      catalog.createDatabase(st.name, { partitions });
      for (const leaf of engine.partitionMap.leaves()) await leaf.createDatabase(st.name, engine.partitionsOn(leaf, partitions, st.name));
      engine.log.info({ db: st.name, partitions }, 'database created');
      return ok(1);
    }
    case 'dropDatabase': {
      const db = catalog.database(st.name);
      if (!db) {
        if (st.ifExists) {
          session.warn('ER_DB_DROP_EXISTS', `Can't drop database '${st.name}'; database doesn't exist`, 'Note');
          return ok(0, { warnings: session.warnings.length });
        }
        throw new SqlError('ER_DB_DROP_EXISTS', `Can't drop database '${st.name}'; database doesn't exist`);
      }
      const tables = db.tables.size;
      catalog.dropDatabase(st.name);
      for (const leaf of engine.partitionMap.leaves()) await leaf.dropDatabase(db.name);
      if (session.db?.toLowerCase() === db.name.toLowerCase()) session.db = null;
      engine.log.info({ db: db.name }, 'database dropped');
      return ok(tables);
    }
    case 'createTable': {
      const db = dbOf(session, st.table);
      if (catalog.table(db, st.table.name) || catalog.view(db, st.table.name)) {
        if (st.ifNotExists) {
          session.warn('ER_TABLE_EXISTS', `Table '${st.table.name}' already exists`, 'Note');
          return ok(0, { warnings: session.warnings.length });
        }
        throw new SqlError('ER_TABLE_EXISTS', `Table '${st.table.name}' already exists`);
      }
      if (st.asQuery) return runCreateTableSelect(session, { ...st, asQuery: st.asQuery });
      const built = buildTableDef(st, { db, id: catalog.allocateTableId(), now: nowText().slice(0, 19), collation: catalog.database(db)!.collation });
      await createTable(session, built.def, built.autoIncrementStart);
      for (const w of built.collationWarnings) session.warn('ER_NOT_SUPPORTED_YET', w);
      if (built.shardKeyWarning !== undefined) session.warn('ER_NONUNIQ_SHARD_KEY', built.shardKeyWarning);
      return ok(0, { warnings: session.warnings.length });
    }
    case 'createTableLike': {
      const src = tableOf(session, st.like);
      const db = dbOf(session, st.table);
      if (catalog.table(db, st.table.name) || catalog.view(db, st.table.name)) {
        if (st.ifNotExists) {
          session.warn('ER_TABLE_EXISTS', `Table '${st.table.name}' already exists`, 'Note');
          return ok(0, { warnings: session.warnings.length });
        }
        throw new SqlError('ER_TABLE_EXISTS', `Table '${st.table.name}' already exists`);
      }
      await createTable(session, tableDefLike(src, db, st.table.name, catalog.allocateTableId(), nowText().slice(0, 19)), 1n);
      return ok(0);
    }
    case 'dropTable': {
      const missing: string[] = [];
      const found: TableDef[] = [];
      for (const name of st.tables) {
        const db = name.db ?? session.db;
        if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
        const t = catalog.table(db, name.name);
        if (t) found.push(t);
        else missing.push(`${db}.${name.name}`);
      }
      if (missing.length && !st.ifExists) throw new SqlError('ER_BAD_TABLE', `Unknown table '${missing.join(',')}'`);
      for (const t of found) {
        catalog.removeTable(t.db, t.name);
        for (const leaf of engine.partitionMap.leaves()) await leaf.dropTable(t.db, t.id);
      }
      for (const m of missing) session.warn('ER_BAD_TABLE', `Unknown table '${m}'`, 'Note');
      return ok(0, { warnings: session.warnings.length });
    }
    case 'truncate': {
      const t = tableOf(session, st.table);
      for (const leaf of engine.partitionMap.leaves()) await leaf.truncateTable(t.db, t.id);
      engine.setAutoIncrement(t.id, 1n);
      return ok(0);
    }
    // CREATE INDEX / DROP INDEX are ALTER TABLE … ADD INDEX / DROP INDEX.
    case 'createIndex':
      return runAlterTable(session, { kind: 'alterTable', table: st.table, actions: [{ kind: 'addIndex', index: st.index }] });
    case 'dropIndex':
      return runAlterTable(session, { kind: 'alterTable', table: st.table, actions: [{ kind: 'dropIndex', name: st.name }] });
    case 'alterTable':
      return runAlterTable(session, st);
    case 'renameTable':
      return runRenameTable(session, st);
    case 'createView':
    case 'alterView':
    case 'dropView':
      return runViewDdl(session, st);
    default:
      throw new SqlError('ER_INTERNAL_ERROR', `not a DDL statement: ${st.kind}`);
  }
}

// ───────────────────────────── after a restart ─────────────────────────────

/**
 * Brings the leaves in line with the recovered catalog: databases, tables and indexes the catalog
 * has are created where a leaf lacks them (the leaf calls are idempotent; a crash between the
 * catalog write and the leaf's own DDL log leaves exactly such a gap).
 */
export async function restoreLeaves(engine: Engine): Promise<void> {
  // What the catalog no longer names goes: a DDL interrupted by a crash can leave a copy ALTER
  // was filling, the table it replaced, or a database whose DROP did not reach the leaf.
  for (const leaf of engine.partitionMap.leaves()) {
    for (const held of await leaf.inventory()) {
      const db = engine.catalog.database(held.db);
      if (db === undefined) {
        engine.log.warn({ leaf: leaf.nodeId, db: held.db }, 'dropping a database the catalog does not have (left by an interrupted DROP DATABASE)');
        await leaf.dropDatabase(held.db);
        continue;
      }
      const known = new Set([...db.tables.values()].map((t) => t.id));
      for (const id of held.tableIds) {
        if (known.has(id)) continue;
        engine.log.warn({ leaf: leaf.nodeId, db: db.name, tableId: id }, 'dropping a table the catalog does not name (left by an interrupted ALTER, RENAME or DROP)');
        await leaf.dropTable(db.name, id);
      }
    }
  }
  for (const db of engine.catalog.databases()) {
    for (const leaf of engine.partitionMap.leaves()) {
      const parts = engine.partitionsOn(leaf, db.partitions, db.name);
      await leaf.createDatabase(db.name, parts);
      for (const t of db.tables.values()) {
        await leaf.createTable(db.name, parts, leafSchema(t));
        await alignIndexes(engine, leaf, t);
      }
    }
  }
}

/**
 * Gives the leaf's copy of table `t` the catalog's secondary indexes in the catalog's order (plans
 * name an index by its position). A crash between a leaf's index change and the catalog's leaves
 * the leaf with an index the catalog lacks (an ADD whose catalog write was lost) or without one it
 * has (a DROP whose catalog write was lost): from the first difference on, the leaf's indexes go
 * and the catalog's are built again.
 */
async function alignIndexes(engine: Engine, leaf: LeafApi, t: TableDef): Promise<void> {
  const want: LeafIndexSchema[] = t.indexes.filter((ix) => !ix.primary).map((ix) => ({ name: ix.name, columns: ix.columns, unique: ix.unique, primary: false }));
  const have = (await leaf.tableIndexes(t.db, t.id)).filter((ix) => !ix.primary);
  const same = (a: LeafIndexSchema, b: LeafIndexSchema): boolean =>
    a.name.toLowerCase() === b.name.toLowerCase() && a.unique === b.unique && a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
  let k = 0;
  while (k < want.length && k < have.length && same(want[k]!, have[k]!)) k++;
  for (const ix of have.slice(k).reverse()) {
    engine.log.warn({ leaf: leaf.nodeId, db: t.db, table: t.name, index: ix.name }, 'dropping an index the catalog does not have at this place (left by an interrupted index change)');
    await leaf.dropIndex(t.db, t.id, ix.name);
  }
  for (const ix of want.slice(k)) await leaf.addIndex(t.db, t.id, ix);
}

/**
 * Raises every AUTO_INCREMENT counter to at least max(column) + 1 of the recovered rows, so an id
 * an acknowledged row holds is never handed out again (the counters themselves are saved only
 * every few seconds).
 */
export async function recoverAutoIncrements(engine: Engine): Promise<void> {
  const session = await engine.openInternalSession();
  try {
    for (const db of engine.catalog.databases()) {
      for (const t of db.tables.values()) {
        const col = t.columns.find((c) => c.autoIncrement);
        if (!col) continue;
        const q = (n: string): string => '`' + n.replace(/`/g, '``') + '`';
        const out = await session.query(`SELECT MAX(${q(col.name)}) FROM ${q(db.name)}.${q(t.name)}`);
        if (out.error) throw out.error;
        const r = out.results[0];
        const v = r?.kind === 'rows' ? r.rows[0]?.[0] : null;
        if (typeof v === 'string' && /^\d+$/.test(v)) engine.observeAutoIncrement(t, BigInt(v));
      }
    }
  } finally {
    await session.close();
  }
}

import type * as A from '../../sql/ast.js';
import type { ColumnDef, IndexDef, TableDef } from '../../cluster/catalog.js';
import type { SqlType } from '../../common/types.js';
import { SqlError } from '../../common/errors.js';
import { assertNever } from '../../common/assert.js';
import { buildColumnDef, checkKeyParts, checkUniqueKeysCoverShardKey, implicitShardKey, sortIndexes } from './table-def.js';

/**
 * ALTER TABLE as a plan: the table's new definition and how each new column gets its values.
 * The actions apply one after another to a draft (so `ADD COLUMN c, ADD INDEX (c)` works), with
 * MySQL's errors. Pure: no catalog or leaf is touched here (ddl.ts carries the plan out).
 */
export interface AlterPlan {
  /** The new definition (the old id and name; ddl.ts gives a rebuilt table a new id and applies renameTo). */
  readonly def: TableDef;
  /** For each new column, the old column it takes its values from, or null (its default; AUTO_INCREMENT numbers the rows). */
  readonly sources: readonly (number | null)[];
  /**
   * Whether the rows must be copied into a new table: columns were added, dropped, reordered
   * or retyped, the primary key or the shard key changed. Otherwise only secondary indexes
   * change (in place on the leaves) and the catalog entry.
   */
  readonly rebuild: boolean;
  readonly renameTo?: A.TableName;
  /** AUTO_INCREMENT = n */
  readonly autoIncrement?: bigint;
}

interface DraftColumn {
  def: ColumnDef;
  source: number | null;
  /** Written PRIMARY KEY on this column's definition: it must be NOT NULL. */
  explicitNull: boolean;
}

interface DraftIndex {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  using: 'BTREE' | 'HASH';
}

const lower = (s: string): string => s.toLowerCase();

export function planAlter(t: TableDef, actions: readonly A.AlterAction[]): AlterPlan {
  const cols: DraftColumn[] = t.columns.map((def, i) => ({ def, source: i, explicitNull: false }));
  const indexes: DraftIndex[] = t.indexes.map((ix) => ({ name: ix.name, columns: ix.columns.map((c) => t.columns[c]!.name), unique: ix.unique, primary: ix.primary, using: ix.using }));
  let shardNames = t.shardKey.map((c) => t.columns[c]!.name);
  let sortNames = t.sortKey.map((c) => t.columns[c]!.name);
  // Only a written shard key is fixed; one the unique keys chose follows them.
  const shardLower = (): Set<string> => new Set(t.shardKeyExplicit === true ? shardNames.map(lower) : []);
  let renameTo: A.TableName | undefined;
  let autoIncrement: bigint | undefined;
  let comment = t.comment;
  let engine = t.engine;

  const find = (name: string): number => cols.findIndex((c) => lower(c.def.name) === lower(name));
  const unknownColumn = (name: string): SqlError => new SqlError('ER_BAD_FIELD', `Unknown column '${name}' in '${t.name}'`);
  const place = (c: DraftColumn, position: A.ColumnPosition | undefined): void => {
    if (!position) {
      cols.push(c);
      return;
    }
    if ('first' in position) {
      cols.unshift(c);
      return;
    }
    const at = find(position.after);
    if (at < 0) throw unknownColumn(position.after);
    cols.splice(at + 1, 0, c);
  };
  const addKey = (ix: DraftIndex, written: string | undefined): void => {
    if (ix.primary) {
      if (indexes.some((x) => x.primary)) throw new SqlError('ER_MULTIPLE_PRI_KEY', 'Multiple primary key defined');
      indexes.push(ix);
      return;
    }
    for (const c of ix.columns) if (find(c) < 0) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXIST', `Key column '${c}' doesn't exist in table`);
    if (written !== undefined) {
      if (lower(written) === 'primary') throw new SqlError('ER_WRONG_NAME_FOR_INDEX', `Incorrect index name '${written}'`);
      if (indexes.some((x) => lower(x.name) === lower(written))) throw new SqlError('ER_DUP_KEYNAME', `Duplicate key name '${written}'`);
      ix.name = written;
    } else {
      // MySQL names an unnamed key after its first column: c, c_2, c_3…
      const first = cols[find(ix.columns[0]!)]!.def.name;
      let name = first;
      for (let n = 2; indexes.some((x) => lower(x.name) === lower(name)); n++) name = `${first}_${n}`;
      ix.name = name;
    }
    indexes.push(ix);
  };
  const columnKeys = (c: A.ColumnDef): void => {
    if (c.primaryKey) addKey({ name: 'PRIMARY', columns: [c.name], unique: true, primary: true, using: 'BTREE' }, undefined);
    if (c.unique) addKey({ name: '', columns: [c.name], unique: true, primary: false, using: 'BTREE' }, undefined);
  };
  const renameEverywhere = (from: string, to: string): void => {
    const swap = (n: string): string => (lower(n) === lower(from) ? to : n);
    for (const ix of indexes) ix.columns = ix.columns.map(swap);
    shardNames = shardNames.map(swap);
    sortNames = sortNames.map(swap);
  };

  for (const a of actions) {
    switch (a.kind) {
      case 'addColumn': {
        if (find(a.column.name) >= 0) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${a.column.name}'`);
        place({ def: buildColumnDef(a.column, a.column.primaryKey), source: null, explicitNull: a.column.nullable === true }, a.position);
        columnKeys(a.column);
        break;
      }
      case 'dropColumn': {
        const i = find(a.name);
        if (i < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP COLUMN \`${a.name}\`; check that it exists`);
        const name = cols[i]!.def.name;
        if (shardLower().has(lower(name))) throw shardKeyChange(t, name, 'dropped');
        cols.splice(i, 1);
        if (cols.length === 0) throw new SqlError('ER_CANT_REMOVE_ALL_FIELDS', "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");
        // A dropped column leaves every key it was part of; a key left with no column goes.
        for (const ix of indexes) ix.columns = ix.columns.filter((c) => lower(c) !== lower(name));
        for (let k = indexes.length - 1; k >= 0; k--) if (indexes[k]!.columns.length === 0) indexes.splice(k, 1);
        sortNames = sortNames.filter((c) => lower(c) !== lower(name));
        break;
      }
      case 'modifyColumn': {
        const oldName = a.oldName ?? a.column.name;
        const i = find(oldName);
        if (i < 0) throw unknownColumn(oldName);
        const old = cols[i]!;
        const clash = find(a.column.name);
        if (clash >= 0 && clash !== i) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${a.column.name}'`);
        const def = buildColumnDef(a.column, a.column.primaryKey);
        if (shardLower().has(lower(old.def.name)) && !keepsValues(old.def.type, def.type)) throw shardKeyChange(t, old.def.name, 'changed to another type');
        cols.splice(i, 1);
        const next: DraftColumn = { def, source: old.source, explicitNull: a.column.nullable === true };
        if (a.position) place(next, a.position);
        else cols.splice(i, 0, next);
        renameEverywhere(old.def.name, def.name);
        columnKeys(a.column);
        break;
      }
      case 'renameColumn': {
        const i = find(a.from);
        if (i < 0) throw unknownColumn(a.from);
        const clash = find(a.to);
        if (clash >= 0 && clash !== i) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${a.to}'`);
        const c = cols[i]!;
        const from = c.def.name;
        c.def = { ...c.def, name: a.to };
        renameEverywhere(from, a.to);
        break;
      }
      case 'renameIndex': {
        const ix = indexes.find((x) => lower(x.name) === lower(a.from));
        if (!ix || ix.primary) throw new SqlError('ER_KEY_DOES_NOT_EXIST', `Key '${a.from}' doesn't exist in table '${t.name}'`);
        if (lower(a.to) === 'primary') throw new SqlError('ER_WRONG_NAME_FOR_INDEX', `Incorrect index name '${a.to}'`);
        if (lower(a.to) !== lower(a.from) && indexes.some((x) => lower(x.name) === lower(a.to))) throw new SqlError('ER_DUP_KEYNAME', `Duplicate key name '${a.to}'`);
        ix.name = a.to;
        break;
      }
      case 'addIndex': {
        const ix = a.index;
        switch (ix.kind) {
          case 'primary':
            for (const c of ix.columns) if (find(c.name) < 0) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXIST', `Key column '${c.name}' doesn't exist in table`);
            addKey({ name: 'PRIMARY', columns: ix.columns.map((c) => cols[find(c.name)]!.def.name), unique: true, primary: true, using: ix.using ?? 'BTREE' }, undefined);
            break;
          case 'unique':
          case 'index':
            for (const c of ix.columns) if (find(c.name) < 0) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXIST', `Key column '${c.name}' doesn't exist in table`);
            checkKeyParts(ix.columns, ix.columns.map((c) => find(c.name)), cols.map((c) => c.def));
            addKey({ name: '', columns: ix.columns.map((c) => cols[find(c.name)]?.def.name ?? c.name), unique: ix.kind === 'unique', primary: false, using: ix.using ?? 'BTREE' }, ix.name);
            break;
          case 'fulltext':
          case 'foreign':
            // Accepted and dropped, as in CREATE TABLE (no full-text search, foreign keys not enforced).
            for (const c of ix.columns) if (find(c.name) < 0) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXIST', `Key column '${c.name}' doesn't exist in table`);
            break;
          case 'shard':
            throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support changing a table's shard key; create a new table and INSERT … SELECT into it");
          case 'sort':
            throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of Tessera doesn't yet support changing a table's sort key");
          default:
            assertNever(ix, 'index');
        }
        break;
      }
      case 'dropIndex': {
        const k = indexes.findIndex((x) => lower(x.name) === lower(a.name));
        if (k < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP INDEX \`${a.name}\`; check that it exists`);
        indexes.splice(k, 1);
        break;
      }
      case 'dropPrimaryKey': {
        const k = indexes.findIndex((x) => x.primary);
        if (k < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', "Can't DROP INDEX `PRIMARY`; check that it exists");
        indexes.splice(k, 1);
        break;
      }
      case 'renameTable':
        renameTo = a.to;
        break;
      case 'options': {
        for (const [k, v] of Object.entries(a.options)) {
          if (k === 'AUTO_INCREMENT') {
            if (!/^\d+$/.test(v.trim())) throw new SqlError('ER_PARSE', `You have an error in your SQL syntax near 'AUTO_INCREMENT=${v}'`);
            autoIncrement = BigInt(v.trim());
          } else if (k === 'COMMENT') comment = v;
          else if (k === 'ENGINE') engine = v;
        }
        break;
      }
      default:
        assertNever(a, 'alter action');
    }
  }

  // Positions, key columns NOT NULL, MySQL's key order.
  const position = (name: string): number => find(name);
  const pk = indexes.find((x) => x.primary);
  const pkCols = new Set((pk?.columns ?? []).map(lower));
  const columns: ColumnDef[] = cols.map((c) => {
    if (!pkCols.has(lower(c.def.name)) || !c.def.nullable) return c.def;
    if (c.explicitNull) {
      throw new SqlError('ER_PRIMARY_CANT_HAVE_NULL', 'All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead');
    }
    return { ...c.def, nullable: false };
  });
  const pending = indexes.map((ix) => ({ name: ix.name, columns: ix.columns.map(position), unique: ix.unique, primary: ix.primary, using: ix.using }));
  const newIndexes: IndexDef[] = sortIndexes(pending, columns);
  const autoCols = columns.flatMap((c, i) => (c.autoIncrement ? [i] : []));
  if (autoCols.length > 1 || (autoCols.length === 1 && !newIndexes.some((ix) => ix.columns[0] === autoCols[0]))) {
    throw new SqlError('ER_WRONG_AUTO_KEY', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
  }

  // A written shard key stays (its columns can neither go nor change values) and every unique
  // key must contain it. One the unique keys chose is chosen again from the new keys, as CREATE
  // TABLE would choose it (the rows then move to their new partitions in the rebuild).
  let shardKey: readonly number[] = shardNames.map(position);
  let singlePartition = t.singlePartition === true;
  if (!t.reference) {
    if (t.shardKeyExplicit === true) checkUniqueKeysCoverShardKey(newIndexes, shardKey, columns, true);
    else ({ shardKey, singlePartition } = implicitShardKey(newIndexes));
  }

  const { singlePartition: _old, ...base } = t;
  const def: TableDef = {
    ...base,
    columns,
    indexes: newIndexes,
    shardKey,
    ...(singlePartition ? { singlePartition } : {}),
    sortKey: sortNames.map(position),
    comment,
    engine,
  };
  const sources = cols.map((c) => c.source);
  return { def, sources, rebuild: needsRebuild(t, def, sources), ...(renameTo ? { renameTo } : {}), ...(autoIncrement !== undefined ? { autoIncrement } : {}) };
}

/** Same storage and the same values for every row: the rows need not be copied. */
function needsRebuild(t: TableDef, def: TableDef, sources: readonly (number | null)[]): boolean {
  if (def.columns.length !== t.columns.length) return true;
  for (let i = 0; i < def.columns.length; i++) {
    if (sources[i] !== i || !sameValues(t.columns[i]!, def.columns[i]!) || t.columns[i]!.nullable !== def.columns[i]!.nullable) return true;
  }
  const samePositions = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const pkOf = (x: TableDef): readonly number[] | undefined => x.indexes.find((ix) => ix.primary)?.columns;
  const [pa, pb] = [pkOf(t), pkOf(def)];
  if ((pa === undefined) !== (pb === undefined) || (pa && pb && !samePositions(pa, pb))) return true;
  return !samePositions(t.shardKey, def.shardKey) || (t.singlePartition === true) !== (def.singlePartition === true);
}

/** A column keeps every stored value as it is: the same type (name, default and comment may differ). */
function sameValues(a: ColumnDef, b: ColumnDef): boolean {
  return JSON.stringify(a.type) === JSON.stringify(b.type);
}

/**
 * Every value of type a is the same value of type b, with the same shard-key hash: an integer
 * type widened, a string lengthened, a decimal given more integer digits.
 */
function keepsValues(a: SqlType, b: SqlType): boolean {
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  if (a.kind === 'int' && b.kind === 'int') {
    if (a.unsigned === b.unsigned) return b.bytes >= a.bytes;
    return a.unsigned && !b.unsigned && b.bytes > a.bytes;
  }
  if (a.kind === 'string' && b.kind === 'string') return a.binary === b.binary && a.family === b.family && b.length >= a.length;
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.scale === b.scale && b.precision >= a.precision && a.unsigned === b.unsigned;
  return false;
}

function shardKeyChange(t: TableDef, column: string, what: string): SqlError {
  return new SqlError(
    'ER_NOT_SUPPORTED_YET',
    `Column '${column}' is part of the shard key of '${t.name}' and cannot be ${what}: rows are placed in partitions by its values. ` +
      'Create a new table with the new definition and INSERT … SELECT into it.',
  );
}

import type * as A from '../sql/ast.js';
import type { TableDef } from '../cluster/catalog.js';
import type { ExecInputs } from '../net/leaf-api.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { ErrorCodeName } from '../common/error-codes.js';
import { castToType } from '../common/cast.js';
import { compareValues } from '../common/compare.js';
import { SqlError, isSqlError } from '../common/errors.js';
import { partitionOf } from '../cluster/sharding.js';
import { compileExpr, rowBatch, type ExecContext } from '../exec/index.js';
import { valueAt } from '../common/vector.js';
import { leafSafe } from '../planner/distribute.js';
import type { Session } from './session.js';
import type { Params } from './statement-results.js';
import { implicitDefault } from '../common/implicit-default.js';

/**
 * UPDATE that assigns a shard-key column: a row whose key changes belongs to another partition,
 * so it is deleted from its partition and inserted into the new one, row by row in key order
 * inside the statement's transaction (MySQL's order: `SET id = id + 1` over ids 1, 2 meets the
 * duplicate 2 as InnoDB does). Rows are read with row locks (FOR UPDATE) and named by the primary
 * key (or a unique key on NOT NULL columns); the delete re-checks the WHERE on the locked row.
 */

export interface MovingUpdate {
  readonly table: TableDef;
  readonly alias: string;
  readonly tableName: A.TableName;
  readonly statement: A.Statement & { kind: 'update' };
  readonly filter: BoundExpr | null;
  readonly assignments: readonly { readonly column: number; readonly expr: BoundExpr }[];
  readonly strict: boolean;
  readonly inputs: ExecInputs;
  readonly ectx: ExecContext;
}

/** Does this UPDATE assign a column of the table's shard key? */
export function assignsShardKey(t: TableDef, assignments: readonly { readonly column: number }[] | undefined): boolean {
  return assignments !== undefined && t.shardKey.length > 0 && assignments.some((a) => t.shardKey.includes(a.column));
}

function rowKey(t: TableDef): TableDef['indexes'][number] | undefined {
  return t.indexes.find((ix) => ix.primary) ?? t.indexes.find((ix) => ix.unique && ix.columns.every((c) => !t.columns[c]!.nullable));
}


function sameValue(x: Value, y: Value, type: SqlType): boolean {
  if (x === y) return true;
  if (x === null || y === null) return false;
  if (typeof x === 'string' && typeof y === 'string') return false; // 'a' → 'A' is a change
  if (x instanceof Uint8Array || y instanceof Uint8Array) return x instanceof Uint8Array && y instanceof Uint8Array && Buffer.compare(x, y) === 0;
  return compareValues(x, type, y, type) === 0;
}

export async function updateMovingRows(session: Session, ps: A.ParsedStatement, params: Params, u: MovingUpdate): Promise<{ matched: number; changed: number }> {
  const t = u.table;
  const st = u.statement;
  const key = rowKey(t);
  if (!key) {
    throw new SqlError('ER_NOT_SUPPORTED_YET', `Updating the shard key of '${t.name}' needs a primary key (or a unique key on NOT NULL columns) to find each row it moves`);
  }
  const db = session.engine.catalog.database(t.db)!;
  const types = t.columns.map((c) => c.type);
  const shardTypes = t.shardKey.map((c) => types[c]!);
  const name = (c: number): A.Expr => ({ kind: 'column', table: u.alias, name: t.columns[c]!.name });
  // The rows, whole, in the order MySQL visits them: ORDER BY when given, else the key's.
  const q: A.Query = {
    kind: 'select',
    distinct: false,
    items: t.columns.map((c, i) => ({ kind: 'expr' as const, expr: name(i), text: c.name })),
    from: { kind: 'table', ...(u.tableName.db ? { db: u.tableName.db } : {}), name: u.tableName.name, ...(u.alias !== u.tableName.name ? { alias: u.alias } : {}) },
    ...(st.where ? { where: st.where } : {}),
    orderBy: st.orderBy ?? key.columns.map((c) => ({ expr: name(c), desc: false })),
    ...(st.limit ? { limit: st.limit } : {}),
    // A locking read: the new row is computed from the latest committed version, held until
    // commit, so a concurrent update of another column is not lost.
    lock: 'update',
  };
  const picked = await session.runSubquery(ps, q, params);
  const assigns = u.assignments.map((a) => ({ column: a.column, type: a.expr.type, fn: compileExpr(a.expr) }));
  const recheck = u.filter !== null && leafSafe(u.filter) ? u.filter : null;
  const mode = u.strict ? 'strict' : 'lenient';
  const warn = (code: ErrorCodeName, msg: string): void => session.warn(code, msg);
  const base = { ...u.inputs, txnId: session.txnId, db: t.db, tableId: t.id, columnNames: t.columns.map((c) => c.name), shardKey: t.shardKey, strict: u.strict };
  let matched = 0;
  let changed = 0;
  const pacer = session.pacer;
  for (const old of picked.rows) {
    // Row by row, each a leaf call: the loop shares the thread and stops when the statement is stopped.
    if (pacer.shouldPause()) await pacer.resume();
    const n = matched + 1;
    const updated = [...old];
    for (const a of assigns) {
      const col = t.columns[a.column]!;
      const v = valueAt(a.fn(rowBatch(updated), u.ectx), 0);
      let stored = v === null ? null : castToType(v, a.type, col.type, mode, { column: col.name, row: n, warn, now: u.inputs.now });
      if (stored === null && !col.nullable) {
        if (u.strict) throw new SqlError('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
        warn('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
        stored = implicitDefault(col.type);
      }
      updated[a.column] = stored;
    }
    const oldP = partitionOf(t.shardKey.map((c) => old[c]!), shardTypes, db.partitions);
    const keys = key.columns.map((c): BoundExpr => ({ kind: 'const', value: old[c]!, type: types[c]! }));
    const access = { kind: 'point' as const, index: t.indexes.indexOf(key), keys: [keys] };
    if (updated.every((v, i) => sameValue(old[i]!, v, types[i]!))) {
      // Nothing changes: count it as matched if it still matches.
      const r = await session.engine.partitionMap.leafFor(t.db, oldP).modify({ ...base, partitions: [oldP], access, filter: recheck, assignments: [] }, 'update');
      matched += r.matched;
      continue;
    }
    const newP = partitionOf(t.shardKey.map((c) => updated[c]!), shardTypes, db.partitions);
    const del = await session.engine.partitionMap.leafFor(t.db, oldP).modify({ ...base, partitions: [oldP], access, filter: recheck }, 'delete');
    if (del.matched === 0) continue; // gone, or no longer matching, by the time it was locked
    matched++;
    const insert = (p: number, row: Value[]): ReturnType<ReturnType<typeof session.engine.partitionMap.leafFor>['insert']> =>
      session.engine.partitionMap.leafFor(t.db, p).insert({ ...u.inputs, txnId: session.txnId, db: t.db, partition: p, tableId: t.id, rows: [row], mode: 'insert' });
    try {
      await insert(newP, updated);
    } catch (e) {
      if (!(st.ignore && isSqlError(e) && e.code === 'ER_DUP_ENTRY')) throw e;
      // UPDATE IGNORE: the row stays as it was, with the duplicate as a warning.
      await insert(oldP, old);
      session.warn('ER_DUP_ENTRY', e.message);
      continue;
    }
    changed++;
  }
  return { matched, changed };
}

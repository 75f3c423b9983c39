import type { ColumnDef, TableDef } from '../../cluster/catalog.js';
import type { PhysicalPlan } from '../../common/ir/physical.js';
import type { Value } from '../../common/value.js';
import { castToType } from '../../common/cast.js';
import { SqlError, isSqlError } from '../../common/errors.js';
import type { ErrorCodeName } from '../../common/error-codes.js';
import { partitionOf } from '../../cluster/sharding.js';
import { implicitDefault } from '../../common/implicit-default.js';
import { declaredDefault, leafSchema } from './table-def.js';

import type { Session } from '../session.js';
import { batchRows } from '../../exec/index.js';

/**
 * Table rebuilds from existing primitives only (ALTER TABLE that changes columns, CREATE TABLE …
 * SELECT, RENAME TABLE across databases): a new table (new id) is created on the leaves, rows are
 * inserted into it in one transaction, and only then does the caller put it in the catalog. On
 * any error the transaction is rolled back and the new table dropped; the old one is untouched.
 * The durable logs (catalog and leaf DDL) see nothing but createTable, inserts, commit,
 * replaceTable/addTable/removeTable and dropTable.
 */

const FLUSH_ROWS = 1000;



/** Rows handed to the filler: values in the new table's column order, cast already. */
export type Emit = (row: Value[], fromPartition?: number) => Promise<void>;

export interface FillResult {
  readonly rows: number;
  /** Largest value seen in the AUTO_INCREMENT column, if any. */
  readonly maxAuto: bigint | null;
}

/**
 * Creates `def` on the leaves (it must not be in the catalog yet), lets `produce` emit its rows,
 * routes them by the new shard key and inserts them in one transaction. Resolves once the rows
 * are committed; rejects with the table dropped again.
 */
export async function createAndFill(session: Session, def: TableDef, produce: (emit: Emit) => Promise<void>): Promise<FillResult> {
  const engine = session.engine;
  const db = engine.catalog.database(def.db);
  if (!db) throw new SqlError('ER_BAD_DB', `Unknown database '${def.db}'`);
  const leaves = engine.partitionMap.leaves();
  const schema = leafSchema(def);
  const created: typeof leaves[number][] = [];
  const txnId = engine.newTxnId();
  const timeout = session.lockWaitTimeoutMs;
  let begun = false;
  // A long copy shares the thread between rows and stops there on KILL QUERY or a timeout.
  const pacer = session.pacer;
  try {
    for (const leaf of leaves) {
      created.push(leaf);
      await leaf.createTable(def.db, engine.partitionsOn(leaf, db.partitions, def.db), schema);
    }
    await Promise.all(leaves.map((l) => l.beginStatement(txnId, timeout)));
    begun = true;
    const shardTypes = def.shardKey.map((c) => def.columns[c]!.type);
    const autoCol = def.columns.findIndex((c) => c.autoIncrement);
    const buffers = new Map<number, Value[][]>();
    let rows = 0;
    let maxAuto: bigint | null = null;
    const flush = async (p: number): Promise<void> => {
      const list = buffers.get(p);
      if (!list || list.length === 0) return;
      buffers.set(p, []);
      const leaf = engine.partitionMap.leafFor(def.db, p);
      await leaf.insert({ slots: [], params: [], now: '', sessionValues: {}, txnId, lockWaitTimeoutMs: timeout, db: def.db, partition: p, tableId: def.id, rows: list, mode: 'insert', ...session.statementIds() });
    };
    const emit: Emit = async (row, fromPartition) => {
      if (pacer.shouldPause()) await pacer.resume();
      let p: number;
      if (def.singlePartition) p = 0;
      else if (def.shardKey.length > 0) p = partitionOf(def.shardKey.map((c) => row[c]!), shardTypes, db.partitions);
      else p = fromPartition !== undefined && fromPartition < db.partitions ? fromPartition : rows % db.partitions;
      rows++;
      if (autoCol >= 0) {
        const v = row[autoCol];
        if (typeof v === 'number' || typeof v === 'bigint') {
          const b = BigInt(v);
          if (maxAuto === null || b > maxAuto) maxAuto = b;
        }
      }
      let list = buffers.get(p);
      if (!list) buffers.set(p, (list = []));
      list.push(row);
      if (list.length >= FLUSH_ROWS) await flush(p);
    };
    await produce(emit);
    for (const p of [...buffers.keys()].sort((a, b) => a - b)) await flush(p);
    await Promise.all(leaves.map((l) => l.commit(txnId)));
    return { rows, maxAuto };
  } catch (e) {
    if (begun) await Promise.all(leaves.map((l) => l.rollback(txnId).catch(() => undefined)));
    for (const leaf of created) await leaf.dropTable(def.db, def.id).catch(() => undefined);
    throw e;
  }
}

/**
 * The committed rows of one partition of a table (a full scan on the leaf that holds it), a
 * chunk at a time: a big table is never held whole.
 */
export async function scanPartition(session: Session, t: TableDef, partition: number, each: (rows: Value[][]) => Promise<void>): Promise<void> {
  const leaf = session.engine.partitionMap.leafFor(t.db, partition);
  const types = t.columns.map((c) => c.type);
  const fragment: PhysicalPlan = { kind: 'scan', db: t.db, tableId: t.id, table: t.name, columns: types.map((_, i) => i), access: { kind: 'full' }, types };
  let chunk = await leaf.openFragment({ slots: [], params: [], now: '', sessionValues: {}, txnId: null, lockWaitTimeoutMs: session.lockWaitTimeoutMs, db: t.db, partitions: [partition], fragment, ...session.statementIds() });
  try {
    for (;;) {
      for (const b of chunk.batches) await each(batchRows(b));
      if (chunk.rest === null) return;
      chunk = await chunk.rest.next();
    }
  } finally {
    chunk.rest?.close();
  }
}

/** What a column that had no value before an ALTER holds: its default, or MySQL's implicit one. */
function addedValue(c: ColumnDef, now: string): Value {
  const v = declaredDefault(c, now);
  if (v !== undefined) return v;
  return c.nullable ? null : implicitDefault(c.type);
}

/**
 * Copies the rows of `from` into the new table `to` (ALTER TABLE): each new column takes the
 * value of its source column cast to its new type (strict mode: 1264/1265 stop the ALTER), or its
 * default; a new AUTO_INCREMENT column numbers the rows from `autoStart`.
 */
export async function copyInto(
  session: Session,
  from: TableDef,
  to: TableDef,
  sources: readonly (number | null)[],
  opts: { strict: boolean; now: string; autoStart: bigint },
): Promise<FillResult & { warnings: number }> {
  const db = session.engine.catalog.database(from.db)!;
  const warn = (code: ErrorCodeName, msg: string): void => {
    warnings++;
    session.warn(code, msg);
  };
  let warnings = 0;
  let rowNum = 0;
  let nextAuto = opts.autoStart;
  const plan = to.columns.map((col, i) => {
    const s = sources[i]!;
    const fromType = s === null ? undefined : from.columns[s]!.type;
    const same = fromType !== undefined && JSON.stringify(fromType) === JSON.stringify(col.type);
    return { col, s, fromType, same, generate: s === null && col.autoIncrement, fixed: s === null && !col.autoIncrement ? addedValue(col, opts.now) : null };
  });
  const mode = opts.strict ? 'strict' : 'lenient';
  const res = await createAndFill(session, to, async (emit) => {
    for (let p = 0; p < db.partitions; p++) {
      await scanPartition(session, from, p, async (rows) => {
        for (const old of rows) {
          rowNum++;
          const row = plan.map((c) => {
            if (c.generate) {
              const id = nextAuto++;
              return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
            }
            if (c.s === null) return c.fixed;
            const v = old[c.s]!;
            if (v === null) {
              if (c.col.nullable) return null;
              // NULL into NOT NULL: MariaDB's 1265 in strict mode, the implicit default otherwise.
              if (opts.strict) throw new SqlError('ER_WARN_DATA_TRUNCATED', `Data truncated for column '${c.col.name}' at row ${rowNum}`);
              warn('ER_WARN_DATA_TRUNCATED', `Data truncated for column '${c.col.name}' at row ${rowNum}`);
              return implicitDefault(c.col.type);
            }
            if (c.same) return v;
            try {
              return castToType(v, c.fromType!, c.col.type, mode, { column: c.col.name, row: rowNum, warn, now: opts.now });
            } catch (e) {
              // ALTER reports a cut string as truncated data (1265), where INSERT says too long (1406).
              if (isSqlError(e) && e.code === 'ER_DATA_TOO_LONG') throw new SqlError('ER_WARN_DATA_TRUNCATED', `Data truncated for column '${c.col.name}' at row ${rowNum}`);
              throw e;
            }
          });
          await emit(row, p);
        }
      });
    }
  });
  return { ...res, warnings };
}

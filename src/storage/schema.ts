/**
 * The rowstore's public shapes: table schemas, read views, row chunks and results. The
 * executor is written against these; storage never sees SQL text or plans.
 */
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { Txn } from './txn.js';

export interface ColumnSchema {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

export interface IndexSchema {
  readonly name: string;
  /** column positions */
  readonly columns: readonly number[];
  readonly unique: boolean;
  readonly primary: boolean;
}

/** indexes[0] is the primary key when the table has one; a table without one gets a hidden row id key internally. */
export interface TableSchema {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly ColumnSchema[];
  readonly indexes: readonly IndexSchema[];
}

export type MaybePromise<T> = T | Promise<T>;

/** A stable handle on a row slot of one table. */
export type RowRef = number;

/**
 * What a statement sees: its transaction's own writes plus everything committed at or before `ts`.
 * Views come from TxnManager.view(), one per statement, and are handed back with
 * TxnManager.release() when the statement ends (a transaction's views are also released when it
 * commits or rolls back). A view sees the own writes made before it was taken, not those the
 * statement makes while it scans (so UPDATE t SET pk = pk + 10 does not meet its own rows again).
 */
export interface ReadView {
  readonly txn: Txn | null;
  readonly ts: number;
}

/** Column-major batch of visible rows. columns[i] holds the values of the i-th requested column. */
export interface RowChunk {
  readonly length: number;
  readonly refs: readonly number[];
  readonly columns: Value[][];
}

export interface KeyBound {
  readonly key: readonly Value[];
  /** a prefix of the index columns is allowed */
  readonly inclusive: boolean;
}

export type InsertResult =
  | { readonly ok: true; readonly ref: RowRef }
  | { readonly ok: false; readonly index: number /* position in schema.indexes */; readonly conflict: RowRef };

/** One committed write, for the transaction log (TxnManager.onCommit). */
export interface RowChange {
  readonly partitionId: number;
  readonly tableId: number;
  /** The Partition holding the table (RowTable's owner), so the log knows which partition log to write. */
  readonly owner: object | null;
  /** The hidden row id, for a table without a primary key. */
  readonly rowId?: number;
  readonly kind: 'insert' | 'update' | 'delete';
  /** The new row for insert/update, the deleted row for delete. */
  readonly row: readonly Value[];
  /** The row before an update. */
  readonly before?: readonly Value[];
}

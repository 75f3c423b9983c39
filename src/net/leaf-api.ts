import type { Value } from '../common/value.js';
import type { WireBatch } from '../common/ir/batch.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan, Access } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';

/**
 * What an aggregator asks of a leaf. Requests are plain serializable data: the in-process
 * transport calls the leaf directly, the TCP transport (cluster issue) encodes them with
 * msgpackr. Every request names the partitions it concerns.
 */

/** The storage-level schema of a table, as a leaf needs it. */
export interface LeafTableSchema {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType; readonly nullable: boolean }[];
  readonly indexes: readonly LeafIndexSchema[];
}

export interface LeafIndexSchema {
  readonly name: string;
  /** column positions */
  readonly columns: readonly number[];
  readonly unique: boolean;
  readonly primary: boolean;
}

/** An index change on behalf of a statement: its id, so cancelQuery reaches the change. */
export interface IndexChangeOptions {
  readonly queryId?: number;
}

/** Per-execution inputs of a fragment or write. */
export interface ExecInputs {
  readonly slots: readonly Value[];
  readonly params: readonly Value[];
  readonly now: string;
  /** Values of the session expressions the plan reads (DATABASE(), @x, …). */
  readonly sessionValues: Readonly<Record<string, Value>>;
  /** The aggregator's transaction id, or null for an autocommit read. */
  readonly txnId: number | null;
  /** innodb_lock_wait_timeout of the session, in ms. */
  readonly lockWaitTimeoutMs: number;
  /** SELECT … FOR UPDATE / LOCK IN SHARE MODE: lock the rows read (inside txnId). */
  readonly lockRows?: boolean;
  /** The aggregator's id of the running statement: cancelQuery(queryId) stops what it runs here. */
  readonly queryId?: number;
  /** The statement's working-memory limit in bytes (tessera_query_memory_limit); none when absent. */
  readonly memoryLimit?: number;
}

export interface FragmentRequest extends ExecInputs {
  readonly db: string;
  readonly partitions: readonly number[];
  readonly fragment: PhysicalPlan;
}

/** INSERT / REPLACE of fully cast rows into one partition. */
export interface InsertRequest extends ExecInputs {
  readonly db: string;
  readonly partition: number;
  readonly tableId: number;
  readonly rows: readonly (readonly Value[])[];
  readonly mode: 'insert' | 'ignore' | 'replace';
  /**
   * ON DUPLICATE KEY UPDATE: assignments evaluated over [existing row columns…, inserted row
   * columns…] (VALUES(col) reads the inserted row). `casts` are the column types to cast to.
   */
  readonly onDuplicate?: readonly { readonly column: number; readonly expr: BoundExpr }[];
  /** The table's AUTO_INCREMENT column: outcomes of ON DUPLICATE KEY UPDATE then carry its value in the row they met. */
  readonly autoIncrementColumn?: number;
  /** ON DUPLICATE KEY UPDATE: values for ON UPDATE CURRENT_TIMESTAMP columns, set when a row changes. */
  readonly touch?: readonly ColumnValue[];
}

/** A column of the table and the value it takes. */
export interface ColumnValue {
  readonly column: number;
  readonly value: Value;
}

/** What became of one row of an INSERT request (MySQL's insert id and counts follow from it). */
export type InsertOutcome =
  | { readonly kind: 'inserted' }
  /** REPLACE: inserted after deleting the rows it conflicted with. */
  | { readonly kind: 'replaced'; readonly deleted: number }
  /** ON DUPLICATE KEY UPDATE changed (or left as it was) the conflicting row, whose AUTO_INCREMENT value is `autoValue`. */
  | { readonly kind: 'updated' | 'unchanged'; readonly autoValue: Value }
  /** INSERT IGNORE: a duplicate, not written. */
  | { readonly kind: 'skipped' };

export interface InsertResult {
  /** Affected rows as MySQL counts them without CLIENT_FOUND_ROWS (an unchanged row counts 0). */
  readonly affectedRows: number;
  /** One per row of the request, in order. */
  readonly outcomes: readonly InsertOutcome[];
  /** Rows skipped by INSERT IGNORE, with the duplicate message. */
  readonly warnings: readonly { readonly code: number; readonly message: string }[];
  /** The last value LAST_INSERT_ID(expr) set while the leaf evaluated the request. */
  readonly lastInsertId?: number | bigint;
}

/** UPDATE or DELETE of the rows of one table matching `filter`, in the given partitions. */
export interface ModifyRequest extends ExecInputs {
  readonly db: string;
  readonly partitions: readonly number[];
  readonly tableId: number;
  readonly access: Access;
  /** Over the table's columns; null = all rows. */
  readonly filter: BoundExpr | null;
  /** UPDATE only: assignments in order, each over the table's columns as updated so far. */
  readonly assignments?: readonly { readonly column: number; readonly expr: BoundExpr }[];
  /** Column names for error messages (1048, 1264, 1406). */
  readonly columnNames: readonly string[];
  /** Columns not to change (shard key): an UPDATE that would change them fails. */
  readonly shardKey: readonly number[];
  readonly strict: boolean;
  /** ORDER BY … LIMIT n within the partition (the aggregator only sends it for one partition). */
  readonly orderBy?: readonly { readonly expr: BoundExpr; readonly desc: boolean }[];
  readonly limit?: number;
  /** UPDATE: ON UPDATE CURRENT_TIMESTAMP columns the statement does not assign, set when a row changes. */
  readonly touch?: readonly ColumnValue[];
}

export interface ModifyResult {
  readonly matched: number;
  readonly changed: number;
  readonly warnings: readonly { readonly code: number; readonly message: string }[];
  /** The last value LAST_INSERT_ID(expr) set while the leaf evaluated the request. */
  readonly lastInsertId?: number | bigint;
}

export interface TransactionOptions {
  /** READ UNCOMMITTED runs as read-committed; SERIALIZABLE is refused before it gets here. */
  readonly isolation: 'read-committed' | 'repeatable-read';
  readonly consistentSnapshot: boolean;
  readonly lockWaitTimeoutMs: number;
}

/**
 * Rows of a running fragment, a chunk at a time: the leaf computes the next chunk only when
 * asked, so a reader that stops reading holds the fragment, not memory.
 */
export interface FragmentChunk {
  readonly batches: readonly WireBatch[];
  /** Where the next chunk comes from; null when this one was the last. */
  readonly rest: FragmentCursor | null;
}

export interface FragmentCursor {
  next(): Promise<FragmentChunk>;
  /** Stops the fragment early and releases its read view (idempotent). */
  close(): void;
}

export interface LeafApi {
  readonly nodeId: string;
  createDatabase(db: string, partitions: readonly number[]): Promise<void>;
  dropDatabase(db: string): Promise<void>;
  createTable(db: string, partitions: readonly number[], schema: LeafTableSchema): Promise<void>;
  dropTable(db: string, tableId: number): Promise<void>;
  truncateTable(db: string, tableId: number): Promise<void>;
  /**
   * Builds a secondary index on every partition of the table (sharing the thread; all or
   * nothing). `queryId`: the statement it runs for, so cancelQuery stops it (1317). A no-op where
   * the table has an index of that name already (recovered from disk).
   */
  addIndex(db: string, tableId: number, index: LeafIndexSchema, opts?: IndexChangeOptions): Promise<void>;
  /** Drops a secondary index from every partition of the table; a no-op where the table has none of that name. */
  dropIndex(db: string, tableId: number, name: string): Promise<void>;
  /** The table's indexes as this leaf holds them, in order (empty when it does not hold the table): after a restart the aggregator lines them up with its catalog. */
  tableIndexes(db: string, tableId: number): Promise<readonly LeafIndexSchema[]>;
  rowCount(db: string, tableId: number): Promise<number>;
  /** The databases (lower-cased) and table ids this leaf holds: after a restart the aggregator drops what its catalog no longer names. */
  inventory(): Promise<readonly { readonly db: string; readonly tableIds: readonly number[] }[]>;

  /** Runs a fragment to its end and returns every batch (small internal reads). */
  runFragment(req: FragmentRequest): Promise<WireBatch[]>;
  /** Starts a fragment; its first chunk comes back at once (a small result is whole in it). */
  openFragment(req: FragmentRequest): Promise<FragmentChunk>;
  /** Stops whatever this leaf runs for the statement `queryId` (KILL, timeout, shutdown): it fails with 1317. */
  cancelQuery(queryId: number): Promise<void>;
  insert(req: InsertRequest): Promise<InsertResult>;
  modify(req: ModifyRequest, kind: 'update' | 'delete'): Promise<ModifyResult>;

  /**
   * Opens transaction txnId before its first statement, at its isolation level (a transaction a
   * leaf first hears of in a statement runs at READ COMMITTED: one statement's worth).
   * consistentSnapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT) fixes a REPEATABLE READ
   * transaction's read view now instead of at its first read.
   */
  beginTransaction(txnId: number, opts: TransactionOptions): Promise<void>;
  /** Statement boundaries inside a transaction: a failed statement is undone on its own. */
  beginStatement(txnId: number, lockWaitTimeoutMs: number): Promise<void>;
  rollbackStatement(txnId: number): Promise<void>;
  /** SAVEPOINT name / ROLLBACK TO SAVEPOINT name / RELEASE SAVEPOINT name; the aggregator checks names exist. */
  savepoint(txnId: number, name: string, action: 'set' | 'rollback' | 'release', lockWaitTimeoutMs: number): Promise<void>;
  commit(txnId: number): Promise<void>;
  rollback(txnId: number): Promise<void>;
}

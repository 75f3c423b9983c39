import type { Value } from '../common/value.js';
import type { WireBatch } from '../common/ir/batch.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, PhysicalPlan } from '../common/ir/physical.js';
import type {
  ColumnValue,
  ExecInputs,
  IndexChangeOptions,
  InsertResult,
  LeafIndexSchema,
  LeafTableSchema,
  ModifyResult,
  TransactionOptions,
} from './leaf-api.js';

/**
 * Every message between an aggregator and a leaf: a closed union of requests, a closed union of
 * responses, each in an envelope. Whatever transport carries them (loopback now, TCP in the
 * cluster issue) moves only these, encoded by codec.ts, so nothing can depend on sharing a heap.
 *
 * Plans and expressions travel as `Ref`s: the encoded body plus its content hash. A leaf decodes
 * a body once and keeps the decoded plan by hash, so repeated executions of one statement shape
 * reuse the leaf's compiled expressions without the aggregator's objects ever reaching it.
 */

/** An encoded piece of plan (T says what it decodes to) and the content hash of its bytes. */
export interface Ref<T> {
  readonly id: string;
  readonly body: Uint8Array;
  /** Never set: ties the reference to what it decodes to, for the type checker only. */
  readonly decodesTo?: T;
}

/** A FragmentRequest as it travels: the plan by reference. */
export type FragmentMessage = ExecInputs & {
  readonly db: string;
  readonly partitions: readonly number[];
  readonly fragment: Ref<PhysicalPlan>;
};

/** What an UPDATE / DELETE runs on each row: the part that is the same for every execution of the statement. */
export interface ModifyProgram {
  readonly tableId: number;
  readonly access: Access;
  readonly filter: BoundExpr | null;
  readonly assignments?: readonly { readonly column: number; readonly expr: BoundExpr }[];
  readonly orderBy?: readonly { readonly expr: BoundExpr; readonly desc: boolean }[];
  readonly columnNames: readonly string[];
  readonly shardKey: readonly number[];
  readonly strict: boolean;
}

export type ModifyMessage = ExecInputs & {
  readonly db: string;
  readonly partitions: readonly number[];
  readonly program: Ref<ModifyProgram>;
  readonly limit?: number;
  readonly touch?: readonly ColumnValue[];
};

export type InsertMessage = ExecInputs & {
  readonly db: string;
  readonly partition: number;
  readonly tableId: number;
  readonly rows: readonly (readonly Value[])[];
  readonly mode: 'insert' | 'ignore' | 'replace';
  readonly onDuplicate?: Ref<readonly { readonly column: number; readonly expr: BoundExpr }[]>;
  readonly autoIncrementColumn?: number;
  readonly touch?: readonly ColumnValue[];
};

export type LeafRequest =
  // DDL and inventory
  | { readonly kind: 'createDatabase'; readonly db: string; readonly partitions: readonly number[] }
  | { readonly kind: 'dropDatabase'; readonly db: string }
  | { readonly kind: 'createTable'; readonly db: string; readonly partitions: readonly number[]; readonly schema: LeafTableSchema }
  | { readonly kind: 'dropTable'; readonly db: string; readonly tableId: number }
  | { readonly kind: 'truncateTable'; readonly db: string; readonly tableId: number }
  | { readonly kind: 'addIndex'; readonly db: string; readonly tableId: number; readonly index: LeafIndexSchema; readonly opts: IndexChangeOptions }
  | { readonly kind: 'dropIndex'; readonly db: string; readonly tableId: number; readonly name: string }
  | { readonly kind: 'tableIndexes'; readonly db: string; readonly tableId: number }
  | { readonly kind: 'rowCount'; readonly db: string; readonly tableId: number }
  | { readonly kind: 'inventory' }
  // reads: a fragment opens with its first chunk; the leaf keeps the rest under `cursor`
  | { readonly kind: 'runFragment'; readonly req: FragmentMessage }
  | { readonly kind: 'openFragment'; readonly req: FragmentMessage }
  | { readonly kind: 'fragmentNext'; readonly cursor: number }
  | { readonly kind: 'fragmentClose'; readonly cursor: number }
  | { readonly kind: 'cancelQuery'; readonly queryId: number }
  // writes
  | { readonly kind: 'insert'; readonly req: InsertMessage }
  | { readonly kind: 'modify'; readonly req: ModifyMessage; readonly modify: 'update' | 'delete' }
  // transaction control (txnId: cluster-unique, see txn-ids.ts)
  | { readonly kind: 'beginTransaction'; readonly txnId: number; readonly opts: TransactionOptions }
  | { readonly kind: 'beginStatement'; readonly txnId: number; readonly lockWaitTimeoutMs: number }
  | { readonly kind: 'rollbackStatement'; readonly txnId: number }
  | { readonly kind: 'savepoint'; readonly txnId: number; readonly name: string; readonly action: 'set' | 'rollback' | 'release'; readonly lockWaitTimeoutMs: number }
  | { readonly kind: 'commit'; readonly txnId: number }
  | { readonly kind: 'rollback'; readonly txnId: number };

export type LeafRequestKind = LeafRequest['kind'];

/** An error as it crosses: a SqlError by its code, or anything else (a bug) by its message only. */
export type WireError =
  | { readonly kind: 'sql'; readonly code: string; readonly errno: number; readonly sqlState: string; readonly message: string; readonly retryable: boolean }
  | { readonly kind: 'internal'; readonly message: string };

export type LeafResponse =
  | { readonly kind: 'done' }
  | { readonly kind: 'rowCount'; readonly count: number }
  | { readonly kind: 'indexes'; readonly indexes: readonly LeafIndexSchema[] }
  | { readonly kind: 'inventory'; readonly databases: readonly { readonly db: string; readonly tableIds: readonly number[] }[] }
  | { readonly kind: 'batches'; readonly batches: readonly WireBatch[] }
  /** A chunk of a fragment's rows; `cursor` names the rest on the leaf, null when this was the last. */
  | { readonly kind: 'chunk'; readonly batches: readonly WireBatch[]; readonly cursor: number | null }
  | { readonly kind: 'inserted'; readonly result: InsertResult }
  | { readonly kind: 'modified'; readonly result: ModifyResult }
  | { readonly kind: 'error'; readonly error: WireError };

/**
 * A request on the wire. `id` pairs it with its response (many may be in flight on one
 * connection); `mapVersion` is the partition-map version the aggregator routed it by, so a leaf
 * that knows a newer map can refuse it (the cluster issue's re-routing).
 */
export interface RequestEnvelope {
  readonly id: number;
  readonly mapVersion: number;
  readonly body: LeafRequest;
}

export interface ResponseEnvelope {
  readonly id: number;
  readonly body: LeafResponse;
}

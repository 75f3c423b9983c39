export type {
  ColumnSchema,
  IndexSchema,
  TableSchema,
  MaybePromise,
  RowRef,
  ReadView,
  RowChunk,
  KeyBound,
  InsertResult,
  RowChange,
} from './schema.js';
export { TxnManager, type Txn, type CommitListener, type StagedCommit } from './txn.js';
export { LockManager } from './lock-manager.js';
export { Partition } from './partition.js';
export { RowTable, type IndexBuild, type IndexDrop } from './row-table.js';
export { formatKeyForError, encodeKey } from './key-codec.js';
export { LeafStore, type LeafStoreOptions, type Durability, type DurabilityLogger, frame, scanFrames, packValue, unpackValue, syncDir } from './durability/index.js';

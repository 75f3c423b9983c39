export { BATCH_SIZE, batchRows, batchesFromRows, boxedBatch, rowBatch, rowOf, selectRows, sliceBatch, typedBatch, ColumnBuffer, type Batch } from './batch.js';
export { executionMemo, rootContext, withOuterRow, type ExecContext } from './context.js';
export { compileExpr, comparatorFor, evalConst, isTrue, warnOf, type CompiledExpr } from './eval.js';
export { collect, collectRows, drainSync, instantiate, type Operator } from './instantiate.js';
export { batchesOperator } from './operators/gather.js';
export { PAUSE, Pacer, SLICE_MS, queryMemoryLimitError, type Pause, type PacerOptions } from './pacer.js';
export { batchBytes, valueBytes } from './memory.js';
export { namedLocks, type NamedLocks } from './named-locks.js';

export { BATCH_SIZE, batchRows, batchesFromRows, boxedBatch, rowBatch, rowOf, selectRows, sliceBatch, typedBatch, ColumnBuffer, type Batch } from './batch.js';
export { executionMemo, rootContext, withOuterRow, type ExecContext } from './context.js';
export { compileExpr, comparatorFor, evalConst, isTrue, warnOf, type CompiledExpr } from './eval.js';
export { collect, collectRows, instantiate, type Operator } from './instantiate.js';

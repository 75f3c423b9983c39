/**
 * Test kit for executor tests (here and in leaf/aggregator tests): a fake ExecContext and
 * small plan/expression builders. Not used by production code.
 */
import type { ErrorCodeName } from '../common/error-codes.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { Batch } from './batch.js';
import type { ExecContext } from './context.js';
import { batchesOperator } from './operators/gather.js';
import { Pacer } from './pacer.js';

export interface FakeContext extends ExecContext {
  readonly warnings: { code: ErrorCodeName; message: string }[];
  readonly session: Map<string, Value>;
}

export function fakeContext(opts: { slots?: Value[]; params?: Value[]; scans?: Map<number, Batch[]>; gathers?: Map<PhysicalPlan, Batch[]>; pacer?: Pacer } = {}): FakeContext {
  const warnings: { code: ErrorCodeName; message: string }[] = [];
  const session = new Map<string, Value>();
  return {
    slots: opts.slots ?? [],
    params: opts.params ?? [],
    now: '2024-01-02 03:04:05.000000',
    warnings,
    session,
    sessionValue: (name) => session.get(name) ?? null,
    warn: (code, message) => {
      warnings.push({ code, message });
    },
    scan: (node) => opts.scans?.get(node.tableId) ?? [],
    gathered: (node) => batchesOperator(opts.gathers?.get(node) ?? []),
    pacer: opts.pacer ?? new Pacer(),
  };
}

export const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
export const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
export const DOUBLE: SqlType = { kind: 'double' };
export const VARCHAR: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: false };
export const VARBINARY: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: true };
export const DATE: SqlType = { kind: 'date' };
export const dec = (precision: number, scale: number): SqlType => ({ kind: 'decimal', precision, scale });

export const col = (index: number, type: SqlType): BoundExpr => ({ kind: 'column', index, type });
export const lit = (value: Value, type: SqlType): BoundExpr => ({ kind: 'const', value, type });

export function rowset(types: readonly SqlType[], rows: readonly (readonly Value[])[]): PhysicalPlan {
  return { kind: 'rowset', rows, types };
}

import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { AggSpec, SetOpKind, SortKey } from '../common/ir/physical.js';
import type { TableDef } from '../cluster/catalog.js';
import type { WindowNodeFields } from '../common/ir/window.js';

/**
 * The logical plan the binder builds. Close to the physical plan, except that base tables are
 * `get` nodes and joins are not yet hash or nested-loop: `distribute` decides what runs on the
 * leaves and what on the aggregator.
 */
export type LogicalPlan =
  | { readonly kind: 'get'; readonly table: TableDef; readonly types: readonly SqlType[] }
  | { readonly kind: 'rowset'; readonly rows: readonly (readonly Value[])[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'values'; readonly rows: readonly (readonly BoundExpr[])[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr; readonly types: readonly SqlType[] }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: readonly BoundExpr[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'aggregate'; readonly input: LogicalPlan; readonly groupBy: readonly BoundExpr[]; readonly aggs: readonly AggSpec[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'sort'; readonly input: LogicalPlan; readonly keys: readonly SortKey[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'limit'; readonly input: LogicalPlan; readonly count: BoundExpr | null; readonly offset: BoundExpr | null; readonly types: readonly SqlType[] }
  | { readonly kind: 'distinct'; readonly input: LogicalPlan; readonly types: readonly SqlType[] }
  | { readonly kind: 'join'; readonly type: 'inner' | 'left' | 'semi' | 'anti'; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly condition: BoundExpr | null; readonly types: readonly SqlType[] }
  | { readonly kind: 'union'; readonly inputs: readonly LogicalPlan[]; readonly types: readonly SqlType[] }
  /** INTERSECT / EXCEPT [ALL]; both inputs already cast to `types`. */
  | { readonly kind: 'setOp'; readonly op: SetOpKind; readonly all: boolean; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly types: readonly SqlType[] }
  /** WITH RECURSIVE (see the physical node); `recursive` reads the previous round through `workTable` nodes with this id. */
  | { readonly kind: 'recursiveCte'; readonly id: number; readonly distinct: boolean; readonly seed: LogicalPlan; readonly recursive: LogicalPlan; readonly types: readonly SqlType[] }
  | { readonly kind: 'workTable'; readonly id: number; readonly name: string; readonly types: readonly SqlType[] }
  /** LATERAL derived table: `right` reads the left row through `outer` references of depth 1. */
  | { readonly kind: 'apply'; readonly type: 'inner' | 'left'; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly condition: BoundExpr | null; readonly types: readonly SqlType[] }
  /** Window functions (common/ir/window.ts): the input's columns, then one per call. */
  | ({ readonly kind: 'window'; readonly input: LogicalPlan; readonly types: readonly SqlType[] } & WindowNodeFields);

/** What a result column is, for the client's column definition. */
export interface OutputColumn {
  readonly name: string;
  readonly orgName: string;
  readonly table: string;
  readonly orgTable: string;
  readonly schema: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly primaryKey?: boolean;
  readonly uniqueKey?: boolean;
  readonly multipleKey?: boolean;
  readonly autoIncrement?: boolean;
}

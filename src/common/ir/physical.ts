import type { SqlType } from '../types.js';
import type { Value } from '../value.js';
import type { BoundExpr } from './expr.js';
import type { WindowNodeFields } from './window.js';

/**
 * The physical plan: what the executor instantiates. Plain serializable data, immutable and
 * cacheable (per-execution state lives in the operators the executor builds from it).
 * Columns are positional; every node lists its output column types.
 *
 * The planner splits a query into fragments that run on leaves (a subtree whose only source
 * is a `scan`) and the aggregator's plan above `gather` nodes.
 */

export type AggFunc = 'count' | 'countStar' | 'sum' | 'avg' | 'min' | 'max' | 'groupConcat' | 'bitAnd' | 'bitOr' | 'bitXor' | 'std' | 'variance' | 'anyValue' | 'jsonArrayAgg' | 'jsonObjectAgg';

export interface AggSpec {
  readonly fn: AggFunc;
  /** null for COUNT(*); GROUP_CONCAT and COUNT(DISTINCT a, b) may take several args. */
  readonly args: readonly BoundExpr[];
  readonly distinct: boolean;
  /** Result type of the final value. */
  readonly type: SqlType;
  /** GROUP_CONCAT */
  readonly separator?: string;
  readonly orderBy?: readonly SortKey[];
  /** VAR_SAMP / STDDEV_SAMP vs population. */
  readonly sample?: boolean;
}

export interface SortKey {
  readonly expr: BoundExpr;
  readonly desc: boolean;
}

/** How a leaf reaches the rows of a table in one partition. Keys are evaluated per execution. */
export type Access =
  | { readonly kind: 'full' }
  /** Equality on every column of a unique index (index 0 = primary key). */
  | { readonly kind: 'point'; readonly index: number; readonly keys: readonly (readonly BoundExpr[])[] }
  /** An ordered range over an index; a bound may cover a prefix of the index columns. */
  | {
      readonly kind: 'range';
      readonly index: number;
      readonly lo?: { readonly key: readonly BoundExpr[]; readonly inclusive: boolean };
      readonly hi?: { readonly key: readonly BoundExpr[]; readonly inclusive: boolean };
      readonly reverse: boolean;
    };

/** Which partitions a fragment runs on. */
export type Routing =
  | { readonly kind: 'all' }
  /** One fixed partition (tables kept whole in a single partition). */
  | { readonly kind: 'partition'; readonly partition: number }
  /** Values of the shard-key columns, in shard-key order: hashed at run time to one partition. */
  | { readonly kind: 'shardKey'; readonly values: readonly BoundExpr[] }
  /** Several shard-key tuples (IN lists): the union of their partitions. */
  | { readonly kind: 'shardKeys'; readonly tuples: readonly (readonly BoundExpr[])[] };

export type PhysicalPlan =
  /** Leaf only: rows of `columns` (table positions) of one table in the partitions being run. */
  | { readonly kind: 'scan'; readonly db: string; readonly tableId: number; readonly table: string; readonly columns: readonly number[]; readonly access: Access; readonly types: readonly SqlType[] }
  /** Aggregator only: run `fragment` on the routed partitions and concatenate the batches. */
  | { readonly kind: 'gather'; readonly db: string; readonly fragment: PhysicalPlan; readonly routing: Routing; readonly types: readonly SqlType[] }
  /** Rows computed from expressions (SELECT without FROM, INSERT … VALUES). */
  | { readonly kind: 'values'; readonly rows: readonly (readonly BoundExpr[])[]; readonly types: readonly SqlType[] }
  /** Literal rows produced by the aggregator itself (information_schema, SHOW). */
  | { readonly kind: 'rowset'; readonly rows: readonly (readonly Value[])[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'filter'; readonly input: PhysicalPlan; readonly predicate: BoundExpr; readonly types: readonly SqlType[] }
  | { readonly kind: 'project'; readonly input: PhysicalPlan; readonly exprs: readonly BoundExpr[]; readonly types: readonly SqlType[] }
  /**
   * Hash aggregation. Output: the group-by values, then one column per aggregate.
   * mode single: input rows → final values. partial: input rows → states (one or more columns
   * per aggregate, see aggStateTypes). final: states → final values; its `groupBy` are columns
   * 0..k-1 of the partial output and its aggs read the state columns after them.
   */
  | { readonly kind: 'hashAgg'; readonly input: PhysicalPlan; readonly mode: 'single' | 'partial' | 'final'; readonly groupBy: readonly BoundExpr[]; readonly aggs: readonly AggSpec[]; readonly types: readonly SqlType[] }
  | { readonly kind: 'sort'; readonly input: PhysicalPlan; readonly keys: readonly SortKey[]; readonly types: readonly SqlType[] }
  /** Sort + limit in one pass, keeping at most offset + count rows. */
  | { readonly kind: 'topN'; readonly input: PhysicalPlan; readonly keys: readonly SortKey[]; readonly count: BoundExpr; readonly offset: BoundExpr | null; readonly types: readonly SqlType[] }
  | { readonly kind: 'limit'; readonly input: PhysicalPlan; readonly count: BoundExpr | null; readonly offset: BoundExpr | null; readonly types: readonly SqlType[] }
  /** Removes duplicate rows (NULLs equal, strings by collation). */
  | { readonly kind: 'distinct'; readonly input: PhysicalPlan; readonly types: readonly SqlType[] }
  /**
   * Equi-join on keys; `right` is the build side. Output: left columns then right columns
   * (semi/anti: left columns only). For left joins, unmatched left rows get NULL right columns.
   * residual: a further condition over the combined row, part of the join condition.
   */
  | { readonly kind: 'hashJoin'; readonly type: JoinKind; readonly left: PhysicalPlan; readonly right: PhysicalPlan; readonly leftKeys: readonly BoundExpr[]; readonly rightKeys: readonly BoundExpr[]; readonly residual: BoundExpr | null; readonly types: readonly SqlType[] }
  /** Any join condition; evaluated over each pair. Output as hashJoin. */
  | { readonly kind: 'nestedLoopJoin'; readonly type: JoinKind; readonly left: PhysicalPlan; readonly right: PhysicalPlan; readonly condition: BoundExpr | null; readonly types: readonly SqlType[] }
  /** UNION ALL of inputs with the same column count (UNION DISTINCT = distinct over this). */
  | { readonly kind: 'unionAll'; readonly inputs: readonly PhysicalPlan[]; readonly types: readonly SqlType[] }
  /**
   * INTERSECT / EXCEPT of two inputs of the same column types; rows compare whole, NULLs equal.
   * ALL keeps duplicates (min(m, n) copies for INTERSECT, max(m - n, 0) for EXCEPT); DISTINCT
   * returns each row once. `right` is the build side.
   */
  | { readonly kind: 'setOp'; readonly op: SetOpKind; readonly all: boolean; readonly left: PhysicalPlan; readonly right: PhysicalPlan; readonly types: readonly SqlType[] }
  /**
   * WITH RECURSIVE: the rows of `seed`, then of `recursive` run again and again over the rows
   * the previous round produced (its `workTable` nodes with this `id` read them), until a round
   * produces none; `distinct` (UNION DISTINCT) drops rows seen before. More rounds than
   * @@cte_max_recursion_depth end the statement with 3636. Aggregator only.
   */
  | { readonly kind: 'recursiveCte'; readonly id: number; readonly distinct: boolean; readonly seed: PhysicalPlan; readonly recursive: PhysicalPlan; readonly types: readonly SqlType[] }
  /** The rows the previous round of recursive CTE `id` produced. */
  | { readonly kind: 'workTable'; readonly id: number; readonly name: string; readonly types: readonly SqlType[] }
  /**
   * A LATERAL join: `right` runs once per left row, its `outer` references (depth 1) reading
   * that row. Output: left columns then right ones; `left` type keeps a left row with no match
   * (NULL right columns). condition: the ON condition over the combined row.
   */
  | { readonly kind: 'apply'; readonly type: 'inner' | 'left'; readonly left: PhysicalPlan; readonly right: PhysicalPlan; readonly condition: BoundExpr | null; readonly types: readonly SqlType[] }
  /** Window functions (window.ts): the input's columns, then one per call; on a leaf when partitioned by the shard key. */
  | ({ readonly kind: 'window'; readonly input: PhysicalPlan; readonly types: readonly SqlType[] } & WindowNodeFields);

export type SetOpKind = 'intersect' | 'except';

export type JoinKind = 'inner' | 'left' | 'semi' | 'anti';

export type PhysicalKind = PhysicalPlan['kind'];

export function planInputs(p: PhysicalPlan): readonly PhysicalPlan[] {
  switch (p.kind) {
    case 'scan':
    case 'values':
    case 'rowset':
    case 'gather':
      return [];
    case 'filter':
    case 'project':
    case 'hashAgg':
    case 'sort':
    case 'topN':
    case 'limit':
    case 'distinct':
    case 'window':
      return [p.input];
    case 'hashJoin':
    case 'nestedLoopJoin':
      return [p.left, p.right];
    case 'unionAll':
      return p.inputs;
    case 'setOp':
    case 'apply':
      return [p.left, p.right];
    case 'recursiveCte':
      return [p.seed, p.recursive];
    case 'workTable':
      return [];
  }
}

/**
 * The inputs an operator instantiates again and again (once per row or per round): their
 * gathers must be fetched whole, as a stream is read only once.
 */
export function rerunInputs(p: PhysicalPlan): readonly PhysicalPlan[] {
  if (p.kind === 'apply') return [p.right];
  if (p.kind === 'recursiveCte') return [p.recursive];
  return [];
}

/** True when partial states of this aggregate can be computed per partition and merged. */
export function isSplittable(a: AggSpec): boolean {
  return !a.distinct && a.fn !== 'groupConcat' && a.fn !== 'jsonArrayAgg' && a.fn !== 'jsonObjectAgg';
}

/**
 * The columns a partial aggregate emits for one aggregate, which the final aggregate reads.
 * count/countStar: [count BIGINT]; sum: [sum in the final type]; avg: [sum, count];
 * min/max/anyValue: [value]; bit ops: [BIGINT UNSIGNED]; std/variance: [count, mean, m2] as DOUBLE.
 */
export function aggStateTypes(a: AggSpec): readonly SqlType[] {
  const bigint: SqlType = { kind: 'int', bytes: 8, unsigned: false };
  const double: SqlType = { kind: 'double' };
  switch (a.fn) {
    case 'count':
    case 'countStar':
      return [bigint];
    case 'sum':
      return [a.type];
    case 'avg':
      return a.type.kind === 'decimal'
        ? [{ kind: 'decimal', precision: 65, scale: Math.max(0, a.type.scale - 4) }, bigint]
        : [double, bigint];
    case 'min':
    case 'max':
    case 'anyValue':
      return [a.args[0]!.type];
    case 'bitAnd':
    case 'bitOr':
    case 'bitXor':
      return [{ kind: 'int', bytes: 8, unsigned: true }];
    case 'std':
    case 'variance':
      return [double, double, double];
    case 'groupConcat':
    case 'jsonArrayAgg':
    case 'jsonObjectAgg':
      return [a.type];
  }
}

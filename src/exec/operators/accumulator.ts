/**
 * The contract between hashAgg and its aggregate accumulators (aggregates.ts, json-agg.ts).
 */
import type { WarnFn } from '../../common/cast.js';
import type { Value } from '../../common/value.js';
import type { Vector } from '../../common/vector.js';

export interface Accumulator {
  /** Makes room for group ids below n. */
  grow(n: number): void;
  /** Input rows: args[k][i] is argument k of row i, which belongs to group gids[i]. */
  update(gids: Int32Array, args: readonly Vector[], n: number, w: WarnFn): void;
  /** Partial states (final mode): states[k][i] is state column k. */
  merge(gids: Int32Array, states: readonly Vector[], n: number, w: WarnFn): void;
  result(g: number): Value;
  /** The partial state of group g, one value per aggStateTypes column. */
  state(g: number): Value[];
}

export interface AggEnv {
  /** group_concat_max_len, in bytes. */
  readonly groupConcatMaxLen: number;
  warn: WarnFn;
  /** Counts working memory an accumulator holds beyond its per-group slots (lists, sets); throws past the statement's budget. */
  reserve(bytes: number): void;
  release(bytes: number): void;
}

import { assertNever } from '../assert.js';
import type { SqlType } from '../types.js';
import type { BoundExpr, CompareKind } from './expr.js';
import type { AggSpec, SortKey } from './physical.js';

/**
 * Window functions in the plan. A `window` node (logical and physical) sorts its input by
 * PARTITION BY then ORDER BY (unless `presorted`), and appends one column per call: its value
 * for each row. All calls of a node share its partitioning and ordering; their frames differ.
 */

/**
 * Where a frame starts or ends, relative to the current row of a sorted partition.
 * unbounded: the partition's first row (as a start) or last (as an end).
 * rows: `offset` rows away (negative: PRECEDING, 0: the row itself, positive: FOLLOWING).
 * peers: the first (start) or last (end) row whose ORDER BY keys equal the current row's.
 * range: the rows whose single ORDER BY key reaches `target`, the key moved by the offset for
 * the current row (key - n for n PRECEDING ascending, DATE_SUB(key, INTERVAL …) for temporal
 * keys); `cmp` compares keys with targets. A NULL key's frame bound is its peers (MySQL).
 */
export type FrameBound =
  | { readonly kind: 'unbounded' }
  | { readonly kind: 'rows'; readonly offset: number }
  | { readonly kind: 'peers' }
  | { readonly kind: 'range'; readonly target: BoundExpr; readonly cmp: CompareKind };

/** A frame: rows [start, end] of the partition, empty when start passes end. */
export interface WindowFrame {
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export type WindowFn =
  | { readonly kind: 'rowNumber' | 'rank' | 'denseRank' | 'percentRank' | 'cumeDist' }
  | { readonly kind: 'ntile'; readonly buckets: number }
  /** LAG/LEAD: the value `offset` rows before/after in the partition, else `fallback` of the current row. */
  | { readonly kind: 'lag' | 'lead'; readonly arg: BoundExpr; readonly offset: number; readonly fallback: BoundExpr | null }
  | { readonly kind: 'firstValue' | 'lastValue'; readonly arg: BoundExpr }
  | { readonly kind: 'nthValue'; readonly arg: BoundExpr; readonly n: number }
  /** An aggregate over the frame; its args are over the window's input. */
  | { readonly kind: 'aggregate'; readonly agg: AggSpec };

export interface WindowCall {
  readonly fn: WindowFn;
  /** The frame the function reads (functions that ignore frames have the whole partition). */
  readonly frame: WindowFrame;
  readonly type: SqlType;
}

export interface WindowNodeFields {
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly SortKey[];
  /** The input is already sorted by partitionBy then orderBy (the window below sorted it so). */
  readonly presorted: boolean;
  readonly calls: readonly WindowCall[];
}

export const WHOLE_PARTITION: WindowFrame = { start: { kind: 'unbounded' }, end: { kind: 'unbounded' } };

/** Every expression of a window node's fields, for walks over plans. */
export function windowExprs(w: WindowNodeFields): BoundExpr[] {
  const out: BoundExpr[] = [...w.partitionBy, ...w.orderBy.map((k) => k.expr)];
  for (const c of w.calls) {
    const fn = c.fn;
    switch (fn.kind) {
      case 'rowNumber': case 'rank': case 'denseRank': case 'percentRank': case 'cumeDist': case 'ntile':
        break;
      case 'lag': case 'lead':
        out.push(fn.arg);
        if (fn.fallback) out.push(fn.fallback);
        break;
      case 'firstValue': case 'lastValue': case 'nthValue':
        out.push(fn.arg);
        break;
      case 'aggregate':
        out.push(...fn.agg.args);
        break;
      default:
        assertNever(fn, 'window function');
    }
    for (const b of [c.frame.start, c.frame.end]) if (b.kind === 'range') out.push(b.target);
  }
  return out;
}

/** The node's fields with every expression passed through f (column remaps, subquery planning). */
export function mapWindowExprs<T extends WindowNodeFields>(w: T, f: (e: BoundExpr) => BoundExpr): T {
  const bound = (b: FrameBound): FrameBound => (b.kind === 'range' ? { ...b, target: f(b.target) } : b);
  const calls = w.calls.map((c): WindowCall => {
    const fn = c.fn;
    let mapped: WindowFn;
    switch (fn.kind) {
      case 'rowNumber': case 'rank': case 'denseRank': case 'percentRank': case 'cumeDist': case 'ntile':
        mapped = fn;
        break;
      case 'lag': case 'lead':
        mapped = { ...fn, arg: f(fn.arg), fallback: fn.fallback ? f(fn.fallback) : null };
        break;
      case 'firstValue': case 'lastValue': case 'nthValue':
        mapped = { ...fn, arg: f(fn.arg) };
        break;
      case 'aggregate':
        mapped = { kind: 'aggregate', agg: { ...fn.agg, args: fn.agg.args.map(f) } };
        break;
      default:
        return assertNever(fn, 'window function');
    }
    return { ...c, fn: mapped, frame: { start: bound(c.frame.start), end: bound(c.frame.end) } };
  });
  return { ...w, partitionBy: w.partitionBy.map(f), orderBy: w.orderBy.map((k) => ({ ...k, expr: f(k.expr) })), calls };
}

/** EXPLAIN's words for a window node. */
export function describeWindow(w: WindowNodeFields): string {
  return `Window partition:${w.partitionBy.length} order:${w.orderBy.length} sort:${w.presorted ? 'no' : 'yes'} functions:${w.calls.map((c) => c.fn.kind === 'aggregate' ? c.fn.agg.fn : c.fn.kind).join(',')}`;
}

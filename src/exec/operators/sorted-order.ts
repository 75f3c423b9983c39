import type { Pacer } from '../pacer.js';
import { PAUSE, type Pause } from './operator.js';

/** Rows per sorted run: one run's sort takes a few ms, so a big sort pauses between runs. */
export const RUN_ROWS = 8192;
/** Merged rows between pause checks. */
const MERGE_CHECK = 4096;

/**
 * The first `limit` row numbers of [0, n) in `compare` order, ties by row number (a stable
 * sort). Runs of RUN_ROWS rows are sorted one at a time and then merged through a heap, with
 * PAUSE yielded whenever the statement's slice is used up: no sort holds the thread for long.
 */
export function* sortedOrder(n: number, compare: (i: number, j: number) => number, pacer: Pacer, limit = n): Generator<Pause, number[], undefined> {
  const cmp = (i: number, j: number): number => compare(i, j) || i - j;
  const want = Math.min(limit, n);
  if (n <= RUN_ROWS) {
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(cmp);
    order.length = want;
    return order;
  }
  const runs: number[][] = [];
  for (let start = 0; start < n; start += RUN_ROWS) {
    if (start > 0 && pacer.shouldPause()) yield PAUSE;
    const end = Math.min(n, start + RUN_ROWS);
    const run = new Array<number>(end - start);
    for (let i = start; i < end; i++) run[i - start] = i;
    run.sort(cmp);
    // A run never needs more rows than the whole result does.
    if (run.length > want) run.length = want;
    runs.push(run);
  }
  // k-way merge: heap[] holds run numbers ordered by their current head row.
  const pos = new Array<number>(runs.length).fill(0);
  const head = (r: number): number => runs[r]![pos[r]!]!;
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => cmp(head(a), head(b)) < 0;
  const down = (i: number): void => {
    const len = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) return;
      const r = l + 1;
      const c = r < len && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, heap[i]!)) return;
      const t = heap[i]!;
      heap[i] = heap[c]!;
      heap[c] = t;
      i = c;
    }
  };
  for (let r = 0; r < runs.length; r++) if (runs[r]!.length > 0) heap.push(r);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out = new Array<number>(want);
  for (let k = 0; k < want; k++) {
    if (k % MERGE_CHECK === MERGE_CHECK - 1 && pacer.shouldPause()) yield PAUSE;
    const r = heap[0]!;
    out[k] = head(r);
    if (++pos[r]! < runs[r]!.length) down(0);
    else {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
      if (heap.length > 0) down(0);
    }
  }
  return out;
}

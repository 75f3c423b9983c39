import type { Value } from '../common/value.js';

/** Rows per batch: large enough to amortize per-batch work, small enough to stay in cache. */
export const BATCH_SIZE = 2048;

/**
 * A column batch: cols[c][row]. Column arrays are shared between operators (a project of a
 * column hands on the same array), so nobody writes into an array it did not allocate.
 */
export interface Batch {
  readonly length: number;
  readonly cols: Value[][];
}

export function makeBatch(cols: Value[][], length: number): Batch {
  return { length, cols };
}

/** The rows at `idx[0..n)` of every column, in that order. */
export function selectRows(batch: Batch, idx: ArrayLike<number>, n: number): Batch {
  const cols: Value[][] = new Array(batch.cols.length);
  for (let c = 0; c < batch.cols.length; c++) {
    const src = batch.cols[c]!;
    const dst: Value[] = new Array(n);
    for (let i = 0; i < n; i++) dst[i] = src[idx[i]!]!;
    cols[c] = dst;
  }
  return { length: n, cols };
}

/** Rows [from, to) of a batch. */
export function sliceBatch(batch: Batch, from: number, to: number): Batch {
  if (from === 0 && to >= batch.length) return batch;
  return { length: to - from, cols: batch.cols.map((col) => col.slice(from, to)) };
}

/** Row-major rows into batches of at most BATCH_SIZE rows. */
export function batchesFromRows(rows: readonly (readonly Value[])[], width: number): Batch[] {
  const out: Batch[] = [];
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const end = Math.min(rows.length, start + BATCH_SIZE);
    const cols: Value[][] = [];
    for (let c = 0; c < width; c++) {
      const col: Value[] = new Array(end - start);
      for (let r = start; r < end; r++) col[r - start] = rows[r]![c] ?? null;
      cols.push(col);
    }
    out.push({ length: end - start, cols });
  }
  return out;
}

/** Row `i` of a batch as a fresh array. */
export function rowOf(batch: Batch, i: number): Value[] {
  const row: Value[] = new Array(batch.cols.length);
  for (let c = 0; c < batch.cols.length; c++) row[c] = batch.cols[c]![i]!;
  return row;
}

/** Row-major copy of a batch (results, tests). */
export function batchRows(batch: Batch): Value[][] {
  const rows: Value[][] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) rows[i] = rowOf(batch, i);
  return rows;
}

/**
 * Appends the rows of batches into growable column arrays: the materializing operators
 * (sort, join build, top-N) keep their input this way.
 */
export class ColumnBuffer {
  readonly cols: Value[][];
  length = 0;

  constructor(width: number) {
    this.cols = [];
    for (let c = 0; c < width; c++) this.cols.push([]);
  }

  append(batch: Batch): void {
    const n = batch.length;
    for (let c = 0; c < this.cols.length; c++) {
      const dst = this.cols[c]!;
      const src = batch.cols[c]!;
      for (let i = 0; i < n; i++) dst.push(src[i]!);
    }
    this.length += n;
  }

  /** The rows at idx[from..to) as one batch. */
  gather(idx: ArrayLike<number>, from: number, to: number): Batch {
    const n = to - from;
    const cols: Value[][] = new Array(this.cols.length);
    for (let c = 0; c < this.cols.length; c++) {
      const src = this.cols[c]!;
      const dst: Value[] = new Array(n);
      for (let i = 0; i < n; i++) dst[i] = src[idx[from + i]!]!;
      cols[c] = dst;
    }
    return { length: n, cols };
  }
}

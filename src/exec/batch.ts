import type { SqlType } from '../common/types.js';
import { constVector, gatherVector, sliceVector, valueAt, valuesOf, valuesVector, vectorFromValues, type Vector } from '../common/vector.js';
import type { Value } from '../common/value.js';

/** Rows per batch: large enough to amortize per-batch work, small enough to stay in cache. */
export const BATCH_SIZE = 2048;

/**
 * A column batch: one Vector per column (see common/vector.ts). Vectors are shared between
 * operators (a project of a column hands on the same vector), so nobody writes into a vector
 * it did not make.
 */
export interface Batch {
  readonly length: number;
  readonly cols: readonly Vector[];
}

/** A batch of boxed columns. */
export function boxedBatch(cols: readonly (readonly Value[])[], length: number): Batch {
  return { length, cols: cols.map(valuesVector) };
}

/** One row as a batch (DML evaluates its assignments row by row). */
export function rowBatch(row: readonly Value[]): Batch {
  return { length: 1, cols: row.map(constVector) };
}

/** Boxed columns of `n` rows whose numeric columns (by type) are made typed when long enough. */
export function typedBatch(cols: readonly (readonly Value[])[], types: readonly SqlType[], n: number): Batch {
  const out: Vector[] = new Array<Vector>(cols.length);
  for (let c = 0; c < cols.length; c++) out[c] = vectorFromValues(cols[c]!, types[c]!, n);
  return { length: n, cols: out };
}

/** The rows at `idx[0..n)` of every column, in that order. */
export function selectRows(batch: Batch, idx: ArrayLike<number>, n: number): Batch {
  const cols: Vector[] = new Array<Vector>(batch.cols.length);
  for (let c = 0; c < batch.cols.length; c++) cols[c] = gatherVector(batch.cols[c]!, idx, n);
  return { length: n, cols };
}

/** Rows [from, to) of a batch. */
export function sliceBatch(batch: Batch, from: number, to: number): Batch {
  if (from === 0 && to >= batch.length) return batch;
  return { length: to - from, cols: batch.cols.map((col) => sliceVector(col, from, to)) };
}

/** Row-major rows into batches of at most BATCH_SIZE rows. */
export function batchesFromRows(rows: readonly (readonly Value[])[], width: number): Batch[] {
  const out: Batch[] = [];
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const end = Math.min(rows.length, start + BATCH_SIZE);
    const cols: Vector[] = [];
    for (let c = 0; c < width; c++) {
      const col: Value[] = new Array<Value>(end - start);
      for (let r = start; r < end; r++) col[r - start] = rows[r]![c] ?? null;
      cols.push(valuesVector(col));
    }
    out.push({ length: end - start, cols });
  }
  return out;
}

/** Row `i` of a batch as a fresh array. */
export function rowOf(batch: Batch, i: number): Value[] {
  const row: Value[] = new Array<Value>(batch.cols.length);
  for (let c = 0; c < batch.cols.length; c++) row[c] = valueAt(batch.cols[c]!, i);
  return row;
}

/** Row-major copy of a batch (results, tests). */
export function batchRows(batch: Batch): Value[][] {
  const n = batch.length;
  const rows: Value[][] = new Array<Value[]>(n);
  for (let i = 0; i < n; i++) rows[i] = new Array<Value>(batch.cols.length);
  for (let c = 0; c < batch.cols.length; c++) {
    const col = valuesOf(batch.cols[c]!, n);
    for (let i = 0; i < n; i++) rows[i]![c] = col[i]!;
  }
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
    this.appendColumns(batch.cols, batch.length);
  }

  appendColumns(cols: readonly Vector[], n: number): void {
    this.appendValues(cols.map((c) => valuesOf(c, n)), n);
  }

  appendValues(cols: readonly (readonly Value[])[], n: number): void {
    for (let c = 0; c < this.cols.length; c++) {
      const dst = this.cols[c]!;
      const src = cols[c]!;
      for (let i = 0; i < n; i++) dst.push(src[i]!);
    }
    this.length += n;
  }

  /** The rows at idx[from..to) as one batch. */
  gather(idx: ArrayLike<number>, from: number, to: number): Batch {
    const n = to - from;
    const cols: Vector[] = new Array<Vector>(this.cols.length);
    for (let c = 0; c < this.cols.length; c++) {
      const src = this.cols[c]!;
      const dst: Value[] = new Array<Value>(n);
      for (let i = 0; i < n; i++) dst[i] = src[idx[from + i]!]!;
      cols[c] = valuesVector(dst);
    }
    return { length: n, cols };
  }
}

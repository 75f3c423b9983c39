/**
 * The table interface both stores implement: the rowstore (RowTable) today, the columnstore
 * table (src/storage/columnstore) once the wiring step builds it on the segment store. The leaf
 * and the durability code are to call tables only through this, so the access-path choice
 * (scan, range, lookup) can move out of leaf-server.ts and each store answers it its own way.
 *
 * Reads take a ReadView (schema.ts; MVCC rules in txn.ts); writes go through a Txn and the
 * WriteTarget seam (txn.ts), so commit, rollback, sliced big commits and GC work the same for
 * both stores.
 */
import type { Value } from '../common/value.js';
import { vectorFromValues, type Vector } from '../common/vector.js';
import type { SqlType } from '../common/types.js';
import { compareZone } from './columnstore/page.js';
import type { IndexSchema, InsertResult, KeyBound, MaybePromise, ReadView, RowChunk, RowRef, TableSchema } from './schema.js';
import type { Txn } from './txn.js';

export interface Bound {
  readonly value: Value;
  readonly inclusive: boolean;
}

/**
 * A pushed-down filter on one column (its position in the table). NULL never passes.
 * - range: lo ≤ v ≤ hi (either end open), for numbers, DECIMALs and canonical temporal
 *   strings (whose Value order is SQL's): a columnstore skips segments and pages by min/max.
 * - match: any test (a collation-aware equality, LIKE): a columnstore runs it once per distinct
 *   value of a dictionary page.
 * A table may return rows that fail a filter only if the spec says so (exact: false); by default
 * every row returned passes every filter.
 */
export type ColumnFilter =
  | { readonly kind: 'range'; readonly col: number; readonly lo?: Bound; readonly hi?: Bound }
  | { readonly kind: 'match'; readonly col: number; readonly test: (v: Value) => boolean };

export interface ScanSpec {
  /** Column positions to return, in this order. */
  readonly columns: readonly number[];
  readonly filters?: readonly ColumnFilter[];
  /** At most this many rows a batch. */
  readonly batchRows: number;
}

/** A batch of visible rows as typed vectors; refs[i] is row i's handle for read, lockRow, update, delete. */
export interface VectorBatch {
  readonly length: number;
  readonly refs: ArrayLike<RowRef>;
  readonly columns: readonly Vector[];
}

export interface Table {
  readonly tableId: number;
  readonly partitionId: number;
  readonly schema: TableSchema;
  /** Visible rows passing the filters, as typed vectors, in batches (pausable between batches). */
  scanBatches(view: ReadView, spec: ScanSpec): Iterable<VectorBatch>;
  /** Boxed-chunk scan and ordered index range (the leaf's paths today). */
  scan(view: ReadView, columns: readonly number[], batchSize: number): Iterable<RowChunk>;
  range(view: ReadView, index: number, lo: KeyBound | undefined, hi: KeyBound | undefined, columns: readonly number[], batchSize: number, reverse?: boolean): Iterable<RowChunk>;
  lookup(view: ReadView, index: number, key: readonly Value[]): RowRef | undefined;
  read(view: ReadView, ref: RowRef): readonly Value[] | null;
  readLatest(txn: Txn, ref: RowRef): readonly Value[] | null;
  approxRowCount(): number;
  lockRow(txn: Txn, ref: RowRef): MaybePromise<void>;
  insert(txn: Txn, row: readonly Value[]): MaybePromise<InsertResult>;
  update(txn: Txn, ref: RowRef, row: readonly Value[]): MaybePromise<InsertResult>;
  delete(txn: Txn, ref: RowRef): void;
  addIndex(index: IndexSchema): void;
  dropIndex(name: string): void;
  truncate(): void;
}

/** Does v pass f? (For stores that filter row by row.) */
export function passesFilter(f: ColumnFilter, v: Value): boolean {
  if (v === null) return false;
  switch (f.kind) {
    case 'range': {
      if (f.lo !== undefined) {
        if (f.lo.value === null) return false;
        const c = compareZone(v, f.lo.value);
        if (c < 0 || (c === 0 && !f.lo.inclusive)) return false;
      }
      if (f.hi !== undefined) {
        if (f.hi.value === null) return false;
        const c = compareZone(v, f.hi.value);
        if (c > 0 || (c === 0 && !f.hi.inclusive)) return false;
      }
      return true;
    }
    case 'match':
      return f.test(v);
  }
}

/**
 * scanBatches over boxed chunks (the rowstore's form): the filters row by row, then each column
 * as a typed vector where its values fit one.
 */
export function* batchesFromChunks(chunks: Iterable<RowChunk>, spec: ScanSpec, types: readonly SqlType[]): Generator<VectorBatch> {
  const filters = spec.filters ?? [];
  // the chunk carries the requested columns, then the filter columns not requested
  const extra = filters.map((f) => f.col).filter((c, i, a) => !spec.columns.includes(c) && a.indexOf(c) === i);
  const pos = (c: number): number => {
    const j = spec.columns.indexOf(c);
    return j >= 0 ? j : spec.columns.length + extra.indexOf(c);
  };
  for (const ch of chunks) {
    let keep: number[] | null = null;
    if (filters.length > 0) {
      keep = [];
      for (let i = 0; i < ch.length; i++) if (filters.every((f) => passesFilter(f, ch.columns[pos(f.col)]![i]!))) keep.push(i);
      if (keep.length === 0) continue;
    }
    const n = keep === null ? ch.length : keep.length;
    const refs = keep === null ? ch.refs : keep.map((i) => ch.refs[i]!);
    const columns = spec.columns.map((c, j) => {
      const vals = keep === null ? ch.columns[j]! : keep.map((i) => ch.columns[j]![i]!);
      return vectorFromValues(vals, types[c]!, n);
    });
    yield { length: n, refs, columns };
  }
}

/** The columns a chunk scan must fetch for a spec: the requested ones, then the filter-only ones. */
export function fetchColumns(spec: ScanSpec): number[] {
  const out = [...spec.columns];
  for (const f of spec.filters ?? []) if (!out.includes(f.col)) out.push(f.col);
  return out;
}



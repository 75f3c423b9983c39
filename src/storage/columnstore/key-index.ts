/**
 * Hash indexes over segment rows, so PRIMARY KEY and UNIQUE lookups, duplicate checks and
 * single-row UPDATE/DELETE find their row without a scan: encoded key (key-codec.ts, the
 * rowstore's encoding, so both stores agree on what is a duplicate) → the rows holding it, as
 * segment row refs (segment id and row offset in one number).
 *
 * Entries of a segment go in when it is installed and out when a merge replaces it; deleted
 * rows stay until then and are filtered by the segment's bitmap (so a delete costs nothing
 * here). Reading a found row decodes only its page of each column asked for, through a small
 * page cache.
 */
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valueAt, type Vector } from '../../common/vector.js';
import { encodeRowKey } from '../key-codec.js';
import type { Segment } from './segment.js';

/** Rows a segment may have: the row offset takes the low 24 bits of a ref. */
export const MAX_SEGMENT_ROWS = 1 << 24;
/** Refs of segment rows start here (below it: write-buffer slots). */
export const SEGMENT_REF_BASE = 2 ** 31;

export function segmentRowRef(segId: number, row: number): number {
  return SEGMENT_REF_BASE + segId * MAX_SEGMENT_ROWS + row;
}

export function isSegmentRef(ref: number): boolean {
  return ref >= SEGMENT_REF_BASE;
}

export function splitSegmentRef(ref: number): { segId: number; row: number } {
  const x = ref - SEGMENT_REF_BASE;
  return { segId: Math.floor(x / MAX_SEGMENT_ROWS), row: x % MAX_SEGMENT_ROWS };
}

export class SegmentKeyIndex {
  /** Encoded key → one ref, or several (non-unique keys; a unique key during a merge). */
  private readonly map = new Map<string, number | number[]>();
  private readonly segs = new Map<number, Segment>();
  private readonly types: readonly SqlType[];

  constructor(
    /** Key columns, positions in the table. */
    readonly cols: readonly number[],
    allTypes: readonly SqlType[],
    /** NULL keys are not indexed in a UNIQUE index (they never conflict). */
    readonly skipNullKeys: boolean,
  ) {
    this.types = cols.map((c) => allTypes[c]!);
  }

  get size(): number {
    return this.map.size;
  }

  /** Indexes every row of the segment, decoding only the key columns, a page at a time. */
  add(seg: Segment): void {
    this.segs.set(seg.id, seg);
    const row: Value[] = [];
    const nt = seg.footer.types.length;
    for (let p = 0; p < seg.pageCount; p++) {
      const n = seg.pageRef(0, p).rows;
      const start = seg.pageStart(p);
      const vecs = this.cols.map((c) => seg.page(c, p));
      row.length = nt;
      for (let i = 0; i < n; i++) {
        let hasNull = false;
        for (let k = 0; k < this.cols.length; k++) {
          const v = valueAt(vecs[k]!, i);
          if (v === null) hasNull = true;
          row[this.cols[k]!] = v;
        }
        if (hasNull && this.skipNullKeys) continue;
        const key = encodeRowKey(this.types, this.cols, row);
        const ref = segmentRowRef(seg.id, start + i);
        const c = this.map.get(key);
        if (c === undefined) this.map.set(key, ref);
        else if (typeof c === 'number') this.map.set(key, [c, ref]);
        else c.push(ref);
      }
    }
  }

  /** Drops the segment's entries (a merge replaced it). */
  remove(seg: Segment): void {
    if (!this.segs.delete(seg.id)) return;
    for (const [key, c] of this.map) {
      if (typeof c === 'number') {
        if (splitSegmentRef(c).segId === seg.id) this.map.delete(key);
        continue;
      }
      const keep = c.filter((r) => splitSegmentRef(r).segId !== seg.id);
      if (keep.length === 0) this.map.delete(key);
      else this.map.set(key, keep.length === 1 ? keep[0]! : keep);
    }
  }

  /** The refs of live (not deleted) rows with this key (full key values, in index column order). */
  lookup(key: readonly Value[]): number[] {
    if (this.skipNullKeys && key.some((v) => v === null)) return [];
    const row: Value[] = [];
    this.cols.forEach((c, k) => (row[c] = key[k]!));
    const c = this.map.get(encodeRowKey(this.types, this.cols, row));
    if (c === undefined) return [];
    const out: number[] = [];
    for (const ref of typeof c === 'number' ? [c] : c) {
      const { segId, row: r } = splitSegmentRef(ref);
      const seg = this.segs.get(segId);
      if (seg !== undefined && seg.deleted[r] !== 1) out.push(ref);
    }
    return out;
  }
}

/** Reads single rows of segments, keeping the last few decoded pages (a point read decodes one page per column). */
export class RowReader {
  private readonly cache = new Map<string, Vector>();

  constructor(
    private readonly segment: (id: number) => Segment | undefined,
    private readonly pagesKept = 64,
  ) {}

  /** The row's values (all columns, or `cols`), or null when the segment is gone or the row deleted. */
  read(ref: number, cols: readonly number[] | null = null): Value[] | null {
    const { segId, row } = splitSegmentRef(ref);
    const seg = this.segment(segId);
    if (seg === undefined || row >= seg.rows || seg.deleted[row] === 1) return null;
    const p = Math.floor(row / seg.footer.pageRows);
    const i = row - seg.pageStart(p);
    const which = cols ?? seg.footer.types.map((_, c) => c);
    return which.map((c) => valueAt(this.page(seg, c, p), i));
  }

  private page(seg: Segment, c: number, p: number): Vector {
    const k = `${seg.id}/${c}/${p}`;
    let v = this.cache.get(k);
    if (v !== undefined) {
      this.cache.delete(k);
      this.cache.set(k, v); // most recently used last
      return v;
    }
    v = seg.page(c, p);
    this.cache.set(k, v);
    if (this.cache.size > this.pagesKept) this.cache.delete(this.cache.keys().next().value!);
    return v;
  }
}

/**
 * Scans of segments into batches of typed vectors, in BATCH_ROWS steps (a generator: the exec
 * engine pauses between batches, and a step decodes at most one page per column, so a huge
 * segment never holds the thread for long).
 *
 * - Pages (and whole segments) whose min/max cannot meet a range filter are skipped unread.
 * - Filter columns are decoded first; the other columns of a page only when a row of it passes,
 *   and then only the passing rows are gathered (late materialization).
 * - A `match` filter on a dictionary page runs once per distinct value, then on the codes.
 * - Deleted rows (the segment's bitmap) never come out.
 */
import { assertNever } from '../../common/assert.js';
import type { Value } from '../../common/value.js';
import { gatherVector, sliceVector, valueAt, type Vector } from '../../common/vector.js';
import { compareZone } from './page.js';
import type { Segment } from './segment.js';
import { passesFilter, type ColumnFilter } from '../table.js';

export const BATCH_ROWS = 2048;

export type { Bound, ColumnFilter } from '../table.js';

export interface ScanStats {
  segmentsScanned: number;
  segmentsSkipped: number;
  pagesScanned: number;
  pagesSkipped: number;
  rowsOut: number;
}

export function newScanStats(): ScanStats {
  return { segmentsScanned: 0, segmentsSkipped: 0, pagesScanned: 0, pagesSkipped: 0, rowsOut: 0 };
}

export interface SegmentBatch {
  readonly segment: Segment;
  readonly length: number;
  /** Row offsets in the segment of the rows in the batch (row refs for point access and deletes). */
  readonly rows: Int32Array;
  /** The requested columns, in request order, holding the batch's rows. */
  readonly columns: readonly Vector[];
}

/** Could a value in [min, max] pass the range? (null min: no zone map, or every value NULL.) */
export function zoneMayPass(f: Extract<ColumnFilter, { kind: 'range' }>, min: Value, max: Value, nulls: number, rows: number): boolean {
  if (nulls === rows) return false;
  if (min === null || max === null) return true;
  if (f.lo !== undefined && f.lo.value !== null) {
    const c = compareZone(max, f.lo.value);
    if (c < 0 || (c === 0 && !f.lo.inclusive)) return false;
  }
  if (f.hi !== undefined && f.hi.value !== null) {
    const c = compareZone(min, f.hi.value);
    if (c > 0 || (c === 0 && !f.hi.inclusive)) return false;
  }
  return true;
}


/** Narrows sel[0..m) (offsets into the page vector) to the rows passing f; returns the new m. */
function applyFilter(f: ColumnFilter, v: Vector, sel: Int32Array, m: number, passCache: Map<ColumnFilter, Uint8Array>): number {
  let k = 0;
  switch (f.kind) {
    case 'range': {
      if (v.kind === 'f64' && (f.lo === undefined || typeof f.lo.value === 'number') && (f.hi === undefined || typeof f.hi.value === 'number')) {
        // the typed fast path: plain comparisons over the Float64Array
        const { data, nulls } = v;
        const lo = f.lo === undefined ? -Infinity : (f.lo.value as number);
        const hi = f.hi === undefined ? Infinity : (f.hi.value as number);
        const loIn = f.lo === undefined || f.lo.inclusive;
        const hiIn = f.hi === undefined || f.hi.inclusive;
        for (let i = 0; i < m; i++) {
          const r = sel[i]!;
          const x = data[r]!;
          if ((nulls === null || nulls[r] !== 1) && (loIn ? x >= lo : x > lo) && (hiIn ? x <= hi : x < hi)) sel[k++] = r;
        }
        return k;
      }
      for (let i = 0; i < m; i++) if (passesFilter(f, valueAt(v, sel[i]!))) sel[k++] = sel[i]!;
      return k;
    }
    case 'match': {
      if (v.kind === 'dict') {
        // once per page: which dictionary entries pass
        let pass = passCache.get(f);
        if (pass === undefined) {
          pass = new Uint8Array(v.dict.length);
          for (let d = 0; d < pass.length; d++) pass[d] = f.test(v.dict[d]!) ? 1 : 0;
          passCache.set(f, pass);
        }
        const { codes, nulls } = v;
        for (let i = 0; i < m; i++) {
          const r = sel[i]!;
          if ((nulls === null || nulls[r] !== 1) && pass[codes[r]!] === 1) sel[k++] = r;
        }
        return k;
      }
      for (let i = 0; i < m; i++) {
        const x = valueAt(v, sel[i]!);
        if (x !== null && f.test(x)) sel[k++] = sel[i]!;
      }
      return k;
    }
    default:
      return assertNever(f);
  }
}

/** Does a range filter on this segment's columns rule the whole segment out? */
export function segmentSkippable(seg: Segment, filters: readonly ColumnFilter[]): boolean {
  for (const f of filters) {
    if (f.kind !== 'range') continue;
    const cm = seg.footer.columns[f.col]!;
    if (!zoneMayPass(f, cm.min, cm.max, cm.nulls, seg.rows)) return true;
  }
  return seg.liveRows === 0;
}

/**
 * The live rows of the segment passing every filter, `columns` of them, in batches of up to
 * batchRows rows, in the segment's (sort key) order.
 */
export function* scanSegment(
  seg: Segment,
  columns: readonly number[],
  filters: readonly ColumnFilter[] = [],
  stats: ScanStats = newScanStats(),
  batchRows = BATCH_ROWS,
): Generator<SegmentBatch> {
  if (segmentSkippable(seg, filters)) {
    stats.segmentsSkipped++;
    return;
  }
  stats.segmentsScanned++;
  const deleted = seg.deleted;
  for (let p = 0; p < seg.pageCount; p++) {
    const start = seg.pageStart(p);
    const n = seg.pageRef(0, p).rows;
    let skip = false;
    for (const f of filters) {
      if (f.kind !== 'range') continue;
      const pr = seg.pageRef(f.col, p);
      if (!zoneMayPass(f, pr.min, pr.max, pr.nulls, pr.rows)) skip = true;
    }
    if (skip) {
      stats.pagesSkipped++;
      continue;
    }
    stats.pagesScanned++;
    // one page of vectors at a time; each is decoded at most once
    const cache = new Map<number, Vector>();
    const passCache = new Map<ColumnFilter, Uint8Array>();
    const col = (c: number): Vector => {
      let v = cache.get(c);
      if (v === undefined) {
        v = seg.page(c, p);
        cache.set(c, v);
      }
      return v;
    };
    for (let b = 0; b < n; b += batchRows) {
      const len = Math.min(batchRows, n - b);
      const sel = new Int32Array(len);
      let m = 0;
      for (let i = 0; i < len; i++) if (deleted[start + b + i] !== 1) sel[m++] = b + i;
      for (const f of filters) {
        if (m === 0) break;
        m = applyFilter(f, col(f.col), sel, m, passCache);
      }
      if (m === 0) continue;
      const rows = new Int32Array(m);
      for (let i = 0; i < m; i++) rows[i] = start + sel[i]!;
      const out: Vector[] = new Array<Vector>(columns.length);
      const whole = m === len && sel[0] === b;
      for (let j = 0; j < columns.length; j++) {
        const v = col(columns[j]!);
        out[j] = whole ? sliceVector(v, b, b + len) : gatherVector(v, sel, m);
      }
      stats.rowsOut += m;
      yield { segment: seg, length: m, rows, columns: out };
    }
  }
}

/**
 * COUNT(*), MIN and MAX of a column from the footers alone, when they are exact: no deleted
 * rows (a deleted row may have held the extreme), a zone-ordered column.
 */
export function metadataAggregate(segs: readonly Segment[], col: number): { count: number; min: Value; max: Value } | null {
  let count = 0;
  let min: Value = null;
  let max: Value = null;
  for (const s of segs) {
    if (s.liveRows !== s.rows) return null;
    count += s.rows;
    const cm = s.footer.columns[col];
    if (cm === undefined) return null;
    if (cm.min === null) {
      if (cm.nulls !== s.rows) return null;
      continue;
    }
    if (min === null || compareZone(cm.min, min) < 0) min = cm.min;
    if (max === null || compareZone(cm.max!, max) > 0) max = cm.max;
  }
  return { count, min, max };
}

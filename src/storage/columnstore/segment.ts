/**
 * An immutable columnstore segment: a sorted run of rows, stored column by column in pages
 * (page.ts), with min/max per column per page and for the whole segment (zone maps), and a
 * deleted-row bitmap kept beside it in memory (the file never changes once written).
 *
 * File: "TSEG0001", the page blobs, a footer frame (durability/record.ts: length, CRC-32,
 * msgpack) holding the layout and the zone maps, the footer frame's length (u32) and
 * "TSEGEND1". A file that does not end in the trailer or whose footer fails its checksum is not a
 * segment. Each page's CRC-32 is in the footer too, so a worker thread that reads the file on
 * its own (openSegmentFile) checks what it reads.
 *
 * Files are written to `<name>.tmp`, fsynced, renamed, and the directory fsynced: a segment
 * file that exists under its final name is whole (what the manifest then records).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { invariant } from '../../common/assert.js';
import { compareValues } from '../../common/compare.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import type { Vector } from '../../common/vector.js';
import { crc32, frame, scanFrames, FRAME_HEADER } from '../durability/record.js';
import { syncDir } from '../durability/log-file.js';
import { PAGE_ROWS, compareZone, decodePage, encodePage, hasZoneOrder, type PageMeta } from './page.js';

const HEAD = Buffer.from('TSEG0001', 'latin1');
const TAIL = Buffer.from('TSEGEND1', 'latin1');

export interface PageRef extends PageMeta {
  /** Byte offset and length of the page blob in the file. */
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

export interface ColumnMeta {
  readonly pages: readonly PageRef[];
  /** Over the whole segment (null when no page has one). */
  readonly min: Value;
  readonly max: Value;
  readonly nulls: number;
}

export interface SegmentFooter {
  readonly format: 1;
  readonly rows: number;
  readonly pageRows: number;
  /** Column types as the segment was written (for checking against the table's schema). */
  readonly types: readonly SqlType[];
  readonly sortKey: readonly number[];
  readonly columns: readonly ColumnMeta[];
}

/**
 * Compares rows by the sort key columns, NULL first (as ORDER BY does): plain comparisons for
 * numbers and temporals (their Value order is SQL's), the collation for strings.
 */
export function sortKeyComparator(types: readonly SqlType[], sortKey: readonly number[]): (a: readonly Value[], b: readonly Value[]) => number {
  const plain = sortKey.map((c) => hasZoneOrder(types[c]!));
  return (a, b) => {
    for (let k = 0; k < sortKey.length; k++) {
      const c = sortKey[k]!;
      const x = a[c]!;
      const y = b[c]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? -1 : 1;
      }
      const r = plain[k] ? compareZone(x, y) : (compareValues(x, types[c]!, y, types[c]!) ?? 0);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/**
 * Builds a segment image page by page from rows handed over in sort order, so whoever feeds it
 * (a flush, a merge) holds at most a page of decoded values per column.
 */
export class SegmentBuilder {
  private readonly pending: Value[][];
  private readonly pages: PageRef[][];
  private readonly blobs: Uint8Array[] = [];
  private offset = HEAD.length;
  private rows = 0;

  constructor(
    readonly types: readonly SqlType[],
    readonly sortKey: readonly number[],
    private readonly pageRows = PAGE_ROWS,
  ) {
    this.pending = types.map(() => []);
    this.pages = types.map(() => []);
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Bytes of encoded pages so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Adds a row; encodes the page synchronously when it fills (see addAsync for the sliced form). */
  add(row: readonly Value[]): void {
    if (this.push(row)) for (let c = 0; c < this.pending.length; c++) this.encodeColumn(c);
  }

  /** Adds a row; when the page fills, encodes it a column per turn of the event loop. */
  async addAsync(row: readonly Value[], turn: () => Promise<void>): Promise<void> {
    if (!this.push(row)) return;
    for (let c = 0; c < this.pending.length; c++) {
      this.encodeColumn(c);
      await turn();
    }
  }

  /** true when the page is full. */
  private push(row: readonly Value[]): boolean {
    const p = this.pending;
    for (let c = 0; c < p.length; c++) p[c]!.push(row[c]!);
    this.rows++;
    return p.length > 0 && p[0]!.length >= this.pageRows;
  }

  private encodeColumn(c: number): void {
    const p = this.pending;
    const enc = encodePage(this.types[c]!, p[c]!);
    this.pages[c]!.push({ ...enc.meta, offset: this.offset, length: enc.bytes.length, crc: crc32(enc.bytes) });
    this.blobs.push(enc.bytes);
    this.offset += enc.bytes.length;
    p[c] = [];
  }

  private cutPage(): void {
    const p = this.pending;
    if (p.length === 0 || p[0]!.length === 0) return;
    for (let c = 0; c < p.length; c++) this.encodeColumn(c);
  }

  /** The whole file's bytes. */
  finish(): Buffer {
    this.cutPage();
    const columns: ColumnMeta[] = this.pages.map((pages, c) => {
      let min: Value = null;
      let max: Value = null;
      let nulls = 0;
      const zoned = hasZoneOrder(this.types[c]!);
      for (const pg of pages) {
        nulls += pg.nulls;
        if (!zoned || pg.min === null) continue;
        if (min === null || compareZone(pg.min, min) < 0) min = pg.min;
        if (max === null || compareZone(pg.max!, max) > 0) max = pg.max;
      }
      return { pages, min, max, nulls };
    });
    const footer: SegmentFooter = { format: 1, rows: this.rows, pageRows: this.pageRows, types: this.types, sortKey: this.sortKey, columns };
    const f = frame(footer);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.length, 0);
    return Buffer.concat([HEAD, ...this.blobs, f, len, TAIL]);
  }
}

/** Rows in any order → the bytes of one segment sorted by the sort key. */
export function buildSegment(types: readonly SqlType[], sortKey: readonly number[], rows: readonly (readonly Value[])[], pageRows = PAGE_ROWS): Buffer {
  const cmp = sortKeyComparator(types, sortKey);
  const sorted = sortKey.length === 0 ? rows : [...rows].sort(cmp);
  const b = new SegmentBuilder(types, sortKey, pageRows);
  for (const r of sorted) b.add(r);
  return b.finish();
}

function isFooter(r: unknown): r is SegmentFooter {
  const f = r as SegmentFooter;
  return typeof f === 'object' && f !== null && f.format === 1 && Array.isArray(f.columns) && typeof f.rows === 'number';
}

/** A segment's bytes, checked: throws when they are not one whole segment. */
export class Segment {
  /** deleted[i] === 1: row i is deleted for every reader (committed and past every view). */
  readonly deleted: Uint8Array;
  private deletedCount = 0;

  private constructor(
    readonly id: number,
    readonly bytes: Buffer,
    readonly footer: SegmentFooter,
  ) {
    this.deleted = new Uint8Array(footer.rows);
  }

  static fromBytes(id: number, bytes: Buffer): Segment {
    if (bytes.length < HEAD.length + TAIL.length + 4 + FRAME_HEADER) throw new Error(`segment ${id}: too short`);
    if (!bytes.subarray(0, HEAD.length).equals(HEAD) || !bytes.subarray(bytes.length - TAIL.length).equals(TAIL)) {
      throw new Error(`segment ${id}: no segment header or trailer`);
    }
    const flen = bytes.readUInt32LE(bytes.length - TAIL.length - 4);
    const fstart = bytes.length - TAIL.length - 4 - flen;
    if (fstart < HEAD.length) throw new Error(`segment ${id}: footer length out of range`);
    const scan = scanFrames(bytes.subarray(fstart, fstart + flen), isFooter);
    if (scan.records.length !== 1 || scan.damage !== null) throw new Error(`segment ${id}: footer damaged (${scan.damage ?? 'no footer'})`);
    return new Segment(id, bytes, scan.records[0]!.record);
  }

  get rows(): number {
    return this.footer.rows;
  }

  /** Rows not deleted. */
  get liveRows(): number {
    return this.footer.rows - this.deletedCount;
  }

  get pageCount(): number {
    return this.footer.columns.length === 0 ? 0 : this.footer.columns[0]!.pages.length;
  }

  markDeleted(row: number): boolean {
    invariant(row >= 0 && row < this.footer.rows, `segment ${this.id} has no row ${row}`);
    if (this.deleted[row] === 1) return false;
    this.deleted[row] = 1;
    this.deletedCount++;
    return true;
  }

  /** Column c of page p as a vector of the page's rows (checks the page's CRC first). */
  page(c: number, p: number): Vector {
    const ref = this.footer.columns[c]!.pages[p]!;
    const blob = this.bytes.subarray(ref.offset, ref.offset + ref.length);
    if (crc32(blob) !== ref.crc) throw new Error(`segment ${this.id}: page ${p} of column ${c} fails its checksum`);
    return decodePage(this.footer.types[c]!, blob);
  }

  pageRef(c: number, p: number): PageRef {
    return this.footer.columns[c]!.pages[p]!;
  }

  /** First row of page p. */
  pageStart(p: number): number {
    return p * this.footer.pageRows;
  }
}

export function segmentFileName(id: number): string {
  return `seg-${String(id).padStart(10, '0')}.cseg`;
}

/** The id a segment file name carries, or null for any other name. */
export function segmentIdOf(name: string): { id: number; tmp: boolean } | null {
  const m = /^seg-(\d{10})\.cseg(\.tmp)?$/.exec(name);
  return m === null ? null : { id: Number(m[1]), tmp: m[2] !== undefined };
}

/** Writes a segment file durably: temp file, fsync, rename, fsync of the directory. */
export async function writeSegmentFile(dir: string, id: number, bytes: Uint8Array, faults: FaultPoint = noFaults): Promise<void> {
  const final = path.join(dir, segmentFileName(id));
  const tmp = final + '.tmp';
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await faults('segment-written');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await faults('segment-synced');
  await fsp.rename(tmp, final);
  await syncDir(dir);
  await faults('segment-renamed');
}

/** Opens a segment file (also what a worker thread does to scan it on its own). */
export async function openSegmentFile(dir: string, id: number): Promise<Segment> {
  return Segment.fromBytes(id, await fsp.readFile(path.join(dir, segmentFileName(id))));
}

/**
 * Tests stop a flush or merge at a named step (throwing, as a crash would end it there); in
 * production it does nothing.
 */
export type FaultPoint = (step: string) => Promise<void>;
export const noFaults: FaultPoint = async () => {};

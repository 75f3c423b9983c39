import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../common/decimal.js';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { metadataAggregate, newScanStats, scanSegment, type ColumnFilter } from './scan.js';
import { Segment, buildSegment, openSegmentFile, segmentFileName, writeSegmentFile } from './segment.js';

const types: SqlType[] = [T.bigint, T.varchar(1), T.decimal(15, 2), T.date, T.varchar(20)];
/** orderkey, status, price, date, comment; sorted by date then orderkey. */
function rows(n: number): Value[][] {
  const out: Value[][] = [];
  for (let i = 0; i < n; i++) {
    const d = `199${2 + (i % 7)}-0${1 + (i % 9)}-1${i % 10}`;
    out.push([n - i, ['F', 'O', 'P'][i % 3]!, i % 11 === 0 ? null : new Decimal(BigInt(i * 37), 2), d, `c${i % 997}`]);
  }
  return out;
}

function collect(seg: Segment, cols: number[], filters: ColumnFilter[] = []): Value[][] {
  const out: Value[][] = [];
  for (const b of scanSegment(seg, cols, filters)) {
    const vs = b.columns.map((v) => valuesOf(v, b.length));
    for (let i = 0; i < b.length; i++) out.push(vs.map((v) => v[i]!));
  }
  return out;
}

const key = (r: readonly Value[]) => JSON.stringify(r.map((v) => (v instanceof Decimal ? v.toString() : typeof v === 'bigint' ? `${v}n` : v)));

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-seg-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('segments', () => {
  it('round-trip through a durable file in sort key order, with every value exact', async () => {
    const input = rows(20000);
    await writeSegmentFile(dir, 7, buildSegment(types, [3, 0], input, 4096));
    expect(fs.readdirSync(dir)).toEqual([segmentFileName(7)]); // no temp file left behind
    const seg = await openSegmentFile(dir, 7);
    expect(seg.rows).toBe(20000);
    expect(seg.pageCount).toBe(5);
    const got = collect(seg, [0, 1, 2, 3, 4]);
    const want = [...input].sort((a, b) => (a[3]! < b[3]! ? -1 : a[3]! > b[3]! ? 1 : (a[0] as number) - (b[0] as number)));
    expect(got.map(key)).toEqual(want.map(key));
    // the status column is a dictionary, the date column a dictionary or runs: far below plain size
    expect(seg.footer.columns[1]!.pages.every((p) => p.codec === 'dict')).toBe(true);
    expect(seg.bytes.length).toBeLessThan(20000 * 12);
  });

  it('refuse a torn or corrupted file instead of reading garbage', () => {
    const bytes = buildSegment(types, [0], rows(3000), 1024);
    expect(() => Segment.fromBytes(1, bytes.subarray(0, bytes.length - 1))).toThrow(/trailer/);
    const flipped = Buffer.from(bytes);
    flipped[20] ^= 0xff; // inside the first page
    const seg = Segment.fromBytes(2, flipped);
    expect(() => collect(seg, [0])).toThrow(/checksum/);
    const badFooter = Buffer.from(bytes);
    badFooter[bytes.length - 30] ^= 0xff;
    expect(() => Segment.fromBytes(3, badFooter)).toThrow(/footer/);
  });

  it('skip segments and pages by min/max, and decode the other columns only for pages with a passing row', () => {
    const seg = Segment.fromBytes(1, buildSegment(types, [0], rows(10000), 1000));
    const stats = newScanStats();
    // orderkeys 1..10000 sorted: [2500, 2600] lies in one page
    const f: ColumnFilter[] = [{ kind: 'range', col: 0, lo: { value: 2500, inclusive: true }, hi: { value: 2600, inclusive: false } }];
    const got = [...scanSegment(seg, [0, 2], f, stats)].flatMap((b) => [...valuesOf(b.columns[0]!, b.length)]);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => 2500 + i));
    expect(stats).toMatchObject({ segmentsScanned: 1, pagesScanned: 1, pagesSkipped: 9, rowsOut: 100 });
    const none = newScanStats();
    expect([...scanSegment(seg, [0], [{ kind: 'range', col: 0, lo: { value: 10000, inclusive: false } }], none)]).toEqual([]);
    expect(none).toMatchObject({ segmentsSkipped: 1, pagesScanned: 0 });
    // dates: zone maps on canonical date strings
    const d = newScanStats();
    const seg2 = Segment.fromBytes(2, buildSegment(types, [3], rows(10000), 1000));
    const n = collect(seg2, [3], [{ kind: 'range', col: 3, hi: { value: '1992-12-31', inclusive: true } }]).length;
    expect(n).toBe(rows(10000).filter((r) => (r[3] as string) <= '1992-12-31').length);
    for (const _ of scanSegment(seg2, [3], [{ kind: 'range', col: 3, hi: { value: '1992-12-31', inclusive: true } }], d));
    expect(d.pagesSkipped).toBeGreaterThan(5);
  });

  it('filter on dictionary codes, testing each distinct value once', () => {
    const seg = Segment.fromBytes(1, buildSegment(types, [0], rows(9000), 3000));
    let tests = 0;
    const f: ColumnFilter = { kind: 'match', col: 1, test: (v) => (tests++, v === 'O') };
    const got = collect(seg, [1], [f]);
    expect(got.length).toBe(3000);
    expect(got.every((r) => r[0] === 'O')).toBe(true);
    expect(tests).toBe(9); // 3 pages × 3 distinct values, never once per row
  });

  it('keep deleted rows out of scans and out of metadata answers', () => {
    const seg = Segment.fromBytes(1, buildSegment(types, [0], rows(5000), 1000));
    expect(metadataAggregate([seg], 0)).toEqual({ count: 5000, min: 1, max: 5000 });
    expect(seg.markDeleted(0)).toBe(true);
    expect(seg.markDeleted(0)).toBe(false);
    seg.markDeleted(4999);
    for (let r = 1000; r < 2000; r++) seg.markDeleted(r);
    expect(seg.liveRows).toBe(3998);
    const got = collect(seg, [0]).map((r) => r[0] as number);
    expect(got.length).toBe(3998);
    expect(got.includes(1) || got.includes(5000) || got.includes(1500)).toBe(false);
    // a deleted row may have been the minimum: metadata no longer answers exactly
    expect(metadataAggregate([seg], 0)).toBeNull();
  });

  it('scan in bounded steps: each batch at most 2,048 rows, a page decoded once', () => {
    const seg = Segment.fromBytes(1, buildSegment(types, [0], rows(70000)));
    expect(seg.pageCount).toBe(2);
    const it = scanSegment(seg, [0, 2]);
    let batches = 0;
    let total = 0;
    let worst = 0;
    for (;;) {
      const t0 = performance.now();
      const r = it.next();
      worst = Math.max(worst, performance.now() - t0);
      if (r.done) break;
      expect(r.value.length).toBeLessThanOrEqual(2048);
      batches++;
      total += r.value.length;
    }
    expect(total).toBe(70000);
    expect(batches).toBe(Math.ceil(65536 / 2048) + Math.ceil((70000 - 65536) / 2048));
    // a step decodes at most one page per column (65,536 rows): far from a long hold of the thread
    expect(worst).toBeLessThan(500);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { MANIFEST_FILE } from './manifest.js';
import { scanSegment } from './scan.js';
import { segmentFileName } from './segment.js';
import { ColumnStore, type ColumnStoreOptions } from './store.js';
import { Rng } from './test-rng.js';

const types: SqlType[] = [T.bigint, T.varchar(8), T.int];
const base: ColumnStoreOptions = { types, sortKey: [0], pageRows: 64, fanout: 4, maxSegmentRows: 100_000, sliceMs: 1 };

function mkRows(from: number, n: number): Value[][] {
  return Array.from({ length: n }, (_, i) => [from + i, ['a', 'b', 'c'][(from + i) % 3]!, (from + i) % 7]);
}

/** Every live row's id, in scan order. */
function ids(store: ColumnStore): number[] {
  const out: number[] = [];
  for (const seg of store.segments) for (const b of scanSegment(seg, [0])) out.push(...(valuesOf(b.columns[0]!, b.length) as number[]));
  return out;
}

class Crash extends Error {}

let dir = '';
const open: ColumnStore[] = [];
async function openStore(opts: Partial<ColumnStoreOptions> = {}) {
  const r = await ColumnStore.open(dir, { ...base, ...opts });
  open.push(r.store);
  return r;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cstore-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('columnstore segments on disk', () => {
  it('flush sorted segments, reopen them without rebuilding, and merge small runs in tiers', async () => {
    const { store } = await openStore();
    const rng = new Rng(3);
    for (let f = 0; f < 8; f++) {
      const rows = mkRows(f * 100, 100);
      rows.sort(() => rng.next() - 0.5);
      await store.flush(rows, { upTo: f });
    }
    expect(store.segments.length).toBe(8);
    expect(store.backlog()).toMatchObject({ segments: 8, runsWaiting: 1, segmentsWaiting: 8 });
    expect(await store.mergeStep()).toBe(true);
    expect(store.segments.length).toBe(5);
    await store.optimize();
    expect(store.segments.length).toBeLessThanOrEqual(3);
    expect(ids(store).sort((a, b) => a - b)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    // every segment is sorted by the sort key
    for (const seg of store.segments) {
      const got: number[] = [];
      for (const b of scanSegment(seg, [0])) got.push(...(valuesOf(b.columns[0]!, b.length) as number[]));
      expect(got).toEqual([...got].sort((a, b) => a - b));
    }
    await store.optimize(true);
    expect(store.segments.length).toBe(1);
    const files = fs.readdirSync(dir).filter((n) => n.startsWith('seg-'));
    expect(files).toEqual([segmentFileName(store.segments[0]!.id)]);
    await store.close();
    const again = await openStore();
    expect(again.report).toEqual({ removed: [], strays: [], tornBytes: 0 });
    expect(again.store.token).toEqual({ upTo: 7 });
    expect(ids(again.store)).toEqual(Array.from({ length: 800 }, (_, i) => i));
  });

  it('keep deletes through merges and reopen: rows deleted while a merge runs are carried over', async () => {
    const { store } = await openStore();
    for (let f = 0; f < 4; f++) await store.flush(mkRows(f * 200, 200));
    const doomed = new Set<number>();
    const del = (id: number) => {
      for (const seg of store.segments) {
        for (const b of scanSegment(seg, [0])) {
          const v = valuesOf(b.columns[0]!, b.length);
          for (let i = 0; i < b.length; i++) if (v[i] === id) store.markDeleted(seg, b.rows[i]!);
        }
      }
      doomed.add(id);
    };
    del(5);
    del(399);
    const merging = store.mergeStep();
    // deletes arriving while the merge is under way (it yields between slices)
    for (let k = 0; k < 20; k++) {
      await new Promise((r) => setImmediate(r));
      del(10 + k * 37);
    }
    await merging;
    del(777);
    expect(store.segments.length).toBe(1);
    const want = Array.from({ length: 800 }, (_, i) => i).filter((i) => !doomed.has(i));
    expect(ids(store)).toEqual(want);
    expect(store.rowCount).toBe(want.length);
    await store.checkpointDeletes();
    await store.close();
    const again = await openStore();
    expect(ids(again.store)).toEqual(want);
  });

  const flushSteps = ['reserve-appended', 'reserved', 'segment-written', 'segment-synced', 'segment-renamed', 'run-written', 'commit-appended', 'committed'];

  for (const step of flushSteps) {
    it(`lose nothing and show no half segment when a flush stops at ${step}`, async () => {
      const { store } = await openStore();
      await store.flush(mkRows(0, 150), 'first');
      await store.close();
      let armed = true;
      const { store: s2 } = await openStore({
        faults: async (at) => {
          if (armed && at === step) {
            armed = false;
            throw new Crash(at);
          }
        },
      });
      await expect(s2.flush(mkRows(1000, 150), 'second')).rejects.toThrow(Crash);
      // the process "dies" here: reopen from what is on disk
      const { store: s3, report } = await openStore();
      // 'commit-appended' stops after the record's write and before its fsync: a real crash may
      // keep it or lose it, and either way the outcome must be all or nothing.
      const committed = step === 'committed';
      const got = ids(s3);
      const first = Array.from({ length: 150 }, (_, i) => i);
      const second = Array.from({ length: 150 }, (_, i) => 1000 + i);
      if (committed || (step === 'commit-appended' && got.length > 150)) {
        expect(got).toEqual([...first, ...second]);
        expect(s3.token).toBe('second');
      } else {
        // the buffer still holds the rows (the wiring re-flushes them): the store shows none of them
        expect(got).toEqual(first);
        expect(s3.token).toBe('first');
      }
      expect(report.strays).toEqual([]);
      // no leftover of the failed flush stays behind unless it is the committed segment
      const segFiles = fs.readdirSync(dir).filter((n) => n.startsWith('seg-'));
      expect(segFiles.length).toBe(s3.segments.length);
      expect(segFiles.every((n) => !n.endsWith('.tmp'))).toBe(true);
      // and the store goes on: the next flush works
      await s3.flush(mkRows(5000, 10));
      expect(ids(s3).length).toBe(got.length + 10);
    });
  }

  for (const step of flushSteps) {
    it(`lose nothing and duplicate nothing when a merge stops at ${step}`, async () => {
      const { store } = await openStore();
      for (let f = 0; f < 4; f++) await store.flush(mkRows(f * 100, 100));
      store.markDeleted(store.segments[1]!, 3);
      await store.checkpointDeletes();
      await store.close();
      let armed = true;
      const { store: s2 } = await openStore({
        faults: async (at) => {
          if (armed && at === step) {
            armed = false;
            throw new Crash(at);
          }
        },
      });
      await expect(s2.mergeStep()).rejects.toThrow(Crash);
      const { store: s3, report } = await openStore();
      const want = Array.from({ length: 400 }, (_, i) => i).filter((i) => i !== 103);
      expect(ids(s3).sort((a, b) => a - b)).toEqual(want);
      if (step === 'commit-appended') expect([1, 4]).toContain(s3.segments.length);
      else expect(s3.segments.length).toBe(step === 'committed' ? 1 : 4);
      expect(report.strays).toEqual([]);
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('seg-')).length).toBe(s3.segments.length);
    });
  }

  it('cut a torn manifest record and drop the segment it would have committed', async () => {
    const { store } = await openStore();
    await store.flush(mkRows(0, 50));
    await store.flush(mkRows(50, 50));
    await store.close();
    const mf = path.join(dir, MANIFEST_FILE);
    fs.truncateSync(mf, fs.statSync(mf).size - 3); // the second commit record torn mid-write
    const { store: s2, report } = await openStore();
    expect(report.tornBytes).toBeGreaterThan(0);
    expect(report.removed).toEqual([segmentFileName(2)]);
    expect(ids(s2)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('never delete a segment-like file the manifest does not account for', async () => {
    const { store } = await openStore();
    await store.flush(mkRows(0, 50));
    await store.close();
    const stray = segmentFileName(99);
    fs.writeFileSync(path.join(dir, stray), 'not ours');
    const { store: s2, report } = await openStore();
    expect(report.strays).toEqual([stray]);
    expect(fs.existsSync(path.join(dir, stray))).toBe(true);
    // and a new flush does not take the stray's id
    const seg = await s2.flush(mkRows(100, 5));
    expect(seg!.id).toBeGreaterThan(99);
  });

  it('account for every row while flushes, deletes and merges interleave (model-based)', async () => {
    const { store } = await openStore({ pageRows: 32 });
    const rng = new Rng(17);
    const model = new Set<number>();
    let next = 0;
    const pending: Promise<unknown>[] = [];
    for (let step = 0; step < 120; step++) {
      const op = rng.int(0, 9);
      if (op < 4) {
        const n = rng.int(1, 80);
        const rows = mkRows(next, n).sort(() => rng.next() - 0.5);
        for (let i = 0; i < n; i++) model.add(next + i);
        next += n;
        pending.push(store.flush(rows));
      } else if (op < 8) {
        // delete a random live row wherever it is now
        const segs = store.segments;
        if (segs.length === 0) continue;
        const seg = rng.pick(segs);
        const live: { row: number; id: number }[] = [];
        for (const b of scanSegment(seg, [0])) {
          const v = valuesOf(b.columns[0]!, b.length);
          for (let i = 0; i < b.length; i++) live.push({ row: b.rows[i]!, id: v[i] as number });
        }
        if (live.length === 0) continue;
        const victim = rng.pick(live);
        store.markDeleted(seg, victim.row);
        model.delete(victim.id);
      } else if (op === 8) pending.push(store.mergeStep());
      else pending.push(store.checkpointDeletes());
      if (rng.next() < 0.5) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    await store.optimize();
    const want = [...model].sort((a, b) => a - b);
    expect(ids(store).sort((a, b) => a - b)).toEqual(want);
    expect(store.backlog().runsWaiting).toBe(0);
    await store.checkpointDeletes();
    await store.close();
    const { store: again } = await openStore();
    expect(ids(again).sort((a, b) => a - b)).toEqual(want);
  });
});

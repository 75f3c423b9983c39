import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { RowReader, SegmentKeyIndex, segmentRowRef, splitSegmentRef } from './key-index.js';
import { ColumnStore } from './store.js';
import { Rng } from './test-rng.js';

const types: SqlType[] = [T.bigint, T.varchar(8), T.int];
let dir = '';
let store: ColumnStore | null = null;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keyidx-'));
});
afterEach(async () => {
  await store?.close();
  store = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hash indexes over segment rows', () => {
  it('pack a segment id and row offset into one ref and back', () => {
    for (const [s, r] of [[1, 0], [7, 16777215], [100000, 12345]] as const) expect(splitSegmentRef(segmentRowRef(s, r))).toEqual({ segId: s, row: r });
  });

  it('find rows by unique and non-unique keys through flushes, merges and deletes, reading only the row', async () => {
    store = (await ColumnStore.open(dir, { types, sortKey: [2], pageRows: 50, fanout: 3, sliceMs: 1 })).store;
    const pk = new SegmentKeyIndex([0], types, false);
    const byName = new SegmentKeyIndex([1, 2], types, true);
    store.onInstall = (added, removed) => {
      for (const ix of [pk, byName]) {
        for (const s of removed) ix.remove(s);
        if (added !== null) ix.add(added);
      }
    };
    const rng = new Rng(9);
    const live = new Map<number, Value[]>();
    let id = 0;
    for (let f = 0; f < 9; f++) {
      const rows: Value[][] = [];
      for (let i = 0; i < 120; i++, id++) {
        const r: Value[] = [id, rng.next() < 0.1 ? null : `n${id % 13}`, id % 5];
        rows.push(r);
        live.set(id, r);
      }
      await store.flush(rows);
      if (f % 3 === 2) await store.mergeStep();
    }
    const reader = new RowReader((sid) => store!.segments.find((s) => s.id === sid));
    // delete a few through the index (single-row DELETE by primary key)
    for (const victim of [0, 77, 500, 1079]) {
      const [ref] = pk.lookup([victim]);
      const { segId, row } = splitSegmentRef(ref!);
      store.markDeleted(store.segments.find((s) => s.id === segId)!, row);
      live.delete(victim);
    }
    await store.optimize();
    for (let k = 0; k < 300; k++) {
      const want = rng.int(0, id - 1);
      const refs = pk.lookup([want]);
      if (!live.has(want)) {
        expect(refs).toEqual([]);
        continue;
      }
      expect(refs.length).toBe(1);
      expect(reader.read(refs[0]!)).toEqual(live.get(want));
    }
    // non-unique: every live row with the key, none other; NULL keys are not in a UNIQUE-style index
    const want = [...live.values()].filter((r) => r[1] === 'n4' && r[2] === 2).map((r) => r[0]);
    expect(byName.lookup(['n4', 2]).map((ref) => reader.read(ref, [0])![0]).sort((a, b) => (a as number) - (b as number))).toEqual(want);
    expect(byName.lookup([null, 2])).toEqual([]);
    expect(pk.size).toBe(store.segments.reduce((n, s) => n + s.rows, 0));
  });
});

import { describe, expect, it } from 'vitest';
import { T } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Partition } from './partition.js';
import type { ReadView, TableSchema } from './schema.js';
import { TxnManager, type Txn } from './txn.js';

// Random interleavings of several transactions against a reference model. Each txn owns the keys
// congruent to its slot mod K, so no lock ever has to wait and the run stays synchronous.
const SCHEMA: TableSchema = {
  id: 1,
  name: 'm',
  columns: [
    { name: 'k', type: T.int, nullable: false },
    { name: 'v', type: T.int, nullable: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: [0], unique: true, primary: true },
    { name: 'iv', columns: [1], unique: false, primary: false },
  ],
};
const K = 4;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type State = Map<number, number | null>; // k → v

interface Active {
  txn: Txn;
  own: Map<number, number | null | undefined>; // k → v, undefined = deleted
  stmt: Map<number, number | null | undefined>;
}

function merged(committed: State, own: Map<number, number | null | undefined> | null): [number, number | null][] {
  const m = new Map(committed);
  if (own !== null) {
    for (const [k, v] of own) {
      if (v === undefined) m.delete(k);
      else m.set(k, v);
    }
  }
  return [...m].sort((a, b) => a[0] - b[0]);
}

function byIndex(rows: [number, number | null][]): [number, number | null][] {
  return [...rows].sort((a, b) => {
    const x = a[1];
    const y = b[1];
    if (x !== y) return x === null ? -1 : y === null ? 1 : x - y;
    return a[0] - b[0];
  });
}

describe('MVCC against a model', () => {
  for (const seed of [1, 2, 3]) {
    it(`agrees with the model (seed ${seed})`, () => {
      const r = rng(seed);
      const m = new TxnManager();
      const t = new Partition(0, m).createTable(SCHEMA);
      let committed: State = new Map();
      const slots: (Active | null)[] = new Array(K).fill(null);
      const oldViews: { view: ReadView; expect: [number, number | null][] }[] = [];
      const scan = (view: ReadView, index: number): Value[][] => {
        const out: Value[][] = [];
        for (const c of t.range(view, index, undefined, undefined, [0, 1], 5, false)) {
          for (let i = 0; i < c.length; i++) out.push([c.columns[0]![i]!, c.columns[1]![i]!]);
        }
        return out;
      };
      for (let step = 0; step < 3000; step++) {
        const s = Math.floor(r() * K);
        let a = slots[s];
        if (a === null) {
          a = { txn: m.begin(), own: new Map(), stmt: new Map() };
          a.txn.beginStatement();
          slots[s] = a;
        }
        const txn = a.txn;
        const view = m.view(txn);
        const key = s + K * Math.floor(r() * 12);
        const cur = merged(committed, a.own).find(([k]) => k === key);
        const p = r();
        if (p < 0.3) {
          const v = r() < 0.2 ? null : Math.floor(r() * 5);
          const res = t.insert(txn, [key, v]);
          expect(res).not.toBeInstanceOf(Promise);
          expect((res as { ok: boolean }).ok).toBe(cur === undefined);
          if (cur === undefined) a.own.set(key, v);
        } else if (p < 0.55 && cur !== undefined) {
          const ref = t.lookup(view, 0, [key])!;
          expect(t.lockRow(txn, ref)).toBeUndefined();
          expect(t.readLatest(txn, ref)).toEqual([key, cur[1]]);
          // sometimes move the primary key within the txn's class
          const nk = r() < 0.3 ? s + K * Math.floor(r() * 12) : key;
          const nv = Math.floor(r() * 5);
          const taken = nk !== key && merged(committed, a.own).some(([k]) => k === nk);
          const res = t.update(txn, ref, [nk, nv]);
          expect((res as { ok: boolean }).ok).toBe(!taken);
          if (!taken) {
            a.own.set(key, undefined);
            a.own.set(nk, nv);
          }
        } else if (p < 0.7 && cur !== undefined) {
          const ref = t.lookup(view, 0, [key])!;
          t.lockRow(txn, ref);
          t.delete(txn, ref);
          a.own.set(key, undefined);
        } else if (p < 0.75) {
          txn.rollbackStatement();
          a.own = new Map(a.stmt);
        } else if (p < 0.8) {
          txn.beginStatement();
          a.stmt = new Map(a.own);
        } else if (p < 0.88) {
          txn.commit();
          committed = new Map(merged(committed, a.own));
          slots[s] = null;
        } else if (p < 0.92) {
          txn.rollback();
          slots[s] = null;
        } else if (p < 0.96) {
          const v = m.view(null);
          oldViews.push({ view: v, expect: merged(committed, null) });
        } else if (oldViews.length > 0) {
          m.release(oldViews.splice(Math.floor(r() * oldViews.length), 1)[0]!.view);
        }
        m.release(view);
        // a fresh view of a random txn sees the model, through both indexes
        const who = slots[Math.floor(r() * K)] ?? null;
        const fresh = m.view(who === null ? null : who.txn);
        const want = merged(committed, who === null ? null : who.own);
        expect(scan(fresh, 0)).toEqual(want);
        expect(scan(fresh, 1)).toEqual(byIndex(want));
        for (const [k, v] of want) expect(t.read(fresh, t.lookup(fresh, 0, [k])!)).toEqual([k, v]);
        m.release(fresh);
        if (step % 50 === 0) {
          for (const o of oldViews) expect(scan(o.view, 0)).toEqual(o.expect);
          m.collectGarbage();
        }
      }
      for (const a of slots) a?.txn.rollback();
      for (const o of oldViews) {
        expect(scan(o.view, 1)).toEqual(byIndex(o.expect));
        m.release(o.view);
      }
      m.collectGarbage();
      expect(t.approxRowCount()).toBe(committed.size);
    });
  }
});

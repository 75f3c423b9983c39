import { describe, expect, it } from 'vitest';
import { SqlError, TxnConflictError } from '../common/errors.js';
import { T } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Partition } from './partition.js';
import type { RowTable } from './row-table.js';
import type { ReadView, TableSchema } from './schema.js';
import { TxnManager, type Txn } from './txn.js';

describe('TxnManager views', () => {
  it('keeps the view list bounded under read-only traffic (no commit ever trims it)', () => {
    const txns = new TxnManager();
    for (let i = 0; i < 100_000; i++) txns.release(txns.view(null));
    expect(txns.trackedViewCount()).toBeLessThan(10_000);
  });

  it('keeps an unreleased view as the GC horizon while later views come and go', () => {
    const txns = new TxnManager();
    const w = txns.begin();
    w.commit(); // a commit without writes leaves the clock alone
    const held = txns.view(null);
    for (let i = 0; i < 20_000; i++) txns.release(txns.view(null));
    expect(txns.horizon()).toBe(held.ts);
    txns.release(held);
    expect(txns.horizon()).toBe(txns.now());
  });
});

// ---- commits that wait for the log; REPEATABLE READ views -----------------------------------

const KV: TableSchema = {
  id: 1,
  name: 'kv',
  columns: [
    { name: 'k', type: T.int, nullable: false },
    { name: 'v', type: T.int, nullable: true },
  ],
  indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
};

/** A manager whose commits wait for settleCommits, as with a sync transaction log. */
function logged(opts: { lockWaitTimeoutMs?: number } = {}): { m: TxnManager; t: RowTable; logged: number[] } {
  const m = new TxnManager(opts);
  const seen: number[] = [];
  m.onCommit = (_txn, _changes, ts) => {
    seen.push(ts);
    return true;
  };
  return { m, t: new Partition(0, m).createTable(KV), logged: seen };
}

function rows(t: RowTable, view: ReadView): Value[][] {
  const out: Value[][] = [];
  for (const c of t.scan(view, [0, 1], 100)) for (let i = 0; i < c.length; i++) out.push([c.columns[0]![i]!, c.columns[1]![i]!]);
  return out;
}

function snapshotRows(m: TxnManager, t: RowTable, txn: Txn | null): Value[][] {
  const v = m.view(txn);
  try {
    return rows(t, v);
  } finally {
    m.release(v);
  }
}

async function put(m: TxnManager, t: RowTable, k: number, v: number, settle = true): Promise<void> {
  const x = m.begin();
  const r = await t.insert(x, [k, v]);
  expect(r.ok).toBe(true);
  const done = x.commit();
  if (settle) {
    m.settleCommits(m.now(), null);
    await done;
  }
}

async function set(m: TxnManager, t: RowTable, txn: Txn, k: number, v: number): Promise<void> {
  const cur = m.currentView(txn);
  const ref = t.lookup(cur, 0, [k])!;
  m.release(cur);
  await t.lockRow(txn, ref);
  const r = await t.update(txn, ref, [k, v]);
  expect(r.ok).toBe(true);
}

describe('commits that wait for the log', () => {
  it('stay invisible and keep their row locks until the log settles them, then appear atomically', async () => {
    const { m, t } = logged({ lockWaitTimeoutMs: 50 });
    await put(m, t, 1, 10);
    const w = m.begin();
    await set(m, t, w, 1, 11);
    await t.insert(w, [2, 20]);
    const committed = w.commit();
    expect(w.state).toBe('committing');
    const before = m.view(null); // taken while the commit waits
    expect(rows(t, before)).toEqual([[1, 10]]);
    // A writer of the same row waits for the lock, and times out while the commit waits.
    const other = m.begin();
    const ref = t.lookup(m.currentView(other), 0, [1])!;
    await expect(Promise.resolve(t.lockRow(other, ref))).rejects.toBeInstanceOf(TxnConflictError);
    // A second commit waiting behind it cannot become visible first: views read below the oldest waiting commit.
    await put(m, t, 3, 30, false);
    m.settleCommits(m.now() - 1, null);
    await committed;
    expect(rows(t, before)).toEqual([[1, 10]]); // a view never sees a commit appear after it was taken
    expect(snapshotRows(m, t, null)).toEqual([
      [1, 11],
      [2, 20],
    ]);
    m.settleCommits(m.now(), null);
    expect(snapshotRows(m, t, null)).toEqual([
      [1, 11],
      [2, 20],
      [3, 30],
    ]);
    m.release(before);
    other.rollback();
  });

  it('roll back when the log write fails: commit() rejects with the error, nothing was ever visible, the locks go', async () => {
    const { m, t } = logged();
    await put(m, t, 1, 10);
    const w = m.begin();
    await set(m, t, w, 1, 99);
    await t.insert(w, [2, 20]);
    const committed = w.commit();
    // Someone waits for the row lock meanwhile.
    const next = m.begin();
    const cur = m.currentView(next);
    const ref = t.lookup(cur, 0, [1])!;
    m.release(cur);
    const locked = Promise.resolve(t.lockRow(next, ref));
    expect(snapshotRows(m, t, null)).toEqual([[1, 10]]);
    const err = new SqlError('ER_DISK_FULL', 'Disk full');
    m.settleCommits(m.now(), err);
    await expect(committed).rejects.toBe(err);
    expect(w.state).toBe('aborted');
    await locked;
    expect(t.readLatest(next, ref)).toEqual([1, 10]);
    expect(snapshotRows(m, t, null)).toEqual([[1, 10]]);
    // The key 2 is free again.
    const again = await t.insert(next, [2, 21]);
    expect(again.ok).toBe(true);
    void next.commit();
    m.settleCommits(m.now(), null);
    expect(snapshotRows(m, t, null)).toEqual([
      [1, 10],
      [2, 21],
    ]);
  });
});

describe('REPEATABLE READ', () => {
  it('reads every statement from the view fixed by the first consistent read; READ COMMITTED sees each commit', async () => {
    const { m, t } = logged();
    await put(m, t, 1, 10);
    const rr = m.begin({ isolation: 'repeatable-read' });
    const rc = m.begin({ isolation: 'read-committed' });
    await put(m, t, 2, 20); // before either has read: both see it
    expect(snapshotRows(m, t, rr)).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(snapshotRows(m, t, rc)).toEqual([
      [1, 10],
      [2, 20],
    ]);
    await put(m, t, 3, 30);
    const x = m.begin();
    await set(m, t, x, 1, 11);
    void x.commit();
    m.settleCommits(m.now(), null);
    expect(snapshotRows(m, t, rr)).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(snapshotRows(m, t, rc)).toEqual([
      [1, 11],
      [2, 20],
      [3, 30],
    ]);
    // A current read (UPDATE) changes the latest version, and the transaction then sees its own change.
    await set(m, t, rr, 1, 12);
    await set(m, t, rr, 3, 31);
    expect(snapshotRows(m, t, rr)).toEqual([
      [1, 12],
      [2, 20],
      [3, 31],
    ]);
    rr.rollback();
    rc.rollback();
  });

  it('START TRANSACTION WITH CONSISTENT SNAPSHOT fixes the view at once', async () => {
    const { m, t } = logged();
    await put(m, t, 1, 10);
    const rr = m.begin({ isolation: 'repeatable-read' });
    m.takeSnapshot(rr);
    await put(m, t, 2, 20);
    expect(snapshotRows(m, t, rr)).toEqual([[1, 10]]);
    rr.rollback();
  });

  it('keeps the versions its view needs however long it runs, and lets them go when it ends', async () => {
    const m = new TxnManager({ viewLeaseMs: 0 }); // every unreleased statement view expires at once
    const t = new Partition(0, m).createTable(KV);
    await put(m, t, 1, 0);
    const rr = m.begin({ isolation: 'repeatable-read' });
    expect(snapshotRows(m, t, rr)).toEqual([[1, 0]]);
    for (let i = 1; i <= 50; i++) {
      const x = m.begin();
      await set(m, t, x, 1, i);
      void x.commit(); // each commit collects what it can
    }
    expect(snapshotRows(m, t, rr)).toEqual([[1, 0]]);
    expect(m.horizon()).toBeLessThan(m.now());
    expect(m.tablesWithGarbage()).toBe(1);
    // Its end lets the old versions go at once, with no further write to the table.
    rr.rollback();
    expect(m.horizon()).toBe(m.now());
    expect(m.tablesWithGarbage()).toBe(0);
    expect(snapshotRows(m, t, null)).toEqual([[1, 50]]);
  });
});

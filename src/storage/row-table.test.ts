import { describe, expect, it } from 'vitest';
import { Decimal } from '../common/decimal.js';
import { SqlError, TxnConflictError } from '../common/errors.js';
import { T } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Partition } from './partition.js';
import type { RowTable } from './row-table.js';
import type { InsertResult, ReadView, RowChange, TableSchema } from './schema.js';
import { TxnManager, type Txn } from './txn.js';

// id INT PRIMARY KEY, name VARCHAR(20) UNIQUE, v INT, KEY kv (v)
const USERS: TableSchema = {
  id: 1,
  name: 'users',
  columns: [
    { name: 'id', type: T.int, nullable: false },
    { name: 'name', type: T.varchar(20), nullable: true },
    { name: 'v', type: T.int, nullable: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: [0], unique: true, primary: true },
    { name: 'uname', columns: [1], unique: true, primary: false },
    { name: 'kv', columns: [2], unique: false, primary: false },
  ],
};

function setup(schema: TableSchema = USERS, opts: { lockWaitTimeoutMs?: number } = {}): { m: TxnManager; t: RowTable } {
  const m = new TxnManager(opts);
  const p = new Partition(0, m);
  return { m, t: p.createTable(schema) };
}

function rowsOf(chunks: Iterable<{ length: number; columns: Value[][] }>): Value[][] {
  const out: Value[][] = [];
  for (const c of chunks) for (let i = 0; i < c.length; i++) out.push(c.columns.map((col) => col[i]!));
  return out;
}

function all(t: RowTable, view: ReadView): Value[][] {
  return rowsOf(t.scan(view, [0, 1, 2], 3));
}

async function ins(t: RowTable, txn: Txn, row: Value[]): Promise<InsertResult> {
  return await t.insert(txn, row);
}

async function load(m: TxnManager, t: RowTable, rows: Value[][]): Promise<void> {
  const txn = m.begin();
  for (const r of rows) expect((await ins(t, txn, r)).ok).toBe(true);
  txn.commit();
}

async function updateWhere(m: TxnManager, t: RowTable, txn: Txn, id: number, f: (r: readonly Value[]) => Value[]): Promise<InsertResult> {
  const ref = t.lookup(m.view(txn), 0, [id])!;
  await t.lockRow(txn, ref);
  return await t.update(txn, ref, f(t.readLatest(txn, ref)!));
}

describe('RowTable MVCC', () => {
  it('hides uncommitted rows from others, shows them to the writer, commits atomically', async () => {
    const { m, t } = setup();
    const a = m.begin();
    await ins(t, a, [1, 'x', 10]);
    await ins(t, a, [2, 'y', 20]);
    const before = m.view(null);
    expect(all(t, before)).toEqual([]);
    expect(all(t, m.view(a))).toEqual([[1, 'x', 10], [2, 'y', 20]]);
    expect(t.lookup(before, 0, [1])).toBeUndefined();
    a.commit();
    expect(a.state).toBe('committed');
    expect(all(t, before)).toEqual([]); // a view from before the commit keeps not seeing it
    expect(all(t, m.view(null))).toEqual([[1, 'x', 10], [2, 'y', 20]]);
    expect(t.approxRowCount()).toBe(2);
  });

  it('keeps old versions for old views and prunes them once released', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'x', 10]]);
    const old = m.view(null);
    const b = m.begin();
    expect((await updateWhere(m, t, b, 1, (r) => [r[0]!, 'xx', 11])).ok).toBe(true);
    const ref = t.lookup(old, 0, [1])!;
    expect(t.read(old, ref)).toEqual([1, 'x', 10]);
    b.commit();
    expect(t.read(old, ref)).toEqual([1, 'x', 10]);
    expect(t.read(m.view(null), ref)).toEqual([1, 'xx', 11]);
    expect(t.lookup(old, 1, ['x'])).toBe(ref);
    expect(t.lookup(m.view(null), 1, ['x'])).toBeUndefined();
    // the old view still sees the old key through the secondary index
    expect(rowsOf(t.range(old, 2, { key: [10], inclusive: true }, { key: [10], inclusive: true }, [0], 10))).toEqual([[1]]);
    m.release(old);
    for (const v of [m.view(null)]) m.release(v);
    m.collectGarbage();
    const now = m.view(null);
    expect(rowsOf(t.range(now, 2, undefined, undefined, [0, 2], 10))).toEqual([[1, 11]]);
    expect(t.lookup(now, 1, ['x'])).toBeUndefined();
    expect(t.lookup(now, 1, ['XX '])).toBe(ref);
  });

  it('rollback restores everything', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1], [2, 'b', 2]]);
    const x = m.begin();
    await ins(t, x, [3, 'c', 3]);
    await updateWhere(m, t, x, 1, () => [10, 'aa', 5]);
    const r2 = t.lookup(m.view(x), 0, [2])!;
    await t.lockRow(x, r2);
    t.delete(x, r2);
    expect(all(t, m.view(x))).toEqual([[3, 'c', 3], [10, 'aa', 5]]);
    x.rollback();
    expect(x.state).toBe('aborted');
    expect(all(t, m.view(null))).toEqual([[1, 'a', 1], [2, 'b', 2]]);
    const v = m.view(null);
    expect(t.lookup(v, 0, [10])).toBeUndefined();
    expect(t.lookup(v, 1, ['aa'])).toBeUndefined();
    expect(rowsOf(t.range(v, 2, undefined, undefined, [0], 10))).toEqual([[1], [2]]);
    // locks are gone: another txn can write the rows
    const y = m.begin();
    expect(t.lockRow(y, r2)).toBeUndefined();
  });

  it('rolls back a statement or to a savepoint, keeping earlier work and the locks', async () => {
    const { m, t } = setup();
    const x = m.begin();
    x.beginStatement();
    await ins(t, x, [1, 'a', 1]);
    x.beginStatement();
    await ins(t, x, [2, 'b', 2]);
    await updateWhere(m, t, x, 1, () => [1, 'a', 100]);
    x.rollbackStatement();
    expect(all(t, m.view(x))).toEqual([[1, 'a', 1]]);
    x.savepoint('s1');
    await ins(t, x, [3, 'c', 3]);
    x.savepoint('s2');
    await ins(t, x, [4, 'd', 4]);
    x.rollbackToSavepoint('S1');
    expect(all(t, m.view(x))).toEqual([[1, 'a', 1]]);
    expect(() => x.rollbackToSavepoint('s2')).toThrow(/SAVEPOINT s2 does not exist/);
    try {
      x.releaseSavepoint('nope');
    } catch (e) {
      expect((e as SqlError).errno).toBe(1305);
    }
    x.releaseSavepoint('s1');
    expect(() => x.rollbackToSavepoint('s1')).toThrow(SqlError);
    await ins(t, x, [5, 'e', 5]);
    x.commit();
    expect(all(t, m.view(null))).toEqual([[1, 'a', 1], [5, 'e', 5]]);
    expect(t.approxRowCount()).toBe(2);
  });

  it('a statement does not see its own later writes (no Halloween problem)', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1], [2, 'b', 2], [3, 'c', 3]]);
    const x = m.begin();
    const view = m.view(x);
    let n = 0;
    for (const chunk of t.scan(view, [0], 1)) {
      const ref = chunk.refs[0]!;
      await t.lockRow(x, ref);
      const r = t.readLatest(x, ref)!;
      expect((await t.update(x, ref, [(r[0] as number) + 10, r[1]!, r[2]!])).ok).toBe(true);
      n++;
    }
    expect(n).toBe(3);
    expect(all(t, m.view(x))).toEqual([[11, 'a', 1], [12, 'b', 2], [13, 'c', 3]]);
    x.commit();
  });

  it('reports commits to onCommit', async () => {
    const { m, t } = setup();
    const seen: RowChange[] = [];
    m.onCommit = (_txn, changes) => {
      seen.push(...changes);
      return false; // visible at once
    };
    await load(m, t, [[1, 'a', 1]]);
    const x = m.begin();
    await updateWhere(m, t, x, 1, () => [1, 'b', 2]);
    x.commit();
    expect(seen.map((c) => c.kind)).toEqual(['insert', 'update']);
    expect(seen[1]).toMatchObject({ partitionId: 0, tableId: 1, row: [1, 'b', 2], before: [1, 'a', 1] });
  });
});

describe('RowTable unique keys', () => {
  it('compares unique keys under the collation and allows many NULLs', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'abc', 1], [2, null, 1], [3, null, 1]]);
    const x = m.begin();
    expect(await ins(t, x, [4, 'ABC ', 1])).toEqual({ ok: false, index: 1, conflict: t.lookup(m.view(null), 0, [1]) });
    expect((await ins(t, x, [5, null, 1])).ok).toBe(true);
    expect((await ins(t, x, [1, 'zzz', 1])).ok).toBe(false);
    expect(t.lookup(m.view(x), 1, ['Abc'])).toBe(t.lookup(m.view(x), 0, [1]));
    expect(t.lookup(m.view(x), 1, [null])).toBeUndefined();
    x.commit();
  });

  it('treats number/bigint ints and DECIMAL scales as equal', async () => {
    const schema: TableSchema = {
      id: 2,
      name: 'd',
      columns: [
        { name: 'k', type: T.bigint, nullable: false },
        { name: 'p', type: T.decimal(10, 2), nullable: true },
      ],
      indexes: [
        { name: 'PRIMARY', columns: [0], unique: true, primary: true },
        { name: 'up', columns: [1], unique: true, primary: false },
      ],
    };
    const { m, t } = setup(schema);
    const x = m.begin();
    expect((await ins(t, x, [5, new Decimal(10n, 1)])).ok).toBe(true);
    expect((await ins(t, x, [5n, null])).ok).toBe(false);
    expect((await ins(t, x, [6, new Decimal(100n, 2)])).ok).toBe(false);
    expect((await ins(t, x, [2n ** 63n - 1n, null])).ok).toBe(true);
    expect(t.lookup(m.view(x), 0, [2n ** 63n - 1n])).toBeDefined();
    x.commit();
  });

  it('moves keys on PK update and reports conflicts without changing anything', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1], [2, 'b', 2]]);
    const x = m.begin();
    const r1 = t.lookup(m.view(x), 0, [1])!;
    await t.lockRow(x, r1);
    expect(await t.update(x, r1, [2, 'a', 1])).toEqual({ ok: false, index: 0, conflict: t.lookup(m.view(x), 0, [2]) });
    expect(await t.update(x, r1, [1, 'B', 1])).toMatchObject({ ok: false, index: 1 });
    expect(t.readLatest(x, r1)).toEqual([1, 'a', 1]);
    expect((await t.update(x, r1, [7, 'a', 1])).ok).toBe(true);
    // the old key is free for the writer now
    expect((await ins(t, x, [1, 'new', 0])).ok).toBe(true);
    x.commit();
    const v = m.view(null);
    expect(all(t, v)).toEqual([[1, 'new', 0], [2, 'b', 2], [7, 'a', 1]]);
    expect(t.lookup(v, 0, [7])).toBe(r1);
    expect(rowsOf(t.range(v, 2, undefined, undefined, [0], 10))).toEqual([[1], [7], [2]]);
  });

  it('makes the second inserter of a new key wait, then fail when the first commits', async () => {
    const { m, t } = setup();
    const a = m.begin();
    const b = m.begin();
    await ins(t, a, [1, 'a', 1]);
    const p = t.insert(b, [1, 'other', 1]);
    expect(p).toBeInstanceOf(Promise);
    let settled = false;
    void (p as Promise<InsertResult>).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    a.commit();
    expect(await p).toMatchObject({ ok: false, index: 0 });
    b.rollback();
  });

  it('makes the second inserter of a new key wait, then succeed when the first rolls back', async () => {
    const { m, t } = setup();
    const a = m.begin();
    const b = m.begin();
    await ins(t, a, [1, 'a', 1]);
    const p = t.insert(b, [1, 'b', 1]);
    expect(p).toBeInstanceOf(Promise);
    a.rollback();
    const res = await p;
    expect(res.ok).toBe(true);
    b.commit();
    expect(all(t, m.view(null))).toEqual([[1, 'b', 1]]);
  });

  it('waits on a row another txn deleted, then inserts after that commit', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1]]);
    const a = m.begin();
    const r = t.lookup(m.view(a), 0, [1])!;
    await t.lockRow(a, r);
    t.delete(a, r);
    const b = m.begin();
    const p = t.insert(b, [1, 'again', 2]);
    expect(p).toBeInstanceOf(Promise);
    a.commit();
    expect((await p).ok).toBe(true);
    b.commit();
    expect(all(t, m.view(null))).toEqual([[1, 'again', 2]]);
  });
});

describe('RowTable locks', () => {
  it('times out a lock wait', async () => {
    const { m, t } = setup(USERS, { lockWaitTimeoutMs: 100 });
    await load(m, t, [[1, 'a', 1]]);
    const a = m.begin();
    const b = m.begin();
    const r = t.lookup(m.view(null), 0, [1])!;
    expect(t.lockRow(a, r)).toBeUndefined();
    expect(t.lockRow(a, r)).toBeUndefined(); // re-entrant
    const start = Date.now();
    await expect(t.lockRow(b, r)).rejects.toMatchObject({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
    a.commit();
    expect(t.lockRow(b, r)).toBeUndefined();
    b.commit();
  });

  it('locks inserted rows implicitly: others queue on them, the writer may update them', async () => {
    const { m, t } = setup();
    const a = m.begin();
    const r = await ins(t, a, [1, 'a', 1]);
    if (!r.ok) throw new Error('insert failed');
    expect((await t.update(a, r.ref, [1, 'a', 2])).ok).toBe(true);
    const b = m.begin();
    const p = t.lockRow(b, r.ref);
    expect(p).toBeInstanceOf(Promise);
    a.commit();
    await p;
    expect(t.readLatest(b, r.ref)).toEqual([1, 'a', 2]);
    t.delete(b, r.ref);
    b.commit();
    expect(all(t, m.view(null))).toEqual([]);
  });

  it('grants waiters in FIFO order on release', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1]]);
    const r = t.lookup(m.view(null), 0, [1])!;
    const [a, b, c] = [m.begin(), m.begin(), m.begin()];
    t.lockRow(a, r);
    const order: string[] = [];
    const pb = (t.lockRow(b, r) as Promise<void>).then(() => order.push('b'));
    const pc = (t.lockRow(c, r) as Promise<void>).then(() => order.push('c'));
    a.commit();
    await pb;
    expect(order).toEqual(['b']);
    b.rollback();
    await pc;
    expect(order).toEqual(['b', 'c']);
    c.commit();
  });

  it('detects a two-txn deadlock at once and lets the survivor proceed after the victim rolls back', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1], [2, 'b', 2]]);
    const v = m.view(null);
    const r1 = t.lookup(v, 0, [1])!;
    const r2 = t.lookup(v, 0, [2])!;
    const a = m.begin();
    const b = m.begin();
    t.lockRow(a, r1);
    t.lockRow(b, r2);
    const pa = t.lockRow(a, r2) as Promise<void>;
    const start = Date.now();
    const err = await (t.lockRow(b, r1) as Promise<void>).catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(50);
    expect(err).toBeInstanceOf(TxnConflictError);
    expect((err as TxnConflictError).errno).toBe(1213);
    b.rollback();
    await pa;
    a.commit();
  });

  it('detects a three-txn cycle', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 1], [2, 'b', 2], [3, 'c', 3]]);
    const v = m.view(null);
    const [r1, r2, r3] = [1, 2, 3].map((k) => t.lookup(v, 0, [k])!);
    const [a, b, c] = [m.begin(), m.begin(), m.begin()];
    t.lockRow(a, r1!);
    t.lockRow(b, r2!);
    t.lockRow(c, r3!);
    const pa = t.lockRow(a, r2!) as Promise<void>;
    const pb = t.lockRow(b, r3!) as Promise<void>;
    await expect(t.lockRow(c, r1!)).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
    c.rollback();
    await pb;
    b.commit();
    await pa;
    a.commit();
  });
});

describe('RowTable ranges and DDL', () => {
  // (a, b) composite primary key
  const PAIRS: TableSchema = {
    id: 3,
    name: 'pairs',
    columns: [
      { name: 'a', type: T.int, nullable: false },
      { name: 'b', type: T.varchar(5), nullable: false },
      { name: 'c', type: T.int, nullable: true },
    ],
    indexes: [{ name: 'PRIMARY', columns: [0, 1], unique: true, primary: true }],
  };

  it('scans prefixes, inclusive/exclusive bounds and reverse', async () => {
    const { m, t } = setup(PAIRS);
    const rows: Value[][] = [];
    for (let a = 0; a < 10; a++) for (const b of ['x', 'y', 'z']) rows.push([a, b, a * 10]);
    await load(m, t, rows.reverse());
    const v = m.view(null);
    const ids = (lo?: Value[], loInc = true, hi?: Value[], hiInc = true, rev = false): string[] =>
      rowsOf(
        t.range(v, 0, lo && { key: lo, inclusive: loInc }, hi && { key: hi, inclusive: hiInc }, [0, 1], 4, rev),
      ).map((r) => `${r[0]}${r[1]}`);
    expect(ids([3], true, [3], true)).toEqual(['3x', '3y', '3z']);
    expect(ids([3], false, [5], false)).toEqual(['4x', '4y', '4z']);
    expect(ids([3, 'Y'], true, [4, 'x'], false)).toEqual(['3y', '3z']);
    expect(ids([8], true)).toEqual(['8x', '8y', '8z', '9x', '9y', '9z']);
    expect(ids(undefined, true, [0, 'y'], true)).toEqual(['0x', '0y']);
    expect(ids([1], true, [2], true, true)).toEqual(['2z', '2y', '2x', '1z', '1y', '1x']);
    expect(ids([7, 'x'], false, undefined, true, true)).toEqual(['9z', '9y', '9x', '8z', '8y', '8x', '7z', '7y']);
    expect(ids(undefined, true, undefined, true, true)).toHaveLength(30);
    expect(rowsOf(t.scan(v, [2], 7)).map((r) => r[0])).toEqual([...Array(10).keys()].flatMap((a) => [a * 10, a * 10, a * 10]));
  });

  it('keeps iterating correctly while rows change between batches', async () => {
    const { m, t } = setup();
    const rows: Value[][] = [];
    for (let i = 0; i < 100; i++) rows.push([i * 2, `n${i}`, i]);
    await load(m, t, rows);
    const view = m.view(null);
    const seen: number[] = [];
    const w = m.begin();
    let k = 1001;
    for (const c of t.scan(view, [0], 7)) {
      for (let i = 0; i < c.length; i++) seen.push(c.columns[0]![i] as number);
      await ins(t, w, [k, `m${k}`, 0]); // splits leaves under the cursor
      k += 2;
      await ins(t, w, [(seen[seen.length - 1]! as number) + 1, `q${k}`, 0]);
    }
    w.commit();
    expect(seen).toEqual(rows.map((r) => r[0]));
  });

  it('orders tables without a primary key by insertion', async () => {
    const schema: TableSchema = { ...PAIRS, id: 9, indexes: [{ name: 'ia', columns: [0], unique: false, primary: false }] };
    const { m, t } = setup(schema);
    await load(m, t, [[3, 'a', 0], [1, 'b', 0], [2, 'c', 0], [1, 'd', 0]]);
    const v = m.view(null);
    expect(rowsOf(t.scan(v, [1], 10)).map((r) => r[0])).toEqual(['a', 'b', 'c', 'd']);
    expect(rowsOf(t.range(v, 0, { key: [1], inclusive: true }, { key: [2], inclusive: true }, [1], 10)).map((r) => r[0])).toEqual(['b', 'd', 'c']);
  });

  it('adds and drops indexes on populated tables', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 5], [2, 'b', 5], [3, 'c', 7]]);
    // an in-flight update is indexed too
    const x = m.begin();
    await updateWhere(m, t, x, 3, () => [3, 'c', 1]);
    expect(() => t.addIndex({ name: 'uv', columns: [2], unique: true, primary: false })).toThrow(/Duplicate entry '5' for key 'users.uv'/);
    t.addIndex({ name: 'nv', columns: [1, 2], unique: false, primary: false });
    expect(t.schema.indexes).toHaveLength(4);
    expect(rowsOf(t.range(m.view(null), 3, { key: ['b'], inclusive: true }, undefined, [0], 10))).toEqual([[2], [3]]);
    expect(rowsOf(t.range(m.view(x), 3, { key: ['c', 1], inclusive: true }, { key: ['c', 1], inclusive: true }, [2], 10))).toEqual([[1]]);
    x.commit();
    t.dropIndex('kv');
    expect(t.schema.indexes.map((i) => i.name)).toEqual(['PRIMARY', 'uname', 'nv']);
    expect(rowsOf(t.range(m.view(null), 2, undefined, undefined, [0], 10))).toEqual([[1], [2], [3]]);
    const z = m.begin();
    await updateWhere(m, t, z, 2, () => [2, 'b', 6]);
    z.commit();
    t.addIndex({ name: 'uv', columns: [2], unique: true, primary: false });
    const y = m.begin();
    expect(await ins(t, y, [4, 'd', 7])).toMatchObject({ ok: true });
    expect(await ins(t, y, [5, 'e', 5])).toMatchObject({ ok: false, index: 3 });
    y.rollback();
    expect(() => t.dropIndex('nope')).toThrow(SqlError);
  });

  it('truncates', async () => {
    const { m, t } = setup();
    await load(m, t, [[1, 'a', 5], [2, 'b', 5]]);
    t.truncate();
    expect(all(t, m.view(null))).toEqual([]);
    expect(t.approxRowCount()).toBe(0);
    await load(m, t, [[1, 'a', 5]]);
    expect(all(t, m.view(null))).toEqual([[1, 'a', 5]]);
  });

  it('reuses slots of deleted rows once no view needs them', async () => {
    const { m, t } = setup();
    for (let round = 0; round < 5; round++) {
      const rows: Value[][] = [];
      for (let i = 0; i < 50; i++) rows.push([i, `n${i}`, i]);
      await load(m, t, rows);
      const x = m.begin();
      for (const c of t.scan(m.view(x), [0], 100)) {
        for (const ref of c.refs) {
          await t.lockRow(x, ref);
          t.delete(x, ref);
        }
      }
      x.commit();
    }
    expect(all(t, m.view(null))).toEqual([]);
    // 50 slots serve every round
    const x = m.begin();
    const r = await ins(t, x, [1, 'z', 1]);
    expect(r.ok && r.ref < 50).toBe(true);
    x.commit();
  });
});

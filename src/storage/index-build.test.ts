// Index builds and drops in steps (RowTable.beginAddIndex / beginDropIndex): a big table's index
// change runs a bounded piece at a time so the leaf can give the thread to others in between. The
// index built in steps is the one a build in one go makes (every version of every row, for old
// views too); a duplicate found late, or a stop, is undone to the table as it was; version GC
// that runs while a build or a drop is suspended leaves no stale entry and breaks no other index;
// until publish() the schema (what snapshots and plans see) is the old one: a snapshot taken
// while an index is half built holds the table without it, and recovery from it is right.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlError } from '../common/errors.js';
import { T } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Partition } from './partition.js';
import type { IndexBuild, RowTable } from './row-table.js';
import type { IndexSchema, ReadView, TableSchema } from './schema.js';
import { TxnManager, type Txn } from './txn.js';
import { LeafStore } from './durability/store.js';
import { listSnapshots, readSnapshot } from './durability/snapshot.js';

// id INT PRIMARY KEY, k INT NULL, u VARCHAR(20) NOT NULL, KEY kk (k)
const SCHEMA: TableSchema = {
  id: 1,
  name: 't',
  columns: [
    { name: 'id', type: T.int, nullable: false },
    { name: 'k', type: T.int, nullable: true },
    { name: 'u', type: T.varchar(20), nullable: false },
  ],
  indexes: [
    { name: 'PRIMARY', columns: [0], unique: true, primary: true },
    { name: 'kk', columns: [1], unique: false, primary: false },
  ],
};

const N = 3000;
const BY_U: IndexSchema = { name: 'iu', columns: [2, 1], unique: false, primary: false };
const UNIQUE_U: IndexSchema = { name: 'uu', columns: [2], unique: true, primary: false };

function table(): { m: TxnManager; t: RowTable } {
  const m = new TxnManager();
  return { m, t: new Partition(0, m).createTable(SCHEMA) };
}

/** Rows 1..N: k = id % 7 (NULL for every tenth), u = 'u<id>' (unique). */
function rowOf(id: number): Value[] {
  return [id, id % 10 === 0 ? null : id % 7, `u${id}`];
}

async function load(m: TxnManager, t: RowTable, ids: Iterable<number>): Promise<void> {
  const txn = m.begin();
  for (const id of ids) expect((await t.insert(txn, rowOf(id))).ok).toBe(true);
  await txn.commit();
}

/** Sets u of the rows with the given ids (committed), so each keeps an older version for older views. */
async function setU(m: TxnManager, t: RowTable, ids: Iterable<number>, u: (id: number) => string): Promise<void> {
  const txn: Txn = m.begin();
  const view = m.currentView(txn);
  for (const id of ids) {
    const ref = t.lookup(view, 0, [id])!;
    await t.lockRow(txn, ref);
    const row = t.readLatest(txn, ref)!;
    expect((await t.update(txn, ref, [row[0]!, row[1]!, u(id)])).ok).toBe(true);
  }
  m.release(view);
  await txn.commit();
}

/** Runs f with a fresh view, released after (a view left open holds back GC). */
function fresh<R>(m: TxnManager, f: (view: ReadView) => R): R {
  const view = m.view(null);
  try {
    return f(view);
  } finally {
    m.release(view);
  }
}

/** Every row (id, u) in the order of index `index`, as `view` sees them. */
function inOrder(t: RowTable, view: ReadView, index: number): Value[][] {
  const out: Value[][] = [];
  for (const c of t.range(view, index, undefined, undefined, [0, 2], 100)) for (let i = 0; i < c.length; i++) out.push([c.columns[0]![i]!, c.columns[1]![i]!]);
  return out;
}

/** Index `index` in order for a fresh view, and what it must hold: the rows a full scan sees, sorted as iu (u, k, id) sorts them. */
function freshByU(m: TxnManager, t: RowTable, index: number): { got: Value[][]; want: Value[][] } {
  return fresh(m, (view) => ({ got: inOrder(t, view, index), want: expectedByU(t, view) }));
}

/** (id, u) of every row a view sees, sorted as index iu (u, k, id) sorts them. */
function expectedByU(t: RowTable, view: ReadView): Value[][] {
  const rows: Value[][] = [];
  for (const c of t.scan(view, [0, 1, 2], 500)) for (let i = 0; i < c.length; i++) rows.push([c.columns[0]![i]!, c.columns[1]![i]!, c.columns[2]![i]!]);
  const k = (v: Value): number => (v === null ? -1 : (v as number));
  rows.sort((a, b) => ((a[2] as string) < (b[2] as string) ? -1 : (a[2] as string) > (b[2] as string) ? 1 : k(a[1]!) - k(b[1]!) || (a[0] as number) - (b[0] as number)));
  return rows.map((r) => [r[0]!, r[2]!]);
}

/** Runs a build to its end one step per call, checking `between` after each suspended step; the number of steps. */
function stepThrough(build: IndexBuild, between: () => void = () => {}): number {
  let steps = 1;
  while (!build.advance(() => true)) {
    between();
    steps++;
  }
  return steps;
}

describe('an index built in steps', () => {
  it('indexes every version of every row as a build in one go does, old views included; the schema has it only once published', async () => {
    const sliced = table();
    const whole = table();
    const old: ReadView[] = [];
    for (const { m, t } of [sliced, whole]) {
      await load(m, t, Array.from({ length: N }, (_, i) => i + 1));
      old.push(m.view(null)); // holds the versions the update below replaces
      await setU(m, t, Array.from({ length: N / 3 }, (_, i) => 3 * i + 1), (id) => `x${id % 50}`);
    }
    const build = sliced.t.beginAddIndex(BY_U);
    const steps = stepThrough(build, () => expect(sliced.t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk']));
    expect(steps).toBeGreaterThan(10);
    expect(sliced.t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk']);
    build.publish();
    whole.t.addIndex(BY_U);
    expect(sliced.t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk', 'iu']);
    // Same rows in the same order, for a fresh view and for the view from before the update.
    const [oldSliced, oldWhole] = old as [ReadView, ReadView];
    const now = freshByU(sliced.m, sliced.t, 2);
    expect(now.got).toEqual(now.want);
    expect(now.got).toEqual(fresh(whole.m, (v) => inOrder(whole.t, v, 2)));
    expect(inOrder(sliced.t, oldSliced, 2)).toEqual(expectedByU(sliced.t, oldSliced));
    expect(inOrder(sliced.t, oldSliced, 2)).toEqual(inOrder(whole.t, oldWhole, 2));
    expect(sliced.t.indexEntryCount(2)).toBe(whole.t.indexEntryCount(2));
    expect(sliced.t.indexEntryCount(2)).toBe(N + N / 3);
    // Writes after it keep it up.
    const txn = sliced.m.begin();
    expect((await sliced.t.insert(txn, [N + 1, 1, 'a'])).ok).toBe(true);
    await txn.commit();
    expect(fresh(sliced.m, (v) => inOrder(sliced.t, v, 2))[0]).toEqual([N + 1, 'a']);
  });

  it('meets a duplicate in the last row of a unique build: 1062, and undone in steps the table is as before', async () => {
    const { m, t } = table();
    await load(m, t, Array.from({ length: N }, (_, i) => i + 1));
    await setU(m, t, [N], () => 'u1'); // the last row's u becomes the first row's
    const build = t.beginAddIndex(UNIQUE_U);
    let steps = 0;
    let err: unknown = null;
    try {
      while (!build.advance(() => true)) steps++;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect(err).toMatchObject({ code: 'ER_DUP_ENTRY', message: "Duplicate entry 'u1' for key 't.uu'" });
    expect(steps).toBeGreaterThan(10); // late: after most of the table was indexed
    let undoSteps = 1;
    while (!build.undo(() => true)) undoSteps++;
    expect(undoSteps).toBeGreaterThan(1);
    expect(build.undo(() => true)).toBe(true); // done stays done
    expect(t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk']);
    // Nothing of it is left: the name is free, the next index takes its place, writes go on.
    t.addIndex({ ...UNIQUE_U, unique: false });
    m.collectGarbage(); // the old version of row N
    expect(t.indexEntryCount(2)).toBe(N);
    const byU = fresh(m, (v) => inOrder(t, v, 2));
    expect(byU).toHaveLength(N);
    expect(byU.slice(0, 2)).toEqual([[1, 'u1'], [N, 'u1']]);
    t.dropIndex('uu');
    await setU(m, t, [N], () => `u${N}`);
    t.addIndex(UNIQUE_U);
    const txn = m.begin();
    expect(await t.insert(txn, [N + 1, 1, 'u5'])).toMatchObject({ ok: false, index: 2 });
    await txn.rollback();
  });

  it("counts a duplicate among current rows only (not with a row's older version), and NULL as none", async () => {
    const { m, t } = table();
    await load(m, t, [1, 2, 3]);
    const old = m.view(null);
    await setU(m, t, [1], () => 'moved'); // row 1 had 'u1', which row 2 now takes
    await setU(m, t, [2], () => 'u1');
    t.addIndex(UNIQUE_U);
    expect(fresh(m, (v) => inOrder(t, v, 2))).toEqual([[1, 'moved'], [2, 'u1'], [3, 'u3']]);
    expect(inOrder(t, old, 2)).toEqual([[1, 'u1'], [2, 'u2'], [3, 'u3']]);
    m.release(old);
    await load(m, t, [10, 20]); // k is NULL in both
    t.addIndex({ name: 'uk', columns: [1], unique: true, primary: false });
    expect(t.indexEntryCount(3)).toBe(5);
    t.dropIndex('uk');
    await load(m, t, [8]); // k = 1, as row 1's
    expect(() => t.addIndex({ name: 'uk2', columns: [1], unique: true, primary: false })).toThrow(/Duplicate entry '1' for key 't.uk2'/);
    expect(t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk', 'uu']);
  });

  it('stays right when version GC runs while it is suspended: no stale entry, nothing lost', async () => {
    const { m, t } = table();
    await load(m, t, Array.from({ length: N }, (_, i) => i + 1));
    const old = m.view(null);
    await setU(m, t, Array.from({ length: N }, (_, i) => i + 1), (id) => `v${id}`); // every row has two versions
    const build = t.beginAddIndex(BY_U);
    for (let i = 0; i < 20; i++) expect(build.advance(() => true)).toBe(false); // some slots indexed, most not
    m.release(old);
    m.collectGarbage(); // the older versions go, indexed or not
    stepThrough(build);
    build.publish();
    expect(t.indexEntryCount(2)).toBe(N);
    const now = freshByU(m, t, 2);
    expect(now.got).toEqual(now.want);
  });

  it('indexes rows written while it is suspended', async () => {
    const { m, t } = table();
    await load(m, t, Array.from({ length: N }, (_, i) => i + 1));
    const build = t.beginAddIndex(BY_U);
    for (let i = 0; i < 20; i++) build.advance(() => true);
    await load(m, t, [N + 1, N + 2]);
    await setU(m, t, [2, N - 1], (id) => `w${id}`);
    stepThrough(build);
    build.publish();
    m.collectGarbage();
    expect(t.indexEntryCount(2)).toBe(N + 2);
    const now = freshByU(m, t, 2);
    expect(now.got).toEqual(now.want);
  });

  it('refuses a second index of the same name, and a primary key', () => {
    const { t } = table();
    expect(() => t.beginAddIndex({ name: 'KK', columns: [2], unique: false, primary: false })).toThrow(/Duplicate key name 'KK'/);
    expect(() => t.beginAddIndex({ name: 'p', columns: [2], unique: true, primary: true })).toThrow(SqlError);
  });
});

describe('an index dropped in steps', () => {
  it('leaves the indexes after it right, with version GC running while it is suspended; the schema loses it only once published', async () => {
    const { m, t } = table();
    await load(m, t, Array.from({ length: N }, (_, i) => i + 1));
    t.addIndex(BY_U); // [PRIMARY, kk, iu]: dropping kk moves iu to position 1
    const old = m.view(null);
    await setU(m, t, Array.from({ length: N }, (_, i) => i + 1), (id) => `v${id % 100}`);
    const drop = t.beginDropIndex('kk');
    for (let i = 0; i < 3; i++) expect(drop.advance(() => true)).toBe(false);
    expect(t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk', 'iu']);
    m.release(old);
    m.collectGarbage(); // reaches slots the drop has not: their old versions' iu entries must go
    let steps = 4;
    while (!drop.advance(() => true)) steps++;
    expect(steps).toBeGreaterThan(3);
    drop.publish();
    expect(t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'iu']);
    expect(t.indexEntryCount(1)).toBe(N);
    const now = freshByU(m, t, 1);
    expect(now.got).toEqual(now.want);
    // Writes, a rollback and GC after it keep iu exact.
    await setU(m, t, [1, 2, 3], () => 'a');
    const txn = m.begin();
    const cur = m.currentView(txn);
    const ref = t.lookup(cur, 0, [4])!;
    m.release(cur);
    await t.lockRow(txn, ref);
    expect((await t.update(txn, ref, [4, 4, 'b'])).ok).toBe(true);
    await txn.rollback();
    m.collectGarbage();
    expect(t.indexEntryCount(1)).toBe(N);
    expect(fresh(m, (v) => inOrder(t, v, 1)).slice(0, 3)).toEqual([[1, 'a'], [2, 'a'], [3, 'a']]);
    expect(() => t.beginDropIndex('kk')).toThrow(/Can't DROP 'kk'/);
    expect(() => t.beginDropIndex('PRIMARY')).toThrow(SqlError);
  });
});

describe('an index build and the partition log', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function open(dir: string): Promise<{ store: LeafStore; m: TxnManager; t: RowTable }> {
    const store = new LeafStore({ dir, durability: 'sync', asyncFlushMs: 10, snapshotIntervalMs: 0, logSizeLimit: 0, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    const m = new TxnManager();
    const dbs = await store.recover(m);
    let p = dbs.get('db')?.get(0);
    if (p === undefined) {
      p = new Partition(0, m);
      await store.createDatabase('db', new Map([[0, p]]));
      p.createTable(SCHEMA);
      await store.logDdl('db', null, (ts) => ({ kind: 'createTable', ts, schema: SCHEMA }));
    }
    return { store, m, t: p.table(SCHEMA.id)! };
  }

  it('a snapshot taken while an index is half built holds the table without it; recovery then has it only if its record was logged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-ixb-'));
    dirs.push(dir);
    const first = await open(dir);
    await load(first.m, first.t, Array.from({ length: N }, (_, i) => i + 1));
    const build = first.t.beginAddIndex(BY_U);
    for (let i = 0; i < 10; i++) expect(build.advance(() => true)).toBe(false);
    expect(await first.store.snapshotNow()).toBe(1);
    const [snap] = await listSnapshots(path.join(dir, 'db', 'p0'));
    const loaded = await readSnapshot(snap!.file);
    expect(loaded.tables.map((x) => x.indexes.map((i) => i.name))).toEqual([['PRIMARY', 'kk']]);
    expect(loaded.rows).toBe(N);

    // A crash now (the build neither finished nor logged; the files as they are): the table comes back as it was.
    const copy = mkdtempSync(path.join(os.tmpdir(), 'tessera-ixb-crash-'));
    dirs.push(copy);
    cpSync(dir, copy, { recursive: true });
    const crashed = await open(copy);
    expect(crashed.t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk']);
    expect(fresh(crashed.m, (v) => inOrder(crashed.t, v, 0))).toHaveLength(N);
    await crashed.store.close();

    // Finished, published and logged in one step (as the leaf does): a restart has it, whole.
    while (!build.advance(() => true));
    build.publish();
    await first.store.logDdl('db', null, (ts) => ({ kind: 'addIndex', ts, tableId: SCHEMA.id, index: BY_U }));
    await first.store.close();
    const second = await open(dir);
    expect(second.t.schema.indexes.map((x) => x.name)).toEqual(['PRIMARY', 'kk', 'iu']);
    expect(second.t.indexEntryCount(2)).toBe(N);
    const now = freshByU(second.m, second.t, 2);
    expect(now.got).toEqual(now.want);
    await second.store.close();
  });
});

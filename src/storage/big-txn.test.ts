// Big commits and rollbacks share the thread (txn.ts): they run in slices with a turn of the
// event loop between them, and between any two slices every reader sees all of a transaction
// or none of it, its rows stay locked until it is done, and nothing of a rolled-back one shows.
// The managers here run with sliceMs 0 (one step of SLICE_STEP entries per slice), so a few
// thousand rows make many slices on any machine.
import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/errors.js';
import { T } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Partition } from './partition.js';
import type { RowTable } from './row-table.js';
import type { RowChange, TableSchema } from './schema.js';
import { SYNC_WRITE_LIMIT, TxnManager, type StagedCommit, type Txn } from './txn.js';

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

// k INT PRIMARY KEY, v INT, KEY iv (v)
const KV: TableSchema = {
  id: 1,
  name: 'kv',
  columns: [
    { name: 'k', type: T.int, nullable: false },
    { name: 'v', type: T.int, nullable: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: [0], unique: true, primary: true },
    { name: 'iv', columns: [1], unique: false, primary: false },
  ],
};

const BASE = 1000; // committed rows k = 1..BASE, v = 0
const BIG = 6 * SYNC_WRITE_LIMIT; // rows a big transaction inserts on top

/** A log stand-in: a big commit's changes arrive in slices (counted), and commits wait for settleCommits. */
interface FakeLog {
  /** add() calls of staged commits, and the changes they brought. */
  adds: number;
  changes: RowChange[];
  /** What append() does (default: take it and wait for settleCommits). */
  append: (ts: number) => boolean;
}

function setup(opts: { lockWaitTimeoutMs?: number } = {}): { m: TxnManager; t: RowTable; log: FakeLog } {
  const m = new TxnManager({ sliceMs: 0, ...opts });
  const log: FakeLog = { adds: 0, changes: [], append: () => true };
  m.onCommit = () => true;
  m.onStageCommit = (): StagedCommit => ({
    add: (changes) => {
      log.adds++;
      log.changes.push(...changes);
    },
    append: (ts) => log.append(ts),
  });
  return { m, t: new Partition(0, m).createTable(KV), log };
}

/** Plays the log: settles every commit waiting for it, turn after turn, until `p` settles (a big commit first encodes in slices). */
async function settled(m: TxnManager, p: void | Promise<void>): Promise<void> {
  let done = false;
  const end = Promise.resolve(p).finally(() => (done = true));
  for (let i = 0; i < 10_000 && !done; i++) {
    m.settleCommits(m.now(), null);
    await nextTurn();
  }
  await end;
}

async function loadBase(m: TxnManager, t: RowTable): Promise<void> {
  const x = m.begin();
  for (let k = 1; k <= BASE; k++) expect((await t.insert(x, [k, 0])).ok).toBe(true);
  await settled(m, x.commit());
}

/** Sets v of row k in txn (locking it first). */
async function setV(m: TxnManager, t: RowTable, txn: Txn, k: number, v: number): Promise<void> {
  const cur = m.currentView(txn);
  const ref = t.lookup(cur, 0, [k])!;
  m.release(cur);
  await t.lockRow(txn, ref);
  expect((await t.update(txn, ref, [k, v])).ok).toBe(true);
}

/** The big transaction: every base row gets v = 1, and BIG new rows with v = 1. */
async function bigWrite(m: TxnManager, t: RowTable, txn: Txn): Promise<void> {
  for (let k = 1; k <= BASE; k++) await setV(m, t, txn, k, 1);
  for (let k = BASE + 1; k <= BASE + BIG; k++) expect((await t.insert(txn, [k, 1])).ok).toBe(true);
}

/** Row count and sum of v a fresh view sees, by a full scan and by the secondary index. */
function seen(m: TxnManager, t: RowTable, txn: Txn | null = null): { n: number; sum: number; byIndex: number } {
  const view = m.view(txn);
  try {
    let n = 0;
    let sum = 0;
    for (const c of t.scan(view, [1], 512)) {
      n += c.length;
      for (const v of c.columns[0]!) sum += v as number;
    }
    let byIndex = 0;
    for (const c of t.range(view, 1, { key: [1], inclusive: true }, { key: [1], inclusive: true }, [0], 512)) byIndex += c.length;
    return { n, sum, byIndex };
  } finally {
    m.release(view);
  }
}

const NONE = { n: BASE, sum: 0, byIndex: 0 };
const ALL = { n: BASE + BIG, sum: BASE + BIG, byIndex: BASE + BIG };

/** Calls sample() on every turn of the event loop until stop(); returns what it saw. */
function everyTurn<S>(sample: () => S): { samples: S[]; stop: () => void } {
  const samples: S[] = [];
  let on = true;
  const tick = (): void => {
    if (!on) return;
    samples.push(sample());
    setImmediate(tick);
  };
  setImmediate(tick);
  return { samples, stop: () => (on = false) };
}


describe('a big commit', () => {
  it('is encoded, made visible and stamped in slices; a reader between any two sees all of it or none', async () => {
    const { m, t, log } = setup();
    await loadBase(m, t);
    const rr = m.begin({ isolation: 'repeatable-read' });
    expect(seen(m, t, rr)).toEqual(NONE); // fixes rr's view now
    const big = m.begin();
    await bigWrite(m, t, big);
    const watch = everyTurn(() => ({ state: big.state, ...seen(m, t) }));
    const done = big.commit();
    expect(done).toBeInstanceOf(Promise);
    // The log got the changes in many slices, while nobody saw any of it.
    while (log.changes.length < BASE + BIG) await nextTurn();
    expect(log.adds).toBeGreaterThan(10);
    expect(log.changes.filter((c) => c.kind === 'update')).toHaveLength(BASE);
    expect(log.changes.filter((c) => c.kind === 'insert')).toHaveLength(BIG);
    for (let i = 0; i < 5; i++) await nextTurn(); // waiting for the log
    expect(big.state).toBe('committing');
    expect(seen(m, t)).toEqual(NONE);
    m.settleCommits(m.now(), null);
    await done;
    watch.stop();
    expect(big.state).toBe('committed');
    const s = watch.samples;
    expect(s.every((x) => (x.n === NONE.n && x.sum === 0 && x.byIndex === 0) || (x.n === ALL.n && x.sum === ALL.sum && x.byIndex === ALL.byIndex))).toBe(true);
    // Samples fell while it was encoded (none of it) and while it was stamped (all of it, still committing).
    expect(s.filter((x) => x.state === 'committing' && x.n === NONE.n).length).toBeGreaterThan(10);
    expect(s.filter((x) => x.state === 'committing' && x.n === ALL.n).length).toBeGreaterThan(10);
    expect(seen(m, t)).toEqual(ALL);
    // A REPEATABLE READ view taken before never sees it, during or after.
    expect(seen(m, t, rr)).toEqual(NONE);
    await rr.rollback();
  });

  it('keeps its row locks until it is visible: a writer waiting for one of its rows then reads its value', async () => {
    const { m, t } = setup();
    await loadBase(m, t);
    const big = m.begin();
    await bigWrite(m, t, big);
    const done = big.commit();
    // Another transaction wants row 1 (updated by big) and key BASE + 1 (inserted by big).
    const other = m.begin();
    const cur = m.currentView(other);
    const ref = t.lookup(cur, 0, [1])!;
    m.release(cur);
    let granted: { state: string; latest: readonly Value[] | null; fresh: ReturnType<typeof seen> } | null = null;
    const locked = Promise.resolve(t.lockRow(other, ref)).then(() => {
      granted = { state: big.state, latest: t.readLatest(other, ref), fresh: seen(m, t) };
    });
    const third = m.begin();
    const dup = Promise.resolve(t.insert(third, [BASE + 1, 9])).then((r) => ({ r, state: big.state }));
    while (m.committingCount() === 0) await nextTurn();
    for (let i = 0; i < 20; i++) await nextTurn();
    expect(granted).toBeNull(); // the commit waits for the log: its locks are held
    await settled(m, done);
    await locked;
    expect(granted).toEqual({ state: 'committed', latest: [1, 1], fresh: ALL });
    const d = await dup;
    expect(d.state).toBe('committed');
    expect(d.r).toMatchObject({ ok: false, index: 0 }); // the key is taken by the committed row
    await other.rollback();
    await third.rollback();
  });

  it('rolls back in slices when the log write fails: nothing of it is ever visible, the error reaches commit()', async () => {
    const { m, t } = setup();
    await loadBase(m, t);
    const big = m.begin();
    await bigWrite(m, t, big);
    const watch = everyTurn(() => seen(m, t));
    const done = big.commit();
    const failed = expect(done).rejects.toBeInstanceOf(SqlError);
    while (m.committingCount() === 0) await nextTurn();
    const err = new SqlError('ER_DISK_FULL', 'Disk full');
    let granted: string | null = null;
    const other = m.begin();
    const cur = m.currentView(other);
    const ref = t.lookup(cur, 0, [1])!;
    m.release(cur);
    const locked = Promise.resolve(t.lockRow(other, ref)).then(() => (granted = big.state));
    m.settleCommits(m.now(), err);
    await failed;
    await locked;
    watch.stop();
    expect(granted).toBe('aborted'); // the lock went only once everything was undone
    expect(t.readLatest(other, ref)).toEqual([1, 0]);
    expect(watch.samples.length).toBeGreaterThan(10);
    expect(watch.samples.every((x) => x.n === NONE.n && x.sum === 0 && x.byIndex === 0)).toBe(true);
    expect(seen(m, t)).toEqual(NONE);
    // The keys it had inserted are free again.
    expect((await t.insert(other, [BASE + 1, 5])).ok).toBe(true);
    await settled(m, other.commit());
  });

  it('rolls back when the log refuses it at append (e.g. the log turned read-only while it was encoded)', async () => {
    const { m, t, log } = setup();
    await loadBase(m, t);
    const refused = new SqlError('ER_OPTION_PREVENTS_STATEMENT', 'read-only');
    log.append = () => {
      throw refused;
    };
    const before = m.now();
    const big = m.begin();
    await bigWrite(m, t, big);
    await expect(big.commit()).rejects.toBe(refused);
    expect(big.state).toBe('aborted');
    expect(m.now()).toBe(before); // no commit ts was taken
    expect(seen(m, t)).toEqual(NONE);
  });

  it('commits in slices without a log at all, and small commits stay synchronous', async () => {
    const m = new TxnManager({ sliceMs: 0 });
    const t = new Partition(0, m).createTable(KV);
    const small = m.begin();
    for (let k = 1; k <= SYNC_WRITE_LIMIT; k++) await t.insert(small, [k, 0]);
    expect(small.commit()).toBeUndefined();
    expect(seen(m, t).n).toBe(SYNC_WRITE_LIMIT);
    const big = m.begin();
    for (let k = SYNC_WRITE_LIMIT + 1; k <= SYNC_WRITE_LIMIT + BIG; k++) await t.insert(big, [k, 1]);
    const watch = everyTurn(() => seen(m, t).n);
    await big.commit();
    watch.stop();
    expect(watch.samples.length).toBeGreaterThan(10);
    expect(watch.samples.every((n) => n === SYNC_WRITE_LIMIT + BIG)).toBe(true); // visible at once (no log to wait for)
    expect(seen(m, t)).toEqual({ n: SYNC_WRITE_LIMIT + BIG, sum: BIG, byIndex: BIG });
  });

  it('prunes the versions it superseded in bounded steps, the rest in background slices', async () => {
    const { m, t } = setup();
    await loadBase(m, t);
    const big = m.begin();
    await bigWrite(m, t, big);
    await settled(m, big.commit());
    // The base rows' old versions (v = 0, with their index entries) wait for GC beyond one step.
    expect(m.tablesWithGarbage()).toBe(1);
    for (let i = 0; i < 200 && m.tablesWithGarbage() > 0; i++) await nextTurn();
    expect(m.tablesWithGarbage()).toBe(0);
    expect(seen(m, t)).toEqual(ALL);
    let zeros = 0;
    for (const c of t.range(m.view(null), 1, { key: [0], inclusive: true }, { key: [0], inclusive: true }, [0], 512)) zeros += c.length;
    expect(zeros).toBe(0);
  });
});

describe('a big rollback', () => {
  it('undoes in slices: readers see the old rows all along, a waiter gets its lock after the last undo', async () => {
    const { m, t } = setup();
    await loadBase(m, t);
    const big = m.begin();
    await bigWrite(m, t, big);
    const other = m.begin();
    const cur = m.currentView(other);
    const ref = t.lookup(cur, 0, [BASE])!;
    m.release(cur);
    let granted: { state: string; latest: readonly Value[] | null } | null = null;
    const locked = Promise.resolve(t.lockRow(other, ref)).then(() => (granted = { state: big.state, latest: t.readLatest(other, ref) }));
    const watch = everyTurn(() => ({ state: big.state, ...seen(m, t) }));
    const done = big.rollback();
    expect(done).toBeInstanceOf(Promise);
    await done;
    await locked;
    watch.stop();
    expect(watch.samples.filter((x) => x.state === 'rolling-back').length).toBeGreaterThan(10);
    expect(watch.samples.every((x) => x.n === NONE.n && x.sum === 0 && x.byIndex === 0)).toBe(true);
    expect(granted).toEqual({ state: 'aborted', latest: [BASE, 0] });
    expect(seen(m, t)).toEqual(NONE);
    await other.rollback();
  });

  it('of a statement or to a savepoint keeps the work before it; a rollback asked meanwhile waits for it', async () => {
    const { m, t } = setup();
    await loadBase(m, t);
    const x = m.begin();
    x.beginStatement();
    await setV(m, t, x, 1, 7);
    x.beginStatement();
    for (let k = BASE + 1; k <= BASE + BIG; k++) await t.insert(x, [k, 1]);
    const stmt = x.rollbackStatement();
    expect(stmt).toBeInstanceOf(Promise);
    expect(x.state).toBe('rolling-back');
    await stmt;
    expect(x.state).toBe('active');
    expect(seen(m, t, x)).toEqual({ n: BASE, sum: 7, byIndex: 0 });

    x.savepoint('s1');
    x.beginStatement();
    for (let k = BASE + 1; k <= BASE + BIG; k++) await t.insert(x, [k, 1]);
    await x.rollbackToSavepoint('s1');
    expect(seen(m, t, x)).toEqual({ n: BASE, sum: 7, byIndex: 0 });

    // A connection that drops during a statement rollback: the whole rollback waits for it.
    x.beginStatement();
    for (let k = BASE + 1; k <= BASE + BIG; k++) await t.insert(x, [k, 1]);
    const partly = x.rollbackStatement();
    const whole = x.rollback();
    await Promise.all([partly, whole]);
    expect(x.state).toBe('aborted');
    expect(seen(m, t)).toEqual(NONE);
  });
});

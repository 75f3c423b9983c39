/**
 * Transactions, the commit clock and read views.
 *
 * A commit takes the next clock value as its ts and hands its changes to the transaction log
 * (onCommit). When the log must make it durable first (durability=sync), the transaction waits
 * in the `committing` state: its versions stay uncommitted, so nobody sees them and its row locks
 * stay held, until the log calls settleCommits(): then all of the transaction's versions are
 * stamped with its ts in one synchronous loop (any view sees all of a commit or none of it), or,
 * if the log write failed, they are undone as by a rollback. Views read at the visible ts: below
 * the oldest commit still waiting, so a view never sees a commit appear after it was taken.
 *
 * Isolation: READ COMMITTED takes a fresh view per statement (TxnManager.view). REPEATABLE READ
 * fixes one read view at the transaction's first consistent read (or at START TRANSACTION WITH
 * CONSISTENT SNAPSHOT) and serves every later plain read from it. Locking reads and UPDATE /
 * DELETE read the latest committed versions (currentView) and lock them, as InnoDB does.
 *
 * Garbage collection: a version superseded by a commit at ts can go once every registered view is
 * at or after ts. Views are therefore registered and released explicitly (TxnManager.release; a
 * transaction's views are released when it ends). A view nobody releases is dropped from the GC
 * horizon after `viewLeaseMs` so a leak costs memory for a while, never forever.
 */
import { invariant } from '../common/assert.js';
import { SqlError } from '../common/errors.js';
import type { Value } from '../common/value.js';
import { LockManager, type LockOwner, type LockState } from './lock-manager.js';
import type { ReadView, RowChange } from './schema.js';

/** One version of a row slot. The chain runs newest first; uncommitted versions sit on top. */
export class Version {
  constructor(
    /** null = tombstone */
    public row: readonly Value[] | null,
    /** The index entry key of this version in each internal index (null for a tombstone). */
    public keys: string[] | null,
    /** Commit ts; meaningless while txn is set. */
    public ts: number,
    /** The writing transaction while uncommitted, null once committed. */
    public txn: TxnImpl | null,
    public prev: Version | null,
    /** The writer's undo position when written: a view of the same txn sees only writes made before it. */
    public seq: number,
  ) {}
}

/** What a transaction wrote into: a table, called back at commit, rollback and GC. */
export interface WriteTarget {
  readonly partitionId: number;
  readonly tableId: number;
  /** Whoever holds the table (the Partition), passed through to RowChange for the transaction log. */
  readonly owner: object | null;
  /** The table's current epoch: writes of an older one were wiped by TRUNCATE/DROP and commit nothing. */
  liveEpoch(): number;
  /** The hidden row id of a slot of a table without a primary key. */
  rowIdOf(ref: number): number | undefined;
  /** Pops `v` (the slot's newest version) after a rollback. */
  undoWrite(ref: number, v: Version, epoch: number): void;
  /** Stamps the slot's newest version with ts and folds away the transaction's intermediate versions. */
  commitWrite(ref: number, ts: number, epoch: number): void;
  /** Prunes versions no view can see any more. */
  collect(horizon: number): void;
}

interface UndoEntry {
  readonly target: WriteTarget;
  readonly ref: number;
  readonly version: Version;
  readonly epoch: number;
}

/** `committing`: waiting for the log to make the commit durable (invisible, locks held). */
export type TxnState = 'active' | 'committing' | 'committed' | 'aborted';

/** READ UNCOMMITTED runs as READ COMMITTED, SERIALIZABLE is refused by the aggregator. */
export type Isolation = 'read-committed' | 'repeatable-read';

export interface Txn {
  readonly id: number;
  lockWaitTimeoutMs: number;
  /** Marks the start of a statement; rollbackStatement() undoes only what the statement did (MySQL statement atomicity). */
  beginStatement(): void;
  rollbackStatement(): void;
  savepoint(name: string): void;
  /** Throws SqlError 1305 'SAVEPOINT x does not exist'. */
  rollbackToSavepoint(name: string): void;
  releaseSavepoint(name: string): void;
  /**
   * Makes every write visible atomically at a new commit ts, releases locks, wakes waiters. When
   * the transaction log has to make the commit durable first, returns a promise that settles once
   * it has (or rejects with the log's error, the transaction rolled back).
   */
  commit(): void | Promise<void>;
  /** Undoes every write, releases locks. */
  rollback(): void;
  readonly state: TxnState;
  readonly isolation: Isolation;
  /** True when the txn has written anything (for logging/2PC later). */
  readonly dirty: boolean;
}

class View implements ReadView {
  released = false;
  constructor(
    readonly txn: TxnImpl | null,
    readonly ts: number,
    /** Own writes with a smaller seq are visible: a statement does not see its own later writes (no Halloween problem). */
    readonly seq: number,
    readonly openedAt: number,
    /** A REPEATABLE READ transaction's read view: held until the transaction ends, however long (no lease). */
    readonly pinned = false,
  ) {}
}

/** A commit waiting for the log (TxnManager.settleCommits). */
interface PendingCommit {
  readonly txn: TxnImpl;
  readonly ts: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

function savepointMissing(name: string): SqlError {
  return new SqlError('ER_SP_DOES_NOT_EXIST', `SAVEPOINT ${name} does not exist`);
}

export class TxnImpl implements Txn, LockOwner {
  state: TxnState = 'active';
  /** REPEATABLE READ: the read view fixed by the first consistent read (registered, pinned). */
  snapshot: View | null = null;
  readonly heldLocks: LockState[] = [];
  waitingFor: LockState | null = null;
  /** @internal the write log, doubling as the undo log */
  readonly undo: UndoEntry[] = [];
  /** @internal views to release when the transaction ends */
  readonly views: View[] = [];
  private stmtMark = 0;
  private readonly savepoints: { name: string; mark: number }[] = [];

  constructor(
    private readonly mgr: TxnManager,
    readonly id: number,
    public lockWaitTimeoutMs: number,
    readonly isolation: Isolation,
  ) {}

  get dirty(): boolean {
    return this.undo.length > 0;
  }

  /** @internal */
  logWrite(target: WriteTarget, ref: number, version: Version, epoch: number): void {
    if (this.state !== 'active') invariant(false, `write in a ${this.state} transaction`);
    this.undo.push({ target, ref, version, epoch });
  }

  beginStatement(): void {
    this.stmtMark = this.undo.length;
  }

  rollbackStatement(): void {
    this.undoTo(this.stmtMark);
  }

  savepoint(name: string): void {
    const i = this.findSavepoint(name);
    if (i >= 0) this.savepoints.splice(i, 1);
    this.savepoints.push({ name, mark: this.undo.length });
  }

  rollbackToSavepoint(name: string): void {
    const i = this.findSavepoint(name);
    if (i < 0) throw savepointMissing(name);
    this.undoTo(this.savepoints[i]!.mark);
    // MySQL keeps the named savepoint and forgets the ones set after it.
    this.savepoints.length = i + 1;
  }

  releaseSavepoint(name: string): void {
    const i = this.findSavepoint(name);
    if (i < 0) throw savepointMissing(name);
    this.savepoints.length = i;
  }

  commit(): void | Promise<void> {
    return this.mgr.commitTxn(this);
  }

  rollback(): void {
    this.mgr.rollbackTxn(this);
  }

  /** @internal */
  undoTo(mark: number): void {
    invariant(this.state === 'active' || this.state === 'committing', `rollback in a ${this.state} transaction`);
    const u = this.undo;
    for (let i = u.length - 1; i >= mark; i--) {
      const e = u[i]!;
      e.target.undoWrite(e.ref, e.version, e.epoch);
    }
    u.length = Math.min(u.length, mark);
    if (this.stmtMark > mark) this.stmtMark = mark;
  }

  private findSavepoint(name: string): number {
    const k = name.toLowerCase();
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i]!.name.toLowerCase() === k) return i;
    return -1;
  }
}

/** Registered views past the GC horizon's front before release() trims the list. */
const VIEW_TRIM_BACKLOG = 4096;

/**
 * The transaction log's tap: true when the commit must wait for settleCommits() (its records
 * have to become durable first), false when it is visible at once.
 */
export type CommitListener = (txn: Txn, changes: readonly RowChange[], commitTs: number) => boolean;

export class TxnManager {
  readonly locks = new LockManager();
  /** The transaction log's tap: called synchronously inside commit, before the writes are stamped, in commit ts order. */
  onCommit: CommitListener | null = null;
  private clock = 0;
  private nextTxnId = 1;
  private readonly lockWaitTimeoutMs: number;
  private readonly viewLeaseMs: number;
  /** Registered views in creation (= ts) order; released ones are dropped lazily from the front. */
  private views: View[] = [];
  private viewsHead = 0;
  private readonly active = new Set<TxnImpl>();
  private readonly pendingGc = new Set<WriteTarget>();
  /** Commits waiting for the log, in ts order; settled ones are dropped from the front. */
  private waiting: PendingCommit[] = [];
  private waitingHead = 0;
  /** Views dropped from the GC horizon after their lease ran out (a leak in the caller). */
  expiredViews = 0;

  constructor(opts: { lockWaitTimeoutMs?: number; viewLeaseMs?: number } = {}) {
    this.lockWaitTimeoutMs = opts.lockWaitTimeoutMs ?? 50_000;
    this.viewLeaseMs = opts.viewLeaseMs ?? 300_000;
  }

  begin(opts: { lockWaitTimeoutMs?: number; isolation?: Isolation } = {}): Txn {
    const t = new TxnImpl(this, this.nextTxnId++, opts.lockWaitTimeoutMs ?? this.lockWaitTimeoutMs, opts.isolation ?? 'read-committed');
    this.active.add(t);
    return t;
  }

  /**
   * The read view of a plain (consistent) read: READ COMMITTED and reads outside a transaction
   * get a fresh one; a REPEATABLE READ transaction gets its snapshot (taken now if this is its
   * first consistent read) with the own writes made so far. Hand it back with release() when the
   * statement is done; a transaction's views are released when it commits or rolls back.
   */
  view(txn: Txn | null): ReadView {
    const t = txn === null ? null : asTxnImpl(txn);
    if (t === null || t.isolation === 'read-committed') return this.freshView(t);
    const snap = this.snapshotOf(t);
    return new View(t, snap.ts, t.undo.length, snap.openedAt);
  }

  /** The view of a locking read, UPDATE or DELETE: the latest committed versions plus own writes (a current read). */
  currentView(txn: Txn): ReadView {
    return this.freshView(asTxnImpl(txn));
  }

  /** START TRANSACTION WITH CONSISTENT SNAPSHOT: fixes a REPEATABLE READ transaction's read view now. */
  takeSnapshot(txn: Txn): void {
    const t = asTxnImpl(txn);
    if (t.isolation === 'repeatable-read') this.snapshotOf(t);
  }

  private snapshotOf(t: TxnImpl): View {
    if (t.snapshot === null) {
      t.snapshot = new View(t, this.visibleTs(), 0, performance.now(), true);
      this.views.push(t.snapshot);
      t.views.push(t.snapshot);
    }
    return t.snapshot;
  }

  private freshView(t: TxnImpl | null): View {
    const v = new View(t, this.visibleTs(), t === null ? 0 : t.undo.length, performance.now());
    this.views.push(v);
    if (t !== null) t.views.push(v);
    return v;
  }

  /** The newest ts a view may read at: just below the oldest commit still waiting for the log. */
  visibleTs(): number {
    const w = this.waiting;
    return this.waitingHead < w.length ? w[this.waitingHead]!.ts - 1 : this.clock;
  }

  /** Commits waiting for the log. */
  committingCount(): number {
    return this.waiting.length - this.waitingHead;
  }

  /**
   * The log's answer for every waiting commit with ts <= throughTs, oldest first: null makes them
   * visible (their records are durable), an error rolls them back and rejects their commit() with it.
   */
  settleCommits(throughTs: number, error: Error | null): void {
    const w = this.waiting;
    let i = this.waitingHead;
    const touched = new Set<WriteTarget>();
    const done: PendingCommit[] = [];
    while (i < w.length && w[i]!.ts <= throughTs) {
      const p = w[i++]!;
      if (error === null) this.stamp(p.txn, p.ts, touched);
      else {
        p.txn.undoTo(0);
        this.finish(p.txn, 'aborted');
      }
      done.push(p);
    }
    if (i === w.length) {
      this.waiting = [];
      i = 0;
    } else if (i > 1024 && i * 2 > w.length) {
      this.waiting = w.slice(i);
      i = 0;
    }
    this.waitingHead = i;
    if (touched.size > 0) {
      const h = this.horizon();
      for (const target of touched) target.collect(h);
    }
    // Resolved after every commit of the batch is visible: whoever continues sees them all.
    for (const p of done) {
      if (error === null) p.resolve();
      else p.reject(error);
    }
  }

  /** Fails the transaction's pending row-lock wait, if any, with `err` (its statement was killed). */
  cancelLockWait(txn: Txn, err: Error): void {
    this.locks.cancelWait(asTxnImpl(txn), err);
  }

  /** Releases a view from view(); idempotent. */
  release(view: ReadView): void {
    if (view instanceof View) {
      view.released = true;
      // Read-only traffic never commits, and commits are what trim the view list: trim it here.
      if (this.views.length - this.viewsHead > VIEW_TRIM_BACKLOG) this.horizon();
    }
  }

  /** A fresh commit ts for a non-transactional change (DDL) so it orders with commits in the log. */
  tick(): number {
    return ++this.clock;
  }

  /** Recovery: the clock continues after the newest ts found on disk. */
  advanceClock(ts: number): void {
    if (ts > this.clock) this.clock = ts;
  }

  /**
   * Recovery: commits a replayed transaction at the ts it had. Partitions replay one after
   * another, so ts may be below the clock; nothing reads while recovery runs.
   */
  commitAt(txn: Txn, ts: number): void {
    const saved = this.clock;
    this.clock = ts - 1;
    const wait = this.commitTxn(asTxnImpl(txn));
    invariant(wait === undefined, 'a replayed commit waited for the log');
    this.clock = Math.max(saved, ts);
  }

  /** The newest commit ts. */
  now(): number {
    return this.clock;
  }

  /** Oldest ts any registered view may still read at. */
  horizon(): number {
    const vs = this.views;
    const lease = performance.now() - this.viewLeaseMs;
    let h = this.viewsHead;
    while (h < vs.length) {
      const v = vs[h]!;
      if (!v.released) {
        if (v.pinned || v.openedAt >= lease) break;
        v.released = true;
        this.expiredViews++;
      }
      h++;
    }
    if (h > 1024 && h * 2 > vs.length) {
      this.views = vs.slice(h);
      h = 0;
    }
    this.viewsHead = h;
    return h < this.views.length ? this.views[h]!.ts : this.visibleTs();
  }

  /** Views in the GC list, released or not, that the next trim has yet to drop (memory held by views). */
  trackedViewCount(): number {
    return this.views.length;
  }

  activeTxnCount(): number {
    return this.active.size;
  }

  /** Prunes old versions in every table that has some waiting; cheap to call periodically. */
  collectGarbage(): void {
    if (this.pendingGc.size === 0) return;
    const h = this.horizon();
    for (const t of [...this.pendingGc]) t.collect(h);
  }

  /** Tables holding old versions that wait for the GC horizon to pass them. */
  tablesWithGarbage(): number {
    return this.pendingGc.size;
  }

  /** @internal a table with versions waiting for the horizon to pass them */
  markPendingGc(target: WriteTarget, pending: boolean): void {
    if (pending) this.pendingGc.add(target);
    else this.pendingGc.delete(target);
  }

  /** @internal */
  commitTxn(t: TxnImpl): void | Promise<void> {
    invariant(t.state === 'active', `commit of a ${t.state} transaction`);
    invariant(t.waitingFor === null, 'commit while waiting for a lock');
    const undo = t.undo;
    if (undo.length === 0) {
      this.finish(t, 'committed');
      return;
    }
    const ts = ++this.clock;
    const wait = this.onCommit !== null && this.onCommit(t, changesOf(undo), ts);
    if (!wait) {
      const touched = new Set<WriteTarget>();
      this.stamp(t, ts, touched);
      const h = this.horizon();
      for (const target of touched) target.collect(h);
      return;
    }
    t.state = 'committing';
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ txn: t, ts, resolve, reject });
    });
  }

  /** Makes the transaction's versions visible at ts and ends it. */
  private stamp(t: TxnImpl, ts: number, touched: Set<WriteTarget>): void {
    const undo = t.undo;
    for (let i = 0; i < undo.length; i++) {
      const e = undo[i]!;
      e.target.commitWrite(e.ref, ts, e.epoch);
      touched.add(e.target);
    }
    this.finish(t, 'committed');
  }

  /** @internal */
  rollbackTxn(t: TxnImpl): void {
    if (t.state !== 'active') return;
    this.locks.cancelWait(t, new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
    t.undoTo(0);
    this.finish(t, 'aborted');
  }

  private finish(t: TxnImpl, state: 'committed' | 'aborted'): void {
    t.state = state;
    t.undo.length = 0;
    for (const v of t.views) v.released = true;
    t.views.length = 0;
    const heldSnapshot = t.snapshot !== null;
    t.snapshot = null;
    this.locks.releaseAll(t);
    this.active.delete(t);
    // A REPEATABLE READ view may have held back version GC in tables nobody writes any more.
    if (heldSnapshot) this.collectGarbage();
  }
}

/** The operations in write order, read off the version chains before commit folds them. */
function changesOf(undo: readonly UndoEntry[]): RowChange[] {
  const out: RowChange[] = [];
  for (const e of undo) {
    const target = e.target;
    if (e.epoch !== target.liveEpoch()) continue; // wiped by TRUNCATE/DROP: commits nothing
    const v = e.version;
    const prev = v.prev;
    const rowId = target.rowIdOf(e.ref);
    const base = { partitionId: target.partitionId, tableId: target.tableId, owner: target.owner, ...(rowId !== undefined ? { rowId } : {}) };
    if (v.row === null) {
      if (prev !== null && prev.row !== null) out.push({ ...base, kind: 'delete', row: prev.row });
    } else if (prev === null || prev.row === null) out.push({ ...base, kind: 'insert', row: v.row });
    else out.push({ ...base, kind: 'update', row: v.row, before: prev.row });
  }
  return out;
}

export function asTxnImpl(txn: Txn): TxnImpl {
  invariant(txn instanceof TxnImpl, 'foreign Txn object');
  return txn;
}

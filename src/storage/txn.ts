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
 * Big transactions (more than SYNC_WRITE_LIMIT writes) commit and roll back in slices of a few
 * ms with the event loop free in between, so one never holds the server:
 * - commit: the log records are encoded slice by slice while the transaction is still invisible
 *   and holds its locks (StagedCommit), then appended at a fresh ts in one synchronous step, as a
 *   small commit's are. Once durable the transaction becomes visible in one step, by its
 *   `visibleAt` (readers take an unstamped version of a visible transaction as committed at that
 *   ts, as InnoDB and PostgreSQL read a transaction's state instead of rewriting its rows); the
 *   versions are then stamped, and the locks released, slice by slice. The commit resolves when
 *   that is done.
 * - rollback (of the transaction, a statement or a savepoint): the versions are undone slice by
 *   slice from the newest; they are invisible all along and stay locked until the last is undone.
 * Version GC after a commit is bounded per step too; what is left runs in background slices.
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
  /**
   * Prunes versions no view can see any more, at most `budget` of the commits waiting for it;
   * true when more could be pruned at this horizon (the caller comes back for them).
   */
  collect(horizon: number, budget: number): boolean;
}

interface UndoEntry {
  readonly target: WriteTarget;
  readonly ref: number;
  readonly version: Version;
  readonly epoch: number;
}

/**
 * `committing`: encoding its log records or waiting for the log to make them durable (invisible,
 * locks held), or, once visible, stamping its versions and releasing its locks in slices.
 * `rolling-back`: undoing writes in slices (all, or a statement's or savepoint's, after which it
 * is `active` again); they stay invisible and locked until the last is undone.
 */
export type TxnState = 'active' | 'committing' | 'rolling-back' | 'committed' | 'aborted';

/** READ UNCOMMITTED runs as READ COMMITTED, SERIALIZABLE is refused by the aggregator. */
export type Isolation = 'read-committed' | 'repeatable-read';

export interface Txn {
  readonly id: number;
  lockWaitTimeoutMs: number;
  /** Marks the start of a statement; rollbackStatement() undoes only what the statement did (MySQL statement atomicity). */
  beginStatement(): void;
  /** Returns a promise when the statement wrote so much that it is undone in slices. */
  rollbackStatement(): void | Promise<void>;
  savepoint(name: string): void;
  /** Throws SqlError 1305 'SAVEPOINT x does not exist'; a promise as rollbackStatement. */
  rollbackToSavepoint(name: string): void | Promise<void>;
  releaseSavepoint(name: string): void;
  /**
   * Makes every write visible atomically at a new commit ts, releases locks, wakes waiters. When
   * the transaction log has to make the commit durable first, or the transaction is big enough to
   * commit in slices, returns a promise that settles once it is done (or rejects with the log's
   * error, the transaction rolled back).
   */
  commit(): void | Promise<void>;
  /** Undoes every write, releases locks; a promise when that runs in slices. */
  rollback(): void | Promise<void>;
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
  /** A big commit: made visible by its visibleAt here, stamped in slices by commitInSlices. */
  readonly sliced: boolean;
}

/**
 * A commit or rollback with more writes than this works in slices with the event loop free in
 * between; one with fewer (OLTP: one to ten rows) in one synchronous step, as fast as ever.
 */
export const SYNC_WRITE_LIMIT = 1024;
/** Time for one slice of a big commit's or rollback's work before the event loop gets a turn. */
const SLICE_MS = 4;
/** Entries done between looks at the clock. */
const SLICE_STEP = 256;
/** Commits of versions a step of GC prunes synchronously after a commit; the rest is background work. */
const GC_BUDGET = 1024;

/** Lets the event loop run (I/O, other statements) before going on. */
function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Runs work(from, to) over [0, n) in order, in slices of about sliceMs with a turn of the event
 * loop between them.
 */
async function inSlices(n: number, sliceMs: number, work: (from: number, to: number) => void): Promise<void> {
  let i = 0;
  while (i < n) {
    const end = performance.now() + sliceMs;
    do {
      const to = Math.min(n, i + SLICE_STEP);
      work(i, to);
      i = to;
    } while (i < n && performance.now() < end);
    if (i < n) await nextTurn();
  }
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
  /**
   * The commit ts once the commit is visible, while its versions may still await their stamp:
   * readers take an unstamped version of this transaction as committed at visibleAt.
   */
  visibleAt = Infinity;
  /** @internal an undo in slices under way (rollback, statement or savepoint rollback) */
  undoing: Promise<void> | null = null;
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
    if (this.state !== 'active') invariant(false, `statement in a ${this.state} transaction`);
    this.stmtMark = this.undo.length;
  }

  rollbackStatement(): void | Promise<void> {
    return this.mgr.undoPartly(this, this.stmtMark);
  }

  savepoint(name: string): void {
    const i = this.findSavepoint(name);
    if (i >= 0) this.savepoints.splice(i, 1);
    this.savepoints.push({ name, mark: this.undo.length });
  }

  rollbackToSavepoint(name: string): void | Promise<void> {
    const i = this.findSavepoint(name);
    if (i < 0) throw savepointMissing(name);
    const mark = this.savepoints[i]!.mark;
    // MySQL keeps the named savepoint and forgets the ones set after it.
    this.savepoints.length = i + 1;
    return this.mgr.undoPartly(this, mark);
  }

  releaseSavepoint(name: string): void {
    const i = this.findSavepoint(name);
    if (i < 0) throw savepointMissing(name);
    this.savepoints.length = i;
  }

  commit(): void | Promise<void> {
    return this.mgr.commitTxn(this);
  }

  rollback(): void | Promise<void> {
    return this.mgr.rollbackTxn(this);
  }

  /** @internal */
  undoTo(mark: number): void {
    invariant(this.state !== 'committed' && this.state !== 'aborted', `rollback in a ${this.state} transaction`);
    const u = this.undo;
    for (let i = u.length - 1; i >= mark; i--) {
      const e = u[i]!;
      e.target.undoWrite(e.ref, e.version, e.epoch);
    }
    u.length = Math.min(u.length, mark);
    if (this.stmtMark > mark) this.stmtMark = mark;
  }

  /** @internal undoTo in slices, newest first: the versions not yet undone stay in place (invisible, locked). */
  async undoInSlices(mark: number): Promise<void> {
    const u = this.undo;
    const top = u.length;
    await inSlices(top - mark, this.mgr.sliceMs, (from, to) => {
      for (let k = from; k < to; k++) {
        const e = u[top - 1 - k]!;
        e.target.undoWrite(e.ref, e.version, e.epoch);
      }
    });
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

/**
 * The transaction log's tap for a big commit: it gets the changes in slices while the
 * transaction is still invisible and holds its locks (so encoding them never holds the thread for
 * long), then append() adds everything to the log at the commit ts in one synchronous step, as a
 * CommitListener does for a small commit.
 */
export interface StagedCommit {
  /** The next changes, in write order. */
  add(changes: readonly RowChange[]): void;
  /**
   * Appends the commit's records at ts; true when the commit must wait for settleCommits().
   * Throws, having appended nothing, when the log takes no more writes.
   */
  append(ts: number): boolean;
}

export type CommitStager = (txn: Txn) => StagedCommit;

export class TxnManager {
  readonly locks = new LockManager();
  /** The transaction log's tap: called synchronously inside commit, before the writes are stamped, in commit ts order. */
  onCommit: CommitListener | null = null;
  /** The tap for a big commit (StagedCommit); without one a big commit hands all its changes to onCommit at once. */
  onStageCommit: CommitStager | null = null;
  private clock = 0;
  private nextTxnId = 1;
  private readonly lockWaitTimeoutMs: number;
  private readonly viewLeaseMs: number;
  /** Registered views in creation (= ts) order; released ones are dropped lazily from the front. */
  private views: View[] = [];
  private viewsHead = 0;
  private readonly active = new Set<TxnImpl>();
  private readonly pendingGc = new Set<WriteTarget>();
  /** A background slice of version GC is scheduled. */
  private gcScheduled = false;
  /** Commits waiting for the log, in ts order; settled ones are dropped from the front. */
  private waiting: PendingCommit[] = [];
  private waitingHead = 0;
  /** Views dropped from the GC horizon after their lease ran out (a leak in the caller). */
  expiredViews = 0;
  /** @internal the length of a slice of a big commit's or rollback's work (tests set 0: one step per slice) */
  readonly sliceMs: number;

  constructor(opts: { lockWaitTimeoutMs?: number; viewLeaseMs?: number; sliceMs?: number } = {}) {
    this.lockWaitTimeoutMs = opts.lockWaitTimeoutMs ?? 50_000;
    this.viewLeaseMs = opts.viewLeaseMs ?? 300_000;
    this.sliceMs = opts.sliceMs ?? SLICE_MS;
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
      // A big commit becomes visible here, in the same step as the others, and is stamped (or
      // undone) in slices by commitInSlices once its promise settles.
      if (p.sliced) {
        if (error === null) p.txn.visibleAt = p.ts;
      } else if (error === null) this.stamp(p.txn, p.ts, touched);
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
    if (touched.size > 0) this.collectIn(touched);
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
    const t = asTxnImpl(txn);
    invariant(t.state === 'active', `replay of a ${t.state} transaction`);
    const touched = new Set<WriteTarget>();
    this.stamp(t, ts, touched);
    if (ts > this.clock) this.clock = ts;
    this.collectIn(touched);
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

  /** Prunes every old version no view needs any more, now (tests; the engine's own GC runs in bounded steps). */
  collectGarbage(): void {
    if (this.pendingGc.size === 0) return;
    const h = this.horizon();
    for (const t of [...this.pendingGc]) t.collect(h, Infinity);
  }

  /** A bounded step of GC in `targets`; what is left at this horizon goes on in background slices. */
  private collectIn(targets: Iterable<WriteTarget>): void {
    const h = this.horizon();
    let more = false;
    for (const target of targets) if (target.collect(h, GC_BUDGET)) more = true;
    if (more) this.scheduleGc();
  }

  private scheduleGc(): void {
    if (this.gcScheduled) return;
    this.gcScheduled = true;
    setImmediate(() => {
      this.gcScheduled = false;
      this.gcSlice();
    }).unref();
  }

  /** One background slice of GC over every table with versions waiting; schedules the next while work is left. */
  private gcSlice(): void {
    const end = performance.now() + this.sliceMs;
    const h = this.horizon();
    for (const target of [...this.pendingGc]) {
      while (target.collect(h, SLICE_STEP)) {
        if (performance.now() >= end) {
          this.scheduleGc();
          return;
        }
      }
    }
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
    if (t.undoing !== null) return t.undoing.then(() => this.commitTxn(t));
    invariant(t.state === 'active', `commit of a ${t.state} transaction`);
    invariant(t.waitingFor === null, 'commit while waiting for a lock');
    const undo = t.undo;
    if (undo.length > SYNC_WRITE_LIMIT || t.heldLocks.length > SYNC_WRITE_LIMIT) return this.commitInSlices(t);
    if (undo.length === 0) {
      this.finish(t, 'committed');
      return;
    }
    const ts = ++this.clock;
    const wait = this.onCommit !== null && this.onCommit(t, changesOf(undo, 0, undo.length), ts);
    if (!wait) {
      const touched = new Set<WriteTarget>();
      this.stamp(t, ts, touched);
      this.collectIn(touched);
      return;
    }
    t.state = 'committing';
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ txn: t, ts, resolve, reject, sliced: false });
    });
  }

  /**
   * A big commit (see the top of this file): encode in slices, append in one step, wait for the
   * log, become visible in one step, then stamp and release the locks in slices.
   */
  private async commitInSlices(t: TxnImpl): Promise<void> {
    t.state = 'committing';
    const undo = t.undo;
    const n = undo.length;
    if (n === 0) {
      // Nothing written, many rows locked (SELECT … FOR UPDATE): only the locks to let go.
      await this.releaseLocksInSlices(t);
      this.finish(t, 'committed');
      return;
    }
    let ts: number;
    let wait: boolean;
    try {
      const stage = this.onStageCommit;
      const listener = this.onCommit;
      let staged: StagedCommit | null = null;
      let all: RowChange[] | null = null;
      // The tables written and their epochs now: a TRUNCATE or DROP meanwhile would make changes
      // already handed over stale, and they are then handed over again.
      const epochs = new Map<WriteTarget, number>();
      if (stage !== null || listener !== null) {
        if (stage !== null) staged = stage(t);
        else all = [];
        let last: WriteTarget | null = null;
        await inSlices(n, this.sliceMs, (from, to) => {
          for (let i = from; i < to; i++) {
            const target = undo[i]!.target;
            if (target !== last && !epochs.has(target)) epochs.set(target, target.liveEpoch());
            last = target;
          }
          const part = changesOf(undo, from, to);
          if (staged !== null) staged.add(part);
          else for (const c of part) all!.push(c);
        });
        let changed = false;
        for (const [target, epoch] of epochs) if (target.liveEpoch() !== epoch) changed = true;
        if (changed) {
          all = changesOf(undo, 0, n);
          if (stage !== null) {
            staged = stage(t);
            staged.add(all);
          }
        }
      }
      // The records go into the log in one synchronous step, in ts order with every other commit.
      const next = this.clock + 1;
      wait = staged !== null ? staged.append(next) : listener !== null && listener(t, all!, next);
      ts = this.clock = next;
    } catch (e) {
      await this.abortInSlices(t);
      throw e;
    }
    if (wait) {
      try {
        await new Promise<void>((resolve, reject) => this.waiting.push({ txn: t, ts, resolve, reject, sliced: true }));
      } catch (e) {
        await this.abortInSlices(t);
        throw e;
      }
    } else t.visibleAt = ts;
    // Visible now (settleCommits or just above): readers take the unstamped versions as committed at ts.
    const touched = new Set<WriteTarget>();
    await inSlices(n, this.sliceMs, (from, to) => {
      let last: WriteTarget | null = null;
      for (let i = from; i < to; i++) {
        const e = undo[i]!;
        e.target.commitWrite(e.ref, ts, e.epoch);
        if (e.target !== last) {
          touched.add(e.target);
          last = e.target;
        }
      }
    });
    t.state = 'committed';
    await this.releaseLocksInSlices(t);
    this.finish(t, 'committed');
    this.collectIn(touched);
  }

  /** Undoes a transaction that will not commit, in slices, then ends it (locks released last). */
  private async abortInSlices(t: TxnImpl): Promise<void> {
    t.state = 'rolling-back';
    await t.undoInSlices(0);
    t.state = 'aborted';
    await this.releaseLocksInSlices(t);
    this.finish(t, 'aborted');
  }

  private async releaseLocksInSlices(t: TxnImpl): Promise<void> {
    const locks = this.locks;
    while (!locks.releaseSome(t, SLICE_STEP * 8)) await nextTurn();
  }

  /** @internal statement or savepoint rollback: undoes the writes after `mark`, in slices when there are many. */
  undoPartly(t: TxnImpl, mark: number): void | Promise<void> {
    if (t.undoing !== null) return t.undoing.then(() => this.undoPartly(t, mark));
    if (t.undo.length - mark <= SYNC_WRITE_LIMIT) {
      t.undoTo(mark);
      return;
    }
    invariant(t.state === 'active', `rollback in a ${t.state} transaction`);
    t.state = 'rolling-back';
    const run = t.undoInSlices(mark).finally(() => {
      t.state = 'active';
      t.undoing = null;
    });
    t.undoing = run;
    return run;
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
  rollbackTxn(t: TxnImpl): void | Promise<void> {
    if (t.undoing !== null) return t.undoing.then(() => this.rollbackTxn(t));
    if (t.state !== 'active') return;
    this.locks.cancelWait(t, new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
    if (t.undo.length <= SYNC_WRITE_LIMIT && t.heldLocks.length <= SYNC_WRITE_LIMIT) {
      t.undoTo(0);
      this.finish(t, 'aborted');
      return;
    }
    const run = this.abortInSlices(t).finally(() => (t.undoing = null));
    t.undoing = run;
    return run;
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
    if (heldSnapshot && this.pendingGc.size > 0) this.collectIn([...this.pendingGc]);
  }
}

/** The operations of undo[from, to) in write order, read off the version chains before commit folds them. */
function changesOf(undo: readonly UndoEntry[], from: number, to: number): RowChange[] {
  const out: RowChange[] = [];
  for (let i = from; i < to; i++) {
    const e = undo[i]!;
    const target = e.target;
    if (e.epoch !== target.liveEpoch()) continue; // wiped by TRUNCATE/DROP: commits nothing
    const v = e.version;
    const prev = v.prev;
    let kind: RowChange['kind'];
    let row: readonly Value[];
    let before: readonly Value[] | undefined;
    if (v.row === null) {
      if (prev === null || prev.row === null) continue;
      kind = 'delete';
      row = prev.row;
    } else if (prev === null || prev.row === null) {
      kind = 'insert';
      row = v.row;
    } else {
      kind = 'update';
      row = v.row;
      before = prev.row;
    }
    // One object shape for every change (cheaper to make and to read than optional fields).
    out.push({ partitionId: target.partitionId, tableId: target.tableId, owner: target.owner, rowId: target.rowIdOf(e.ref), kind, row, before });
  }
  return out;
}

export function asTxnImpl(txn: Txn): TxnImpl {
  invariant(txn instanceof TxnImpl, 'foreign Txn object');
  return txn;
}

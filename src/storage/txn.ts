/**
 * Transactions, the commit clock and read views.
 *
 * Read committed: every statement takes a fresh view (TxnManager.view) at the current clock; a
 * commit stamps all of the transaction's versions with one new clock value in a single
 * synchronous loop, so any view sees all of a commit or none of it.
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
  /** Makes every write visible atomically at a new commit ts, releases locks, wakes waiters. */
  commit(): void;
  /** Undoes every write, releases locks. */
  rollback(): void;
  readonly state: 'active' | 'committed' | 'aborted';
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
  ) {}
}

function savepointMissing(name: string): SqlError {
  return new SqlError('ER_SP_DOES_NOT_EXIST', `SAVEPOINT ${name} does not exist`);
}

export class TxnImpl implements Txn, LockOwner {
  state: 'active' | 'committed' | 'aborted' = 'active';
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

  commit(): void {
    this.mgr.commitTxn(this);
  }

  rollback(): void {
    this.mgr.rollbackTxn(this);
  }

  /** @internal */
  undoTo(mark: number): void {
    invariant(this.state === 'active', `rollback in a ${this.state} transaction`);
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

export type CommitListener = (txn: Txn, changes: readonly RowChange[], commitTs: number) => void;

export class TxnManager {
  readonly locks = new LockManager();
  /** The transaction log's tap: called synchronously inside commit, after the writes are stamped, in commit ts order. */
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
  /** Views dropped from the GC horizon after their lease ran out (a leak in the caller). */
  expiredViews = 0;

  constructor(opts: { lockWaitTimeoutMs?: number; viewLeaseMs?: number } = {}) {
    this.lockWaitTimeoutMs = opts.lockWaitTimeoutMs ?? 50_000;
    this.viewLeaseMs = opts.viewLeaseMs ?? 300_000;
  }

  begin(opts: { lockWaitTimeoutMs?: number } = {}): Txn {
    const t = new TxnImpl(this, this.nextTxnId++, opts.lockWaitTimeoutMs ?? this.lockWaitTimeoutMs);
    this.active.add(t);
    return t;
  }

  /**
   * A read view for a statement outside or inside a transaction (read committed: a fresh ts per
   * statement). Hand it back with release() when the statement is done; a transaction's views are
   * released when it commits or rolls back.
   */
  view(txn: Txn | null): ReadView {
    const t = txn === null ? null : asTxnImpl(txn);
    const v = new View(t, this.clock, t === null ? 0 : t.undo.length, performance.now());
    this.views.push(v);
    if (t !== null) t.views.push(v);
    return v;
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
    this.commitTxn(asTxnImpl(txn));
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
        if (v.openedAt >= lease) break;
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
    return h < this.views.length ? this.views[h]!.ts : this.clock;
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

  /** @internal a table with versions waiting for the horizon to pass them */
  markPendingGc(target: WriteTarget, pending: boolean): void {
    if (pending) this.pendingGc.add(target);
    else this.pendingGc.delete(target);
  }

  /** @internal */
  commitTxn(t: TxnImpl): void {
    invariant(t.state === 'active', `commit of a ${t.state} transaction`);
    invariant(t.waitingFor === null, 'commit while waiting for a lock');
    const undo = t.undo;
    let touched: Set<WriteTarget> | null = null;
    if (undo.length > 0) {
      const changes = this.onCommit !== null ? changesOf(undo) : null;
      const ts = ++this.clock;
      touched = new Set<WriteTarget>();
      for (let i = 0; i < undo.length; i++) {
        const e = undo[i]!;
        e.target.commitWrite(e.ref, ts, e.epoch);
        touched.add(e.target);
      }
      if (changes !== null) this.onCommit!(t, changes, ts);
    }
    this.finish(t, 'committed');
    if (touched !== null) {
      const h = this.horizon();
      for (const target of touched) target.collect(h);
    }
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
    this.locks.releaseAll(t);
    this.active.delete(t);
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

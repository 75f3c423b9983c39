/**
 * Group commit over all partition logs of a leaf.
 *
 * Commits append to their partitions' buffers synchronously (TxnManager.onCommit) and, with
 * durability=sync, stay invisible until their round is on disk. One round at a time: the flusher
 * takes every dirty log, ends each buffer with a `round n` marker that lists the logs written in
 * round n, writes them all in parallel (O_DSYNC), and only when every one succeeded reports the
 * round durable (onDurable: its commits become visible, its waiters resolve).
 *
 * Why this is atomic across partitions and never acknowledges a dependent first:
 * - A transaction's records in all its partitions are appended in one synchronous step, so they
 *   land in the same round; a round is complete on disk iff every log it lists holds its marker.
 *   Recovery finds the first incomplete round and cuts every log at it, so a transaction is
 *   applied everywhere or nowhere (no per-transaction participant lists needed).
 * - Rounds run strictly one after another, so when round n is reported every earlier round is
 *   complete, and cutting at the first incomplete round never drops an acknowledged commit.
 * - Nobody reads or overwrites a commit before its round is durable (its rows stay invisible
 *   and locked), so no acknowledged transaction depends on one that may still be lost.
 *
 * A round that fails (onRoundFailed says which of two ways):
 * - disk full (ENOSPC, EDQUOT): the write did not complete, so the round's marker is not on
 *   disk. Every log of the round is cut back to where the round began, which makes it certain
 *   that nothing of it is on disk. With durability=sync its commits are rolled back (the clients
 *   are told so) and its DDL records are queued again; later commits try again in later rounds,
 *   so writes resume as soon as space is freed. With durability=async the commits were already
 *   acknowledged: everything is queued again, retried every retryMs, and new writes are refused
 *   until a retry succeeds.
 * - anything else (EIO from a write or its sync, or a failed cut): what reached the disk is
 *   unknown (after a failed fsync even a later successful one proves nothing, as PostgreSQL
 *   learnt). The round's commits are in doubt, nothing more is written, and the leaf refuses
 *   writes until it is restarted; recovery then decides from what the disk holds.
 */
import type { Frame, PartitionLog } from './log-file.js';

export type Durability = 'sync' | 'async';

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** How a round failed: `full` when nothing of it is on disk, `doubt` when that is unknown. */
export interface RoundFailure {
  readonly kind: 'full' | 'doubt';
  readonly error: Error;
  readonly throughTs: number;
  /** The first failed round since the last that succeeded. */
  readonly first: boolean;
}

export interface GroupCommitOptions {
  readonly durability: Durability;
  /** durability=async: the most time between a commit and its fsync (plus the fsync itself). */
  readonly asyncFlushMs: number;
  /** Wait before retrying records queued again after a failed round. */
  readonly retryMs: number;
  /** Every record with ts <= throughTs is durable (called before the round's waiters resolve). */
  readonly onDurable: (throughTs: number) => void;
  /** A round failed; its records with ts <= throughTs were in it. */
  readonly onRoundFailed: (f: RoundFailure) => void;
  readonly onRecovered: () => void;
}

export function isDiskFull(e: Error): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export class GroupCommit {
  private readonly dirty = new Set<PartitionLog>();
  private appendSeq = 0;
  private durableSeq = 0;
  private waiters: Waiter[] = [];
  private running = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastAppendedTs = 0;
  /** Newest commit ts whose round is complete on disk. */
  durableTs = 0;
  /** Number of the last round started. */
  round: number;
  /** Number of the last round that completed (every log it wrote is on disk). */
  completedRound: number;
  /** The error of the last failed round while no round has succeeded since. */
  failure: Error | null = null;
  /** Set for good when a round failed in a way that leaves the disk's state unknown: nothing more is written. */
  inDoubt: Error | null = null;
  /** Work that must not overlap a round (segment rotation, database directories). */
  private maintenance: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];
  rounds = 0;
  closed = false;

  constructor(
    private readonly opts: GroupCommitOptions,
    startRound: number,
    startTs: number,
  ) {
    this.round = startRound;
    this.completedRound = startRound;
    this.durableTs = startTs;
    this.lastAppendedTs = startTs;
    if (opts.durability === 'async') {
      this.timer = setInterval(() => this.kick(), Math.max(1, opts.asyncFlushMs));
      this.timer.unref();
    }
  }

  /** Records were appended to log at commit ts `ts` (synchronously, in ts order). */
  appended(log: PartitionLog, ts: number): void {
    this.dirty.add(log);
    this.appendSeq++;
    if (ts > this.lastAppendedTs) this.lastAppendedTs = ts;
    // sync: a commit waits for its round, so start one; async: the timer does.
    if (this.opts.durability === 'sync') this.kick();
  }

  /** Records appended since start (for the group-commit ratio in the shutdown log). */
  get appendedTotal(): number {
    return this.appendSeq;
  }

  /** Resolves once everything appended so far is on disk; rejects if its round fails. */
  wait(): Promise<void> {
    const seq = this.appendSeq;
    if (this.durableSeq >= seq) return Promise.resolve();
    if (this.inDoubt !== null) return Promise.reject(this.inDoubt);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kick();
    });
  }

  /** Whether everything appended so far is durable. */
  get idle(): boolean {
    return this.durableSeq >= this.appendSeq && !this.running;
  }

  /** Starts a round soon (commits arriving meanwhile join it). */
  kick(): void {
    if (this.scheduled || this.running || this.closed || this.inDoubt !== null) return;
    if (this.dirty.size === 0 && this.maintenance.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  /** Runs fn between rounds (no log write in flight) and resolves with its result. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.maintenance.push(() => fn().then(resolve, reject));
      if (this.closed) {
        void this.run();
        return;
      }
      this.kick();
    });
  }

  /** Runs rounds until nothing is dirty (or a round fails); used directly by close and tests. */
  async flushAll(): Promise<void> {
    if (this.running) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let newerAfterFailure = false;
    try {
      for (;;) {
        while (this.maintenance.length > 0) await this.maintenance.shift()!();
        if (this.dirty.size === 0 || this.inDoubt !== null) break;
        const before = this.appendSeq;
        const ok = await this.oneRound();
        if (!ok) {
          // Commits that arrived during the failed round get their own try; re-queued records wait for the retry timer.
          newerAfterFailure = this.appendSeq > before && this.opts.durability === 'sync';
          break;
        }
        // sync: keep going while commits wait; async: one round per tick of the timer.
        if (this.opts.durability === 'async' && this.waiters.length === 0) break;
      }
    } finally {
      this.running = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
      if (newerAfterFailure) this.kick();
      else if (this.failure === null && (this.waiters.length > 0 || (this.opts.durability === 'sync' && this.dirty.size > 0))) this.kick();
    }
  }

  private async oneRound(): Promise<boolean> {
    const logs = [...this.dirty];
    this.dirty.clear();
    const target = this.appendSeq;
    const targetTs = this.lastAppendedTs;
    const n = ++this.round;
    const parts = logs.map((l) => l.key);
    const results = await Promise.allSettled(logs.map((l) => l.flush({ kind: 'round', n, parts })));
    this.rounds++;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await this.failRound(logs, failed.reason as Error, targetTs);
      return false;
    }
    for (const l of logs) l.endRound();
    this.durableSeq = target;
    this.durableTs = targetTs;
    this.completedRound = n;
    if (this.failure !== null) {
      this.failure = null;
      this.opts.onRecovered();
    }
    this.opts.onDurable(targetTs);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= target) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    return true;
  }

  private async failRound(logs: readonly PartitionLog[], error: Error, throughTs: number): Promise<void> {
    let kind: RoundFailure['kind'] = isDiskFull(error) ? 'full' : 'doubt';
    let reason = error;
    if (kind === 'full') {
      // sync: the round's commits are rolled back, its DDL goes out again; async: all of it does.
      const keep = this.opts.durability === 'async' ? () => true : (f: Frame) => !f.commit;
      try {
        for (const l of logs) {
          await l.abortRound(keep);
          if (l.hasPending) this.dirty.add(l);
        }
      } catch (e) {
        kind = 'doubt';
        reason = e as Error;
      }
    }
    if (kind === 'doubt') {
      this.inDoubt = reason;
      for (const l of logs) l.discardPending();
      for (const l of this.dirty) l.discardPending();
      this.dirty.clear();
    }
    const first = this.failure === null;
    this.failure = reason;
    const rejected = this.waiters;
    this.waiters = [];
    this.opts.onRoundFailed({ kind, error: reason, throughTs, first });
    // Anything appended up to now shared the failed round or waits behind it.
    for (const w of rejected) w.reject(reason);
    if (kind === 'full' && this.dirty.size > 0) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.run();
    }, this.opts.retryMs);
    this.retryTimer.unref();
  }

  /** Fails every waiter (shutdown gave up on the disk). */
  abandon(err: Error): void {
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.reject(err);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.timer = null;
    this.retryTimer = null;
  }
}

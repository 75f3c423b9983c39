/**
 * Group commit over all partition logs of a leaf.
 *
 * Commits append to their partitions' buffers synchronously (TxnManager.onCommit), then wait.
 * One round at a time: the flusher takes every dirty log, ends each buffer with a `round n`
 * marker that lists the logs written in round n, writes and datasyncs them all in parallel, and
 * only when every one succeeded resolves the waiters whose records were in the round.
 *
 * Why this is atomic across partitions and never acknowledges a dependent first:
 * - A transaction's records in all its partitions are appended in one synchronous step, so they
 *   land in the same round; a round is complete on disk iff every log it lists holds its marker.
 *   Recovery finds the first incomplete round and cuts every log at it, so a transaction is
 *   applied everywhere or nowhere (no per-transaction participant lists needed).
 * - Rounds run strictly one after another, so when round n is acknowledged every earlier round
 *   is complete, and cutting at the first incomplete round never drops an acknowledged commit.
 * - A transaction that read another's not-yet-durable write commits later in log order, so it
 *   lands in the same or a later round and cannot be acknowledged before the write it read.
 *
 * A failed write or fsync (disk full, I/O error) fails the round's waiters with the error, keeps
 * the bytes in memory (log-file.ts) and marks the store failing: new writes are refused until a
 * retry round succeeds. Memory keeps the rows (readers may see them, as they may see any commit
 * before its fsync); they become durable with the retry, so memory and disk agree again.
 */
import type { PartitionLog } from './log-file.js';

export type Durability = 'sync' | 'async';

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface GroupCommitOptions {
  readonly durability: Durability;
  /** durability=async: the most time between a commit and its fsync (plus the fsync itself). */
  readonly asyncFlushMs: number;
  /** Wait before retrying after a failed round. */
  readonly retryMs: number;
  readonly onFailure: (err: Error) => void;
  readonly onRecovered: () => void;
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
  }

  /** Records appended since start (for the group-commit ratio in the shutdown log). */
  get appendedTotal(): number {
    return this.appendSeq;
  }

  /** Resolves once everything appended so far is on disk; rejects if its round fails. */
  wait(): Promise<void> {
    const seq = this.appendSeq;
    if (this.durableSeq >= seq) return Promise.resolve();
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
    if (this.scheduled || this.running || this.closed) return;
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

  /** Runs rounds until nothing is dirty; used directly by close and tests. */
  async flushAll(): Promise<void> {
    if (this.running) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        while (this.maintenance.length > 0) await this.maintenance.shift()!();
        if (this.dirty.size === 0) break;
        const ok = await this.oneRound();
        if (!ok) break;
        // sync: keep going while commits wait; async: one round per tick of the timer.
        if (this.opts.durability === 'async' && this.waiters.length === 0) break;
      }
    } finally {
      this.running = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
      if (this.waiters.length > 0 && this.failure === null) this.kick();
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
    let err: Error | null = null;
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        err ??= r.reason as Error;
        this.dirty.add(logs[i]!); // retained bytes go out with the next round
      }
    });
    if (err !== null) {
      const first = err as Error;
      const wasFailing = this.failure !== null;
      this.failure = first;
      // Anything appended up to now shared the failed round or waits behind it.
      const failed = this.waiters;
      this.waiters = [];
      for (const w of failed) w.reject(first);
      if (!wasFailing) this.opts.onFailure(first);
      this.scheduleRetry();
      return false;
    }
    this.durableSeq = target;
    this.durableTs = targetTs;
    this.completedRound = n;
    if (this.failure !== null) {
      this.failure = null;
      this.opts.onRecovered();
    }
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= target) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    return true;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.run();
    }, this.opts.retryMs);
    this.retryTimer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.timer = null;
    this.retryTimer = null;
  }
}

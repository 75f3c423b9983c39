/**
 * A leaf's durable storage: the partition logs under `<dir>/<encoded db name>/p<N>/` (names.ts),
 * group commit, background snapshots and recovery. The leaf calls it for DDL, commits and
 * shutdown; the commit tap is TxnManager.onCommit.
 */
import { promises as fsp } from 'node:fs';
import { SqlError } from '../../common/errors.js';
import type { Value } from '../../common/value.js';
import { Partition } from '../partition.js';
import type { RowChange } from '../schema.js';
import type { StagedCommit, Txn, TxnManager } from '../txn.js';
import { frame, type LogRecord, type LoggedChange } from './record.js';
import { PartitionLog, syncDir } from './log-file.js';
import { GroupCommit, type Durability, type RoundFailure } from './group-commit.js';
import { codeOf, commitError, keptError, readOnlyError } from './log-errors.js';
import { partitionKey, recoverLeaf, writeNameFile, type DurabilityLogger } from './recovery.js';
import { childPath, dbDirName, DROPPING_DIR, isHashedDirName } from './names.js';
import { listSnapshots, SnapshotAborted, writeSnapshot } from './snapshot.js';

export interface LeafStoreOptions {
  readonly dir: string;
  readonly durability: Durability;
  /** durability=async: the longest time between a commit and the start of its fsync. */
  readonly asyncFlushMs: number;
  /** Background snapshot of a partition with new writes at least this often (0 = only by log size). */
  readonly snapshotIntervalMs: number;
  /** A partition whose log grows past this many bytes gets a snapshot (which later releases the log). */
  readonly logSizeLimit: number;
  readonly logger: DurabilityLogger;
  /** Shutdown gives up on log writes that have not finished after this long (a stuck disk). */
  readonly closeTimeoutMs?: number;
}

interface Hosted {
  readonly db: string;
  readonly partition: Partition;
  readonly log: PartitionLog;
  /** Commit ts of the newest snapshot and of the one before it (0 = none). */
  snapshotTs: number;
  prevSnapshotTs: number;
  lastSnapshotAt: number;
}

const RETRY_MS = 1000;
/** Changes per `commitPart` record of a big commit: each is encoded in well under a slice (a few ms). */
const PART_CHANGES = 2048;
const SNAPSHOT_CHECK_MS = 1000;

/** How long shutdown waits for the last log writes before it gives up on the disk (twice: for commits, then for the files). */
const CLOSE_TIMEOUT_MS = 3_000;

export class LeafStore {
  private readonly hosted = new Map<Partition, Hosted>();
  private readonly byDb = new Map<string, Map<number, Hosted>>();
  private gc: GroupCommit | null = null;
  private txns: TxnManager | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private snapshotting: Promise<void> | null = null;
  private closing = false;
  private shutdownTimer: NodeJS.Timeout | null = null;
  /** Snapshots written (for tests and SHOW STATUS later). */
  snapshotsTaken = 0;

  constructor(readonly opts: LeafStoreOptions) {}

  get log(): DurabilityLogger {
    return this.opts.logger;
  }

  /** Recovers every partition from disk into `txns`; returns them by database (lower case). */
  async recover(txns: TxnManager): Promise<Map<string, Map<number, Partition>>> {
    this.txns = txns;
    const r = await recoverLeaf(this.opts.dir, txns, this.opts.logger);
    const out = new Map<string, Map<number, Partition>>();
    for (const p of r.partitions) {
      const snaps = p.snapshots;
      const h: Hosted = { db: p.db, partition: p.partition, log: p.log, snapshotTs: snaps[0] ?? 0, prevSnapshotTs: snaps[1] ?? 0, lastSnapshotAt: Date.now() };
      // A long log replayed at start is worth a snapshot soon, so the next start is quicker.
      if (p.log.totalBytes > 64 * 1024) p.log.bytesSinceSnapshot = p.log.totalBytes;
      this.register(h);
      let m = out.get(p.db);
      if (!m) out.set(p.db, (m = new Map()));
      m.set(p.partition.id, p.partition);
    }
    this.gc = new GroupCommit(
      {
        durability: this.opts.durability,
        asyncFlushMs: this.opts.asyncFlushMs,
        retryMs: RETRY_MS,
        onDurable: (ts) => txns.settleCommits(ts, null),
        onRoundFailed: (f) => this.roundFailed(f),
        onRecovered: () => this.log.warn({}, 'transaction log writes succeed again'),
      },
      r.maxRound,
      txns.now(),
    );
    txns.onCommit = (txn, changes, ts) => this.tap(txn, changes, ts);
    txns.onStageCommit = () => this.stage();
    if (this.opts.snapshotIntervalMs > 0 || this.opts.logSizeLimit > 0) {
      this.snapshotTimer = setInterval(() => this.maybeSnapshot(), SNAPSHOT_CHECK_MS);
      this.snapshotTimer.unref();
    }
    return out;
  }

  private register(h: Hosted): void {
    this.hosted.set(h.partition, h);
    let m = this.byDb.get(h.db);
    if (!m) this.byDb.set(h.db, (m = new Map()));
    m.set(h.partition.id, h);
  }

  private get group(): GroupCommit {
    if (this.gc === null) throw new Error('LeafStore used before recover()');
    return this.gc;
  }

  /**
   * Refuses a write the log could not take: after a log write failed in a way that leaves the
   * disk's state unknown (read-only until restart), while an async store retries a failed write,
   * and during shutdown.
   */
  checkWritable(): void {
    if (this.closing) throw new SqlError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress');
    const gc = this.gc;
    if (gc === null) return;
    if (gc.inDoubt !== null) throw readOnlyError(gc.inDoubt);
    if (gc.failure !== null && this.opts.durability === 'async') throw keptError(gc.failure);
  }

  // ───────────────────────────── commits ─────────────────────────────

  /** TxnManager.onCommit: appends the commit's records; true when the commit waits for them to be durable. */
  private tap(_txn: Txn, changes: readonly RowChange[], ts: number): boolean {
    // Changes come in write order and may interleave partitions: one record per partition.
    const per = new Map<Hosted, LoggedChange[]>();
    let owner: object | null = null;
    let h: Hosted | undefined;
    let list: LoggedChange[] | null = null;
    for (const c of changes) {
      if (c.owner !== owner || list === null) {
        owner = c.owner;
        h = owner === null ? undefined : this.hosted.get(owner as Partition);
        if (h === undefined) {
          list = null; // a partition of a dropped database
          continue;
        }
        list = per.get(h) ?? [];
        per.set(h, list);
      }
      list.push(this.logged(h!.partition, c));
    }
    if (per.size === 0) return false; // nothing to log
    const group = this.group;
    for (const [host, changesOf] of per) {
      host.log.append({ kind: 'commit', ts, changes: changesOf }, ts);
      group.appended(host.log, ts);
    }
    return this.opts.durability === 'sync';
  }

  /**
   * TxnManager.onStageCommit: a big commit's records, encoded as its changes come (in slices, as
   * `commitPart` records of PART_CHANGES each) and appended with the last of them in its `commit`
   * record at ts, every partition's in one synchronous step (so they share one round, as tap's do).
   */
  private stage(): StagedCommit {
    const per = new Map<Hosted, { frames: Buffer[]; changes: LoggedChange[] }>();
    let owner: object | null = null;
    let cur: { frames: Buffer[]; changes: LoggedChange[] } | null = null;
    let host: Hosted | undefined;
    return {
      add: (changes) => {
        for (const c of changes) {
          if (c.owner !== owner || cur === null) {
            owner = c.owner;
            host = owner === null ? undefined : this.hosted.get(owner as Partition);
            if (host === undefined) {
              cur = null; // a partition of a dropped database
              continue;
            }
            cur = per.get(host) ?? { frames: [], changes: [] };
            per.set(host, cur);
          }
          cur.changes.push(this.logged(host!.partition, c));
          if (cur.changes.length >= PART_CHANGES) {
            cur.frames.push(frame({ kind: 'commitPart', changes: cur.changes } satisfies LogRecord));
            cur.changes = [];
          }
        }
      },
      append: (ts) => {
        // The log may have stopped taking writes while the records were encoded.
        this.checkWritable();
        const group = this.group;
        let logged = false;
        for (const [h, { frames, changes }] of per) {
          if (!this.hosted.has(h.partition)) continue; // its database was dropped meanwhile
          for (const f of frames) h.log.appendFrame(f, ts, true);
          h.log.append({ kind: 'commit', ts, changes }, ts);
          group.appended(h.log, ts);
          logged = true;
        }
        return logged && this.opts.durability === 'sync';
      },
    };
  }

  private roundFailed(f: RoundFailure): void {
    const txns = this.txns!;
    const err = f.error;
    const waiting = txns.committingCount();
    if (f.kind === 'doubt') {
      this.log.error(
        { err: err.message, code: codeOf(err), commitsInDoubt: waiting },
        'transaction log write failed; what reached the disk is unknown, so the leaf writes nothing more and refuses writes until it is restarted',
      );
      txns.settleCommits(f.throughTs, commitError(f, true));
      txns.settleCommits(Infinity, commitError(f, false));
      return;
    }
    if (f.first) {
      this.log.error(
        { err: err.message, code: codeOf(err), durability: this.opts.durability },
        this.opts.durability === 'sync'
          ? "transaction log write failed: disk full; the round's commits are rolled back, later ones try again"
          : 'transaction log write failed: disk full; the acknowledged commits are kept and retried, writes are refused until that succeeds',
      );
    }
    txns.settleCommits(f.throughTs, commitError(f, true));
  }

  private logged(p: Partition, c: RowChange): LoggedChange {
    const tableId = c.tableId;
    if (c.kind === 'insert') return c.rowId !== undefined ? { op: 'insert', tableId, row: c.row, rowId: c.rowId } : { op: 'insert', tableId, row: c.row };
    const before = c.kind === 'update' ? c.before! : c.row;
    const key: readonly Value[] | number = c.rowId !== undefined ? c.rowId : p.table(tableId)!.schema.indexes[0]!.columns.map((i) => before[i]!);
    return c.kind === 'update' ? { op: 'update', tableId, key, row: c.row } : { op: 'delete', tableId, key };
  }

  /** Resolves when everything appended so far (DDL, commits) is durable; rejects with a MySQL error when the log cannot be written. */
  async waitDurable(): Promise<void> {
    try {
      await this.group.wait();
    } catch (e) {
      if (e instanceof SqlError) throw e;
      throw this.group.inDoubt !== null ? readOnlyError(e as Error) : keptError(e as Error);
    }
  }

  // ───────────────────────────── DDL ─────────────────────────────

  /** Creates the partition directories and logs of a new database (its directory name: names.ts). */
  async createDatabase(db: string, partitions: ReadonlyMap<number, Partition>): Promise<void> {
    const key = db.toLowerCase();
    if (key.length === 0) throw new SqlError('ER_WRONG_DB_NAME', "Incorrect database name ''");
    const name = dbDirName(key);
    const dir = childPath(this.opts.dir, name);
    await this.group.exclusive(async () => {
      await fsp.mkdir(dir, { recursive: true });
      if (isHashedDirName(name)) await writeNameFile(dir, key);
      for (const [pid, partition] of partitions) {
        const log = await PartitionLog.create(partitionKey(key, pid), childPath(dir, `p${pid}`), this.group.round);
        this.register({ db: key, partition, log, snapshotTs: 0, prevSnapshotTs: 0, lastSnapshotAt: Date.now() });
      }
      await syncDir(dir);
      await syncDir(this.opts.dir);
    });
  }

  /**
   * Removes a database's partitions. The directory is first moved into DROPPING_DIR (one atomic,
   * durable rename: the marker that the drop is under way), then deleted; a crash in between
   * leaves it there and recovery finishes the deletion. Nothing else is ever deleted by name.
   */
  async dropDatabase(db: string): Promise<void> {
    const key = db.toLowerCase();
    const parts = this.byDb.get(key);
    if (!parts) return;
    this.byDb.delete(key);
    for (const h of parts.values()) this.hosted.delete(h.partition);
    const name = dbDirName(key);
    const dir = childPath(this.opts.dir, name);
    const dropping = childPath(this.opts.dir, DROPPING_DIR);
    await this.group.exclusive(async () => {
      for (const h of parts.values()) await h.log.close();
      await fsp.mkdir(dropping, { recursive: true });
      const aside = childPath(dropping, `${name}.${Date.now()}`);
      const moved = await fsp.rename(dir, aside).then(
        () => true,
        (e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
          return false;
        },
      );
      if (!moved) return;
      await syncDir(this.opts.dir);
      await syncDir(dropping);
      await fsp.rm(aside, { recursive: true, force: true });
    });
  }

  /**
   * Logs a DDL change to the given partitions of db (all when null) under one fresh commit ts and
   * waits until it is durable (DDL is always synchronous).
   */
  async logDdl(db: string, partitions: readonly number[] | null, make: (ts: number) => LogRecord): Promise<void> {
    const parts = this.byDb.get(db.toLowerCase());
    if (!parts) return;
    const ts = this.txns!.tick();
    const rec = make(ts);
    for (const [pid, h] of parts) {
      if (partitions !== null && !partitions.includes(pid)) continue;
      h.log.append(rec, ts);
      h.log.lastDdlTs = ts;
      h.log.ddlCount++;
      this.group.appended(h.log, ts);
    }
    await this.waitDurable();
  }

  // ───────────────────────────── snapshots ─────────────────────────────

  private maybeSnapshot(): void {
    if (this.snapshotting !== null || this.closing || this.gc === null || this.gc.failure !== null) return;
    const now = Date.now();
    const due: Hosted[] = [];
    for (const h of this.hosted.values()) {
      const bySize = this.opts.logSizeLimit > 0 && h.log.bytesSinceSnapshot > 0 && h.log.totalBytes > this.opts.logSizeLimit;
      const byTime = this.opts.snapshotIntervalMs > 0 && h.log.bytesSinceSnapshot > 0 && now - h.lastSnapshotAt >= this.opts.snapshotIntervalMs;
      if (bySize || byTime) due.push(h);
    }
    if (due.length === 0) return;
    this.snapshotting = this.snapshotAll(due).then(
      () => {
        this.snapshotting = null;
      },
      () => {
        this.snapshotting = null;
      },
    );
  }

  /** Snapshots the partitions one after another (tests and shutdown may call it directly). */
  async snapshotAll(list?: readonly Hosted[]): Promise<number> {
    let n = 0;
    for (const h of list ?? [...this.hosted.values()]) {
      if (this.closing && list !== undefined) break;
      if (!this.hosted.has(h.partition)) continue;
      try {
        if (await this.snapshot(h)) n++;
      } catch (e) {
        if (e instanceof SnapshotAborted) continue;
        this.log.warn({ partition: h.log.key, err: (e as Error).message }, 'snapshot failed; the log is kept and it will be tried again');
      }
    }
    return n;
  }

  /** Public for tests: snapshot every partition now. */
  async snapshotNow(): Promise<number> {
    if (this.snapshotting) await this.snapshotting;
    return this.snapshotAll();
  }

  private async snapshot(h: Hosted): Promise<boolean> {
    const gc = this.group;
    const txns = this.txns!;
    // Start a new log segment so the records up to here can be released later.
    await gc.exclusive(() => h.log.rotate(gc.round));
    // A registered view at the current clock keeps every version it needs from GC; waiting until
    // everything appended so far is durable makes its ts a durable point (the snapshot must not
    // hold a commit the log might still lose).
    const view = txns.view(null);
    const ts = view.ts;
    let res: { rows: number; bytes: number };
    const started = performance.now();
    try {
      // The view reads below commits still waiting for the log; a DDL record after them (its ts
      // is newer) is already applied in memory, so a snapshot older than it would replay it twice.
      if (ts <= h.snapshotTs || ts < h.log.lastDdlTs) return false;
      await gc.wait();
      const round = gc.completedRound;
      const ddl = h.log.ddlCount;
      const pendingBytes = h.log.bytesSinceSnapshot;
      h.log.bytesSinceSnapshot = 0;
      try {
        res = await writeSnapshot(h.log.dir, h.partition, view, round, () => h.log.ddlCount === ddl && this.hosted.has(h.partition) && !this.closing);
      } catch (e) {
        h.log.bytesSinceSnapshot += pendingBytes; // still due
        throw e;
      }
    } finally {
      txns.release(view);
    }
    this.snapshotsTaken++;
    // Keep this snapshot and the one before it (the fallback if this one is found damaged), and
    // the log the one before needs; release everything older.
    const keepFrom = h.snapshotTs;
    h.prevSnapshotTs = h.snapshotTs;
    h.snapshotTs = ts;
    h.lastSnapshotAt = Date.now();
    for (const s of await listSnapshots(h.log.dir)) if (s.ts < keepFrom) await fsp.rm(s.file, { force: true });
    const released = keepFrom > 0 ? await gc.exclusive(() => h.log.releaseThrough(keepFrom)) : 0;
    this.log.info({ partition: h.log.key, ts, rows: res.rows, bytes: res.bytes, ms: Math.round(performance.now() - started), segmentsReleased: released }, 'snapshot written');
    return true;
  }

  // ───────────────────────────── shutdown ─────────────────────────────

  /**
   * Shutdown has begun: commits still waiting for the log after graceMs are failed, so their
   * sessions can end even when the disk no longer answers (close() bounds the rest).
   */
  beginShutdown(graceMs = this.opts.closeTimeoutMs ?? CLOSE_TIMEOUT_MS): void {
    if (this.shutdownTimer !== null) return;
    this.shutdownTimer = setTimeout(() => this.abandonWaiting(graceMs), graceMs);
    this.shutdownTimer.unref();
  }

  /** Fails every commit and waiter still waiting for the log (shutdown gave up on the disk). */
  private abandonWaiting(ms: number): void {
    const txns = this.txns;
    const gc = this.gc;
    if (txns === null || gc === null) return;
    const commits = txns.committingCount();
    if (commits === 0 && gc.idle) return;
    this.log.error({ commits, waitedMs: ms }, 'shutdown: the transaction log did not finish writing in time (the disk is not answering); failing the commits still waiting');
    const err = new SqlError(
      'ER_SERVER_SHUTDOWN',
      'Server shutdown in progress: the transaction log did not finish writing in time. The commit is not visible; after a restart it is either there in full or not at all.',
    );
    txns.settleCommits(Infinity, err);
    gc.abandon(err);
  }

  /** Flushes the logs and closes the files, within closeTimeoutMs however the disk behaves. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.snapshotTimer !== null) clearInterval(this.snapshotTimer);
    const limit = this.opts.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
    const deadline = Date.now() + limit;
    const gc = this.gc;
    const flushed = await within(deadline, async () => {
      if (this.snapshotting) await this.snapshotting.catch(() => {});
      if (gc !== null) await gc.flushAll();
    });
    if (this.shutdownTimer !== null) clearTimeout(this.shutdownTimer);
    if (gc !== null) {
      if (!flushed) this.abandonWaiting(limit);
      gc.close();
      if (flushed) this.log.info({ rounds: gc.rounds, records: gc.appendedTotal, recordsPerRound: gc.rounds > 0 ? +(gc.appendedTotal / gc.rounds).toFixed(1) : 0 }, 'transaction logs flushed and closed');
    }
    const closed = await within(deadline, async () => {
      for (const h of this.hosted.values()) await h.log.close();
    });
    if (this.txns) {
      this.txns.onCommit = null;
      this.txns.onStageCommit = null;
    }
    if (!flushed || !closed) throw new Error(`the transaction logs did not finish ${flushed ? 'closing' : 'writing'} within ${limit} ms (the disk is not answering); commits not yet written are not durable`);
  }
}

/** Runs fn; false when it has not finished by the deadline (it is left to finish or hang on its own). */
async function within(deadline: number, fn: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([fn().then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One partition's transaction log: a directory of segment files `log-<seq>.tlog`, each a run of
 * frames (record.ts) starting with a `segment` record. Appends go to an in-memory buffer at commit
 * time (so log order is commit order); the group committer writes and fsyncs the buffer in rounds.
 *
 * Writes are positional at the durable end of the active segment: a failed write (disk full, I/O
 * error) does not move the end, keeps the bytes in memory and is retried in order, overwriting
 * whatever part of it reached the file.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { frame, type LogRecord } from './record.js';
import { checkFault } from './fault.js';

export const SEGMENT_PREFIX = 'log-';

/**
 * Segments are opened O_DSYNC: a write returns once its data is on stable storage, so a flush is
 * one thread-pool operation per log instead of a write and a datasync (half the round latency
 * when many partitions are dirty at once).
 */
const APPEND_FLAGS = fsc.O_RDWR | (fsc.O_DSYNC ?? 0);
export const SEGMENT_SUFFIX = '.tlog';

export function segmentName(seq: number): string {
  return `${SEGMENT_PREFIX}${String(seq).padStart(8, '0')}${SEGMENT_SUFFIX}`;
}

export function segmentSeq(name: string): number | null {
  if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)) return null;
  const n = Number(name.slice(SEGMENT_PREFIX.length, -SEGMENT_SUFFIX.length));
  return Number.isInteger(n) && n > 0 ? n : null;
}

export interface SegmentInfo {
  readonly seq: number;
  readonly path: string;
  /** Bytes durably written. */
  size: number;
  /** Newest commit ts in the segment (0 when none). */
  maxTs: number;
}

/** fsync of a directory, so a created, renamed or removed entry survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class PartitionLog {
  /** Oldest first; the last one is the active segment. */
  readonly segments: SegmentInfo[];
  private fh: fsp.FileHandle | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingMaxTs = 0;
  /** Bytes of a failed write, written again first by the next round. */
  private retained: Buffer | null = null;
  private retainedMaxTs = 0;
  /** Newest ts of a DDL record appended (snapshots wait until it is durable). */
  lastDdlTs = 0;
  /** Bumped on every DDL record: a background snapshot that sees it move starts over. */
  ddlCount = 0;
  /** Bytes appended since the last snapshot began. */
  bytesSinceSnapshot = 0;
  rotateRequested = false;

  constructor(
    /** 'db/p3': names the log in round markers. */
    readonly key: string,
    readonly dir: string,
    segments: SegmentInfo[],
  ) {
    this.segments = segments;
  }

  /** Creates the directory and a first segment. */
  static async create(key: string, dir: string, afterRound: number): Promise<PartitionLog> {
    await fsp.mkdir(dir, { recursive: true });
    const log = new PartitionLog(key, dir, []);
    await log.openSegment(1, afterRound);
    await syncDir(path.dirname(dir));
    return log;
  }

  /** Opens the newest existing segment for appending at its (already verified) size. */
  async openActive(): Promise<void> {
    const seg = this.active;
    this.fh = await fsp.open(seg.path, APPEND_FLAGS);
  }

  get active(): SegmentInfo {
    return this.segments[this.segments.length - 1]!;
  }

  get hasPending(): boolean {
    return this.pendingBytes > 0 || this.retained !== null;
  }

  get totalBytes(): number {
    let n = this.pendingBytes;
    for (const s of this.segments) n += s.size;
    return n;
  }

  append(record: LogRecord, ts: number): void {
    const buf = frame(record);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.bytesSinceSnapshot += buf.length;
    if (ts > this.pendingMaxTs) this.pendingMaxTs = ts;
  }

  /**
   * Writes what is buffered (a failed earlier write first) plus the round marker at the durable
   * end, then datasyncs. On failure nothing is lost from memory: the bytes are retained for the
   * next round.
   */
  async flush(marker: LogRecord): Promise<void> {
    const parts: Buffer[] = [];
    let maxTs = this.retainedMaxTs;
    if (this.retained !== null) parts.push(this.retained);
    for (const b of this.pending) parts.push(b);
    if (this.pendingMaxTs > maxTs) maxTs = this.pendingMaxTs;
    parts.push(frame(marker));
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingMaxTs = 0;
    this.retained = buf;
    this.retainedMaxTs = maxTs;
    const seg = this.active;
    checkFault(this.dir);
    const fh = this.fh!;
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off, seg.size + off);
      off += bytesWritten;
    }
    if (fsc.O_DSYNC === undefined) await fh.datasync();
    seg.size += buf.length;
    if (maxTs > seg.maxTs) seg.maxTs = maxTs;
    this.retained = null;
    this.retainedMaxTs = 0;
  }

  /** Starts a new segment after `afterRound` (between rounds, nothing retained). */
  async rotate(afterRound: number): Promise<void> {
    this.rotateRequested = false;
    if (this.retained !== null) return;
    await this.fh?.close();
    this.fh = null;
    await this.openSegment(this.active.seq + 1, afterRound);
  }

  private async openSegment(seq: number, afterRound: number): Promise<void> {
    const p = path.join(this.dir, segmentName(seq));
    const fh = await fsp.open(p, APPEND_FLAGS | fsc.O_CREAT | fsc.O_TRUNC, 0o644);
    const header = frame({ kind: 'segment', afterRound } satisfies LogRecord);
    await fh.write(header, 0, header.length, 0);
    await fh.datasync();
    this.fh = fh;
    this.segments.push({ seq, path: p, size: header.length, maxTs: 0 });
    await syncDir(this.dir);
  }

  /** Deletes sealed segments whose every commit is at or before ts (a snapshot holds them). */
  async releaseThrough(ts: number): Promise<number> {
    let n = 0;
    while (this.segments.length > 1 && this.segments[0]!.maxTs <= ts) {
      const s = this.segments.shift()!;
      await fsp.rm(s.path, { force: true });
      n++;
    }
    if (n > 0) await syncDir(this.dir);
    return n;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }
}

/**
 * One partition's transaction log: a directory of segment files `log-<seq>.tlog`, each a run of
 * frames (record.ts) starting with a `segment` record. Appends go to an in-memory buffer at commit
 * time (so log order is commit order); the group committer writes and fsyncs the buffer in rounds.
 *
 * Writes are positional at the durable end of the active segment. A round whose write fails in any
 * log is taken back in every log it wrote (abortRound: the files are truncated to where the round
 * began), so the disk holds no part of it; the group committer then decides which of its records
 * go out again with a later round.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { frame, type LogRecord } from './record.js';
import { checkFault, stallIfFlagged } from './fault.js';
import { invariant } from '../../common/assert.js';

export const SEGMENT_PREFIX = 'log-';

/**
 * Segments are opened O_DSYNC: a write returns once its data is on stable storage, so a flush is
 * one thread-pool operation per log instead of a write and a datasync (half the round latency
 * when many partitions are dirty at once).
 */
const APPEND_FLAGS = fsc.O_RDWR | (fsc.O_DSYNC ?? 0);
export const SEGMENT_SUFFIX = '.tlog';

/**
 * A round of up to this many bytes is copied into one buffer and written; a bigger one (a big
 * commit's records) is written from its frames as they are, since copying tens of MB would hold
 * the thread.
 */
const CONCAT_BYTES = 256 * 1024;
/** Buffers per writev call (below every platform's IOV_MAX). */
const WRITEV_BUFFERS = 512;

/** Writes `bufs` one after another at `pos`, gathering them (writev) rather than copying them. */
async function writeAllv(fh: fsp.FileHandle, bufs: readonly Buffer[], pos: number): Promise<void> {
  let i = 0;
  while (i < bufs.length) {
    const batch = bufs.slice(i, i + WRITEV_BUFFERS);
    let want = 0;
    for (const b of batch) want += b.length;
    const { bytesWritten } = await fh.writev(batch, pos);
    pos += bytesWritten;
    if (bytesWritten < want) {
      // A short write: the rest of the batch, piece by piece.
      let skip = bytesWritten;
      for (const b of batch) {
        if (skip >= b.length) {
          skip -= b.length;
          continue;
        }
        let off = skip;
        skip = 0;
        while (off < b.length) {
          const r = await fh.write(b, off, b.length - off, pos);
          off += r.bytesWritten;
          pos += r.bytesWritten;
        }
      }
    }
    i += batch.length;
  }
}

export function segmentName(seq: number): string {
  return `${SEGMENT_PREFIX}${String(seq).padStart(8, '0')}${SEGMENT_SUFFIX}`;
}

export function segmentSeq(name: string): number | null {
  if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)) return null;
  const n = Number(name.slice(SEGMENT_PREFIX.length, -SEGMENT_SUFFIX.length));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** One framed record waiting for (or in) a round. */
export interface Frame {
  readonly buf: Buffer;
  readonly ts: number;
  /** A transaction's commit record (DDL records are the others). */
  readonly commit: boolean;
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
  private pending: Frame[] = [];
  private pendingBytes = 0;
  /** The frames of the round being written, and where the segment ended before it. */
  private inflight: { frames: Frame[]; sizeBefore: number; maxTsBefore: number } | null = null;
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
    return this.pending.length > 0;
  }

  get totalBytes(): number {
    let n = this.pendingBytes;
    for (const s of this.segments) n += s.size;
    return n;
  }

  append(record: LogRecord, ts: number): void {
    this.appendFrame(frame(record), ts, record.kind === 'commit');
  }

  /** Appends a record framed beforehand (the parts of a big commit, record.ts); `commit`: it belongs to a transaction's commit. */
  appendFrame(buf: Buffer, ts: number, commit: boolean): void {
    this.pending.push({ buf, ts, commit });
    this.pendingBytes += buf.length;
    this.bytesSinceSnapshot += buf.length;
  }

  /**
   * Writes what is buffered plus the round marker at the durable end, O_DSYNC (or with a
   * datasync). The round stays open until endRound() (every log of the round wrote) or
   * abortRound() (one did not).
   */
  async flush(marker: LogRecord): Promise<void> {
    invariant(this.inflight === null, 'a log round is already in flight');
    const frames = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const seg = this.active;
    this.inflight = { frames, sizeBefore: seg.size, maxTsBefore: seg.maxTs };
    const parts: Buffer[] = frames.map((f) => f.buf);
    parts.push(frame(marker));
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    let maxTs = 0;
    for (const f of frames) if (f.ts > maxTs) maxTs = f.ts;
    await stallIfFlagged();
    checkFault(this.dir);
    const fh = this.fh!;
    if (bytes <= CONCAT_BYTES) {
      const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await fh.write(buf, off, buf.length - off, seg.size + off);
        off += bytesWritten;
      }
    } else await writeAllv(fh, parts, seg.size);
    if (fsc.O_DSYNC === undefined) await fh.datasync();
    seg.size += bytes;
    if (maxTs > seg.maxTs) seg.maxTs = maxTs;
  }

  /** The round is complete in every log it wrote. */
  endRound(): void {
    this.inflight = null;
  }

  /**
   * Takes the open round back: the file is cut to where the round began (whatever part of the
   * write reached it goes, and a log whose own write succeeded drops its copy of the round) and
   * synced. Then the round's frames that `keep` accepts are queued again, ahead of newer ones.
   * Throws when the cut fails: the file's state is then unknown.
   */
  async abortRound(keep: (f: Frame) => boolean): Promise<void> {
    const r = this.inflight;
    if (r === null) return;
    this.inflight = null;
    const seg = this.active;
    seg.size = r.sizeBefore;
    seg.maxTs = r.maxTsBefore;
    const kept = r.frames.filter(keep);
    for (const f of r.frames) if (!kept.includes(f)) this.bytesSinceSnapshot -= f.buf.length;
    this.pending = [...kept, ...this.pending];
    this.pendingBytes = 0;
    for (const f of this.pending) this.pendingBytes += f.buf.length;
    const fh = this.fh!;
    await fh.truncate(r.sizeBefore);
    await fh.datasync();
  }

  /** Forgets everything not yet written (the leaf stopped writing: its log is in doubt). */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight = null;
  }

  /** Starts a new segment after `afterRound` (between rounds, nothing retained). */
  async rotate(afterRound: number): Promise<void> {
    this.rotateRequested = false;
    if (this.inflight !== null) return;
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

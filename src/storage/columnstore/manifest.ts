/**
 * A columnstore partition's manifest: the append-only log (frames of durability/record.ts,
 * fsynced after every append) that says which segment files make up the table. A segment
 * counts only once a `commit` record names it, and that record is written after the file is
 * whole on disk (segment.ts writeSegmentFile), so a crash anywhere leaves either the old set or
 * the new one.
 *
 * - reserve {id}: written before a flush or merge writes seg-<id>; a file of a reserved id no
 *   commit names is provably the leftover of an interrupted flush or merge.
 * - commit {add, drop, token}: the segments a flush or merge adds and those a merge replaces,
 *   with the deleted rows carried into the new ones; `token` is the flush's opaque marker (what
 *   part of the write buffer it holds), for the wiring's recovery.
 * - deletes {id, rows}: a checkpoint of rows deleted from a segment since it was written.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { frame, scanFrames } from '../durability/record.js';
import { syncDir } from '../durability/log-file.js';
import type { FaultPoint } from './segment.js';

export const MANIFEST_FILE = 'manifest.clog';

export interface AddedSegment {
  readonly id: number;
  readonly rows: number;
  /** Rows of it already deleted when it was written (a merge carries deletes that came in meanwhile). */
  readonly deleted: readonly number[];
}

export type ManifestRecord =
  | { readonly op: 'reserve'; readonly id: number }
  | { readonly op: 'commit'; readonly add: readonly AddedSegment[]; readonly drop: readonly number[]; readonly token: unknown }
  | { readonly op: 'deletes'; readonly id: number; readonly rows: readonly number[] };

function isRecord(r: unknown): r is ManifestRecord {
  const x = r as ManifestRecord;
  return typeof x === 'object' && x !== null && (x.op === 'reserve' || x.op === 'commit' || x.op === 'deletes');
}

/** What the manifest says, replayed. */
export interface ManifestState {
  /** Live segment id → the deleted rows recorded for it. */
  readonly live: Map<number, Set<number>>;
  readonly reserved: Set<number>;
  /** Ids a committed merge replaced. */
  readonly dropped: Set<number>;
  readonly maxId: number;
  /** The newest flush token. */
  readonly token: unknown;
  /** Bytes of a torn last record cut off at open (a crash during an append). */
  readonly tornBytes: number;
}

export class Manifest {
  private constructor(
    private readonly fh: fsp.FileHandle,
    readonly file: string,
  ) {}

  /** Opens (or creates) the manifest and replays it; a torn tail is cut off. */
  static async open(dir: string): Promise<{ manifest: Manifest; state: ManifestState }> {
    const file = path.join(dir, MANIFEST_FILE);
    let buf: Buffer;
    try {
      buf = await fsp.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      buf = Buffer.alloc(0);
    }
    const scan = scanFrames(buf, isRecord);
    const live = new Map<number, Set<number>>();
    const reserved = new Set<number>();
    const dropped = new Set<number>();
    let maxId = 0;
    let token: unknown = null;
    for (const { record: r } of scan.records) {
      switch (r.op) {
        case 'reserve':
          reserved.add(r.id);
          maxId = Math.max(maxId, r.id);
          break;
        case 'commit':
          for (const a of r.add) live.set(a.id, new Set(a.deleted));
          for (const d of r.drop) {
            live.delete(d);
            dropped.add(d);
          }
          if (r.token !== null && r.token !== undefined) token = r.token;
          break;
        case 'deletes': {
          const s = live.get(r.id);
          if (s !== undefined) for (const x of r.rows) s.add(x);
          break;
        }
      }
    }
    const fh = await fsp.open(file, buf.length === 0 ? 'w+' : 'r+');
    if (scan.goodBytes < buf.length) {
      await fh.truncate(scan.goodBytes);
      await fh.sync();
    }
    if (buf.length === 0) await syncDir(dir);
    return { manifest: new Manifest(fh, file), state: { live, reserved, dropped, maxId, token, tornBytes: buf.length - scan.goodBytes } };
  }

  private size = -1;

  /** Appends one record and fsyncs it. */
  async append(r: ManifestRecord, faults: FaultPoint): Promise<void> {
    if (this.size < 0) this.size = (await this.fh.stat()).size;
    const f = frame(r);
    await this.fh.write(f, 0, f.length, this.size);
    this.size += f.length;
    await faults(`${r.op}-appended`);
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * The segments of one columnstore table in one partition, in their own directory: flushes of
 * write-buffer rows into new segments, the merger that folds small sorted runs into bigger ones,
 * and recovery that opens what the manifest names (it never rebuilds a segment).
 *
 * Flush and merge follow one protocol (manifest.ts): reserve the id, write the file whole
 * (temp, fsync, rename, fsync dir), append the commit record, and only then install the new
 * set in memory in one synchronous step. Both work in slices of about SLICE_MS with the event
 * loop free between them, holding at most a page of decoded values per column and per input.
 *
 * One flush or merge runs at a time per store (they share the manifest); scans read the set
 * they started with (segments are immutable; the deleted bitmap is the only thing that moves).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { invariant } from '../../common/assert.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { valuesOf } from '../../common/vector.js';
import { MAX_SEGMENT_ROWS } from './key-index.js';
import { Manifest, type AddedSegment, type ManifestState } from './manifest.js';
import { PAGE_ROWS } from './page.js';
import { Segment, SegmentBuilder, noFaults, openSegmentFile, segmentFileName, segmentIdOf, sortKeyComparator, writeSegmentFile, type FaultPoint } from './segment.js';

export interface ColumnStoreOptions {
  readonly types: readonly SqlType[];
  readonly sortKey: readonly number[];
  /** Rows per page (tests make it small). */
  readonly pageRows?: number;
  /** Segments of one size tier merged together. */
  readonly fanout?: number;
  /** No merge makes a segment bigger than this. */
  readonly maxSegmentRows?: number;
  /** Work per slice before the event loop gets a turn. */
  readonly sliceMs?: number;
  readonly faults?: FaultPoint;
}

/** What the merger has left to do (for information_schema and the logs). */
export interface MergerBacklog {
  readonly segments: number;
  /** Size tiers holding enough segments for a merge. */
  readonly runsWaiting: number;
  readonly segmentsWaiting: number;
  readonly bytesWaiting: number;
  readonly deletedRows: number;
  readonly merges: number;
  readonly flushes: number;
}

export interface OpenReport {
  /** Files removed as provably unreferenced leftovers of an interrupted flush or merge. */
  readonly removed: readonly string[];
  /** Segment-like files no manifest record accounts for: kept, for a person to look at. */
  readonly strays: readonly string[];
  readonly tornBytes: number;
}

const ROWS_PER_CHECK = 1024;

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** A sorted source of rows for a merge. */
interface RowSource {
  /** The current row, or null at the end. */
  readonly row: readonly Value[] | null;
  /** Origin of the current row (segment position in the inputs, row offset), for carrying deletes. */
  readonly origin: number;
  readonly originRow: number;
  advance(): void;
}

/** A segment's live rows in order, a page at a time (all columns boxed). */
class SegmentSource implements RowSource {
  row: readonly Value[] | null = null;
  originRow = -1;
  private page = -1;
  private cols: (readonly Value[])[] = [];
  private at = 0;
  private n = 0;

  constructor(
    private readonly seg: Segment,
    /** The deleted bitmap when the merge started: rows deleted later are carried, not dropped. */
    private readonly deletedAtStart: Uint8Array,
    readonly origin: number,
  ) {
    this.advance();
  }

  advance(): void {
    const seg = this.seg;
    for (;;) {
      if (this.at >= this.n) {
        this.page++;
        if (this.page >= seg.pageCount) {
          this.row = null;
          this.cols = [];
          return;
        }
        this.n = seg.pageRef(0, this.page).rows;
        this.at = 0;
        this.cols = seg.footer.types.map((_, c) => valuesOf(seg.page(c, this.page), this.n));
      }
      const r = seg.pageStart(this.page) + this.at;
      const i = this.at++;
      if (this.deletedAtStart[r] === 1) continue;
      this.originRow = r;
      this.row = this.cols.map((col) => col[i]!);
      return;
    }
  }
}

/** Rows from an array sorted in place (a flush). */
class ArraySource implements RowSource {
  row: readonly Value[] | null;
  originRow = 0;
  readonly origin = -1;
  constructor(private readonly rows: readonly (readonly Value[])[]) {
    this.row = rows[0] ?? null;
  }
  advance(): void {
    this.row = this.rows[++this.originRow] ?? null;
  }
}

export class ColumnStore {
  private segs: Segment[] = [];
  private nextId: number;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly cmp: (a: readonly Value[], b: readonly Value[]) => number;
  private readonly pageRows: number;
  private readonly fanout: number;
  private readonly maxSegmentRows: number;
  private readonly sliceMs: number;
  private readonly faults: FaultPoint;
  /** Deleted rows per segment not yet checkpointed in the manifest. */
  private readonly unsaved = new Map<Segment, number[]>();
  private merges = 0;
  private flushes = 0;
  private closed = false;
  /** The newest flush token committed. */
  token: unknown;
  /**
   * Called in the synchronous step that installs a flush's or merge's result (hash indexes,
   * MVCC overlays of replaced rows move over here); `moved(o)` gives the replaced segment and row
   * a new row came from (null for flushed rows).
   */
  onInstall: ((added: Segment | null, removed: readonly Segment[], moved: (row: number) => { seg: Segment; row: number } | null) => void) | null = null;

  private constructor(
    readonly dir: string,
    private readonly manifest: Manifest,
    state: ManifestState,
    readonly types: readonly SqlType[],
    readonly sortKey: readonly number[],
    opts: ColumnStoreOptions,
  ) {
    this.nextId = state.maxId + 1;
    this.token = state.token;
    this.cmp = sortKeyComparator(types, sortKey);
    this.pageRows = opts.pageRows ?? PAGE_ROWS;
    this.fanout = opts.fanout ?? 4;
    this.maxSegmentRows = Math.min(opts.maxSegmentRows ?? 8 * PAGE_ROWS * 16, MAX_SEGMENT_ROWS);
    this.sliceMs = opts.sliceMs ?? 4;
    this.faults = opts.faults ?? noFaults;
  }

  /**
   * Opens the store in dir (creating it): replays the manifest, opens the live segments, removes
   * only files the manifest proves unreferenced (temp files; files of reserved ids no commit
   * names; files a committed merge replaced), and reports any other segment-like file untouched.
   */
  static async open(dir: string, opts: ColumnStoreOptions): Promise<{ store: ColumnStore; report: OpenReport }> {
    await fsp.mkdir(dir, { recursive: true });
    const { manifest, state } = await Manifest.open(dir);
    const store = new ColumnStore(dir, manifest, state, opts.types, opts.sortKey, opts);
    const removed: string[] = [];
    const strays: string[] = [];
    const present = new Set<number>();
    for (const name of (await fsp.readdir(dir)).sort()) {
      const s = segmentIdOf(name);
      if (s === null) continue;
      store.nextId = Math.max(store.nextId, s.id + 1);
      const known = state.reserved.has(s.id) || state.live.has(s.id) || state.dropped.has(s.id);
      if (!known) {
        strays.push(name);
        continue;
      }
      if (!s.tmp && state.live.has(s.id)) {
        present.add(s.id);
        continue;
      }
      await fsp.rm(path.join(dir, name));
      removed.push(name);
    }
    for (const id of state.live.keys()) {
      if (!present.has(id)) throw new Error(`columnstore ${dir}: segment ${segmentFileName(id)} is in the manifest but missing on disk`);
    }
    for (const [id, deleted] of [...state.live].sort((a, b) => a[0] - b[0])) {
      const seg = await openSegmentFile(dir, id);
      for (const r of deleted) seg.markDeleted(r);
      store.segs.push(seg);
    }
    return { store, report: { removed, strays, tornBytes: state.tornBytes } };
  }

  /** The current segments (immutable; a scan keeps the array it got). */
  get segments(): readonly Segment[] {
    return this.segs;
  }

  get rowCount(): number {
    let n = 0;
    for (const s of this.segs) n += s.liveRows;
    return n;
  }

  /** Marks a segment row deleted (a committed delete every view is past); saved by checkpointDeletes. */
  markDeleted(seg: Segment, row: number): void {
    invariant(this.segs.includes(seg), `segment ${seg.id} is not live`);
    if (!seg.markDeleted(row)) return;
    let u = this.unsaved.get(seg);
    if (u === undefined) this.unsaved.set(seg, (u = []));
    u.push(row);
  }

  /** Writes the deletes not yet in the manifest (before the transaction log that holds them is cut). */
  checkpointDeletes(): Promise<void> {
    return this.exclusive(async () => {
      for (const [seg, rows] of [...this.unsaved]) {
        this.unsaved.delete(seg);
        if (!this.segs.includes(seg)) continue; // merged away: the merge carried them
        await this.manifest.append({ op: 'deletes', id: seg.id, rows }, this.faults);
      }
    });
  }

  /**
   * Writes rows (any order) as one new segment sorted by the sort key, durably, then makes it
   * live; `token` (the buffer position the rows come from) goes into the same commit record.
   */
  flush(rows: readonly (readonly Value[])[], token: unknown = null): Promise<Segment | null> {
    return this.exclusive(async () => {
      if (rows.length === 0) return null;
      const sorted = await this.sortInSlices(rows);
      const { seg } = await this.writeRun([new ArraySource(sorted)], [], token);
      this.flushes++;
      return seg;
    });
  }

  /** One merge step if the backlog has one (tiered, LSM style); true when it merged. */
  mergeStep(): Promise<boolean> {
    return this.exclusive(async () => {
      const pick = this.pickMerge();
      if (pick === null) return false;
      await this.merge(pick);
      return true;
    });
  }

  /** Merges until nothing is left to merge (OPTIMIZE TABLE); `full` folds everything into as few segments as the size cap allows. */
  async optimize(full = false): Promise<number> {
    let n = 0;
    for (let i = 0; i < 10_000; i++) {
      const merged = await this.exclusive(async () => {
        const pick = full ? this.pickFull() : this.pickMerge();
        if (pick === null) return false;
        await this.merge(pick);
        return true;
      });
      if (!merged) break;
      n++;
    }
    return n;
  }

  backlog(): MergerBacklog {
    let deletedRows = 0;
    for (const s of this.segs) deletedRows += s.rows - s.liveRows;
    let runsWaiting = 0;
    let segmentsWaiting = 0;
    let bytesWaiting = 0;
    for (const group of this.tiers().values()) {
      if (group.length < this.fanout) continue;
      runsWaiting++;
      segmentsWaiting += group.length;
      for (const s of group) bytesWaiting += s.bytes.length;
    }
    return { segments: this.segs.length, runsWaiting, segmentsWaiting, bytesWaiting, deletedRows, merges: this.merges, flushes: this.flushes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.busy.catch(() => {});
    await this.manifest.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    invariant(!this.closed, 'columnstore closed');
    const run = this.busy.then(work, work);
    this.busy = run.catch(() => {});
    return run;
  }

  /** Segments by size tier: tier k holds segments of fanout^k … fanout^(k+1) pages. */
  private tiers(): Map<number, Segment[]> {
    const m = new Map<number, Segment[]>();
    for (const s of this.segs) {
      const pages = Math.max(1, s.liveRows / this.pageRows);
      const tier = Math.floor(Math.log(pages) / Math.log(this.fanout));
      let g = m.get(tier);
      if (g === undefined) m.set(tier, (g = []));
      g.push(s);
    }
    return m;
  }

  /** The smallest tier with `fanout` segments whose sum fits the size cap; or a mostly-deleted segment alone. */
  private pickMerge(): Segment[] | null {
    const tiers = [...this.tiers()].sort((a, b) => a[0] - b[0]);
    for (const [, group] of tiers) {
      if (group.length < this.fanout) continue;
      const pick = group.slice(0, this.fanout);
      if (pick.reduce((n, s) => n + s.liveRows, 0) <= this.maxSegmentRows) return pick;
    }
    const sparse = this.segs.find((s) => s.liveRows * 2 < s.rows);
    return sparse === undefined ? null : [sparse];
  }

  private pickFull(): Segment[] | null {
    const small = this.segs.filter((s) => s.liveRows < this.maxSegmentRows).sort((a, b) => a.liveRows - b.liveRows);
    const pick: Segment[] = [];
    let n = 0;
    for (const s of small) {
      if (n + s.liveRows > this.maxSegmentRows) break;
      pick.push(s);
      n += s.liveRows;
    }
    if (pick.length >= 2) return pick;
    const sparse = this.segs.find((s) => s.liveRows < s.rows);
    return sparse === undefined ? null : [sparse];
  }

  private async merge(inputs: Segment[]): Promise<void> {
    const atStart = inputs.map((s) => s.deleted.slice());
    const sources = inputs.map((s, i) => new SegmentSource(s, atStart[i]!, i));
    await this.writeRun(sources, inputs, null);
    this.merges++;
  }

  /**
   * Merges the sorted sources into one new segment and commits it, replacing `replaces`: the
   * protocol at the top of the file. Rows of `replaces` deleted while the merge ran are carried
   * into the new segment's bitmap at install (the merge remembered where each row went).
   */
  private async writeRun(sources: RowSource[], replaces: Segment[], token: unknown): Promise<{ seg: Segment | null }> {
    const id = this.nextId++;
    await this.manifest.append({ op: 'reserve', id }, this.faults);
    await this.faults('reserved');
    const b = new SegmentBuilder(this.types, this.sortKey, this.pageRows);
    const originSeg: number[] = [];
    const originRow: number[] = [];
    let end = performance.now() + this.sliceMs;
    let k = 0;
    for (;;) {
      let best: RowSource | null = null;
      for (const s of sources) if (s.row !== null && (best === null || this.cmp(s.row, best.row!) < 0)) best = s;
      if (best === null) break;
      await b.addAsync(best.row!, nextTurn);
      originSeg.push(best.origin);
      originRow.push(best.originRow);
      best.advance();
      if (++k % ROWS_PER_CHECK === 0 && performance.now() >= end) {
        await nextTurn();
        end = performance.now() + this.sliceMs;
      }
    }
    const rows = b.rowCount;
    invariant(rows <= MAX_SEGMENT_ROWS, `a segment of ${rows} rows (at most ${MAX_SEGMENT_ROWS})`);
    // Everything merged away (all rows deleted): the commit only drops.
    const bytes = rows > 0 ? b.finish() : null;
    if (bytes !== null) await writeSegmentFile(this.dir, id, bytes, this.faults);
    await this.faults('run-written');
    const seg = bytes === null ? null : Segment.fromBytes(id, bytes);
    // deletes that came in while the merge ran, known now
    const carried: number[] = [];
    const carry = (): void => {
      if (seg === null) return;
      for (let o = 0; o < rows; o++) {
        const src = originSeg[o]!;
        if (src >= 0 && replaces[src]!.deleted[originRow[o]!] === 1 && seg.deleted[o] !== 1) {
          seg.markDeleted(o);
          carried.push(o);
        }
      }
    };
    carry();
    const add: AddedSegment[] = seg === null ? [] : [{ id, rows, deleted: carried }];
    await this.manifest.append({ op: 'commit', add, drop: replaces.map((s) => s.id), token }, this.faults);
    await this.faults('committed');
    // Install in one synchronous step, carrying deletes that arrived during the commit's fsync.
    const before = carried.length;
    carry();
    if (seg !== null && carried.length > before) this.unsaved.set(seg, carried.slice(before));
    const gone = new Set(replaces);
    this.segs = [...this.segs.filter((s) => !gone.has(s)), ...(seg === null ? [] : [seg])];
    this.onInstall?.(seg, replaces, (o) => (originSeg[o]! < 0 ? null : { seg: replaces[originSeg[o]!]!, row: originRow[o]! }));
    for (const s of replaces) this.unsaved.delete(s);
    if (token !== null) this.token = token;
    // The replaced files: unreferenced now (readers hold their bytes in memory).
    for (const s of replaces) await fsp.rm(path.join(this.dir, segmentFileName(s.id)), { force: true });
    return { seg };
  }

  /** Sorts rows by the sort key: runs of a page sorted one slice at a time, then merged. */
  private async sortInSlices(rows: readonly (readonly Value[])[]): Promise<readonly (readonly Value[])[]> {
    if (this.sortKey.length === 0) return rows;
    const runs: (readonly Value[])[][] = [];
    for (let i = 0; i < rows.length; i += this.pageRows) {
      runs.push(rows.slice(i, i + this.pageRows).sort(this.cmp));
      if (i + this.pageRows < rows.length) await nextTurn();
    }
    if (runs.length === 1) return runs[0]!;
    const out: (readonly Value[])[] = [];
    const at = runs.map(() => 0);
    let end = performance.now() + this.sliceMs;
    for (;;) {
      let best = -1;
      for (let r = 0; r < runs.length; r++) {
        const row = runs[r]![at[r]!];
        if (row !== undefined && (best < 0 || this.cmp(row, runs[best]![at[best]!]!) < 0)) best = r;
      }
      if (best < 0) break;
      out.push(runs[best]![at[best]!++]!);
      if (out.length % ROWS_PER_CHECK === 0 && performance.now() >= end) {
        await nextTurn();
        end = performance.now() + this.sliceMs;
      }
    }
    return out;
  }
}

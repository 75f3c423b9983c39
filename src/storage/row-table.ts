/**
 * An in-memory rowstore table: row slots with MVCC version chains, a B+tree per index, and row
 * locks through the leaf's LockManager.
 *
 * Index entries point at slots. An entry's key is the encoded index key plus a suffix that makes
 * it unique per slot (the slot ref; non-unique secondaries put the primary key before it, so ties
 * come out in primary-key order as in InnoDB). A slot keeps an entry for every key any of its live
 * versions has, so an entry can be stale for a given view: readers keep only entries whose key is
 * exactly the key of the version they see (same string, usually the same object). Entries go
 * when no remaining version of the slot has their key (rollback, commit folding, GC).
 */
import { invariant } from '../common/assert.js';
import { SqlError, UnsupportedError } from '../common/errors.js';
import { T, type SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { BTree, TreeCursor } from './btree.js';
import { encodeKey, encodeRowKey, encodeValue, flatConcat, formatKeyForError, refSuffix, upperBoundOf } from './key-codec.js';
import type { LockSpace } from './lock-manager.js';
import type {
  IndexSchema,
  InsertResult,
  KeyBound,
  MaybePromise,
  ReadView,
  RowChunk,
  RowRef,
  TableSchema,
} from './schema.js';
import { batchesFromChunks, fetchColumns, type ScanSpec, type Table, type VectorBatch } from './table.js';
import { asTxnImpl, Version, type Txn, type TxnImpl, type TxnManager, type WriteTarget } from './txn.js';

interface IndexState {
  readonly schema: IndexSchema | null; // null: the hidden row id key
  readonly cols: readonly number[];
  readonly types: readonly SqlType[];
  /** Primary or unique: the key alone identifies a row. */
  readonly unique: boolean;
  readonly primary: boolean;
  readonly tree: BTree;
  /** Unique indexes: encoded key → the slot(s) holding an entry for it; the fast path for lookups and unique checks. */
  readonly map: Map<string, number | number[]> | null;
}

const NO_CONFLICT = 0;
const DUPLICATE = 1;
const MUST_WAIT = 2;

/**
 * The version a reader sees: its own writes made before its view (seq below the view's mark),
 * else the newest commit at or before ts, stamped or not yet (a big commit is visible at its
 * visibleAt before its versions are all stamped).
 */
function visibleVersion(head: Version | null, txn: TxnImpl | null, ts: number, seq: number): Version | null {
  let v = head;
  while (v !== null) {
    const w = v.txn;
    if (w === null) {
      if (v.ts <= ts) return v;
    } else if (w === txn ? v.seq < seq : w.visibleAt <= ts) return v;
    v = v.prev;
  }
  return null;
}

/** Own-write mark of a view: views from TxnManager.view() carry one; a bare { txn, ts } sees all own writes. */
function viewSeq(view: ReadView): number {
  const s = (view as { seq?: number }).seq;
  return s === undefined ? Infinity : s;
}

function entryHasBare(entry: string, bare: string): boolean {
  return entry.length === bare.length + 2 && entry.startsWith(bare);
}

function hasNull(row: readonly Value[], cols: readonly number[]): boolean {
  for (let i = 0; i < cols.length; i++) if (row[cols[i]!] === null) return true;
  return false;
}

function mapAdd(m: Map<string, number | number[]>, bare: string, ref: number): void {
  const c = m.get(bare);
  if (c === undefined) m.set(bare, ref);
  else if (typeof c === 'number') {
    if (c !== ref) m.set(bare, [c, ref]);
  } else if (!c.includes(ref)) c.push(ref);
}

function mapRemove(m: Map<string, number | number[]>, bare: string, ref: number): void {
  const c = m.get(bare);
  if (c === undefined) return;
  if (typeof c === 'number') {
    if (c === ref) m.delete(bare);
    return;
  }
  const i = c.indexOf(ref);
  if (i < 0) return;
  c.splice(i, 1);
  if (c.length === 1) m.set(bare, c[0]!);
}

/** The slot ref a refSuffix() names. */
function refOfSuffix(sfx: string): number {
  return (sfx.charCodeAt(0) << 16) | sfx.charCodeAt(1);
}

function chainHasKey(from: Version | null, ii: number, key: string): boolean {
  for (let v = from; v !== null; v = v.prev) if (v.keys !== null && v.keys[ii] === key) return true;
  return false;
}

export class RowTable implements WriteTarget, Table {
  private schemaNow: TableSchema;
  readonly tableId: number;
  private readonly idx: IndexState[];
  /** 1 when index 0 is the hidden row id key (no primary key). */
  private readonly off: number;
  private heads: (Version | null)[] = [];
  private free: number[] = [];
  /** Free slots someone still holds or waits for a lock on; retried after GC passes. */
  private parked: number[] = [];
  private nextRowId = 1;
  /** Hidden row id per slot (tables without a primary key), for the transaction log. */
  private rowIds: number[] = [];
  /** Recovery: the hidden row id the next insert takes instead of a fresh one. */
  private forcedRowId: number | null = null;
  private gcRefs: number[] = [];
  private gcTs: number[] = [];
  private gcHead = 0;
  private live = 0;
  private space: LockSpace;
  /** Bumped by truncate/drop so undo records of older slots become no-ops. */
  private epoch = 0;
  /** The index being added or dropped in steps (beginAddIndex / beginDropIndex), if any. */
  private reshaping: Reshape | null = null;

  constructor(
    schema: TableSchema,
    readonly partitionId: number,
    private readonly txns: TxnManager,
    /** The Partition holding the table (opaque here; the log tap uses it). */
    readonly owner: object | null = null,
  ) {
    this.schemaNow = schema;
    this.tableId = schema.id;
    const hasPk = schema.indexes.length > 0 && schema.indexes[0]!.primary;
    invariant(schema.indexes.every((x, i) => !x.primary || i === 0), 'the primary key must be indexes[0]');
    this.off = hasPk ? 0 : 1;
    this.idx = [];
    if (!hasPk) this.idx.push(this.hiddenIndex());
    for (const ix of schema.indexes) this.idx.push(this.indexState(ix));
    this.space = txns.locks.space(partitionId, schema.id);
  }

  get schema(): TableSchema {
    return this.schemaNow;
  }

  private hiddenIndex(): IndexState {
    return { schema: null, cols: [], types: [], unique: true, primary: true, tree: new BTree(), map: null };
  }

  private indexState(ix: IndexSchema): IndexState {
    const cols = this.schemaNow.columns;
    for (const c of ix.columns) invariant(c >= 0 && c < cols.length, `index ${ix.name} names column ${c}`);
    const unique = ix.unique || ix.primary;
    return {
      schema: ix,
      cols: ix.columns,
      types: ix.columns.map((c) => cols[c]!.type),
      unique,
      primary: ix.primary,
      tree: new BTree(),
      map: unique ? new Map() : null,
    };
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Visible rows in primary-key order (or insertion order without a PK), in chunks of up to `batchSize`. */
  scan(view: ReadView, columns: readonly number[], batchSize: number): Iterable<RowChunk> {
    return this.iterate(view, 0, null, null, columns, batchSize, false);
  }

  /** The table interface's scan: visible rows passing the filters, as typed vectors. */
  scanBatches(view: ReadView, spec: ScanSpec): Iterable<VectorBatch> {
    const types = this.schemaNow.columns.map((c) => c.type);
    return batchesFromChunks(this.scan(view, fetchColumns(spec), spec.batchRows), spec, types);
  }

  /**
   * Ordered range over index `index` (0 = primary); lo/hi undefined = unbounded; reverse for ORDER BY … DESC.
   * NULL sorts first, so an unbounded low end includes NULL keys: pass { key: [null], inclusive: false } to skip them.
   */
  range(
    view: ReadView,
    index: number,
    lo: KeyBound | undefined,
    hi: KeyBound | undefined,
    columns: readonly number[],
    batchSize: number,
    reverse = false,
  ): Iterable<RowChunk> {
    const ii = index + this.off;
    const st = this.idx[ii];
    if (st === undefined) invariant(false, `no index ${index}`);
    let l: string | null = null;
    let h: string | null = null;
    if (lo !== undefined) {
      const p = encodeKey(st.types, lo.key);
      l = lo.inclusive ? p : upperBoundOf(p);
    }
    if (hi !== undefined) {
      const p = encodeKey(st.types, hi.key);
      h = hi.inclusive ? upperBoundOf(p) : p;
    }
    return this.iterate(view, ii, l, h, columns, batchSize, reverse);
  }

  /** Entries in [lo, hi) of internal index ii whose key is the visible version's key. Re-seeks after writes between batches. */
  private *iterate(
    view: ReadView,
    ii: number,
    lo: string | null,
    hi: string | null,
    columns: readonly number[],
    batchSize: number,
    reverse: boolean,
  ): Generator<RowChunk> {
    invariant(batchSize > 0, 'batchSize must be positive');
    const epoch = this.epoch;
    const tree = this.idx[ii]!.tree;
    const cur = new TreeCursor(tree);
    const vtxn = view.txn as TxnImpl | null;
    const vts = view.ts;
    const vseq = viewSeq(view);
    const ncol = columns.length;
    let started = false;
    let lastKey = '';
    let ver = 0;
    while (true) {
      if (this.epoch !== epoch) return;
      if (!started) {
        started = true;
        if (reverse) {
          if (hi === null) cur.last();
          else cur.seekLT(hi);
        } else if (lo === null) cur.first();
        else cur.seekGE(lo);
      } else if (tree.version !== ver) {
        if (reverse) cur.seekLT(lastKey);
        else cur.seekGE(lastKey + '\u0000');
      }
      ver = tree.version;
      const heads = this.heads;
      // A plain array, grown on demand: typed-array allocation costs about a microsecond in V8,
      // too much for the short ranges OLTP reads in every partition.
      const refs: number[] = [];
      const cols: Value[][] = new Array<Value[]>(ncol);
      for (let j = 0; j < ncol; j++) cols[j] = [];
      let n = 0;
      let done = false;
      while (n < batchSize) {
        const leaf = cur.leaf;
        if (leaf === null) {
          done = true;
          break;
        }
        const key = leaf.keys[cur.pos]!;
        if (reverse ? lo !== null && key < lo : hi !== null && key >= hi) {
          done = true;
          break;
        }
        const ref = leaf.vals[cur.pos]!;
        lastKey = key;
        if (reverse) cur.prev();
        else cur.next();
        const v = visibleVersion(heads[ref] ?? null, vtxn, vts, vseq);
        if (v === null || v.row === null || v.keys![ii] !== key) continue;
        refs.push(ref);
        n++;
        const row = v.row;
        for (let j = 0; j < ncol; j++) cols[j]!.push(row[columns[j]!]!);
      }
      if (n > 0) yield { length: n, refs, columns: cols };
      if (done) return;
    }
  }

  /** Point lookup on a unique index (full key). NULL never matches in a secondary unique index. */
  lookup(view: ReadView, index: number, key: readonly Value[]): RowRef | undefined {
    const ii = index + this.off;
    const st = this.idx[ii];
    if (st === undefined || st.map === null) invariant(false, `lookup needs a unique index, got ${index}`);
    invariant(key.length === st.cols.length, 'lookup needs the full key');
    if (!st.primary) for (let i = 0; i < key.length; i++) if (key[i] === null) return undefined;
    const bare = encodeKey(st.types, key);
    const c = st.map.get(bare);
    if (c === undefined) return undefined;
    const vtxn = view.txn as TxnImpl | null;
    const seq = viewSeq(view);
    if (typeof c === 'number') {
      const v = visibleVersion(this.heads[c] ?? null, vtxn, view.ts, seq);
      return v !== null && v.row !== null && entryHasBare(v.keys![ii]!, bare) ? c : undefined;
    }
    for (const r of c) {
      const v = visibleVersion(this.heads[r] ?? null, vtxn, view.ts, seq);
      if (v !== null && v.row !== null && entryHasBare(v.keys![ii]!, bare)) return r;
    }
    return undefined;
  }

  /** The row visible to the view, or null (deleted / not visible). The array is shared: do not mutate it. */
  read(view: ReadView, ref: RowRef): readonly Value[] | null {
    const v = visibleVersion(this.heads[ref] ?? null, view.txn as TxnImpl | null, view.ts, viewSeq(view));
    return v === null ? null : v.row;
  }

  /** The newest version including other txns' commits, for the lock holder (read committed semi-consistent read). null if deleted. */
  readLatest(txn: Txn, ref: RowRef): readonly Value[] | null {
    let v = this.heads[ref] ?? null;
    while (v !== null && v.txn !== null && v.txn !== txn) v = v.prev;
    return v === null ? null : v.row;
  }

  /** @internal tests: entries in the tree of index `index` (0 = primary; the one a build adds is the next), stale ones included. */
  indexEntryCount(index: number): number {
    const st = this.idx[index + this.off];
    invariant(st !== undefined, `no index ${index}`);
    return st.tree.size;
  }

  /** Committed row count (approximate while txns are in flight). */
  approxRowCount(): number {
    return this.live;
  }

  // ---- locks and writes ----------------------------------------------------------------------

  /** Exclusive row lock; see LockManager.acquire. Re-entrant. */
  lockRow(txn: Txn, ref: RowRef): MaybePromise<void> {
    this.materializeLock(ref);
    return this.txns.locks.acquire(asTxnImpl(txn), this.space, ref);
  }

  /** A row with an uncommitted version is implicitly locked by its writer; make that a lock entry others can queue on. */
  private materializeLock(ref: number): void {
    const h = this.heads[ref];
    if (h !== undefined && h !== null && h.txn !== null) this.txns.locks.grantTo(h.txn, this.space, ref);
  }

  /** Explicit lock, or the implicit one of the row's uncommitted writer. */
  private lockedBy(t: TxnImpl, ref: number, h: Version | null): boolean {
    return (h !== null && h.txn === t) || this.txns.locks.holds(t, this.space, ref);
  }

  /**
   * Inserts unless a unique index already has the key in its latest state. When the key belongs to
   * another txn's uncommitted work, waits for that row's lock and checks again (as InnoDB does).
   * The new row is locked by txn (implicitly: its uncommitted version is the lock until someone waits on it).
   */
  insert(txn: Txn, row: readonly Value[]): MaybePromise<InsertResult> {
    const t = asTxnImpl(txn);
    const bares = this.bareKeys(row);
    const c = this.checkUnique(t, bares, row, null, -1);
    if (c === MUST_WAIT) return this.waitAndRetry(t, this.conflictRef, () => this.insert(txn, row));
    if (c === DUPLICATE) return { ok: false, index: this.conflictIndex - this.off, conflict: this.conflictRef };
    const ref = this.allocSlot();
    const sfx = refSuffix(ref);
    const keys = new Array<string>(this.idx.length);
    for (let ii = 0; ii < keys.length; ii++) keys[ii] = this.entryKey(ii, bares, sfx, null);
    const v = new Version(row.slice(), keys, 0, t, null, t.undo.length);
    this.heads[ref] = v;
    for (let ii = 0; ii < keys.length; ii++) this.addEntry(ii, keys[ii]!, ref, v.row!);
    t.logWrite(this, ref, v, this.epoch);
    return { ok: true, ref };
  }

  /** Replaces the row (caller holds the lock). Unique conflicts as in insert (returns the conflict, changes nothing). */
  update(txn: Txn, ref: RowRef, row: readonly Value[]): MaybePromise<InsertResult> {
    const t = asTxnImpl(txn);
    const h = this.heads[ref] ?? null;
    invariant(this.lockedBy(t, ref, h), 'update without the row lock');
    invariant(h !== null && h.row !== null && (h.txn === null || h.txn === t), 'update of a deleted row');
    const bares = this.bareKeys(row);
    const c = this.checkUnique(t, bares, row, h, ref);
    if (c === MUST_WAIT) return this.waitAndRetry(t, this.conflictRef, () => this.update(txn, ref, row));
    if (c === DUPLICATE) return { ok: false, index: this.conflictIndex - this.off, conflict: this.conflictRef };
    const sfx = refSuffix(ref);
    const old = h.keys!;
    const keys = new Array<string>(this.idx.length);
    for (let ii = 0; ii < keys.length; ii++) {
      const k = this.entryKey(ii, bares, sfx, old);
      keys[ii] = k === old[ii] ? old[ii]! : k; // share the string so readers compare by identity
    }
    const v = new Version(row.slice(), keys, 0, t, h, t.undo.length);
    this.heads[ref] = v;
    for (let ii = 0; ii < keys.length; ii++) if (keys[ii] !== old[ii]) this.addEntry(ii, keys[ii]!, ref, v.row!);
    t.logWrite(this, ref, v, this.epoch);
    return { ok: true, ref };
  }

  /** Deletes the row (caller holds the lock). */
  delete(txn: Txn, ref: RowRef): void {
    const t = asTxnImpl(txn);
    const h = this.heads[ref] ?? null;
    invariant(this.lockedBy(t, ref, h), 'delete without the row lock');
    invariant(h !== null && h.row !== null && (h.txn === null || h.txn === t), 'delete of a deleted row');
    const v = new Version(null, null, 0, t, h, t.undo.length);
    this.heads[ref] = v;
    t.logWrite(this, ref, v, this.epoch);
  }

  private bares: string[] = [];
  private conflictRef = -1;
  private conflictIndex = -1;

  /** The encoded key of the row in each index ('' for the hidden one). */
  private bareKeys(row: readonly Value[]): string[] {
    const idx = this.idx;
    // scratch, only used synchronously (a retry after a lock wait recomputes it)
    const out = this.bares;
    out.length = idx.length;
    for (let ii = 0; ii < idx.length; ii++) {
      const st = idx[ii]!;
      out[ii] = st.schema === null ? '' : encodeRowKey(st.types, st.cols, row);
    }
    return out;
  }

  private entryKey(ii: number, bares: readonly string[], sfx: string, old: readonly string[] | null): string {
    const st = this.idx[ii]!;
    if (st.schema === null) {
      if (old !== null) return old[ii]!;
      let id: number;
      if (this.forcedRowId !== null) {
        id = this.forcedRowId;
        this.forcedRowId = null;
        if (id >= this.nextRowId) this.nextRowId = id + 1;
      } else id = this.nextRowId++;
      this.rowIds[refOfSuffix(sfx)] = id;
      return encodeValue(T.bigint, id);
    }
    if (st.unique) return flatConcat(bares[ii]!, '', sfx);
    return flatConcat(bares[ii]!, this.off === 0 ? bares[0]! : '', sfx);
  }

  /**
   * Checks every unique index for the row's key against the latest state; sets conflictRef /
   * conflictIndex. For an update (`cur` = the current version), unchanged keys are skipped.
   */
  private checkUnique(t: TxnImpl, bares: readonly string[], row: readonly Value[], cur: Version | null, self: number): number {
    const idx = this.idx;
    let wait = -1;
    for (let ii = 0; ii < idx.length; ii++) {
      const st = idx[ii]!;
      if (st.map === null) continue;
      if (!st.primary && hasNull(row, st.cols)) continue;
      const bare = bares[ii]!;
      if (cur !== null && entryHasBare(cur.keys![ii]!, bare)) continue;
      const c = st.map.get(bare);
      if (c === undefined) continue;
      if (typeof c === 'number') {
        const r = this.conflictWith(t, ii, bare, c, self);
        if (r === DUPLICATE) return DUPLICATE;
        if (r === MUST_WAIT && wait < 0) wait = c;
      } else {
        for (const ref of c) {
          const r = this.conflictWith(t, ii, bare, ref, self);
          if (r === DUPLICATE) return DUPLICATE;
          if (r === MUST_WAIT && wait < 0) wait = ref;
        }
      }
    }
    if (wait >= 0) {
      this.conflictRef = wait;
      return MUST_WAIT;
    }
    return NO_CONFLICT;
  }

  private conflictWith(t: TxnImpl, ii: number, bare: string, ref: number, self: number): number {
    if (ref === self) return NO_CONFLICT;
    const h = this.heads[ref] ?? null;
    if (h === null) return NO_CONFLICT;
    if (h.txn !== null && h.txn !== t) {
      // Another txn's work in progress: the key is taken if its new version or the committed one has it.
      let c = h.prev;
      while (c !== null && c.txn !== null) c = c.prev;
      const mine = h.row !== null && entryHasBare(h.keys![ii]!, bare);
      const before = c !== null && c.row !== null && entryHasBare(c.keys![ii]!, bare);
      return mine || before ? MUST_WAIT : NO_CONFLICT;
    }
    if (h.row !== null && entryHasBare(h.keys![ii]!, bare)) {
      this.conflictRef = ref;
      this.conflictIndex = ii;
      return DUPLICATE;
    }
    return NO_CONFLICT;
  }

  /** Waits for the lock on `ref`, retries, and gives the lock back unless that row turned out to be the duplicate. */
  private async waitAndRetry(t: TxnImpl, ref: number, retry: () => MaybePromise<InsertResult>): Promise<InsertResult> {
    const locks = this.txns.locks;
    const space = this.space;
    this.materializeLock(ref);
    await locks.acquire(t, space, ref);
    const res = await retry();
    if (res.ok || res.conflict !== ref) locks.release(t, space, ref);
    return res;
  }

  private allocSlot(): number {
    const free = this.free;
    const locks = this.txns.locks;
    while (free.length > 0) {
      const r = free.pop()!;
      if (this.heads[r] !== null) continue; // already reused
      if (locks.isFree(this.space, r)) return r;
      this.parked.push(r);
    }
    this.heads.push(null);
    return this.heads.length - 1;
  }

  private addEntry(ii: number, key: string, ref: number, row: readonly Value[]): void {
    const st = this.idx[ii]!;
    st.tree.set(key, ref);
    if (st.map !== null && (st.primary || !hasNull(row, st.cols))) mapAdd(st.map, key.slice(0, -2), ref);
  }

  /** Drops v's index entries that no version from `rest` on still has. */
  private removeEntries(v: Version, ref: number, rest: Version | null): void {
    const r = this.reshaping;
    if (r !== null && r.kind === 'drop') {
      // GC reached a slot an index drop has not: its keys still have the dropped index's.
      this.unindexChain(v, r.at);
      this.unindexChain(rest, r.at);
    }
    const keys = v.keys!;
    for (let ii = 0; ii < keys.length; ii++) {
      const key = keys[ii]!;
      if (chainHasKey(rest, ii, key)) continue;
      const st = this.idx[ii]!;
      if (st.tree.delete(key) && st.map !== null) mapRemove(st.map, key.slice(0, -2), ref);
    }
  }

  // ---- WriteTarget: commit, rollback, GC -----------------------------------------------------

  liveEpoch(): number {
    return this.epoch;
  }

  rowIdOf(ref: number): number | undefined {
    return this.off === 1 ? this.rowIds[ref] : undefined;
  }

  /** Whether the table has no primary key (rows are identified by a hidden row id). */
  get keyless(): boolean {
    return this.off === 1;
  }

  // ---- recovery ------------------------------------------------------------------------------

  /** Recovery: inserts a row of a table without a primary key under the hidden row id it had. */
  insertWithRowId(txn: Txn, row: readonly Value[], rowId: number): MaybePromise<InsertResult> {
    invariant(this.off === 1, 'a row id for a table with a primary key');
    this.forcedRowId = rowId;
    try {
      return this.insert(txn, row);
    } finally {
      this.forcedRowId = null;
    }
  }

  /** Recovery: the slot holding the hidden row id (tables without a primary key). */
  refOfRowId(rowId: number): RowRef | undefined {
    invariant(this.off === 1, 'a row id lookup in a table with a primary key');
    return this.idx[0]!.tree.get(encodeValue(T.bigint, rowId));
  }

  undoWrite(ref: number, v: Version, epoch: number): void {
    if (epoch !== this.epoch) return;
    invariant(this.heads[ref] === v, 'undo out of order');
    this.heads[ref] = v.prev;
    if (v.row !== null) this.removeEntries(v, ref, v.prev);
    if (v.prev === null) this.free.push(ref);
  }

  commitWrite(ref: number, ts: number, epoch: number): void {
    if (epoch !== this.epoch) return;
    const h = this.heads[ref] ?? null;
    if (h === null || h.txn === null) return; // rolled back, or folded by an earlier record of this commit
    let c = h.prev;
    let mids: Version[] | null = null;
    while (c !== null && c.txn !== null) {
      (mids ??= []).push(c);
      c = c.prev;
    }
    h.prev = c;
    if (mids !== null) for (const m of mids) if (m.row !== null) this.removeEntries(m, ref, h);
    this.live += (h.row !== null ? 1 : 0) - (c !== null && c.row !== null ? 1 : 0);
    h.ts = ts;
    h.txn = null;
    this.gcRefs.push(ref);
    this.gcTs.push(ts);
    this.txns.markPendingGc(this, true);
  }

  collect(horizon: number, budget: number): boolean {
    const refs = this.gcRefs;
    const tss = this.gcTs;
    let i = this.gcHead;
    const stop = budget >= refs.length - i ? refs.length : i + budget;
    while (i < stop && tss[i]! <= horizon) this.prune(refs[i++]!, horizon);
    const more = i < refs.length && tss[i]! <= horizon;
    if (i === refs.length) {
      refs.length = 0;
      tss.length = 0;
      i = 0;
    } else if (i > 4096 && i * 2 > refs.length) {
      this.gcRefs = refs.slice(i);
      this.gcTs = tss.slice(i);
      i = 0;
    }
    this.gcHead = i;
    if (this.parked.length > 0) {
      for (const r of this.parked) this.free.push(r);
      this.parked = [];
    }
    this.txns.markPendingGc(this, this.gcRefs.length > this.gcHead);
    return more;
  }

  /** Drops versions older than the newest one committed at or before the horizon; frees a slot whose row is deleted for everyone. */
  private prune(ref: number, horizon: number): void {
    const head = this.heads[ref] ?? null;
    if (head === null) return;
    let c: Version | null = head;
    while (c !== null && (c.txn !== null || c.ts > horizon)) c = c.prev;
    if (c === null) return;
    let p = c.prev;
    c.prev = null;
    for (; p !== null; p = p.prev) if (p.row !== null) this.removeEntries(p, ref, head);
    if (c === head && c.row === null) {
      this.heads[ref] = null;
      this.free.push(ref);
    }
  }

  // ---- DDL -----------------------------------------------------------------------------------

  /** Removes every row (TRUNCATE). Undo records of in-flight txns on the old rows become no-ops. */
  truncate(): void {
    this.epoch++;
    this.heads = [];
    this.rowIds = [];
    this.free = [];
    this.parked = [];
    this.gcRefs = [];
    this.gcTs = [];
    this.gcHead = 0;
    this.live = 0;
    const fresh = this.idx.map((st) => ({ ...st, tree: new BTree(), map: st.map === null ? null : new Map() }));
    this.idx.length = 0;
    this.idx.push(...fresh);
    this.space = this.txns.locks.space(this.partitionId, this.tableId);
    this.txns.markPendingGc(this, false);
  }

  /** @internal Partition.dropTable */
  drop(): void {
    this.truncate();
  }

  /**
   * Adds a secondary index built from the current rows, in one go (recovery replay, small tables,
   * tests); ER_DUP_ENTRY for a unique index with duplicates, the table then left as it was.
   */
  addIndex(index: IndexSchema): void {
    const build = this.beginAddIndex(index);
    try {
      build.advance(never);
    } catch (e) {
      build.undo(never);
      throw e;
    }
    build.publish();
  }

  /**
   * Starts adding a secondary index; the caller drives the build a bounded step at a time (see
   * IndexBuild) so a big table never holds the thread. Until publish() the index is in no read
   * path: it is not in the schema (so no plan names it and a snapshot taken meanwhile holds the
   * table without it), while the versions gain its entry keys slot by slot.
   *
   * While the build is suspended, the table's exclusive metadata lock keeps statements away from
   * it; what may still run is version GC (prune), which drops entries of versions it frees from
   * whichever indexes those versions have keys for, and a snapshot, which scans the primary key.
   */
  beginAddIndex(index: IndexSchema): IndexBuild {
    if (index.primary) throw new UnsupportedError('adding a PRIMARY KEY to an existing table');
    const lname = index.name.toLowerCase();
    if (this.schemaNow.indexes.some((x) => x.name.toLowerCase() === lname)) {
      throw new SqlError('ER_DUP_KEYNAME', `Duplicate key name '${index.name}'`);
    }
    invariant(this.reshaping === null, `table ${this.schemaNow.name} is already changing an index`);
    const st = this.indexState(index);
    const ii = this.idx.length;
    const epoch = this.epoch;
    this.idx.push(st);
    const work: Reshape = { kind: 'add', at: ii };
    this.reshaping = work;
    let next = 0; // slots below are indexed
    let undoNext = 0;
    let state: 'building' | 'built' | 'published' | 'undone' = 'building';
    const same = (): void => invariant(this.epoch === epoch && this.idx[ii] === st && this.reshaping === work, 'the table changed under an index build');
    return {
      advance: (yieldNow) => {
        if (state === 'built') return true;
        invariant(state === 'building', `advance of a ${state} index build`);
        same();
        while (next < this.heads.length) {
          const stop = Math.min(this.heads.length, next + RESHAPE_STEP);
          while (next < stop) {
            this.indexSlot(st, ii, next); // throws ER_DUP_ENTRY before touching the slot
            next++;
          }
          if (next < this.heads.length && yieldNow()) return false;
        }
        state = 'built';
        return true;
      },
      publish: () => {
        invariant(state === 'built', `publish of a ${state} index build`);
        same();
        this.schemaNow = { ...this.schemaNow, indexes: [...this.schemaNow.indexes, index] };
        this.reshaping = null;
        state = 'published';
      },
      undo: (yieldNow) => {
        if (state === 'undone') return true;
        invariant(state === 'building' || state === 'built', `undo of a ${state} index build`);
        same();
        const heads = this.heads;
        while (undoNext < heads.length) {
          const stop = Math.min(heads.length, undoNext + RESHAPE_STEP * 4);
          for (; undoNext < stop; undoNext++) {
            for (let v = heads[undoNext] ?? null; v !== null; v = v.prev) if (v.keys !== null && v.keys.length > ii) v.keys.length = ii;
          }
          if (undoNext < heads.length && yieldNow()) return false;
        }
        this.idx.pop();
        this.reshaping = null;
        state = 'undone';
        return true;
      },
    };
  }

  /**
   * Indexes every version of slot `ref` that lacks an entry in internal index ii. A unique
   * index first checks the slot's newest version against the rows indexed so far (the check
   * ALTER makes: two current rows with one key), and throws before changing anything.
   */
  private indexSlot(st: IndexState, ii: number, ref: number): void {
    const head = this.heads[ref] ?? null;
    if (head === null) return;
    const sfx = refSuffix(ref);
    for (let v: Version | null = head; v !== null; v = v.prev) {
      const row = v.row;
      if (row === null) continue;
      const keys = v.keys!;
      if (keys.length > ii) continue; // indexed already (written since the build began)
      invariant(keys.length === ii, 'a version is missing an earlier index');
      const bare = encodeRowKey(st.types, st.cols, row);
      if (v === head && st.map !== null && !hasNull(row, st.cols)) this.checkNewUnique(st, ii, bare, ref, row);
      const key = flatConcat(bare, st.unique || this.off === 1 ? '' : keys[0]!.slice(0, -2), sfx);
      keys.push(key);
      this.addEntry(ii, key, ref, row);
    }
  }

  /** ER_DUP_ENTRY when another slot's newest version, indexed already, has the key `bare`. */
  private checkNewUnique(st: IndexState, ii: number, bare: string, ref: number, row: readonly Value[]): void {
    const c = st.map!.get(bare);
    if (c === undefined) return;
    for (const r of typeof c === 'number' ? [c] : c) {
      if (r === ref) continue;
      const h = this.heads[r] ?? null;
      if (h === null || h.row === null || h.keys!.length <= ii || !entryHasBare(h.keys![ii]!, bare)) continue;
      const vals = st.cols.map((col) => row[col]!);
      throw new SqlError('ER_DUP_ENTRY', `Duplicate entry '${formatKeyForError(vals, st.types)}' for key '${this.schemaNow.name}.${st.schema!.name}'`);
    }
  }

  /** Drops a secondary index in one go (recovery replay, tests); later index positions shift down by one. */
  dropIndex(name: string): void {
    const drop = this.beginDropIndex(name);
    drop.advance(never);
    drop.publish();
  }

  /**
   * Starts dropping a secondary index; the caller drives it a bounded step at a time (IndexDrop).
   * The index leaves the read and write paths at once; each version loses its entry key slot by
   * slot; the schema names the index until publish(), so a snapshot taken meanwhile holds the
   * table with it (and replays the drop from the log). GC of a slot not yet reached drops the
   * key first (see prune).
   */
  beginDropIndex(name: string): IndexDrop {
    const lname = name.toLowerCase();
    const i = this.schemaNow.indexes.findIndex((x) => x.name.toLowerCase() === lname);
    if (i < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP '${name}'; check that column/key exists`);
    if (this.schemaNow.indexes[i]!.primary) throw new UnsupportedError('dropping the PRIMARY KEY');
    invariant(this.reshaping === null, `table ${this.schemaNow.name} is already changing an index`);
    const ii = i + this.off;
    const epoch = this.epoch;
    this.idx.splice(ii, 1);
    const work: Reshape = { kind: 'drop', at: ii };
    this.reshaping = work;
    // A version still has the dropped index's key while its keys are one longer than the indexes.
    let next = 0;
    let state: 'dropping' | 'dropped' | 'published' = 'dropping';
    return {
      advance: (yieldNow) => {
        if (state === 'dropped') return true;
        invariant(state === 'dropping' && this.epoch === epoch && this.reshaping === work, 'the table changed under an index drop');
        while (next < this.heads.length) {
          const stop = Math.min(this.heads.length, next + RESHAPE_STEP * 4);
          for (; next < stop; next++) this.unindexSlot(next, ii);
          if (next < this.heads.length && yieldNow()) return false;
        }
        state = 'dropped';
        return true;
      },
      publish: () => {
        invariant(state === 'dropped' && this.epoch === epoch && this.reshaping === work, `publish of an index drop that is ${state}`);
        this.schemaNow = { ...this.schemaNow, indexes: this.schemaNow.indexes.filter((_, j) => j !== i) };
        this.reshaping = null;
        state = 'published';
      },
    };
  }

  /** Removes the key at ii from every version of the slot that still has the dropped index's key. */
  private unindexSlot(ref: number, ii: number): void {
    this.unindexChain(this.heads[ref] ?? null, ii);
  }

  /** Removes the key at ii from v and the versions before it that still have one key more than the table has indexes. */
  private unindexChain(from: Version | null, ii: number): void {
    const n = this.idx.length;
    for (let v = from; v !== null; v = v.prev) if (v.keys !== null && v.keys.length > n) v.keys.splice(ii, 1);
  }
}

/** A secondary index being added (RowTable.beginAddIndex). */
export interface IndexBuild {
  /**
   * Indexes more rows: true once every row is indexed, false when `yieldNow()` (asked between
   * steps of a few hundred slots) said to let others run first. A duplicate in a unique index
   * throws ER_DUP_ENTRY; so does `yieldNow()` when it throws (a KILL): either way the build
   * must then be undone. Once it returned true, it returns true at once.
   */
  advance(yieldNow: () => boolean): boolean;
  /** Makes the built index part of the table's schema, in one step. */
  publish(): void;
  /** Takes out what was built, in steps as advance (true when the table is as before, and at once after that); it must run to the end. */
  undo(yieldNow: () => boolean): boolean;
}

/** A secondary index being dropped (RowTable.beginDropIndex); it must run to the end and be published. */
export interface IndexDrop {
  /** Drops more of the index's keys: true once none is left (and at once after that), false when `yieldNow()` said to let others run. */
  advance(yieldNow: () => boolean): boolean;
  /** Takes the index out of the table's schema, in one step. */
  publish(): void;
}

/** An index change under way in steps: the internal position of the index being added or dropped. */
interface Reshape {
  readonly kind: 'add' | 'drop';
  readonly at: number;
}

/** Slots an index build handles between looks at the clock (a few hundred µs of work). */
const RESHAPE_STEP = 64;

const never = (): boolean => false;

import type { Logger } from 'pino';
import type { Value } from '../common/value.js';
import type { SqlType } from '../common/types.js';
import type { BoundExpr } from '../common/ir/expr.js';
import type { Access, PhysicalPlan } from '../common/ir/physical.js';
import { planInputs } from '../common/ir/physical.js';
import { lockScannedRows, onlyLocked, type LockedRows } from './locking-read.js';
import { integerAtLeast, integerAtMost, integerKeyParts, isExactInteger } from './integer-keys.js';
import { implicitDefault } from '../common/implicit-default.js';
import type { WireBatch } from '../common/ir/batch.js';
import { SqlError } from '../common/errors.js';
import { invariant } from '../common/assert.js';
import { castToType } from '../common/cast.js';
import type { ErrorCodeName } from '../common/error-codes.js';
import { ErrorCodes } from '../common/error-codes.js';
import { Partition, TxnManager, formatKeyForError } from '../storage/index.js';
import type { LeafStore } from '../storage/index.js';
import type { IndexBuild, ReadView, RowTable, Txn, KeyBound, InsertResult as StorageInsertResult, TableSchema } from '../storage/index.js';
import type { ExecContext, Batch, Operator } from '../exec/index.js';
import { Pacer, compileExpr, evalConst, instantiate, isTrue, rowBatch, typedBatch, valueBytes } from '../exec/index.js';
import { FragmentRun, readAll } from './fragment-run.js';
import { valueAt, valuesOf } from '../common/vector.js';
import { compareValues } from '../common/compare.js';
import type {
  ExecInputs,
  FragmentChunk,
  IndexChangeOptions,
  LeafIndexSchema,
  FragmentRequest,
  InsertOutcome,
  InsertRequest,
  InsertResult,
  LeafApi,
  LeafTableSchema,
  ModifyRequest,
  ModifyResult,
  TransactionOptions,
} from '../net/leaf-api.js';

const BATCH = 2048;
const INSERTED: InsertOutcome = { kind: 'inserted' };
const SKIPPED: InsertOutcome = { kind: 'skipped' };

interface Warning {
  code: number;
  message: string;
}

/**
 * A leaf: hosts partitions of databases and runs what aggregators send — plan fragments over
 * the partitions they name, writes, and the transaction calls that bracket them.
 */
export class LeafServer implements LeafApi {
  private readonly txns = new TxnManager();
  /** db (lower case) → partition ordinal → partition */
  private readonly partitions = new Map<string, Map<number, Partition>>();
  private readonly schemas = new Map<string, Map<number, LeafTableSchema>>();
  /** Aggregator transaction id → storage transaction on this leaf. */
  private readonly open = new Map<number, Txn>();
  /** Statement (query id) → pacers of what runs for it here: cancelQuery stops them. */
  private readonly running = new Map<number, Set<Pacer>>();
  /** Recently cancelled query ids, oldest first: a request that arrives after its cancel fails at once. */
  private readonly cancelled = new Set<number>();

  constructor(
    readonly nodeId: string,
    private readonly log: Logger,
    /** The partitions' logs and snapshots on disk; null keeps everything in memory only. */
    private readonly store: LeafStore | null = null,
  ) {}

  /** Recovers the partitions and table schemas from the store (before serving anything). */
  async recover(): Promise<void> {
    if (!this.store) return;
    for (const [db, parts] of await this.store.recover(this.txns)) {
      this.partitions.set(db, parts);
      const schemas = new Map<number, LeafTableSchema>();
      for (const p of parts.values()) for (const t of p.allTables()) schemas.set(t.tableId, t.schema);
      this.schemas.set(db, schemas);
    }
  }

  /** Shutdown: stops what runs, aborts open transactions, flushes the logs. */
  async close(): Promise<void> {
    for (const pacers of this.running.values()) for (const p of pacers) p.stop(new SqlError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress'));
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.all(open.map((txn) => txn.rollback()));
    await this.store?.close();
  }

  // ───────────────────────────── DDL ─────────────────────────────

  async createDatabase(db: string, partitions: readonly number[]): Promise<void> {
    this.store?.checkWritable();
    if (this.partitions.has(db.toLowerCase())) return; // recovered from disk already
    const map = new Map<number, Partition>();
    for (const p of partitions) map.set(p, new Partition(p, this.txns));
    this.partitions.set(db.toLowerCase(), map);
    this.schemas.set(db.toLowerCase(), new Map());
    await this.store?.createDatabase(db, map);
    this.log.debug({ db, partitions: partitions.length }, 'database partitions created');
  }

  async dropDatabase(db: string): Promise<void> {
    this.store?.checkWritable();
    this.partitions.delete(db.toLowerCase());
    this.schemas.delete(db.toLowerCase());
    await this.store?.dropDatabase(db);
  }

  async createTable(db: string, partitions: readonly number[], schema: LeafTableSchema): Promise<void> {
    this.store?.checkWritable();
    const parts = this.dbPartitions(db);
    if (this.schemas.get(db.toLowerCase())?.has(schema.id)) return; // recovered from disk already
    for (const p of partitions) parts.get(p)?.createTable(schema);
    this.schemas.get(db.toLowerCase())!.set(schema.id, schema);
    await this.store?.logDdl(db, partitions, (ts) => ({ kind: 'createTable', ts, schema }));
  }

  async dropTable(db: string, tableId: number): Promise<void> {
    this.store?.checkWritable();
    for (const p of this.dbPartitions(db).values()) p.dropTable(tableId);
    this.schemas.get(db.toLowerCase())?.delete(tableId);
    await this.store?.logDdl(db, null, (ts) => ({ kind: 'dropTable', ts, tableId }));
  }

  async truncateTable(db: string, tableId: number): Promise<void> {
    this.store?.checkWritable();
    for (const p of this.dbPartitions(db).values()) p.table(tableId)?.truncate();
    await this.store?.logDdl(db, null, (ts) => ({ kind: 'truncate', ts, tableId }));
  }

  /**
   * Adds a secondary index to every partition of the table, all or nothing: the partitions build
   * it in slices of a few ms with the thread free in between (so other statements are answered
   * meanwhile), then it appears in all of them at once, in the same step as its log record (a
   * snapshot never holds it half built; a crash before the record leaves the table without it).
   * A duplicate in a unique index (1062), KILL QUERY (1317) or shutdown stop the build, and what
   * was built is taken out again before the error is returned.
   */
  async addIndex(db: string, tableId: number, index: LeafIndexSchema, opts: IndexChangeOptions = {}): Promise<void> {
    this.store?.checkWritable();
    const lname = index.name.toLowerCase();
    // A table that has it was recovered from disk with it already.
    const tables = this.tablesOf(db, tableId).filter((t) => !t.schema.indexes.some((x) => x.name.toLowerCase() === lname));
    if (tables.length === 0) return;
    const pacer = this.startQuery(opts, null);
    const builds: IndexBuild[] = [];
    try {
      for (const t of tables) builds.push(t.beginAddIndex(index));
      for (const b of builds) while (!b.advance(() => pacer.shouldPause())) await pacer.resume();
      // Stopped while the last slice ran: the statement fails as stopped, changing nothing.
      pacer.check();
    } catch (e) {
      await this.inSlices((yieldNow) => builds.every((b) => b.undo(yieldNow)));
      throw e;
    } finally {
      this.endQuery(opts, pacer);
    }
    for (const b of builds) b.publish();
    await this.store?.logDdl(db, null, (ts) => ({ kind: 'addIndex', ts, tableId, index }));
  }

  /**
   * Drops a secondary index from every partition of the table that has it, in slices as
   * addIndex builds one (it is not stopped by KILL: dropping takes far less than building), then
   * takes it out of their schemas in the same step as its log record.
   */
  async dropIndex(db: string, tableId: number, name: string): Promise<void> {
    this.store?.checkWritable();
    const lname = name.toLowerCase();
    const tables = this.tablesOf(db, tableId).filter((t) => t.schema.indexes.some((x) => x.name.toLowerCase() === lname));
    if (tables.length === 0) return;
    const drops = tables.map((t) => t.beginDropIndex(name));
    await this.inSlices((yieldNow) => drops.every((d) => d.advance(yieldNow)));
    for (const d of drops) d.publish();
    await this.store?.logDdl(db, null, (ts) => ({ kind: 'dropIndex', ts, tableId, name }));
  }

  /** The secondary and primary indexes of a table as its partitions hold them (they all agree); empty when none holds it. */
  async tableIndexes(db: string, tableId: number): Promise<readonly LeafIndexSchema[]> {
    const parts = this.partitions.get(db.toLowerCase());
    for (const p of parts?.values() ?? []) {
      const t = p.table(tableId);
      if (t) return t.schema.indexes;
    }
    return [];
  }

  private tablesOf(db: string, tableId: number): RowTable[] {
    const out: RowTable[] = [];
    for (const p of this.dbPartitions(db).values()) {
      const t = p.table(tableId);
      if (t) out.push(t);
    }
    return out;
  }

  /**
   * Runs `step` (which does a bounded piece of work per `yieldNow()` it asks, and returns true when
   * all is done) until it is done, with the thread free between slices. Nothing stops it.
   */
  private async inSlices(step: (yieldNow: () => boolean) => boolean): Promise<void> {
    const pacer = new Pacer();
    while (!step(() => pacer.shouldPause())) await pacer.resume();
  }

  async inventory(): Promise<{ db: string; tableIds: number[] }[]> {
    return [...this.schemas].map(([db, tables]) => ({ db, tableIds: [...tables.keys()] }));
  }

  async rowCount(db: string, tableId: number): Promise<number> {
    let n = 0;
    for (const p of this.partitions.get(db.toLowerCase())?.values() ?? []) n += p.table(tableId)?.approxRowCount() ?? 0;
    return n;
  }

  // ───────────────────────────── reads ─────────────────────────────

  async runFragment(req: FragmentRequest): Promise<WireBatch[]> {
    return readAll(await this.openFragment(req));
  }

  /**
   * Starts a fragment: one instantiation of its operators, run a chunk at a time as the
   * aggregator asks (FragmentRun), pausing whenever its slice is used up so short statements are
   * not stuck behind an analytical one. The read view is taken once, so every chunk reads the
   * same snapshot; storage iterators re-seek after concurrent writes.
   */
  async openFragment(req: FragmentRequest): Promise<FragmentChunk> {
    const txn = req.txnId === null ? null : this.txnFor(req.txnId, req.lockWaitTimeoutMs);
    const pacer = this.startQuery(req, txn);
    let view: ReadView | null = null;
    const end = (): void => {
      // A released view stops holding back version garbage collection.
      if (view !== null) this.txns.release(view);
      view = null;
      this.endQuery(req, pacer);
    };
    try {
      const parts = this.dbPartitions(req.db);
      const partitions = req.partitions.map((pid) => {
        const partition = parts.get(pid);
        invariant(partition, `partition ${pid} of ${req.db} is not on leaf ${this.nodeId}`);
        return partition;
      });
      const locked = req.lockRows === true && txn !== null ? await this.lockRows(req, partitions, txn, pacer) : null;
      // One view serves every partition: they share this leaf's commit clock. A locking read returns
      // the latest versions it locked; a plain read its transaction's consistent view.
      const v = (view = locked !== null ? this.txns.currentView(txn!) : this.txns.view(txn));
      const over = (group: readonly Partition[]): Operator => instantiate(req.fragment, this.context(req, pacer, (node, c) => this.scanRows(group, node, v, c, locked)));
      // A single-table fragment runs over the union of its partitions (one instantiation; partial
      // aggregates, top-N and limits cut across them); anything with several scans (a co-located
      // join) must pair rows partition by partition.
      const op = scanCount(req.fragment) <= 1 ? over(partitions) : concat(partitions.map((p) => () => over([p])));
      // A transaction rolled back while the fragment waited (its session closed) ends it.
      const alive = (): void => {
        if (txn !== null && txn.state !== 'active') throw interrupted();
      };
      return await new FragmentRun(op, pacer, end, alive).next();
    } catch (e) {
      end();
      throw e;
    }
  }

  async cancelQuery(queryId: number): Promise<void> {
    this.cancelled.add(queryId);
    if (this.cancelled.size > CANCELLED_KEPT) this.cancelled.delete(this.cancelled.values().next().value!);
    for (const p of this.running.get(queryId) ?? []) p.stop(interrupted());
  }

  /** The pacer of a request, registered under its query id so cancelQuery reaches it. */
  private startQuery(inputs: Pick<ExecInputs, 'queryId' | 'memoryLimit'>, txn: Txn | null): Pacer {
    if (inputs.queryId !== undefined && this.cancelled.has(inputs.queryId)) throw interrupted();
    const pacer = new Pacer(inputs.memoryLimit !== undefined ? { memoryLimit: inputs.memoryLimit } : {});
    if (inputs.queryId !== undefined) {
      let set = this.running.get(inputs.queryId);
      if (set === undefined) this.running.set(inputs.queryId, (set = new Set()));
      set.add(pacer);
    }
    // A stopped statement waiting for a row lock stops waiting.
    if (txn !== null) pacer.whenStopped((err) => this.txns.cancelLockWait(txn, err));
    return pacer;
  }

  private endQuery(inputs: Pick<ExecInputs, 'queryId'>, pacer: Pacer): void {
    if (inputs.queryId === undefined) return;
    const set = this.running.get(inputs.queryId);
    set?.delete(pacer);
    if (set?.size === 0) this.running.delete(inputs.queryId);
  }

  /** Pass 1 of a locking read (see locking-read.ts). */
  private lockRows(req: FragmentRequest, partitions: readonly Partition[], txn: Txn, pacer: Pacer): Promise<LockedRows> {
    const ctx = this.context(req, pacer, () => []);
    const tablesOf = (scan: Extract<PhysicalPlan, { kind: 'scan' }>): RowTable[] =>
      partitions.map((p) => {
        const t = p.table(scan.tableId);
        if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${scan.db}.${scan.table}' doesn't exist`);
        return t;
      });
    return lockScannedRows(req.fragment, tablesOf, txn, this.txns, (t, access, view, columns) => this.accessRows(t, access, view, columns, ctx), ctx);
  }

  private *scanRows(
    partitions: readonly Partition[],
    node: Extract<PhysicalPlan, { kind: 'scan' }>,
    view: ReadView,
    ctx: ExecContext,
    locked: LockedRows | null,
  ): Iterable<Batch> {
    for (const partition of partitions) {
      const table = partition.table(node.tableId);
      if (!table) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${node.db}.${node.table}' doesn't exist`);
      for (const raw of this.accessRows(table, node.access, view, node.columns, ctx)) {
        const chunk = locked === null ? raw : onlyLocked(raw, locked.get(table));
        if (chunk.length > 0) yield typedBatch(chunk.columns, node.types, chunk.length);
      }
    }
  }

  /** Rows through the chosen access path; keys are cast to the index column types first. */
  private *accessRows(table: RowTable, access: Access, view: ReadView, columns: readonly number[], ctx: ExecContext): Iterable<{ length: number; refs: readonly number[]; columns: Value[][] }> {
    switch (access.kind) {
      case 'full':
        yield* table.scan(view, columns, BATCH);
        return;
      case 'point': {
        const ix = table.schema.indexes[access.index]!;
        const types = ix.columns.map((c) => table.schema.columns[c]!.type);
        const seen = new Set<number>();
        const cols: Value[][] = columns.map(() => []);
        const refs: number[] = [];
        for (const keyExprs of access.keys) {
          const values = keyExprs.map((e) => evalConst(e, ctx));
          const asIntegers = integerKeyParts(values, types);
          if (asIntegers === 'none') continue;
          if (asIntegers !== null && asIntegers.some((p) => p.lo !== p.hi)) {
            // A double beyond 2^53 names a few integers: a short range (or, on a key of several
            // columns, the whole table) holds them, and the filter above picks the right rows.
            const span = asIntegers.length === 1 ? castKey([asIntegers[0]!.lo, asIntegers[0]!.hi], [types[0]!, types[0]!]) : null;
            const chunks = span !== null ? table.range(view, access.index, { key: [span[0]!], inclusive: true }, { key: [span[1]!], inclusive: true }, columns, BATCH) : table.scan(view, columns, BATCH);
            for (const chunk of chunks) {
              for (let r = 0; r < chunk.length; r++) {
                const ref = chunk.refs[r]!;
                if (seen.has(ref)) continue;
                seen.add(ref);
                refs.push(ref);
                for (let c = 0; c < columns.length; c++) cols[c]!.push(chunk.columns[c]![r]!);
              }
            }
            continue;
          }
          const key = castKey(asIntegers === null ? values : asIntegers.map((p) => p.lo), types);
          if (!key) continue;
          const ref = table.lookup(view, access.index, key);
          if (ref === undefined || seen.has(ref)) continue;
          const row = table.read(view, ref);
          if (!row) continue;
          seen.add(ref);
          refs.push(ref);
          for (let c = 0; c < columns.length; c++) cols[c]!.push(row[columns[c]!]!);
        }
        if (refs.length) yield { length: refs.length, refs, columns: cols };
        return;
      }
      case 'range': {
        const ix = table.schema.indexes[access.index]!;
        const types = ix.columns.map((c) => table.schema.columns[c]!.type);
        const bound = (b: { key: readonly BoundExpr[]; inclusive: boolean } | undefined, side: 'lo' | 'hi'): KeyBound | undefined | null => {
          if (!b) return undefined;
          const values = b.key.map((e) => evalConst(e, ctx));
          // A DOUBLE or DECIMAL bound on an integer column: the nearest integer inside it, inclusive.
          if (values.length === 1 && types[0]!.kind === 'int' && values[0] !== null && !isExactInteger(values[0]!)) {
            const i = side === 'lo' ? integerAtLeast(values[0]!) : integerAtMost(values[0]!);
            if (i === null) return undefined;
            const key = castKey([i], types);
            return key ? { key, inclusive: true } : null;
          }
          const key = castKey(values, types);
          return key ? { key, inclusive: b.inclusive } : null;
        };
        const lo = bound(access.lo, 'lo');
        const hi = bound(access.hi, 'hi');
        if (lo === null || hi === null) return; // a NULL bound matches nothing
        yield* table.range(view, access.index, lo, hi, columns, BATCH, access.reverse);
        return;
      }
    }
  }

  // ───────────────────────────── writes ─────────────────────────────

  async insert(req: InsertRequest): Promise<InsertResult> {
    const txn = this.requireTxn(req.txnId, req.lockWaitTimeoutMs);
    const pacer = this.startQuery(req, txn);
    try {
      return await this.insertRows(req, txn, pacer);
    } finally {
      this.endQuery(req, pacer);
    }
  }

  private async insertRows(req: InsertRequest, txn: Txn, pacer: Pacer): Promise<InsertResult> {
    const table = this.table(req.db, req.partition, req.tableId);
    let lastInsertId: number | bigint | undefined;
    const ctx = this.context(req, pacer, () => [], [], (id) => (lastInsertId = id));
    const warnings: Warning[] = [];
    const onDup = req.onDuplicate?.map((a) => ({ column: a.column, fn: compileExpr(a.expr) }));
    const types = table.schema.columns.map((c) => c.type);
    const auto = req.autoIncrementColumn;
    const outcomes: InsertOutcome[] = [];
    let affected = 0;
    for (let n = 0; n < req.rows.length; n++) {
      const row = req.rows[n]!;
      // A long insert shares the thread and can be stopped between rows.
      if ((n & 255) === 255 && pacer.shouldPause()) await pacer.resume();
      let res = table.insert(txn, row);
      if (res instanceof Promise) res = await res;
      if (res.ok) {
        affected++;
        outcomes.push(INSERTED);
        continue;
      }
      switch (req.mode) {
        case 'ignore':
          warnings.push({ code: ErrorCodes.ER_DUP_ENTRY.errno, message: duplicateKeyError(table.schema, res.index, row).message });
          outcomes.push(SKIPPED);
          continue;
        case 'replace': {
          // REPLACE: delete every conflicting row, then insert (each deletion counts).
          let attempt: StorageInsertResult = res;
          let deleted = 0;
          for (let guard = 0; !attempt.ok && guard < 64; guard++) {
            await maybe(table.lockRow(txn, attempt.conflict));
            table.delete(txn, attempt.conflict);
            deleted++;
            const next = table.insert(txn, row);
            attempt = next instanceof Promise ? await next : next;
          }
          invariant(attempt.ok, 'REPLACE could not resolve its conflicts');
          affected += deleted + 1;
          outcomes.push({ kind: 'replaced', deleted });
          continue;
        }
        case 'insert': {
          if (!onDup) throw duplicateKeyError(table.schema, res.index, row);
          await maybe(table.lockRow(txn, res.conflict));
          const existing = table.readLatest(txn, res.conflict);
          invariant(existing, 'conflicting row vanished under its lock');
          const updated = [...existing];
          // Assignments see [current row…, inserted row…]; later ones see earlier results.
          for (const a of onDup) {
            const v = valueAt(a.fn(rowBatch([...updated, ...row]), ctx), 0);
            updated[a.column] = castForColumn(v, types[a.column]!, table.schema.columns[a.column]!.name, true, ctx);
            checkNotNull(updated[a.column]!, table.schema.columns[a.column]!);
          }
          const autoValue = auto === undefined ? null : updated[auto]!;
          if (sameRow(existing, updated, types)) {
            outcomes.push({ kind: 'unchanged', autoValue }); // 0 affected (1 with CLIENT_FOUND_ROWS)
            continue;
          }
          for (const t of req.touch ?? []) updated[t.column] = t.value;
          const u = await maybe(table.update(txn, res.conflict, updated));
          if (!u.ok) throw duplicateKeyError(table.schema, u.index, updated);
          affected += 2;
          outcomes.push({ kind: 'updated', autoValue });
          continue;
        }
      }
    }
    return { affectedRows: affected, outcomes, warnings, ...(lastInsertId !== undefined ? { lastInsertId } : {}) };
  }

  async modify(req: ModifyRequest, kind: 'update' | 'delete'): Promise<ModifyResult> {
    const txn = this.requireTxn(req.txnId, req.lockWaitTimeoutMs);
    const pacer = this.startQuery(req, txn);
    try {
      return await this.modifyRows(req, kind, txn, pacer);
    } finally {
      this.endQuery(req, pacer);
    }
  }

  /**
   * UPDATE / DELETE on this leaf: candidates from a snapshot, then each locked and re-checked.
   * Both loops share the thread (pausing when the slice is used up) and stop when the statement
   * is; the candidates are the statement's working memory.
   */
  private async modifyRows(req: ModifyRequest, kind: 'update' | 'delete', txn: Txn, pacer: Pacer): Promise<ModifyResult> {
    const parts = this.dbPartitions(req.db);
    const warnings: Warning[] = [];
    let lastInsertId: number | bigint | undefined;
    const ctx = this.context(req, pacer, () => [], warnings, (id) => (lastInsertId = id));
    const filter = req.filter ? compileExpr(req.filter) : null;
    const assigns = req.assignments?.map((a) => ({ column: a.column, fn: compileExpr(a.expr) })) ?? [];
    let matched = 0;
    let changed = 0;
    for (const pid of req.partitions) {
      const partition = parts.get(pid);
      invariant(partition, `partition ${pid} of ${req.db} is not on leaf ${this.nodeId}`);
      const table = partition.table(req.tableId);
      if (!table) throw new SqlError('ER_NO_SUCH_TABLE', `Table doesn't exist`);
      const schema = table.schema;
      const types = schema.columns.map((c) => c.type);
      const all = schema.columns.map((_, i) => i);
      // Candidates from the latest committed state (a current read, at any isolation level);
      // each is then locked and re-checked on its latest version.
      const view = this.txns.currentView(txn);
      let candidates: { ref: number; row: Value[] }[] = [];
      try {
        for (const chunk of this.accessRows(table, req.access, view, all, ctx)) {
          const batch = typedBatch(chunk.columns, types, chunk.length);
          const keep = filter ? valuesOf(filter(batch, ctx), chunk.length) : null;
          const before = candidates.length;
          for (let i = 0; i < chunk.length; i++) {
            if (keep && !isTrue(keep[i]!)) continue;
            candidates.push({ ref: chunk.refs[i]!, row: chunk.columns.map((c) => c[i]!) });
          }
          if (candidates.length > before) pacer.reserve((candidates.length - before) * (CANDIDATE_BYTES + rowBytes(candidates[before]!.row)));
          // The storage iterator re-seeks after concurrent writes; the view stays fixed.
          if (pacer.shouldPause()) await pacer.resume();
        }
      } catch (e) {
        this.txns.release(view);
        throw e;
      }
      if (req.orderBy?.length) candidates = sortCandidates(candidates, req.orderBy, ctx);
      if (req.limit !== undefined) candidates = candidates.slice(0, req.limit);
      const pk = schema.indexes.findIndex((i) => i.primary);
      for (let n = 0; n < candidates.length; n++) {
        const cand = candidates[n]!;
        if ((n & 255) === 255 && pacer.shouldPause()) await pacer.resume();
        await maybe(table.lockRow(txn, cand.ref));
        let latest = table.readLatest(txn, cand.ref);
        // Deleted and re-inserted by a transaction that committed while we waited: the key now
        // lives in a new slot. Follow it, as InnoDB's locking read would find it through the index.
        for (let hop = 0; !latest && pk >= 0 && hop < 8; hop++) {
          const key = schema.indexes[pk]!.columns.map((c) => cand.row[c]!);
          const fresh = this.txns.currentView(txn);
          const ref = table.lookup(fresh, pk, key);
          this.txns.release(fresh);
          if (ref === undefined || ref === cand.ref) break;
          cand.ref = ref;
          await maybe(table.lockRow(txn, ref));
          latest = table.readLatest(txn, ref);
        }
        if (!latest) continue;
        if (filter && !isTrue(valueAt(filter(rowBatch(latest), ctx), 0))) continue;
        matched++;
        if (kind === 'delete') {
          table.delete(txn, cand.ref);
          changed++;
          continue;
        }
        const updated = [...latest];
        for (const a of assigns) {
          const col = schema.columns[a.column]!;
          updated[a.column] = castForColumn(valueAt(a.fn(rowBatch(updated), ctx), 0), col.type, col.name, req.strict, ctx, matched);
          checkNotNull(updated[a.column]!, col, req.strict, ctx);
          if (updated[a.column] === null && !col.nullable) updated[a.column] = implicitDefault(col.type);
        }
        if (sameRow(latest, updated, types)) continue;
        // ON UPDATE CURRENT_TIMESTAMP: only a row that changes gets the new time.
        for (const t of req.touch ?? []) updated[t.column] = t.value;
        for (const k of req.shardKey) {
          if (compareValues(latest[k]!, types[k]!, updated[k]!, types[k]!) !== 0) {
            throw new SqlError('ER_NOT_SUPPORTED_YET', `Updating the shard key column '${schema.columns[k]!.name}' is not supported: it would move the row to another partition. Delete and re-insert the row instead.`);
          }
        }
        const u = await maybe(table.update(txn, cand.ref, updated));
        if (!u.ok) throw duplicateKeyError(schema, u.index, updated);
        changed++;
      }
      // Candidate refs stay valid while the view lives; every one is now handled.
      this.txns.release(view);
    }
    return { matched, changed, warnings, ...(lastInsertId !== undefined ? { lastInsertId } : {}) };
  }

  // ───────────────────────────── transactions ─────────────────────────────

  async beginTransaction(txnId: number, opts: TransactionOptions): Promise<void> {
    const old = this.open.get(txnId);
    if (old) await old.rollback(); // an id is never reused; this is only defensive
    const txn = this.txns.begin({ lockWaitTimeoutMs: opts.lockWaitTimeoutMs, isolation: opts.isolation });
    this.open.set(txnId, txn);
    if (opts.consistentSnapshot) this.txns.takeSnapshot(txn);
  }

  async beginStatement(txnId: number, lockWaitTimeoutMs: number): Promise<void> {
    this.txnFor(txnId, lockWaitTimeoutMs).beginStatement();
  }

  async rollbackStatement(txnId: number): Promise<void> {
    // A statement that wrote many rows is undone in slices, sharing the thread.
    await this.open.get(txnId)?.rollbackStatement();
  }

  async savepoint(txnId: number, name: string, action: 'set' | 'rollback' | 'release', lockWaitTimeoutMs: number): Promise<void> {
    const txn = this.txnFor(txnId, lockWaitTimeoutMs);
    switch (action) {
      case 'set':
        return txn.savepoint(name);
      case 'rollback':
        return txn.rollbackToSavepoint(name);
      case 'release':
        return txn.releaseSavepoint(name);
    }
  }

  async commit(txnId: number): Promise<void> {
    const txn = this.open.get(txnId);
    if (!txn) return;
    this.open.delete(txnId);
    if (txn.dirty && this.store !== null) {
      try {
        this.store.checkWritable(); // a leaf whose log is in doubt writes nothing more
      } catch (e) {
        await txn.rollback();
        throw e;
      }
    }
    // durability=sync: the writes become visible (and the locks go) only once their log records
    // are on disk; a failed log write rolls the transaction back and says what the client may assume.
    // A big transaction commits in slices, sharing the thread (storage/txn.ts).
    await txn.commit();
  }

  async rollback(txnId: number): Promise<void> {
    const txn = this.open.get(txnId);
    if (!txn) return;
    this.open.delete(txnId);
    await txn.rollback();
  }

  // ───────────────────────────── internals ─────────────────────────────

  private txnFor(txnId: number, lockWaitTimeoutMs: number): Txn {
    let txn = this.open.get(txnId);
    if (!txn) {
      txn = this.txns.begin({ lockWaitTimeoutMs });
      this.open.set(txnId, txn);
    }
    // Nothing runs in a transaction while a statement rollback undoes its writes in slices.
    if (txn.state !== 'active') throw interrupted();
    txn.lockWaitTimeoutMs = lockWaitTimeoutMs;
    return txn;
  }

  private requireTxn(txnId: number | null, lockWaitTimeoutMs: number): Txn {
    invariant(txnId !== null, 'writes run inside a transaction');
    this.store?.checkWritable();
    return this.txnFor(txnId, lockWaitTimeoutMs);
  }

  private dbPartitions(db: string): Map<number, Partition> {
    const parts = this.partitions.get(db.toLowerCase());
    if (!parts) throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
    return parts;
  }

  private table(db: string, partition: number, tableId: number): RowTable {
    const t = this.dbPartitions(db).get(partition)?.table(tableId);
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table ${tableId} of '${db}' doesn't exist on partition ${partition}`);
    return t;
  }

  /** setLastInsertId: where a write keeps what LAST_INSERT_ID(expr) sets, to report it back. */
  private context(inputs: ExecInputs, pacer: Pacer, scan: ExecContext['scan'], warnings: Warning[] = [], setLastInsertId?: (id: number | bigint) => void): ExecContext {
    let lastInsertId: number | bigint | undefined;
    return {
      slots: inputs.slots,
      params: inputs.params,
      now: inputs.now,
      // The aggregator ships every session value the plan reads (planner/session-names.ts); a
      // missing one is its bug, never a NULL to compute with.
      sessionValue: (name) => {
        if (name === 'last_insert_id' && lastInsertId !== undefined) return lastInsertId;
        invariant(Object.hasOwn(inputs.sessionValues, name), `session value '${name}' was not sent with the request`);
        return inputs.sessionValues[name] as Value;
      },
      ...(setLastInsertId
        ? {
            setLastInsertId: (id: number | bigint) => {
              lastInsertId = id;
              setLastInsertId(id);
            },
          }
        : {}),
      warn: (code: ErrorCodeName, message: string) => warnings.push({ code: ErrorCodes[code].errno, message }),
      scan,
      gathered: () => {
        throw new SqlError('ER_INTERNAL_ERROR', 'a gather cannot run on a leaf');
      },
      pacer,
    };
  }
}

/** Cancelled query ids remembered for requests that arrive after their cancel. */
const CANCELLED_KEPT = 1024;
/** A modify candidate besides its row values: the object, its ref and the list slot. */
const CANDIDATE_BYTES = 64;

function interrupted(): SqlError {
  return new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
}

function rowBytes(row: readonly Value[]): number {
  let s = 16;
  for (const v of row) s += valueBytes(v);
  return s;
}

/** The operators made by each factory in turn, each made only when the one before ends. */
function concat(parts: readonly (() => Operator)[]): Operator {
  let i = 0;
  let cur: Operator | null = null;
  return {
    next: () => {
      while (i < parts.length) {
        cur ??= parts[i]!();
        const b = cur.next();
        if (b !== null) return b; // a batch, or PAUSE
        cur = null;
        i++;
      }
      return null;
    },
  };
}

function scanCount(p: PhysicalPlan): number {
  if (p.kind === 'scan') return 1;
  let n = 0;
  for (const c of planInputs(p)) n += scanCount(c);
  return n;
}

async function maybe<T>(v: T | Promise<T>): Promise<T> {
  return v instanceof Promise ? await v : v;
}

/** MySQL's 1062: "Duplicate entry '5-abc' for key 'PRIMARY'" (secondary keys as table.index). */
function duplicateKeyError(schema: TableSchema, index: number, row: readonly Value[]): SqlError {
  const ix = schema.indexes[index]!;
  const key = formatKeyForError(
    ix.columns.map((c) => row[c]!),
    ix.columns.map((c) => schema.columns[c]!.type),
  );
  return new SqlError('ER_DUP_ENTRY', `Duplicate entry '${key}' for key '${ix.primary ? 'PRIMARY' : `${schema.name}.${ix.name}`}'`);
}


/** Casts key values to the index's column types; null when a key part is NULL (matches nothing). */
function castKey(values: readonly Value[], types: readonly SqlType[]): Value[] | null {
  const out: Value[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) return null;
    const t = types[i]!;
    try {
      out.push(castToType(v, inferType(v), t, 'lenient', { column: '', row: 1 }));
    } catch {
      return null;
    }
  }
  return out;
}

function inferType(v: Value): SqlType {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', bytes: 8, unsigned: false } : { kind: 'double' };
  if (typeof v === 'bigint') return { kind: 'int', bytes: 8, unsigned: v > 0n };
  if (typeof v === 'string') return { kind: 'string', family: 'varchar', length: 65535, binary: false };
  if (v instanceof Uint8Array) return { kind: 'string', family: 'varchar', length: 65535, binary: true };
  if (v === null) return { kind: 'null' };
  return { kind: 'decimal', precision: 65, scale: v.scale };
}

function castForColumn(v: Value, type: SqlType, column: string, strict: boolean, ctx: ExecContext, row = 1): Value {
  if (v === null) return null;
  return castToType(v, inferType(v), type, strict ? 'strict' : 'lenient', { column, row, warn: (code: ErrorCodeName, msg: string) => ctx.warn(code, msg) });
}

function checkNotNull(v: Value, col: { name: string; nullable: boolean }, strict = true, ctx?: ExecContext): void {
  if (v !== null || col.nullable) return;
  if (strict) throw new SqlError('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
  ctx?.warn('ER_BAD_NULL', `Column '${col.name}' cannot be null`);
}


function sameRow(a: readonly Value[], b: readonly Value[], types: readonly SqlType[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x === null || y === null) return false;
    // Binary-exact: 'a' → 'A' is a change even though the collation calls them equal.
    if (typeof x === 'string' && typeof y === 'string') return false;
    if (compareValues(x, types[i]!, y, types[i]!) !== 0) return false;
    if (x instanceof Uint8Array || y instanceof Uint8Array) {
      if (!(x instanceof Uint8Array && y instanceof Uint8Array) || Buffer.compare(x, y) !== 0) return false;
    }
  }
  return true;
}

function sortCandidates(
  rows: { ref: number; row: Value[] }[],
  keys: readonly { expr: BoundExpr; desc: boolean }[],
  ctx: ExecContext,
): { ref: number; row: Value[] }[] {
  const fns = keys.map((k) => compileExpr(k.expr));
  const keyed = rows.map((r) => {
    const b = rowBatch(r.row);
    return { r, k: fns.map((f) => valueAt(f(b, ctx), 0)) };
  });
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.k[i]!;
      const y = b.k[i]!;
      const t = keys[i]!.expr.type;
      let c: number;
      if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
      else c = compareValues(x, t, y, t) ?? 0;
      if (c !== 0) return keys[i]!.desc ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}

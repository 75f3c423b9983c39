/**
 * The master aggregator's durable metadata: databases, tables, the table id counter, the
 * auto-increment positions and the grant tables (accounts, roles, privileges), under
 * `<data-dir>/aggregator/`.
 *
 * `catalog.snap` holds the whole state (one checksummed frame, replaced atomically: temp file,
 * fsync, rename, directory fsync); `catalog.log` holds the changes since, one checksummed frame
 * each. A catalog change is written and fdatasynced synchronously inside the catalog call that
 * makes it (DurableCatalog), before any session can see it: DDL is rare and a sync write keeps
 * "visible" and "durable" the same instant. A torn tail of the change log is cut with a warning.
 *
 * An account statement writes the whole grant tables as one record (they are small, and a
 * statement that touches several accounts stays atomic); only password hashes are stored.
 *
 * Auto-increment positions change on every insert, so they are not synced per insert: they are
 * written on DDL that sets them, every few seconds when they moved, and at shutdown. After a
 * crash the aggregator also raises each counter to max(column) + 1 from the recovered rows
 * (ddl.ts), so an id an acknowledged row holds is never handed out again.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, existsSync, writeSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { SqlError } from '../common/errors.js';
import { frame, scanFrames } from '../storage/index.js';
import { Catalog, type DatabaseDef, type TableDef, type ViewDef } from './catalog.js';
import { Accounts, isAccountsState, type AccountsState } from './accounts.js';

export interface MetadataLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type MetaRecord =
  | { readonly op: 'createDatabase'; readonly name: string; readonly partitions: number; readonly charset: string; readonly collation: string }
  | { readonly op: 'dropDatabase'; readonly name: string }
  | { readonly op: 'addTable'; readonly def: TableDef }
  | { readonly op: 'replaceTable'; readonly def: TableDef }
  | { readonly op: 'removeTable'; readonly db: string; readonly name: string }
  | { readonly op: 'swapTable'; readonly from: { readonly db: string; readonly name: string }; readonly def: TableDef }
  | { readonly op: 'putView'; readonly def: ViewDef }
  | { readonly op: 'removeView'; readonly db: string; readonly name: string }
  | { readonly op: 'tableId'; readonly id: number }
  | { readonly op: 'autoInc'; readonly entries: readonly (readonly [number, bigint])[] }
  | { readonly op: 'accounts'; readonly state: AccountsState };

interface MetaState {
  readonly dbs: readonly { readonly name: string; readonly partitions: number; readonly charset: string; readonly collation: string; readonly tables: readonly TableDef[]; /** Absent before views existed. */ readonly views?: readonly ViewDef[] }[];
  readonly lastTableId: number;
  readonly autoInc: readonly (readonly [number, bigint])[];
  /** Absent in catalogs written before accounts existed. */
  readonly accounts?: AccountsState;
}

const OPS = new Set(['createDatabase', 'dropDatabase', 'addTable', 'replaceTable', 'removeTable', 'swapTable', 'putView', 'removeView', 'tableId', 'autoInc', 'accounts']);
function isMetaRecord(r: unknown): r is MetaRecord {
  return typeof r === 'object' && r !== null && OPS.has((r as { op?: unknown }).op as string);
}
function isMetaState(r: unknown): r is MetaState {
  return typeof r === 'object' && r !== null && Array.isArray((r as { dbs?: unknown }).dbs);
}

function writeError(e: Error): SqlError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new SqlError('ER_DISK_FULL', `Disk full: the catalog change could not be written (${e.message}); nothing was changed. Free space on the data directory's disk and try again.`);
  }
  return new SqlError('ER_ERROR_ON_WRITE', `Error writing the catalog (${code ?? 'I/O error'}: ${e.message}); nothing was changed. Check the data directory's disk.`);
}

/** Grant tables whose every change is on disk before it returns. */
export class DurableAccounts extends Accounts {
  constructor(private readonly store: MetadataStore) {
    super();
  }

  protected override persist(next: AccountsState): void {
    try {
      this.store.append({ op: 'accounts', state: next });
    } catch (e) {
      throw writeError(e as Error);
    }
  }
}

/** A Catalog whose every change is on disk before it returns. */
export class DurableCatalog extends Catalog {
  /** @internal set while replaying from disk */
  replaying = false;
  lastTableId = 0;

  constructor(private readonly store: MetadataStore) {
    super();
  }

  private persist(rec: MetaRecord, undo: () => void): void {
    if (this.replaying) return;
    try {
      this.store.append(rec);
    } catch (e) {
      undo();
      throw writeError(e as Error);
    }
  }

  override createDatabase(name: string, opts: { partitions: number; charset?: string; collation?: string }): DatabaseDef {
    const d = super.createDatabase(name, opts);
    this.persist({ op: 'createDatabase', name: d.name, partitions: d.partitions, charset: d.charset, collation: d.collation }, () => super.dropDatabase(name));
    return d;
  }

  override dropDatabase(name: string): DatabaseDef {
    const d = super.dropDatabase(name);
    this.persist({ op: 'dropDatabase', name }, () => {
      super.createDatabase(d.name, d);
      for (const t of d.tables.values()) super.addTable(t);
      for (const v of d.views.values()) super.putView(v);
    });
    return d;
  }

  override allocateTableId(): number {
    const id = super.allocateTableId();
    this.lastTableId = id;
    // A lost id is harmless; a reused one is not, so it is on disk before anyone uses it.
    this.persist({ op: 'tableId', id }, () => {});
    return id;
  }

  override addTable(def: TableDef): void {
    super.addTable(def);
    this.persist({ op: 'addTable', def }, () => super.removeTable(def.db, def.name));
  }

  override replaceTable(def: TableDef): void {
    const old = this.table(def.db, def.name);
    super.replaceTable(def);
    this.persist({ op: 'replaceTable', def }, () => old && super.replaceTable(old));
  }

  /** One record, so a crash never leaves the table under both names, or neither. */
  override swapTable(from: { readonly db: string; readonly name: string }, def: TableDef): void {
    const old = this.table(from.db, from.name);
    super.swapTable(from, def);
    this.persist({ op: 'swapTable', from: { db: from.db, name: from.name }, def }, () => old && super.swapTable({ db: def.db, name: def.name }, old));
  }

  override removeTable(db: string, name: string): TableDef {
    const def = super.removeTable(db, name);
    this.persist({ op: 'removeTable', db, name }, () => super.addTable(def));
    return def;
  }

  override putView(def: ViewDef): ViewDef | undefined {
    const old = super.putView(def);
    this.persist({ op: 'putView', def }, () => (old ? super.putView(old) : super.removeView(def.db, def.name)));
    return old;
  }

  override removeView(db: string, name: string): ViewDef {
    const def = super.removeView(db, name);
    this.persist({ op: 'removeView', db, name }, () => super.putView(def));
    return def;
  }

  /** @internal replay */
  apply(rec: MetaRecord, autoInc: Map<number, bigint>): void {
    switch (rec.op) {
      case 'createDatabase':
        if (!this.database(rec.name)) super.createDatabase(rec.name, rec);
        return;
      case 'dropDatabase':
        if (this.database(rec.name)) super.dropDatabase(rec.name);
        return;
      case 'addTable':
        if (this.database(rec.def.db) && !this.table(rec.def.db, rec.def.name)) super.addTable(rec.def);
        this.advanceTableId(rec.def.id);
        return;
      case 'replaceTable':
        if (this.table(rec.def.db, rec.def.name)) super.replaceTable(rec.def);
        return;
      case 'removeTable':
        if (this.table(rec.db, rec.name)) super.removeTable(rec.db, rec.name);
        return;
      case 'swapTable':
        if (this.table(rec.from.db, rec.from.name) && this.database(rec.def.db)) super.swapTable(rec.from, rec.def);
        this.advanceTableId(rec.def.id);
        return;
      case 'putView':
        if (this.database(rec.def.db) && !this.table(rec.def.db, rec.def.name)) super.putView(rec.def);
        return;
      case 'removeView':
        if (this.view(rec.db, rec.name)) super.removeView(rec.db, rec.name);
        return;
      case 'tableId':
        this.advanceTableId(rec.id);
        return;
      case 'autoInc':
        for (const [id, next] of rec.entries) autoInc.set(id, next);
        return;
      case 'accounts':
        return; // MetadataStore.load hands these to the grant tables
    }
  }

  /** @internal the next allocated id will be past `id` */
  advanceTableId(id: number): void {
    while (this.lastTableId < id) this.lastTableId = super.allocateTableId();
  }
}

export class MetadataStore {
  readonly catalog: DurableCatalog;
  readonly accounts: DurableAccounts;
  /** tableId → next AUTO_INCREMENT value; the Engine uses this map as its own. */
  readonly autoIncrements = new Map<number, bigint>();
  private fd: number | null = null;
  private logBytes = 0;
  private savedAutoInc = new Map<number, bigint>();
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly dir: string,
    private readonly logger: MetadataLogger,
  ) {
    this.catalog = new DurableCatalog(this);
    this.accounts = new DurableAccounts(this);
  }

  private get snapPath(): string {
    return path.join(this.dir, 'catalog.snap');
  }

  private get logPath(): string {
    return path.join(this.dir, 'catalog.log');
  }

  /** Loads the metadata under dir (empty when new), compacts it and opens the change log. */
  static open(dir: string, logger: MetadataLogger, opts: { autoIncrementSaveMs?: number } = {}): MetadataStore {
    mkdirSync(dir, { recursive: true });
    const s = new MetadataStore(dir, logger);
    s.load();
    s.compact();
    const every = opts.autoIncrementSaveMs ?? 5000;
    if (every > 0) {
      s.timer = setInterval(() => {
        try {
          s.saveAutoIncrements();
        } catch (e) {
          logger.warn({ err: (e as Error).message }, 'could not save auto-increment positions; will retry');
        }
      }, every);
      s.timer.unref();
    }
    return s;
  }

  private load(): void {
    const cat = this.catalog;
    cat.replaying = true;
    try {
      if (existsSync(this.snapPath)) {
        const scan = scanFrames(readFileSync(this.snapPath), isMetaState);
        const st = scan.records[0]?.record;
        if (st === undefined) throw new Error(`the catalog snapshot ${this.snapPath} is damaged (${scan.damage ?? 'empty'}); restore it from a backup`);
        for (const d of st.dbs) {
          cat.apply({ op: 'createDatabase', name: d.name, partitions: d.partitions, charset: d.charset, collation: d.collation }, this.autoIncrements);
          for (const t of d.tables) cat.apply({ op: 'addTable', def: t }, this.autoIncrements);
          for (const v of d.views ?? []) cat.apply({ op: 'putView', def: v }, this.autoIncrements);
        }
        cat.advanceTableId(st.lastTableId);
        for (const [id, next] of st.autoInc) this.autoIncrements.set(id, next);
        if (st.accounts !== undefined && isAccountsState(st.accounts)) this.accounts.load(st.accounts);
      }
      if (existsSync(this.logPath)) {
        const data = readFileSync(this.logPath);
        const scan = scanFrames(data, isMetaRecord);
        for (const r of scan.records) {
          if (r.record.op === 'accounts') {
            if (isAccountsState(r.record.state)) this.accounts.load(r.record.state);
          } else cat.apply(r.record, this.autoIncrements);
        }
        if (scan.damage !== null) {
          this.logger.warn({ file: this.logPath, offset: scan.goodBytes, reason: scan.damage, bytesCut: data.length - scan.goodBytes }, 'catalog log: torn or corrupt tail cut off');
        }
      }
    } finally {
      cat.replaying = false;
    }
    this.savedAutoInc = new Map(this.autoIncrements);
    this.logger.info({ databases: cat.databases().length, tables: cat.databases().reduce((n, d) => n + d.tables.size, 0), accounts: this.accounts.state.accounts.length }, 'catalog loaded');
  }

  /** Writes the whole state as a new snapshot and starts an empty change log. */
  compact(): void {
    const state: MetaState = {
      dbs: this.catalog.databases().map((d) => ({ name: d.name, partitions: d.partitions, charset: d.charset, collation: d.collation, tables: [...d.tables.values()], views: [...d.views.values()] })),
      lastTableId: this.catalog.lastTableId,
      autoInc: [...this.autoIncrements],
      accounts: this.accounts.state,
    };
    const tmp = `${this.snapPath}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      const buf = frame(state);
      writeSync(fd, buf, 0, buf.length, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.snapPath);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = openSync(this.logPath, 'w');
    fsyncSync(this.fd);
    this.syncDir();
    this.logBytes = 0;
    this.savedAutoInc = new Map(this.autoIncrements);
  }

  private syncDir(): void {
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  /** @internal appends one change and fdatasyncs it. */
  append(rec: MetaRecord): void {
    if (this.fd === null) throw new Error('metadata store is closed');
    const buf = frame(rec);
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.logBytes + off);
      fdatasyncSync(this.fd);
    } catch (e) {
      // Cut what reached the file so the next record starts at a frame boundary.
      try {
        ftruncateSync(this.fd, this.logBytes);
      } catch {
        // the next load cuts it as a torn tail
      }
      throw e;
    }
    this.logBytes += buf.length;
  }

  /** Persists an auto-increment position set by DDL (CREATE TABLE … AUTO_INCREMENT, TRUNCATE). */
  setAutoIncrement(tableId: number, next: bigint): void {
    this.autoIncrements.set(tableId, next);
    this.append({ op: 'autoInc', entries: [[tableId, next]] });
    this.savedAutoInc.set(tableId, next);
  }

  /** Writes the positions that moved since the last save. */
  saveAutoIncrements(): void {
    const changed: [number, bigint][] = [];
    for (const [id, next] of this.autoIncrements) if (this.savedAutoInc.get(id) !== next) changed.push([id, next]);
    if (changed.length === 0 || this.fd === null) return;
    this.append({ op: 'autoInc', entries: changed });
    for (const [id, next] of changed) this.savedAutoInc.set(id, next);
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.fd === null) return;
    this.saveAutoIncrements();
    this.compact();
    closeSync(this.fd!);
    this.fd = null;
  }
}

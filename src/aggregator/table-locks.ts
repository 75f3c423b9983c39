/**
 * LOCK TABLES for one session, as MySQL has it: the session names the tables it will use, each
 * READ (others may read, nobody may write) or WRITE (nobody else may use it), and until UNLOCK
 * TABLES it may use only those: another table is error 1100, a write to a READ table 1099.
 *
 * The locks are metadata locks (metadata-locks.ts) held by an owner of their own, apart from the
 * session's per-statement and per-transaction ones, so COMMIT and the end of a statement leave
 * them in place. While they are held the session's statements take no metadata locks of their
 * own: every table they may touch is already held, in a mode at least as strong.
 */
import type * as A from '../sql/ast.js';
import type { CatalogView } from '../cluster/catalog.js';
import { SqlError } from '../common/errors.js';
import { MetadataLocks, tableKey, type LockOwner } from './metadata-locks.js';
import { tablesUnderView, type StatementTables } from './statement-tables.js';

const INFORMATION_SCHEMA = 'information_schema';

export interface LockRequest {
  /** tableKey(db, name) */
  readonly key: string;
  /** The table name as written, for error messages. */
  readonly name: string;
  readonly mode: 'read' | 'write';
}

export class TableLocks {
  /** The metadata-lock owner of this session's LOCK TABLES. */
  private readonly owner: LockOwner = {};
  private locked: ReadonlyMap<string, 'read' | 'write'> | null = null;
  /** FLUSH TABLES WITH READ LOCK: every table READ, any may be read, none written. */
  private global = false;

  constructor(private readonly mdl: MetadataLocks) {}

  /** Whether LOCK TABLES is in force. */
  get active(): boolean {
    return this.locked !== null;
  }

  /**
   * Takes the locks (after letting go of any held before, as LOCK TABLES does). A table named
   * twice is error 1066; READ and WRITE of one table make it WRITE. On a timeout nothing is held.
   */
  async lock(requests: readonly LockRequest[], timeoutMs: number): Promise<void> {
    this.unlock();
    const modes = new Map<string, 'read' | 'write'>();
    for (const r of requests) {
      const had = modes.get(r.key);
      modes.set(r.key, had === 'write' || r.mode === 'write' ? 'write' : 'read');
    }
    const mdlModes = new Map([...modes].map(([k, m]) => [k, m === 'write' ? ('exclusive' as const) : ('readOnly' as const)]));
    try {
      await this.mdl.lockTables(this.owner, mdlModes, timeoutMs);
    } catch (e) {
      this.mdl.release(this.owner);
      throw e;
    }
    this.locked = modes;
  }

  /**
   * FLUSH TABLES WITH READ LOCK: every table that exists, READ, so others may read but not write
   * and the session may read any table but write none (1223) until UNLOCK TABLES. (MySQL's global
   * read lock also holds off tables created meanwhile; this one covers the tables of its time.)
   */
  async lockAll(keys: readonly string[], timeoutMs: number): Promise<void> {
    await this.lock(keys.map((key) => ({ key, name: nameOf(key), mode: 'read' as const })), timeoutMs);
    this.global = true;
  }

  /** UNLOCK TABLES; whether any were held. */
  unlock(): boolean {
    if (this.locked === null) return false;
    this.locked = null;
    this.global = false;
    this.mdl.release(this.owner);
    return true;
  }

  /** START TRANSACTION ends LOCK TABLES, but not FLUSH TABLES WITH READ LOCK (as in MySQL). */
  startTransaction(): void {
    if (!this.global) this.unlock();
  }

  /**
   * Under LOCK TABLES, refuses a statement that uses a table not locked (1100) or changes one
   * locked READ (1099). `used` and `written` are metadata-lock keys; information_schema is free.
   */
  check(used: readonly string[], written: readonly string[]): void {
    const locked = this.locked;
    if (locked === null) return;
    if (this.global) {
      if (written.length > 0) throw new SqlError('ER_CANT_UPDATE_WITH_READLOCK', "Can't execute the query because you have a conflicting read lock");
      return;
    }
    for (const key of used) {
      if (!locked.has(key) && !isInformationSchema(key)) {
        throw new SqlError('ER_TABLE_NOT_LOCKED', `Table '${nameOf(key)}' was not locked with LOCK TABLES`);
      }
    }
    for (const key of written) {
      const mode = locked.get(key);
      if (mode === undefined && !isInformationSchema(key)) {
        throw new SqlError('ER_TABLE_NOT_LOCKED', `Table '${nameOf(key)}' was not locked with LOCK TABLES`);
      }
      if (mode === 'read') throw new SqlError('ER_TABLE_NOT_LOCKED_FOR_WRITE', `Table '${nameOf(key)}' was locked with a READ lock and can't be updated`);
    }
  }
}

function isInformationSchema(key: string): boolean {
  return key.startsWith(INFORMATION_SCHEMA + '.');
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}

/** The LOCK TABLES requests of a statement: each table must exist (1146); one alias twice is 1066. */
export function lockRequests(st: Extract<A.Statement, { kind: 'lockTables' }>, db: string | null, catalog: CatalogView): LockRequest[] {
  const seen = new Set<string>();
  return st.tables.flatMap((item) => {
    const d = item.table.db ?? db;
    if (d === null) throw new SqlError('ER_NO_DB', 'No database selected');
    const t = catalog.table(d, item.table.name);
    const view = t === undefined ? catalog.view(d, item.table.name) : undefined;
    if (t === undefined && view === undefined) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${d}.${item.table.name}' doesn't exist`);
    const alias = (item.alias ?? item.table.name).toLowerCase();
    if (seen.has(alias)) throw new SqlError('ER_NON_UNIQ_TABLE', `Not unique table/alias: '${item.alias ?? item.table.name}'`);
    seen.add(alias);
    if (t !== undefined) return [{ key: tableKey(t.db, t.name), name: item.table.name, mode: item.mode }];
    // A view locks itself (so SHOW CREATE TABLE / SHOW COLUMNS of it may run) and, as in MySQL,
    // the tables under it, which statements reading the view use.
    const under = tablesUnderView(catalog, view!.db, view!.name);
    return [{ key: tableKey(view!.db, view!.name), name: item.table.name, mode: item.mode }, ...under.map((key) => ({ key, name: nameOf(key), mode: item.mode }))];
  });
}

/**
 * The tables a statement uses and changes, as LOCK TABLES checks them: those the metadata locks
 * know, plus the tables SHOW CREATE TABLE, SHOW COLUMNS, SHOW INDEX, DESCRIBE and ALTER TABLE …
 * KEYS name (MySQL refuses those for a table not locked too).
 */
export function lockedTablesUse(st: A.Statement, db: string | null, tables: StatementTables): { used: readonly string[]; written: readonly string[] } {
  const key = (t: A.TableName): string[] => {
    const d = t.db ?? db;
    return d === null ? [] : [tableKey(d, t.name)];
  };
  switch (st.kind) {
    case 'showCreateTable':
    case 'showColumns':
    case 'showIndex':
    case 'describe':
      return { used: key(st.table), written: [] };
    case 'alterTableKeys':
      return { used: [], written: key(st.table) };
    case 'select':
    case 'union':
      return { used: tables.shared, written: [] };
    default:
      return { used: tables.shared, written: [...tables.written, ...tables.exclusive] };
  }
}

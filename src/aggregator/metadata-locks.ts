/**
 * Metadata locks: MySQL's MDL, reduced to what Tessera needs.
 *
 * A statement holds a shared lock on every table it names until it ends, or, inside a
 * transaction, until COMMIT / ROLLBACK. DDL that changes, replaces or removes a table takes it
 * exclusively: it waits until no one else holds the table, and whoever comes after queues behind
 * it, so a stream of statements cannot starve it. This is what keeps ALTER TABLE's copy from
 * losing writes made to the old table while it copies, and a scan from reading a table that
 * DROP removes under it.
 *
 * An owner that already holds a table gets it again at once (a transaction going on with a
 * table a DDL now waits for must not deadlock against it). Waits give up after the session's
 * lock_wait_timeout with 1205, as MySQL does.
 */
import { SqlError } from '../common/errors.js';
import { assertNever } from '../common/assert.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who holds locks: a session (one transaction at a time), or a session's LOCK TABLES. */
export type LockOwner = object;

/**
 * What a holder may do with the table. `read` and `write`: a statement reading or changing rows
 * (MySQL's SHARED_READ / SHARED_WRITE); `readOnly`: LOCK TABLES … READ, which lets others read but
 * not write (SHARED_READ_ONLY); `exclusive`: DDL and LOCK TABLES … WRITE.
 */
export type LockMode = 'read' | 'write' | 'readOnly' | 'exclusive';

interface Waiter {
  readonly owner: LockOwner;
  readonly mode: LockMode;
  readonly grant: () => void;
  /** Gives up the wait with `err` (its statement was killed). */
  readonly cancel: (err: Error) => void;
}

interface TableLock {
  /** Owners holding it in a non-exclusive mode, and with which (the strongest asked for). */
  readonly shared: Map<LockOwner, Exclude<LockMode, 'exclusive'>>;
  /** How many holders hold it `write` / `readOnly` (conflict checks without a scan). */
  writers: number;
  readOnlys: number;
  exclusive: LockOwner | null;
  readonly queue: Waiter[];
}

/** The key of a table: `db.name`, lower-cased (names are case-insensitive, as on Linux MySQL with lower_case_table_names=1). */
export function tableKey(db: string, name: string): string {
  return `${db.toLowerCase()}.${name.toLowerCase()}`;
}

export class MetadataLocks {
  private readonly tables = new Map<string, TableLock>();
  private readonly held = new Map<LockOwner, Set<string>>();

  /** Shared locks on `keys` for `owner` (`write` for statements that change rows); resolves when all are held. */
  async shared(owner: LockOwner, keys: readonly string[], timeoutMs: number, mode: 'read' | 'write' = 'read'): Promise<void> {
    for (const key of keys) {
      const wait = this.acquire(owner, key, mode, timeoutMs);
      if (wait !== undefined) await wait;
    }
  }

  /** Exclusive locks on `keys` (taken in sorted order, so two DDL never wait on each other in a cycle). */
  async exclusive(owner: LockOwner, keys: readonly string[], timeoutMs: number): Promise<void> {
    for (const key of [...new Set(keys)].sort()) await this.acquire(owner, key, 'exclusive', timeoutMs);
  }

  /** LOCK TABLES: each key in its mode, in sorted order (as `exclusive`), so two of them never deadlock. */
  async lockTables(owner: LockOwner, locks: ReadonlyMap<string, 'readOnly' | 'exclusive'>, timeoutMs: number): Promise<void> {
    for (const key of [...locks.keys()].sort()) await this.acquire(owner, key, locks.get(key)!, timeoutMs);
  }

  /** Releases everything `owner` holds (end of statement outside a transaction, or end of transaction). */
  release(owner: LockOwner): void {
    const keys = this.held.get(owner);
    if (keys === undefined) return;
    this.held.delete(owner);
    for (const key of keys) {
      const lock = this.tables.get(key);
      if (lock === undefined) continue;
      this.drop(lock, owner);
      if (lock.exclusive === owner) lock.exclusive = null;
      this.pump(lock, key);
    }
  }

  /** Fails every wait of `owner` with `err` (KILL, timeout or shutdown of its statement). */
  cancelWaits(owner: LockOwner, err: Error): void {
    for (const lock of this.tables.values()) for (const w of lock.queue.filter((x) => x.owner === owner)) w.cancel(err);
  }

  /** Whether `owner` holds anything (tests and SHOW PROCESSLIST-style diagnostics). */
  holds(owner: LockOwner): boolean {
    return (this.held.get(owner)?.size ?? 0) > 0;
  }

  /** Grants at once (undefined: no promise to wait for, the hot path) or queues the request. */
  private acquire(owner: LockOwner, key: string, mode: LockMode, timeoutMs: number): Promise<void> | undefined {
    const lock = this.lockOf(key);
    if (covers(lock, owner, mode)) return undefined;
    // An owner that already holds the table goes first: a transaction going on with a table a
    // DDL now waits for must not deadlock against it.
    const holds = lock.exclusive === owner || lock.shared.has(owner);
    if (compatible(lock, owner, mode) && (lock.queue.length === 0 || holds)) {
      this.grant(lock, owner, key, mode);
      return undefined;
    }
    return this.wait(lock, key, owner, mode, timeoutMs);
  }

  private lockOf(key: string): TableLock {
    let lock = this.tables.get(key);
    if (lock === undefined) {
      lock = { shared: new Map(), writers: 0, readOnlys: 0, exclusive: null, queue: [] };
      this.tables.set(key, lock);
    }
    return lock;
  }

  private wait(lock: TableLock, key: string, owner: LockOwner, mode: LockMode, timeoutMs: number): Promise<void> {
    // lock_wait_timeout defaults to a year; timers take at most 2^31-1 ms (about 24 days).
    const ms = Math.min(timeoutMs, MAX_TIMER_MS);
    return new Promise<void>((resolve, reject) => {
      const giveUp = (err: Error): void => {
        clearTimeout(timer);
        const i = lock.queue.indexOf(waiter);
        if (i >= 0) lock.queue.splice(i, 1);
        this.pump(lock, key); // a shared request behind a timed-out DDL may go now
        reject(err);
      };
      const timer = setTimeout(() => giveUp(new SqlError('ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction')), ms);
      const waiter: Waiter = {
        cancel: giveUp,
        owner,
        mode,
        grant: () => {
          clearTimeout(timer);
          this.grant(lock, owner, key, mode);
          resolve();
        },
      };
      lock.queue.push(waiter);
    });
  }

  /** Grants queued requests in order while they fit. */
  private pump(lock: TableLock, key: string): void {
    while (lock.queue.length > 0) {
      const next = lock.queue[0]!;
      if (!compatible(lock, next.owner, next.mode)) break;
      lock.queue.shift();
      next.grant();
    }
    if (lock.queue.length === 0 && lock.exclusive === null && lock.shared.size === 0) this.tables.delete(key);
  }

  private grant(lock: TableLock, owner: LockOwner, key: string, mode: LockMode): void {
    if (mode === 'exclusive') lock.exclusive = owner;
    else {
      const had = lock.shared.get(owner);
      // read < write, read < readOnly; an owner never asks for both write and readOnly (LOCK
      // TABLES READ forbids its own writes), so the stronger of the two wins.
      if (had === undefined || had === 'read') {
        this.drop(lock, owner);
        lock.shared.set(owner, mode);
        if (mode === 'write') lock.writers++;
        if (mode === 'readOnly') lock.readOnlys++;
      }
    }
    let keys = this.held.get(owner);
    if (keys === undefined) this.held.set(owner, (keys = new Set()));
    keys.add(key);
  }

  private drop(lock: TableLock, owner: LockOwner): void {
    const had = lock.shared.get(owner);
    if (had === undefined) return;
    lock.shared.delete(owner);
    if (had === 'write') lock.writers--;
    if (had === 'readOnly') lock.readOnlys--;
  }
}

/** The owner already holds the table in a mode that allows `mode`. */
function covers(lock: TableLock, owner: LockOwner, mode: LockMode): boolean {
  if (lock.exclusive === owner) return true;
  const had = lock.shared.get(owner);
  if (had === undefined || mode === 'exclusive') return false;
  return mode === 'read' || had === mode;
}

/** Nobody else holds the table in a mode that conflicts with `mode`. */
function compatible(lock: TableLock, owner: LockOwner, mode: LockMode): boolean {
  if (lock.exclusive !== null && lock.exclusive !== owner) return false;
  const mine = lock.shared.get(owner);
  switch (mode) {
    case 'read':
      return true;
    case 'write':
      return lock.readOnlys - (mine === 'readOnly' ? 1 : 0) === 0;
    case 'readOnly':
      return lock.writers - (mine === 'write' ? 1 : 0) === 0;
    case 'exclusive':
      return lock.shared.size - (mine === undefined ? 0 : 1) === 0;
    default:
      return assertNever(mode, 'lock mode');
  }
}

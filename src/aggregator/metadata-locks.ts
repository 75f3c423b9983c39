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

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who holds locks: a session (one transaction at a time). */
export type LockOwner = object;

interface Waiter {
  readonly owner: LockOwner;
  readonly exclusive: boolean;
  readonly grant: () => void;
  /** Gives up the wait with `err` (its statement was killed). */
  readonly cancel: (err: Error) => void;
}

interface TableLock {
  /** Owners holding it shared. */
  readonly shared: Set<LockOwner>;
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

  /** Shared locks on `keys` for `owner`; resolves when all are held. */
  async shared(owner: LockOwner, keys: readonly string[], timeoutMs: number): Promise<void> {
    for (const key of keys) {
      const lock = this.lockOf(key);
      if (lock.shared.has(owner) || lock.exclusive === owner) continue;
      if (lock.exclusive === null && lock.queue.length === 0) {
        this.grantShared(lock, owner, key);
        continue;
      }
      await this.wait(lock, key, owner, false, timeoutMs);
    }
  }

  /** Exclusive locks on `keys` (taken in sorted order, so two DDL never wait on each other in a cycle). */
  async exclusive(owner: LockOwner, keys: readonly string[], timeoutMs: number): Promise<void> {
    for (const key of [...new Set(keys)].sort()) {
      const lock = this.lockOf(key);
      if (lock.exclusive === owner) continue;
      if (lock.exclusive === null && lock.queue.length === 0 && othersShare(lock, owner) === 0) {
        this.grantExclusive(lock, owner, key);
        continue;
      }
      await this.wait(lock, key, owner, true, timeoutMs);
    }
  }

  /** Releases everything `owner` holds (end of statement outside a transaction, or end of transaction). */
  release(owner: LockOwner): void {
    const keys = this.held.get(owner);
    if (keys === undefined) return;
    this.held.delete(owner);
    for (const key of keys) {
      const lock = this.tables.get(key);
      if (lock === undefined) continue;
      lock.shared.delete(owner);
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

  private lockOf(key: string): TableLock {
    let lock = this.tables.get(key);
    if (lock === undefined) {
      lock = { shared: new Set(), exclusive: null, queue: [] };
      this.tables.set(key, lock);
    }
    return lock;
  }

  private wait(lock: TableLock, key: string, owner: LockOwner, exclusive: boolean, timeoutMs: number): Promise<void> {
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
        exclusive,
        grant: () => {
          clearTimeout(timer);
          if (exclusive) this.grantExclusive(lock, owner, key);
          else this.grantShared(lock, owner, key);
          resolve();
        },
      };
      lock.queue.push(waiter);
    });
  }

  /** Grants queued requests in order while they fit. */
  private pump(lock: TableLock, key: string): void {
    while (lock.queue.length > 0 && lock.exclusive === null) {
      const next = lock.queue[0]!;
      if (next.exclusive && othersShare(lock, next.owner) > 0) break;
      lock.queue.shift();
      next.grant();
      if (next.exclusive) break;
    }
    if (lock.queue.length === 0 && lock.exclusive === null && lock.shared.size === 0) this.tables.delete(key);
  }

  private grantShared(lock: TableLock, owner: LockOwner, key: string): void {
    lock.shared.add(owner);
    this.note(owner, key);
  }

  private grantExclusive(lock: TableLock, owner: LockOwner, key: string): void {
    lock.exclusive = owner;
    this.note(owner, key);
  }

  private note(owner: LockOwner, key: string): void {
    let keys = this.held.get(owner);
    if (keys === undefined) this.held.set(owner, (keys = new Set()));
    keys.add(key);
  }
}

function othersShare(lock: TableLock, owner: LockOwner): number {
  return lock.shared.size - (lock.shared.has(owner) ? 1 : 0);
}

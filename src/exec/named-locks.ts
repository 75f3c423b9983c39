/**
 * MySQL's user-level locks (GET_LOCK and friends): named, held by a connection, recursive
 * (taken twice, released twice), released all at once when the connection ends. A waiter is
 * granted the lock when its holder lets go, in the order they came; a wait that would close a
 * cycle of connections waiting for each other's locks fails at once (3058), as in MySQL 8.
 *
 * One process-wide table behind the NamedLocks interface: the cluster will keep it on the
 * master aggregator and reach it through this interface.
 */
import { SqlError } from '../common/errors.js';

export type LockOwner = number;

export interface NamedLocks {
  /**
   * Takes `name` for `owner`: 1 at once when free or already its own; else waits up to
   * `timeoutMs` (Infinity: no limit) and resolves 1 when granted, 0 on timeout, null when
   * `cancelled` fires first. Throws 3058 when waiting would deadlock.
   */
  acquire(name: string, owner: LockOwner, timeoutMs: number, cancelled: (f: () => void) => void): 1 | Promise<0 | 1 | null>;
  /** 1 released (once), 0 held by another, null not held by anyone. */
  release(name: string, owner: LockOwner): 0 | 1 | null;
  /** Releases every lock of `owner`; the number of acquisitions released. */
  releaseAll(owner: LockOwner): number;
  /** The holder of `name`, or null. */
  holder(name: string): LockOwner | null;
}

interface Waiter {
  readonly owner: LockOwner;
  readonly grant: () => void;
}

interface Lock {
  owner: LockOwner;
  count: number;
  readonly waiters: Waiter[];
}

/** MySQL's limit on a lock name (3057 past it or for an empty one). */
export const MAX_LOCK_NAME = 64;

export function checkLockName(name: string | null): string {
  if (name === null || name === '' || Array.from(name).length > MAX_LOCK_NAME) {
    throw new SqlError('ER_USER_LOCK_WRONG_NAME', `Incorrect user-level lock name '${name ?? 'NULL'}'.`);
  }
  // Lock names compare case-insensitively (MySQL 8).
  return name.toLowerCase();
}

export class InMemoryNamedLocks implements NamedLocks {
  private readonly locks = new Map<string, Lock>();
  /** The lock each waiting owner waits for (one at a time: a connection runs one statement). */
  private readonly waitingFor = new Map<LockOwner, string>();

  acquire(name: string, owner: LockOwner, timeoutMs: number, cancelled: (f: () => void) => void): 1 | Promise<0 | 1 | null> {
    const l = this.locks.get(name);
    if (l === undefined) {
      this.locks.set(name, { owner, count: 1, waiters: [] });
      return 1;
    }
    if (l.owner === owner) {
      l.count++;
      return 1;
    }
    if (this.wouldDeadlock(owner, l.owner)) {
      throw new SqlError('ER_USER_LOCK_DEADLOCK', 'Deadlock found when trying to get user-level lock; try rolling back transaction/releasing locks and restarting lock acquisition.');
    }
    if (timeoutMs <= 0) return Promise.resolve(0);
    return new Promise<0 | 1 | null>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const leave = (v: 0 | 1 | null): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        this.waitingFor.delete(owner);
        if (v !== 1) {
          const i = l.waiters.indexOf(waiter);
          if (i >= 0) l.waiters.splice(i, 1);
        }
        resolve(v);
      };
      const waiter: Waiter = { owner, grant: () => leave(1) };
      l.waiters.push(waiter);
      this.waitingFor.set(owner, name);
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => leave(0), Math.min(timeoutMs, 2 ** 31 - 1));
      cancelled(() => leave(null));
    });
  }

  release(name: string, owner: LockOwner): 0 | 1 | null {
    const l = this.locks.get(name);
    if (l === undefined) return null;
    if (l.owner !== owner) return 0;
    if (--l.count === 0) this.handOn(name, l);
    return 1;
  }

  releaseAll(owner: LockOwner): number {
    let n = 0;
    for (const [name, l] of [...this.locks]) {
      if (l.owner !== owner) continue;
      n += l.count;
      l.count = 0;
      this.handOn(name, l);
    }
    return n;
  }

  holder(name: string): LockOwner | null {
    return this.locks.get(name)?.owner ?? null;
  }

  /** A free lock goes to its first waiter, or away. */
  private handOn(name: string, l: Lock): void {
    const next = l.waiters.shift();
    if (next === undefined) {
      this.locks.delete(name);
      return;
    }
    l.owner = next.owner;
    l.count = 1;
    next.grant();
  }

  /** Whether `owner` waiting for a lock `holder` has closes a cycle of waits. */
  private wouldDeadlock(owner: LockOwner, holder: LockOwner): boolean {
    let cur: LockOwner | null = holder;
    for (let steps = 0; cur !== null && steps <= this.waitingFor.size; steps++) {
      if (cur === owner) return true;
      const wanted = this.waitingFor.get(cur);
      cur = wanted === undefined ? null : (this.locks.get(wanted)?.owner ?? null);
    }
    return false;
  }
}

/** The server's table (one process: aggregator and leaf share it). */
export const namedLocks: NamedLocks = new InMemoryNamedLocks();

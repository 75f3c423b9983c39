import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/errors.js';
import { InMemoryNamedLocks, checkLockName } from './named-locks.js';

const never = (): void => undefined;

describe('named locks', () => {
  it('grants waiters in arrival order as holders let go', async () => {
    const t = new InMemoryNamedLocks();
    expect(t.acquire('a', 1, 0, never)).toBe(1);
    const second = t.acquire('a', 2, 10_000, never);
    const third = t.acquire('a', 3, 10_000, never);
    expect(t.release('a', 2)).toBe(0);
    expect(t.release('a', 1)).toBe(1);
    expect(await second).toBe(1);
    expect(t.holder('a')).toBe(2);
    expect(t.releaseAll(2)).toBe(1);
    expect(await third).toBe(1);
    expect(t.release('a', 3)).toBe(1);
    expect(t.holder('a')).toBe(null);
    expect(t.release('a', 3)).toBe(null);
  });

  it('times out, and a cancelled wait leaves the queue', async () => {
    const t = new InMemoryNamedLocks();
    t.acquire('a', 1, 0, never);
    expect(await t.acquire('a', 2, 30, never)).toBe(0);
    let cancel = (): void => undefined;
    const w = t.acquire('a', 3, 10_000, (f) => (cancel = f));
    cancel();
    expect(await w).toBe(null);
    t.release('a', 1);
    expect(t.holder('a')).toBe(null);
  });

  it('refuses a wait that closes a cycle of three (3058)', () => {
    const t = new InMemoryNamedLocks();
    t.acquire('a', 1, 0, never);
    t.acquire('b', 2, 0, never);
    t.acquire('c', 3, 0, never);
    void t.acquire('b', 1, 10_000, never); // 1 waits for 2
    void t.acquire('c', 2, 10_000, never); // 2 waits for 3
    let err: unknown;
    try {
      t.acquire('a', 3, 10_000, never); // 3 would wait for 1
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).errno).toBe(3058);
    t.releaseAll(3);
    t.releaseAll(2);
    t.releaseAll(1);
  });

  it('checks names as MySQL does (3057), case-insensitively', () => {
    expect(checkLockName('AbC')).toBe('abc');
    for (const bad of ['', null, 'x'.repeat(65)]) expect(() => checkLockName(bad)).toThrow(SqlError);
    expect(checkLockName('é'.repeat(64))).toBe('é'.repeat(64));
  });
});

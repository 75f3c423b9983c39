import { describe, expect, it } from 'vitest';
import { MetadataLocks, tableKey } from './metadata-locks.js';

const T = tableKey('db', 'T');
const U = tableKey('db', 'u');
const settled = async (p: Promise<unknown>): Promise<'done' | 'failed' | 'pending'> =>
  Promise.race([p.then(() => 'done' as const, () => 'failed' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), 20))]);

describe('MetadataLocks', () => {
  it('lets shared holders share, and makes an exclusive request wait for all of them', async () => {
    const mdl = new MetadataLocks();
    const [a, b, ddl] = [{}, {}, {}];
    await mdl.shared(a, [T], 1000);
    await mdl.shared(b, [T], 1000);
    const x = mdl.exclusive(ddl, [T], 1000);
    expect(await settled(x)).toBe('pending');
    mdl.release(a);
    expect(await settled(x)).toBe('pending');
    mdl.release(b);
    expect(await settled(x)).toBe('done');
  });

  it('queues newcomers behind a waiting exclusive request, but not an owner that already holds the table', async () => {
    const mdl = new MetadataLocks();
    const [a, late, ddl] = [{}, {}, {}];
    await mdl.shared(a, [T], 1000);
    const x = mdl.exclusive(ddl, [T], 1000);
    const l = mdl.shared(late, [T], 1000);
    expect(await settled(l)).toBe('pending');
    // `a` goes on with the table it holds (no deadlock against the waiting DDL), and with others.
    expect(await settled(mdl.shared(a, [T, U], 1000))).toBe('done');
    mdl.release(a);
    expect(await settled(x)).toBe('done');
    expect(await settled(l)).toBe('pending');
    mdl.release(ddl);
    expect(await settled(l)).toBe('done');
  });

  it('gives up after the timeout with 1205 and lets those behind go on', async () => {
    const mdl = new MetadataLocks();
    const [a, ddl, late] = [{}, {}, {}];
    await mdl.shared(a, [T], 1000);
    const x = mdl.exclusive(ddl, [T], 30);
    const l = mdl.shared(late, [T], 1000);
    await expect(x).rejects.toMatchObject({ errno: 1205 });
    expect(await settled(l)).toBe('done');
    expect(mdl.holds(ddl)).toBe(false);
  });

  it('does not block tables nobody holds exclusively, and names tables case-insensitively', async () => {
    const mdl = new MetadataLocks();
    const [a, ddl] = [{}, {}];
    await mdl.exclusive(ddl, [tableKey('DB', 't')], 1000);
    expect(await settled(mdl.shared(a, [U], 1000))).toBe('done');
    expect(await settled(mdl.shared(a, [T], 1000))).toBe('pending');
  });

  it('LOCK TABLES READ (readOnly) lets others read but makes writers wait, and waits for writers itself', async () => {
    const mdl = new MetadataLocks();
    const [locker, reader, writer, other] = [{}, {}, {}, {}];
    await mdl.lockTables(locker, new Map([[T, 'readOnly']]), 1000);
    expect(await settled(mdl.shared(reader, [T], 1000))).toBe('done');
    const w = mdl.shared(writer, [T], 1000, 'write');
    expect(await settled(w)).toBe('pending');
    // A later LOCK TABLES READ queues behind the waiting writer (first come, first served).
    const o = mdl.lockTables(other, new Map([[T, 'readOnly']]), 1000);
    expect(await settled(o)).toBe('pending');
    mdl.release(locker);
    expect(await settled(w)).toBe('done');
    expect(await settled(o)).toBe('pending');
    mdl.release(writer);
    expect(await settled(o)).toBe('done');
    mdl.release(other);
    await mdl.shared(writer, [T], 1000, 'write');
    // A writer holding the table keeps a new LOCK TABLES READ waiting until it is done.
    const r = mdl.lockTables(locker, new Map([[T, 'readOnly']]), 1000);
    expect(await settled(r)).toBe('pending');
    mdl.release(writer);
    expect(await settled(r)).toBe('done');
  });

  it('LOCK TABLES WRITE (exclusive) keeps everyone else out until released; its owner goes on', async () => {
    const mdl = new MetadataLocks();
    const [locker, reader] = [{}, {}];
    await mdl.lockTables(locker, new Map([[T, 'exclusive'], [U, 'readOnly']]), 1000);
    const r = mdl.shared(reader, [T], 1000);
    expect(await settled(r)).toBe('pending');
    expect(await settled(mdl.shared(reader, [U], 1000))).toBe('done');
    expect(await settled(mdl.shared(locker, [T], 1000, 'write'))).toBe('done');
    mdl.release(locker);
    expect(await settled(r)).toBe('done');
    expect(mdl.holds(locker)).toBe(false);
  });

  it('an owner holding a table for reading upgrades to writing at once, even with a DDL queued', async () => {
    const mdl = new MetadataLocks();
    const [txn, ddl] = [{}, {}];
    await mdl.shared(txn, [T], 1000);
    const x = mdl.exclusive(ddl, [T], 1000);
    expect(await settled(mdl.shared(txn, [T], 1000, 'write'))).toBe('done');
    expect(await settled(x)).toBe('pending');
    mdl.release(txn);
    expect(await settled(x)).toBe('done');
  });
});

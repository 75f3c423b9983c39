// Row locks seen from two real client connections: SELECT … FOR UPDATE / LOCK IN SHARE MODE,
// lock waits and their timeout (1205), what plain reads see meanwhile, and savepoints.
// Runs against Tessera, or against any server named by TESSERA_TARGET (MariaDB behaves the same).
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClients, errnoOf, stateAfter } from '../harness/clients.js';

let clients: TestClients;

const connect = (): Promise<mysql.Connection> => clients.connect({ supportBigNumbers: true, bigNumberStrings: true });

async function rows(c: mysql.Connection, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const [r] = await c.query(sql, values);
  return r as Record<string, unknown>[];
}

beforeAll(async () => {
  clients = await TestClients.open('it_locking');
});

afterAll(async () => {
  await clients?.close();
});

describe('locking reads', () => {
  let a: mysql.Connection;
  let b: mysql.Connection;

  beforeEach(async () => {
    clients.disconnectAll();
    a = await connect();
    b = await connect();
    // Tessera runs read committed; InnoDB's default (repeatable read) would also lock rows a
    // scan reads but does not return.
    for (const c of [a, b]) await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await a.query('DROP TABLE IF EXISTS acct');
    await a.query('CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance DECIMAL(10,2))');
    await a.query("INSERT INTO acct VALUES (1, 'ann', 100.00), (2, 'bob', 50.00), (3, 'cy', 0.00)");
    await b.query('SET SESSION innodb_lock_wait_timeout = 1');
  });

  it('FOR UPDATE locks the rows it returns until commit; other rows stay free', async () => {
    await a.query('BEGIN');
    expect(await rows(a, 'SELECT id, balance FROM acct WHERE id = 1 FOR UPDATE')).toEqual([{ id: 1, balance: '100.00' }]);
    expect(await errnoOf(b.query('UPDATE acct SET balance = 0 WHERE id = 1'))).toBe(1205);
    // A row the locking read did not return can be written.
    await b.query('UPDATE acct SET balance = 51 WHERE id = 2');
    // A plain read is never blocked and sees the last committed value.
    expect(await rows(b, 'SELECT balance FROM acct WHERE id = 1')).toEqual([{ balance: '100.00' }]);
    await a.query('COMMIT');
    await b.query('UPDATE acct SET balance = 0 WHERE id = 1');
    expect(await rows(b, 'SELECT balance FROM acct WHERE id = 1')).toEqual([{ balance: '0.00' }]);
  });

  it('a second FOR UPDATE waits for the first transaction and then reads its committed write', async () => {
    await b.query('SET SESSION innodb_lock_wait_timeout = 10');
    await a.query('BEGIN');
    await rows(a, 'SELECT balance FROM acct WHERE id = 1 FOR UPDATE');
    await b.query('BEGIN');
    const waiting = rows(b, 'SELECT balance FROM acct WHERE id = 1 FOR UPDATE');
    expect(await stateAfter(waiting, 300)).toBe('pending');
    await a.query('UPDATE acct SET balance = balance - 30 WHERE id = 1');
    await a.query('COMMIT');
    // A locking read returns the latest committed version, not an older snapshot.
    expect(await waiting).toEqual([{ balance: '70.00' }]);
    await b.query('COMMIT');
  });

  it('locks every row a range or filter returns, and only those', async () => {
    await a.query('BEGIN');
    const got = await rows(a, 'SELECT id FROM acct WHERE balance >= 50 ORDER BY id FOR UPDATE');
    expect(got).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await errnoOf(b.query('DELETE FROM acct WHERE id = 2'))).toBe(1205);
    expect(await errnoOf(b.query('UPDATE acct SET owner = ? WHERE id = 1', ['x']))).toBe(1205);
    await b.query("UPDATE acct SET owner = 'cyrus' WHERE id = 3");
    await a.query('ROLLBACK');
    await b.query('DELETE FROM acct WHERE id = 2');
    expect(await rows(b, 'SELECT COUNT(*) AS n FROM acct')).toEqual([{ n: '2' }]);
  });

  it('LOCK IN SHARE MODE keeps writers out until commit', async () => {
    await a.query('BEGIN');
    expect(await rows(a, 'SELECT owner FROM acct WHERE id = 2 LOCK IN SHARE MODE')).toEqual([{ owner: 'bob' }]);
    expect(await errnoOf(b.query('UPDATE acct SET balance = 1 WHERE id = 2'))).toBe(1205);
    await a.query('COMMIT');
    await b.query('UPDATE acct SET balance = 1 WHERE id = 2');
  });

  it('an autocommit FOR UPDATE waits for an uncommitted writer and sees its commit', async () => {
    await b.query('SET SESSION innodb_lock_wait_timeout = 10');
    await a.query('BEGIN');
    await a.query('UPDATE acct SET balance = 7 WHERE id = 3');
    const waiting = rows(b, 'SELECT balance FROM acct WHERE id = 3 FOR UPDATE');
    expect(await stateAfter(waiting, 300)).toBe('pending');
    await a.query('COMMIT');
    expect(await waiting).toEqual([{ balance: '7.00' }]);
    // The autocommit statement ended its transaction: the row is free again.
    await a.query('UPDATE acct SET balance = 8 WHERE id = 3');
  });

  it('a row deleted while a FOR UPDATE waited is not returned', async () => {
    await b.query('SET SESSION innodb_lock_wait_timeout = 10');
    await a.query('BEGIN');
    await a.query('DELETE FROM acct WHERE id = 2');
    await b.query('BEGIN');
    const waiting = rows(b, 'SELECT id FROM acct WHERE id >= 2 ORDER BY id FOR UPDATE');
    expect(await stateAfter(waiting, 300)).toBe('pending');
    await a.query('COMMIT');
    expect(await waiting).toEqual([{ id: 3 }]);
    await b.query('COMMIT');
  });

  it('DELETE … ORDER BY … LIMIT re-checks its WHERE on a row changed while it waited for the lock', async () => {
    await b.query('SET SESSION innodb_lock_wait_timeout = 10');
    await a.query('UPDATE acct SET balance = 1 WHERE id = 1');
    await a.query('BEGIN');
    await a.query('UPDATE acct SET balance = 100 WHERE id = 1');
    const waiting = b.query('DELETE FROM acct WHERE balance < 10 ORDER BY id LIMIT 1');
    expect(await stateAfter(waiting, 300)).toBe('pending');
    await a.query('COMMIT');
    await waiting;
    // Row 1 no longer matches once its writer committed: it must survive.
    expect(await rows(b, 'SELECT balance FROM acct WHERE id = 1')).toEqual([{ balance: '100.00' }]);
  });

  it('UPDATE of the primary (shard) key computes the moved row from the version it locked', async () => {
    await b.query('SET SESSION innodb_lock_wait_timeout = 10');
    await a.query('BEGIN');
    await a.query('UPDATE acct SET balance = balance + 1 WHERE id = 2');
    const moving = b.query('UPDATE acct SET id = id + 100, balance = balance * 10 WHERE id = 2');
    expect(await stateAfter(moving, 300)).toBe('pending');
    await a.query('COMMIT');
    await moving;
    // 50.00 + 1 (committed while the mover waited) then × 10: the first update is not lost.
    expect(await rows(b, 'SELECT id, balance FROM acct WHERE id IN (2, 102)')).toEqual([{ id: 102, balance: '510.00' }]);
  });
});

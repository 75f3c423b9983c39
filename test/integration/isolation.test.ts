// Isolation levels between real connections. REPEATABLE READ (the default, as in MySQL): one read
// view per transaction, fixed by its first consistent read or by START TRANSACTION WITH
// CONSISTENT SNAPSHOT; locking reads, UPDATE and DELETE read and lock the latest committed rows
// (so an UPDATE can change rows the snapshot does not show, and the transaction then sees its own
// change). READ COMMITTED: a fresh view per statement. SET TRANSACTION applies to the next
// transaction only; READ ONLY transactions refuse writes with 1792.
//
// Every expectation here was checked against MariaDB 10.11 with the same interleaving:
// TESSERA_TARGET=mysql://root@127.0.0.1:<port> npx vitest run test/integration/isolation.test.ts
// runs the file against such a server (the Tessera-only checks skip themselves).
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClients, errnoOf } from '../harness/clients.js';

let env: TestClients;
let a: mysql.Connection;
let b: mysql.Connection;

beforeAll(async () => {
  env = await TestClients.open('iso_t');
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  env.disconnectAll();
  a = await env.connect();
  b = await env.connect();
  await a.query('DROP TABLE IF EXISTS acct');
  await a.query('CREATE TABLE acct (id INT PRIMARY KEY, v INT NOT NULL)');
  await a.query('INSERT INTO acct VALUES (1, 100), (2, 200), (3, 300)');
});

async function one(c: mysql.Connection, q: string, params: unknown[] = []): Promise<unknown> {
  const [rows] = await c.query({ sql: q, rowsAsArray: true }, params);
  return (rows as unknown[][])[0]?.[0];
}

async function col(c: mysql.Connection, q: string): Promise<unknown[]> {
  const [rows] = await c.query({ sql: q, rowsAsArray: true });
  return (rows as unknown[][]).map((r) => r[0]);
}

describe('REPEATABLE READ (the default)', () => {
  it('is what a new session runs at', async () => {
    expect(await one(a, 'SELECT @@tx_isolation')).toBe('REPEATABLE-READ');
    if (env.isTessera) expect(await one(a, 'SELECT @@transaction_isolation')).toBe('REPEATABLE-READ');
  });

  it('fixes the view at the first read, not at BEGIN, and keeps it for every later plain read', async () => {
    await a.query('BEGIN');
    await b.query('UPDATE acct SET v = 101 WHERE id = 1'); // before a's first read: a sees it
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(101);
    await b.query('UPDATE acct SET v = 102 WHERE id = 1');
    await b.query('INSERT INTO acct VALUES (4, 400)');
    await b.query('DELETE FROM acct WHERE id = 3');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(101);
    expect(await col(a, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 3]);
    expect(Number(await one(a, 'SELECT SUM(v) FROM acct'))).toBe(601);
    await a.query('COMMIT');
    expect(await col(a, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 4]);
  });

  it('START TRANSACTION WITH CONSISTENT SNAPSHOT fixes the view at once', async () => {
    await a.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    await b.query('UPDATE acct SET v = 111 WHERE id = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await a.query('ROLLBACK');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(111);
  });

  it('reads the latest committed row in locking reads and UPDATE, then sees its own change', async () => {
    await a.query('BEGIN');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await b.query('UPDATE acct SET v = 150 WHERE id = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1 FOR UPDATE')).toBe(150);
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1 LOCK IN SHARE MODE')).toBe(150);
    // A plain read goes on using the snapshot, even after the locking read.
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await a.query('UPDATE acct SET v = v + 1 WHERE id = 1'); // on the latest version: 151, not 101
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(151);
    await a.query('COMMIT');
    expect(await one(b, 'SELECT v FROM acct WHERE id = 1')).toBe(151);
  });

  it('lets an UPDATE change a row the snapshot does not show; the row is visible to the transaction afterwards', async () => {
    await a.query('BEGIN');
    expect(await col(a, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 3]);
    await b.query('INSERT INTO acct VALUES (5, 0)');
    expect(await col(a, 'SELECT id FROM acct WHERE id = 5')).toEqual([]);
    const [res] = await a.query('UPDATE acct SET v = 55 WHERE id = 5');
    expect((res as { affectedRows: number }).affectedRows).toBe(1);
    expect(await col(a, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 3, 5]);
    expect(await one(a, 'SELECT v FROM acct WHERE id = 5')).toBe(55);
    await a.query('DELETE FROM acct WHERE id = 5');
    expect(await col(a, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 3]);
    await a.query('COMMIT');
    expect(await col(b, 'SELECT id FROM acct ORDER BY id')).toEqual([1, 2, 3]);
  });

  it('loses no update: a concurrent UPDATE waits for the row lock and applies to the committed value', async () => {
    await a.query('BEGIN');
    await b.query('BEGIN');
    expect(await one(b, 'SELECT v FROM acct WHERE id = 2')).toBe(200); // b's snapshot
    await a.query('UPDATE acct SET v = v + 10 WHERE id = 2');
    const waiting = b.query('UPDATE acct SET v = v + 1 WHERE id = 2');
    await new Promise((r) => setTimeout(r, 200));
    await a.query('COMMIT');
    await waiting;
    expect(await one(b, 'SELECT v FROM acct WHERE id = 2')).toBe(211);
    await b.query('COMMIT');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 2')).toBe(211);
  });

  it('with autocommit off, the first read opens the transaction and its view lasts until COMMIT', async () => {
    await a.query('SET autocommit = 0');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 3')).toBe(300);
    await b.query('UPDATE acct SET v = 333 WHERE id = 3');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 3')).toBe(300);
    await a.query('COMMIT');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 3')).toBe(333);
    await b.query('UPDATE acct SET v = 334 WHERE id = 3');
    // Turning autocommit back on commits the open transaction: the next read is fresh.
    await a.query('SET autocommit = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 3')).toBe(334);
  });
});

describe('READ COMMITTED and the other levels', () => {
  it('READ COMMITTED takes a fresh view per statement', async () => {
    await a.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    expect(await one(a, 'SELECT @@tx_isolation')).toBe('READ-COMMITTED');
    await a.query('BEGIN');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await b.query('UPDATE acct SET v = 120 WHERE id = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(120);
    await a.query('COMMIT');
  });

  it('SET TRANSACTION applies to the next transaction only, and not inside one (1568)', async () => {
    await a.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await a.query('BEGIN');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await b.query('UPDATE acct SET v = 130 WHERE id = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(130); // read committed
    expect(await errnoOf(a.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED'))).toBe(1568);
    await a.query('COMMIT');
    await a.query('BEGIN');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(130);
    await b.query('UPDATE acct SET v = 140 WHERE id = 1');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(130); // repeatable read again
    await a.query('COMMIT');
  });

  it('COMMIT AND CHAIN starts the next transaction at once, with the same level', async () => {
    await a.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await a.query('BEGIN');
    await a.query('COMMIT AND CHAIN');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 2')).toBe(200);
    await b.query('UPDATE acct SET v = 222 WHERE id = 2');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 2')).toBe(222); // still read committed, in a transaction
    await a.query('UPDATE acct SET v = 0 WHERE id = 2');
    await a.query('ROLLBACK');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 2')).toBe(222);
  });

  it('refuses writes and locking reads in a READ ONLY transaction (1792); READ WRITE writes', async () => {
    await a.query('START TRANSACTION READ ONLY');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    for (const q of ['INSERT INTO acct VALUES (9, 9)', 'UPDATE acct SET v = 1', 'DELETE FROM acct WHERE id = 1', 'SELECT v FROM acct WHERE id = 1 FOR UPDATE']) {
      await expect(a.query(q), q).rejects.toMatchObject({ errno: 1792, sqlState: '25006' });
    }
    await a.query('COMMIT');
    await a.query('SET TRANSACTION READ ONLY');
    // Under autocommit each statement is the next transaction; a refused one does not use up SET TRANSACTION …
    await expect(a.query('INSERT INTO acct VALUES (9, 9)')).rejects.toMatchObject({ errno: 1792 });
    await expect(a.query('INSERT INTO acct VALUES (9, 9)')).rejects.toMatchObject({ errno: 1792 });
    expect(await one(a, 'SELECT v FROM acct WHERE id = 2')).toBe(200); // … a read does
    await a.query('INSERT INTO acct VALUES (9, 9)');
    await a.query('SET SESSION TRANSACTION READ ONLY');
    await expect(a.query('UPDATE acct SET v = 1 WHERE id = 9')).rejects.toMatchObject({ errno: 1792 });
    await a.query('START TRANSACTION READ WRITE');
    await a.query('UPDATE acct SET v = 1 WHERE id = 9');
    await a.query('COMMIT');
    await a.query('SET SESSION TRANSACTION READ WRITE');
    expect(await one(a, 'SELECT v FROM acct WHERE id = 9')).toBe(1);
  });

  it('READ UNCOMMITTED runs as READ COMMITTED: another transaction’s uncommitted rows stay invisible', async () => {
    await a.query('SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
    await b.query('BEGIN');
    await b.query('UPDATE acct SET v = 999 WHERE id = 1');
    // MariaDB shows 999 here (a dirty read); Tessera never shows uncommitted data.
    if (env.isTessera) expect(await one(a, 'SELECT v FROM acct WHERE id = 1')).toBe(100);
    await b.query('ROLLBACK');
  });

  it('refuses SERIALIZABLE with 1235 rather than run it without gap locks', async () => {
    if (!env.isTessera) return; // MariaDB runs it
    for (const q of ['SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', "SET tx_isolation = 'SERIALIZABLE'", "SET GLOBAL transaction_isolation = 'SERIALIZABLE'"]) {
      await expect(a.query(q), q).rejects.toMatchObject({ errno: 1235, sqlState: '42000', message: expect.stringMatching(/SERIALIZABLE.*gap locks/) });
    }
    expect(await one(a, 'SELECT @@tx_isolation')).toBe('REPEATABLE-READ');
  });
});

// Session values (user variables, @@variables, DATABASE(), LAST_INSERT_ID()) in writes: they are
// evaluated in UPDATE … SET and WHERE, DELETE WHERE, INSERT VALUES and ON DUPLICATE KEY UPDATE
// exactly as in SELECT, never read as NULL on the leaf. The SQL is written for MySQL/MariaDB:
// TESSERA_TARGET=mysql://root@127.0.0.1:<port> runs the same assertions against MariaDB 10.11.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

let clients: TestClients;
let c: mysql.Connection;

async function rows(sql: string, values: unknown[] = []): Promise<unknown[][]> {
  const [r] = await c.query({ sql, values, rowsAsArray: true });
  return r as unknown[][];
}

async function ok(sql: string, values: unknown[] = []): Promise<mysql.ResultSetHeader> {
  const [r] = await c.query(sql, values);
  return r as mysql.ResultSetHeader;
}

beforeAll(async () => {
  clients = await TestClients.open('it_session_values');
  c = await clients.connect();
});

afterAll(async () => {
  await clients?.close();
});

beforeEach(async () => {
  await ok('DROP TABLE IF EXISTS t');
  await ok('CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(64))');
  await ok("INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')");
});

describe('user variables in writes', () => {
  it('UPDATE … SET v = @x stores the value, not NULL', async () => {
    await ok('SET @x = 42');
    const r = await ok('UPDATE t SET v = @x WHERE id = 1');
    expect(r.affectedRows).toBe(1);
    expect(await rows('SELECT v FROM t ORDER BY id')).toEqual([[42], [20], [30]]);
  });

  it('UPDATE and DELETE find their rows through a variable in WHERE (and in a key seek)', async () => {
    await ok('SET @k = 2, @lo = 25');
    expect((await ok('UPDATE t SET s = CONCAT(s, @k) WHERE id = @k')).affectedRows).toBe(1);
    expect((await ok('UPDATE t SET v = v + 1 WHERE v > @lo')).affectedRows).toBe(1);
    expect(await rows('SELECT id, v, s FROM t ORDER BY id')).toEqual([[1, 10, 'a'], [2, 20, 'b2'], [3, 31, 'c']]);
    expect((await ok('DELETE FROM t WHERE v = @lo + 6')).affectedRows).toBe(1);
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([[1], [2]]);
  });

  it('ON DUPLICATE KEY UPDATE v = @x + 1 and INSERT VALUES (@x) use the variable', async () => {
    await ok('SET @x = 42');
    expect((await ok('INSERT INTO t (id, v) VALUES (1, 0) ON DUPLICATE KEY UPDATE v = @x + 1')).affectedRows).toBe(2);
    await ok("INSERT INTO t VALUES (@x, @x * 2, CONCAT('id', @x))");
    expect(await rows('SELECT id, v, s FROM t WHERE id IN (1, 42) ORDER BY id')).toEqual([[1, 43, 'a'], [42, 84, 'id42']]);
  });

  it('ORDER BY … LIMIT of a write, and UPDATE over every partition, read variables too', async () => {
    await ok('SET @step = 5');
    await ok('UPDATE t SET v = v + @step ORDER BY v DESC LIMIT 1');
    await ok('UPDATE t SET v = v - @step');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 5], [2, 15], [3, 30]]);
  });

  it('a string variable and a variable never set (NULL, as in MySQL)', async () => {
    await ok("SET @name = 'zed'");
    await ok('UPDATE t SET s = @name, v = @never_set WHERE id = 3');
    expect(await rows('SELECT s, v FROM t WHERE id = 3')).toEqual([['zed', null]]);
  });
});

describe('other session values in writes', () => {
  it('DATABASE(), @@session variables and CONNECTION_ID() are those of the session', async () => {
    await ok('SET @@session.sql_select_limit = 7');
    await ok('UPDATE t SET s = DATABASE(), v = @@session.sql_select_limit WHERE id = 1');
    await ok('UPDATE t SET v = CONNECTION_ID() WHERE id = 2');
    const [[id]] = await rows('SELECT CONNECTION_ID()');
    expect(await rows('SELECT s, v FROM t WHERE id = 1')).toEqual([['it_session_values', 7]]);
    expect(await rows('SELECT v FROM t WHERE id = 2')).toEqual([[id]]);
    await ok('SET @@session.sql_select_limit = DEFAULT');
  });

  it('LAST_INSERT_ID(expr) in UPDATE sets the session value and the OK packet id (the sequence idiom)', async () => {
    const r = await ok('UPDATE t SET v = LAST_INSERT_ID(v + 1) WHERE id = 3');
    expect(r.insertId).toBe(31);
    expect(await rows('SELECT LAST_INSERT_ID(), v FROM t WHERE id = 3')).toEqual([[31, 31]]);
    expect(await rows('SELECT LAST_INSERT_ID(5), LAST_INSERT_ID()')).toEqual([[5, 5]]);
    expect(await rows('SELECT LAST_INSERT_ID()')).toEqual([[5]]);
  });
});

describe('the statement time in writes', () => {
  it('NOW() in SET, and ON UPDATE CURRENT_TIMESTAMP only for rows that change', async () => {
    await ok('DROP TABLE IF EXISTS o');
    await ok("CREATE TABLE o (id INT PRIMARY KEY, v INT, at DATETIME, ts DATETIME DEFAULT '2000-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP)");
    await ok('INSERT INTO o (id, v) VALUES (1, 1), (2, 2), (3, 3)');
    const fresh = 'TIMESTAMPDIFF(SECOND, ts, NOW()) BETWEEN 0 AND 60';
    await ok('UPDATE o SET v = v WHERE id = 1'); // unchanged: ts stays
    await ok('UPDATE o SET v = 5, at = NOW() WHERE id = 2');
    await ok('INSERT INTO o (id, v) VALUES (3, 9) ON DUPLICATE KEY UPDATE v = VALUES(v)');
    expect(await rows(`SELECT id, ${fresh}, at IS NULL OR TIMESTAMPDIFF(SECOND, at, NOW()) BETWEEN 0 AND 60 FROM o ORDER BY id`)).toEqual([[1, 0, 1], [2, 1, 1], [3, 1, 1]]);
    // An explicit value wins over ON UPDATE.
    await ok("UPDATE o SET v = 6, ts = '2001-02-03 04:05:06' WHERE id = 1");
    expect(await rows("SELECT ts = '2001-02-03 04:05:06' FROM o WHERE id = 1")).toEqual([[1]]);
  });
});

describe('SET evaluates every right-hand side before it assigns', () => {
  it('SET @a := @a + 1 chains across statements; within one, later items read the old values', async () => {
    await ok('SET @a = 1');
    await ok('SET @a := @a + 1');
    await ok('SET @a := @a + 1, @b = @a * 10');
    expect(await rows('SELECT @a, @b')).toEqual([[3, 20]]);
  });

  it('@x := inside a SELECT is refused with a clear error on Tessera (MariaDB assigns)', async () => {
    if (!clients.isTessera) return;
    await expect(c.query('SELECT @c := 5')).rejects.toMatchObject({ errno: 1235 });
  });
});

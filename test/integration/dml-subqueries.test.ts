// Subqueries in writes and in SET: scalar subqueries in UPDATE … SET, INSERT … VALUES and
// SET @x = (SELECT …), correlated ones in UPDATE … SET, IN (SELECT …) in UPDATE / DELETE WHERE,
// a subquery reading the table being changed (MariaDB 10.11 allows it and reads the table as it
// was before the statement), and VALUES(col) anywhere in ON DUPLICATE KEY UPDATE. None of these
// may answer an internal error. TESSERA_TARGET=mysql://root@127.0.0.1:<port> runs the same
// assertions against MariaDB.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

let clients: TestClients;
let c: mysql.Connection;

async function rows(sql: string): Promise<unknown[][]> {
  const [r] = await c.query({ sql, rowsAsArray: true });
  return r as unknown[][];
}

async function ok(sql: string): Promise<{ affected: number; info: string }> {
  const [r] = await c.query(sql);
  const h = r as mysql.ResultSetHeader;
  return { affected: h.affectedRows, info: h.info };
}

beforeAll(async () => {
  clients = await TestClients.open('it_dml_subqueries');
  c = await clients.connect({ flags: ['-FOUND_ROWS'] });
});

afterAll(async () => {
  await clients?.close();
});

beforeEach(async () => {
  await ok('DROP TABLE IF EXISTS t');
  await ok('DROP TABLE IF EXISTS w');
  await ok('DROP TABLE IF EXISTS k');
  await ok('CREATE TABLE t (id INT PRIMARY KEY, v INT, u INT UNIQUE)');
  await ok('CREATE TABLE w (id INT PRIMARY KEY, x INT)');
  await ok('INSERT INTO t VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3)');
  await ok('INSERT INTO w VALUES (1, 10), (2, 20), (3, 30)');
});

describe('UPDATE', () => {
  it('SET v = (SELECT MAX(x) FROM w): one value for every row', async () => {
    expect(await ok('UPDATE t SET v = (SELECT MAX(x) FROM w)')).toMatchObject({ affected: 3, info: 'Rows matched: 3  Changed: 3  Warnings: 0' });
    expect(await rows('SELECT v FROM t ORDER BY id')).toEqual([[30], [30], [30]]);
  });

  it('a correlated subquery in SET reads each row', async () => {
    expect(await ok('UPDATE t SET v = (SELECT x FROM w WHERE w.id = t.id) + v WHERE id >= 2')).toMatchObject({ affected: 2 });
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 1], [2, 22], [3, 33]]);
    // A row the subquery finds nothing for gets NULL.
    await ok('DELETE FROM w WHERE id = 1');
    await ok('UPDATE t SET v = (SELECT MAX(x) FROM w WHERE w.id = t.id)');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, null], [2, 20], [3, 30]]);
  });

  it('IN (SELECT …) in WHERE, over the table being updated', async () => {
    expect(await ok('UPDATE t SET v = 0 WHERE id IN (SELECT id FROM t WHERE v > 1)')).toMatchObject({ affected: 2 });
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 1], [2, 0], [3, 0]]);
  });

  it('a subquery over the table being updated sees it as it was before the statement', async () => {
    expect(await ok('UPDATE t SET v = (SELECT MAX(v) FROM t) + id')).toMatchObject({ affected: 3 });
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 4], [2, 5], [3, 6]]);
    await ok('UPDATE t SET v = (SELECT COUNT(*) FROM t AS t2 WHERE t2.v < t.v)');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 0], [2, 1], [3, 2]]);
  });

  it('a scalar subquery in WHERE that fixes the key, and EXISTS', async () => {
    expect(await ok('UPDATE t SET v = 100 WHERE id = (SELECT MIN(id) FROM w WHERE x > 15)')).toMatchObject({ affected: 1 });
    expect(await ok('UPDATE t SET v = -1 WHERE EXISTS (SELECT 1 FROM w WHERE w.x = t.v * 10)')).toMatchObject({ affected: 2 });
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, -1], [2, 100], [3, -1]]);
  });

  it('ORDER BY … LIMIT with a subquery in SET', async () => {
    await ok('UPDATE t SET v = (SELECT x FROM w WHERE w.id = t.id) ORDER BY id DESC LIMIT 2');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 1], [2, 20], [3, 30]]);
  });

  it('a subquery returning two rows is error 1242, and nothing is changed', async () => {
    await expect(c.query('UPDATE t SET v = (SELECT x FROM w)')).rejects.toMatchObject({ errno: 1242, sqlState: '21000' });
    expect(await rows('SELECT v FROM t ORDER BY id')).toEqual([[1], [2], [3]]);
  });

  it('on a table sharded by its key, each row is written on its own partition', async () => {
    expect(await ok('UPDATE w SET x = (SELECT v FROM t WHERE t.id = w.id) * 100 WHERE id IN (SELECT id FROM t WHERE v >= 2)')).toMatchObject({ affected: 2 });
    expect(await rows('SELECT id, x FROM w ORDER BY id')).toEqual([[1, 10], [2, 200], [3, 300]]);
  });

  it('works on a table without a shard key (a primary and a unique key share no column)', async () => {
    await ok('CREATE TABLE k (id INT PRIMARY KEY, v INT, u INT UNIQUE)');
    await ok('INSERT INTO k VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4)');
    expect(await ok('UPDATE k SET v = v * 10 WHERE id IN (SELECT id FROM w)')).toMatchObject({ affected: 3 });
    expect(await ok('DELETE FROM k WHERE id IN (SELECT id FROM k WHERE v >= 20)')).toMatchObject({ affected: 2 });
    expect(await rows('SELECT id, v FROM k ORDER BY id')).toEqual([[1, 10], [4, 4]]);
  });
});

describe('IN (SELECT …) in writes', () => {
  it('NOT IN, <> ALL and an empty subquery keep three-valued logic (NULLs)', async () => {
    await ok('INSERT INTO w VALUES (4, NULL)');
    // x NOT IN (10, 20, 30, NULL) is never TRUE: nothing changes.
    expect(await ok('UPDATE t SET v = 0 WHERE v * 10 NOT IN (SELECT x FROM w)')).toMatchObject({ affected: 0 });
    expect(await ok('UPDATE t SET v = 0 WHERE v * 10 <> ALL (SELECT x FROM w WHERE x IS NOT NULL AND x > 15)')).toMatchObject({ affected: 1 });
    expect(await ok('UPDATE t SET v = 7 WHERE id NOT IN (SELECT id FROM w WHERE x > 1000)')).toMatchObject({ affected: 3 });
    expect(await ok('UPDATE t SET v = 8 WHERE id IN (SELECT id FROM w WHERE x > 1000)')).toMatchObject({ affected: 0 });
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 7], [2, 7], [3, 7]]);
  });

  it('a table with no key at all: DELETE and UPDATE with IN (SELECT …)', async () => {
    await ok('CREATE TABLE k (a INT, b INT)');
    await ok('INSERT INTO k VALUES (1, 1), (2, 2), (3, 3), (4, 4)');
    expect(await ok('UPDATE k SET b = b * 10 WHERE a IN (SELECT id FROM w WHERE x >= 20)')).toMatchObject({ affected: 2 });
    expect(await ok('DELETE FROM k WHERE a IN (SELECT id FROM w)')).toMatchObject({ affected: 3 });
    expect(await rows('SELECT a, b FROM k')).toEqual([[4, 4]]);
  });
});

describe('DELETE', () => {
  it('WHERE with IN (SELECT …), a scalar subquery, and the table itself', async () => {
    expect(await ok('DELETE FROM t WHERE v = (SELECT MIN(x) FROM w) / 10')).toMatchObject({ affected: 1 });
    expect(await ok('DELETE FROM t WHERE id IN (SELECT id FROM w WHERE x = 30)')).toMatchObject({ affected: 1 });
    expect(await rows('SELECT id FROM t')).toEqual([[2]]);
    expect(await ok('DELETE FROM t WHERE v IN (SELECT MAX(v) FROM t)')).toMatchObject({ affected: 1 });
    expect(await rows('SELECT COUNT(*) FROM t')).toEqual([[0]]);
  });
});

describe('INSERT and SET', () => {
  it('INSERT … VALUES ((SELECT …)) and a subquery over the target table', async () => {
    await ok('INSERT INTO w VALUES (4, (SELECT MAX(x) FROM w) + 1)');
    await ok('INSERT INTO t (id, v, u) VALUES ((SELECT MAX(id) FROM t) + 1, (SELECT COUNT(*) FROM w), 9), (10, 1, 10)');
    expect(await rows('SELECT x FROM w WHERE id = 4')).toEqual([[31]]);
    expect(await rows('SELECT id, v FROM t WHERE u IN (9, 10) ORDER BY id')).toEqual([[4, 4], [10, 1]]);
  });

  it('SET @x = (SELECT …), also inside an expression', async () => {
    await ok('SET @y = (SELECT MAX(x) FROM w), @z = (SELECT COUNT(*) FROM t) + 1');
    expect(await rows('SELECT @y, @z')).toEqual([[30, 4]]);
    await ok('UPDATE t SET v = @y WHERE id = 1');
    expect(await rows('SELECT v FROM t WHERE id = 1')).toEqual([[30]]);
  });

  it('ON DUPLICATE KEY UPDATE: VALUES(col) inside IN, BETWEEN, CASE, LIKE and functions, and a scalar subquery', async () => {
    await ok('INSERT INTO t VALUES (1, 7, 1) ON DUPLICATE KEY UPDATE v = IF(VALUES(v) IN (7, 8), 100, 200)');
    await ok('INSERT INTO t VALUES (2, 7, 2) ON DUPLICATE KEY UPDATE v = VALUES(v) BETWEEN 1 AND 10');
    await ok('INSERT INTO t VALUES (3, 7, 3) ON DUPLICATE KEY UPDATE v = CASE WHEN VALUES(v) > 5 THEN 50 ELSE 60 END');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 100], [2, 1], [3, 50]]);
    await ok("INSERT INTO t VALUES (1, 7, 1) ON DUPLICATE KEY UPDATE v = (VALUES(v) LIKE '7%') + COALESCE(VALUES(u), 0) + LENGTH(VALUES(v))");
    await ok('INSERT INTO t VALUES (2, 5, 2) ON DUPLICATE KEY UPDATE v = (SELECT MAX(x) FROM w) + VALUES(v)');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 3], [2, 35], [3, 50]]);
    // Outside ON DUPLICATE KEY UPDATE, VALUES() is a syntax error (MariaDB 10.3+).
    await expect(c.query('SELECT VALUES(v) FROM t')).rejects.toMatchObject({ errno: 1064 });
  });
});

describe('SHOW … WHERE and KILL', () => {
  it('a subquery in SHOW … WHERE is evaluated; KILL refuses one (MariaDB 1970)', async () => {
    expect(await rows("SHOW TABLES WHERE Tables_in_it_dml_subqueries IN (SELECT 'w' FROM t)")).toEqual([['w']]);
    expect(await rows("SHOW VARIABLES WHERE Variable_name = (SELECT 'autocommit' FROM t LIMIT 1)")).toEqual([['autocommit', 'ON']]);
    await expect(c.query('KILL (SELECT MAX(id) + 999999 FROM t)')).rejects.toMatchObject({ errno: 1970, sqlState: '42000' });
  });
});

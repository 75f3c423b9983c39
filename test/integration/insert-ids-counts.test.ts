// Insert ids, LAST_INSERT_ID(), affected-row counts and the OK packet's info string, with and
// without CLIENT_FOUND_ROWS, as MariaDB 10.11 answers them; and FOUND_ROWS() / ROW_COUNT().
// Written for MySQL semantics: TESSERA_TARGET=mysql://root@127.0.0.1:<port> runs the same
// assertions against MariaDB. Auto-increment gaps are an engine's own (InnoDB burns ids in its
// own way), so ids are checked against the rows they name, not against fixed numbers.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';
import { canRun } from '../harness/installed.js';
import { runTool } from '../harness/run-tool.js';
import { parseTarget, startTargetOrTessera } from '../harness/server.js';

let clients: TestClients;
/** CLIENT_FOUND_ROWS on (mysql2's default) and off. */
let found: mysql.Connection;
let changed: mysql.Connection;

async function rows(c: mysql.Connection, sql: string): Promise<unknown[][]> {
  const [r] = await c.query({ sql, rowsAsArray: true });
  return r as unknown[][];
}

async function ok(c: mysql.Connection, sql: string): Promise<{ affected: number; id: number; info: string; warnings: number }> {
  const [r] = await c.query(sql);
  const h = r as mysql.ResultSetHeader;
  return { affected: h.affectedRows, id: h.insertId, info: h.info, warnings: h.warningStatus };
}

async function idOf(c: mysql.Connection, u: number): Promise<number> {
  return (await rows(c, `SELECT id FROM t WHERE u = ${u}`))[0]![0] as number;
}

async function lastInsertId(c: mysql.Connection): Promise<number> {
  return (await rows(c, 'SELECT LAST_INSERT_ID()'))[0]![0] as number;
}

beforeAll(async () => {
  clients = await TestClients.open('it_insert_ids');
  found = await clients.connect();
  changed = await clients.connect({ flags: ['-FOUND_ROWS'] });
});

afterAll(async () => {
  await clients?.close();
});

beforeEach(async () => {
  await ok(found, 'DROP TABLE IF EXISTS t');
  await ok(found, 'CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT, u INT UNIQUE)');
  await ok(found, 'INSERT INTO t (v, u) VALUES (1, 1), (2, 2), (3, 3)');
});

describe('insert ids', () => {
  it('a plain insert reports its generated id; a multi-row insert the first one', async () => {
    const one = await ok(found, 'INSERT INTO t (v, u) VALUES (4, 4)');
    expect(one).toMatchObject({ affected: 1, id: await idOf(found, 4), info: '' });
    expect(await lastInsertId(found)).toBe(one.id);
    const many = await ok(found, 'INSERT INTO t (v, u) VALUES (5, 5), (6, 6)');
    expect(many).toMatchObject({ affected: 2, id: await idOf(found, 5), info: 'Records: 2  Duplicates: 0  Warnings: 0' });
    expect(await idOf(found, 6)).toBe(many.id + 1);
    expect(await lastInsertId(found)).toBe(many.id);
  });

  it('an explicit id is the insert id but does not change LAST_INSERT_ID(); a generated one in the same statement does', async () => {
    const before = await lastInsertId(found);
    expect(await ok(found, 'INSERT INTO t (id, v, u) VALUES (50, 1, 50)')).toMatchObject({ affected: 1, id: 50 });
    expect(await lastInsertId(found)).toBe(before);
    const mixed = await ok(found, 'INSERT INTO t (id, v, u) VALUES (60, 1, 60), (NULL, 1, 61)');
    expect(mixed.id).toBe(61);
    expect(await lastInsertId(found)).toBe(61);
  });

  it('INSERT IGNORE: a skipped row reports id 0, a partly skipped insert the id of the row it wrote', async () => {
    const before = await lastInsertId(found);
    expect(await ok(found, 'INSERT IGNORE INTO t (v, u) VALUES (9, 2)')).toMatchObject({ affected: 0, id: 0, warnings: 1 });
    expect(await lastInsertId(found)).toBe(before);
    const part = await ok(found, 'INSERT IGNORE INTO t (v, u) VALUES (9, 2), (9, 9)');
    expect(part).toMatchObject({ affected: 1, id: await idOf(found, 9), info: 'Records: 2  Duplicates: 1  Warnings: 1', warnings: 1 });
    expect(await lastInsertId(found)).toBe(part.id);
  });

  it('ON DUPLICATE KEY UPDATE that updates a row: affected 2 and the row\'s id; LAST_INSERT_ID() is left alone', async () => {
    const before = await lastInsertId(found);
    for (const c of [found, changed]) {
      expect(await ok(c, 'INSERT INTO t (v, u) VALUES (0, 2) ON DUPLICATE KEY UPDATE v = v + 1')).toMatchObject({ affected: 2, id: await idOf(c, 2) });
    }
    expect(await lastInsertId(found)).toBe(before);
    expect(await rows(found, 'SELECT v FROM t WHERE u = 2')).toEqual([[4]]);
  });

  it('ON DUPLICATE KEY UPDATE that changes nothing: 1 with CLIENT_FOUND_ROWS, else 0; id 0', async () => {
    expect(await ok(found, 'INSERT INTO t (v, u) VALUES (0, 2) ON DUPLICATE KEY UPDATE v = v')).toMatchObject({ affected: 1, id: 0 });
    expect(await ok(changed, 'INSERT INTO t (v, u) VALUES (0, 2) ON DUPLICATE KEY UPDATE v = v')).toMatchObject({ affected: 0, id: 0 });
  });

  it('several rows meeting duplicates: counts, Duplicates and the id of the last row processed', async () => {
    // Row u=2 changes, u=3 stays as it is.
    const sql = 'INSERT INTO t (v, u) VALUES (20, 2), (3, 3) ON DUPLICATE KEY UPDATE v = VALUES(v)';
    expect(await ok(found, sql)).toMatchObject({ affected: 3, id: await idOf(found, 3), info: 'Records: 2  Duplicates: 2  Warnings: 0' });
    await ok(found, 'UPDATE t SET v = 2 WHERE u = 2');
    expect(await ok(changed, sql)).toMatchObject({ affected: 2, id: await idOf(found, 3), info: 'Records: 2  Duplicates: 1  Warnings: 0' });
    // A new row among updated ones: its generated id wins.
    const mixed = await ok(found, 'INSERT INTO t (v, u) VALUES (21, 2), (7, 7) ON DUPLICATE KEY UPDATE v = VALUES(v)');
    expect(mixed).toMatchObject({ affected: 3, id: await idOf(found, 7), info: 'Records: 2  Duplicates: 1  Warnings: 0' });
  });

  it('LAST_INSERT_ID(expr) in ON DUPLICATE KEY UPDATE makes the updated row\'s id the insert id', async () => {
    const r = await ok(found, 'INSERT INTO t (v, u) VALUES (0, 3) ON DUPLICATE KEY UPDATE v = v + 1, id = LAST_INSERT_ID(id)');
    expect(r).toMatchObject({ affected: 2, id: await idOf(found, 3) });
    expect(await lastInsertId(found)).toBe(r.id);
  });

  it('REPLACE: a new row counts 1, a replaced one 2 (3 when it replaces two rows), with the new id', async () => {
    const fresh = await ok(found, 'REPLACE INTO t (v, u) VALUES (8, 8)');
    expect(fresh).toMatchObject({ affected: 1, id: await idOf(found, 8) });
    const replaced = await ok(found, 'REPLACE INTO t (v, u) VALUES (9, 2)');
    expect(replaced).toMatchObject({ affected: 2, id: await idOf(found, 2) });
    expect(await lastInsertId(found)).toBe(replaced.id);
    // An explicit id that collides with the primary key of one row and the unique key of another.
    const id1 = await idOf(found, 1);
    expect(await ok(found, `REPLACE INTO t (id, v, u) VALUES (${id1}, 0, 3)`)).toMatchObject({ affected: 3, id: id1 });
    expect(await rows(found, 'SELECT COUNT(*) FROM t WHERE u IN (1, 3)')).toEqual([[1]]);
  });

  it('a table without AUTO_INCREMENT reports id 0 whatever happens', async () => {
    await ok(found, 'DROP TABLE IF EXISTS n');
    await ok(found, 'CREATE TABLE n (a INT, b INT PRIMARY KEY)');
    expect(await ok(found, 'INSERT INTO n VALUES (1, 1)')).toMatchObject({ affected: 1, id: 0 });
    expect(await ok(found, 'INSERT INTO n VALUES (2, 1) ON DUPLICATE KEY UPDATE a = 5')).toMatchObject({ affected: 2, id: 0 });
  });
});

describe('UPDATE counts', () => {
  it('affected = changed rows, or matched rows with CLIENT_FOUND_ROWS; info names both', async () => {
    expect(await ok(found, 'UPDATE t SET v = 2 WHERE u >= 1')).toMatchObject({ affected: 3, info: 'Rows matched: 3  Changed: 2  Warnings: 0' });
    expect(await ok(changed, 'UPDATE t SET v = u WHERE u >= 1')).toMatchObject({ affected: 2, info: 'Rows matched: 3  Changed: 2  Warnings: 0' });
    expect(await ok(found, 'UPDATE t SET v = 3 WHERE u = 99')).toMatchObject({ affected: 0, info: 'Rows matched: 0  Changed: 0  Warnings: 0' });
  });
});

describe('FOUND_ROWS() and ROW_COUNT()', () => {
  beforeEach(async () => {
    await ok(found, 'INSERT INTO t (v, u) VALUES (4, 4), (5, 5), (6, 6)');
  });

  it('SQL_CALC_FOUND_ROWS … LIMIT counts the rows without the LIMIT', async () => {
    expect(await rows(found, 'SELECT SQL_CALC_FOUND_ROWS u FROM t ORDER BY u LIMIT 1')).toEqual([[1]]);
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[6]]);
    await rows(found, 'SELECT SQL_CALC_FOUND_ROWS u FROM t WHERE u > 2 ORDER BY u DESC LIMIT 1 OFFSET 1');
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[4]]);
    await rows(found, 'SELECT SQL_CALC_FOUND_ROWS u % 2, COUNT(*) FROM t GROUP BY u % 2 LIMIT 1');
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[2]]);
    expect(await rows(found, 'SELECT SQL_CALC_FOUND_ROWS u FROM t LIMIT 0')).toEqual([]);
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[6]]);
    await rows(found, 'SELECT SQL_CALC_FOUND_ROWS u FROM t UNION ALL SELECT u FROM t LIMIT 2');
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[12]]);
  });

  it('a plain SELECT (or SHOW) sets FOUND_ROWS() to the rows it returned; writes and SET leave it', async () => {
    await rows(found, 'SELECT u FROM t WHERE u < 3 LIMIT 5');
    await ok(found, 'INSERT INTO t (v, u) VALUES (7, 7)');
    await ok(found, 'SET @ignored = 1');
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[2]]);
    await rows(found, "SHOW TABLES LIKE 't'");
    expect(await rows(found, 'SELECT FOUND_ROWS()')).toEqual([[1]]);
  });

  it('SQL_CALC_FOUND_ROWS inside a subquery is error 1234', async () => {
    await expect(found.query('SELECT u FROM t WHERE u IN (SELECT SQL_CALC_FOUND_ROWS u FROM t)')).rejects.toMatchObject({ errno: 1234, sqlState: '42000' });
  });

  it('ROW_COUNT(): affected rows of the last write, 0 after SET or DDL, -1 after a result set or an error', async () => {
    await ok(found, 'INSERT INTO t (v, u) VALUES (7, 7), (8, 8)');
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[2]]);
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[-1]]);
    await ok(found, 'SET @x = 1');
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[0]]);
    await ok(found, 'UPDATE t SET v = v WHERE u < 3');
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[2]]); // matched, with CLIENT_FOUND_ROWS
    await ok(changed, 'UPDATE t SET v = v WHERE u < 3');
    expect(await rows(changed, 'SELECT ROW_COUNT()')).toEqual([[0]]);
    await ok(found, 'CREATE TABLE IF NOT EXISTS other (a INT)');
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[0]]);
    await expect(found.query('INSERT INTO t (id, v, u) VALUES (1, 1, 100)')).rejects.toMatchObject({ errno: 1062 });
    expect(await rows(found, 'SELECT ROW_COUNT()')).toEqual([[-1]]);
  });
});

// PHP's PDO asks for CLIENT_FOUND_ROWS with PDO::MYSQL_ATTR_FOUND_ROWS and reads lastInsertId()
// and rowCount() from the OK packet.
const php = canRun(import.meta.url, 'the PHP PDO case', 'php-pdo');

describe.skipIf(!php)('PHP PDO', () => {
  it('rowCount() and lastInsertId() follow CLIENT_FOUND_ROWS as with MariaDB', async () => {
    const server = await startTargetOrTessera();
    try {
      const t = parseTarget(server.url);
      const script = `
        $dsn = "mysql:host=${t.host};port=${t.port}";
        $out = [];
        foreach ([true, false] as $foundRows) {
          $db = new PDO($dsn, "${t.user}", "${t.password}", [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::MYSQL_ATTR_FOUND_ROWS => $foundRows]);
          $db->exec("CREATE DATABASE IF NOT EXISTS it_pdo_ids");
          $db->exec("USE it_pdo_ids");
          $db->exec("DROP TABLE IF EXISTS p");
          $db->exec("CREATE TABLE p (id INT PRIMARY KEY AUTO_INCREMENT, v INT, u INT UNIQUE)");
          $db->exec("INSERT INTO p (v, u) VALUES (1, 1), (2, 2)");
          $r = [];
          $r[] = $db->exec("INSERT INTO p (v, u) VALUES (3, 3)"); $r[] = $db->lastInsertId();
          $r[] = $db->exec("INSERT INTO p (v, u) VALUES (0, 2) ON DUPLICATE KEY UPDATE v = v + 1"); $r[] = $db->lastInsertId();
          $r[] = $db->exec("INSERT IGNORE INTO p (v, u) VALUES (0, 1)"); $r[] = $db->lastInsertId();
          $r[] = $db->exec("UPDATE p SET v = 1 WHERE u <= 2");
          $out[] = $r;
          $db->exec("DROP DATABASE it_pdo_ids");
        }
        echo json_encode($out);`;
      const res = await runTool('php', ['-r', script], { timeoutMs: 30_000 });
      expect(res.stderr).toBe('');
      const [withFound, without] = JSON.parse(res.stdout) as unknown[][];
      // lastInsertId() is the OK packet's insert id: the updated row's (2), then 0 for a skipped row.
      expect(withFound).toEqual([1, '3', 2, '2', 0, '0', 2]);
      expect(without).toEqual([1, '3', 2, '2', 0, '0', 1]);
    } finally {
      await server.stop();
    }
  });
});

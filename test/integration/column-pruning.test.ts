// Scans read only the columns the plan above them uses (EXPLAIN names them), and the answers
// stay right where narrowing the columns moves every position above the scan.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

describe('column pruning', () => {
  let server: TesseraServer;
  let c: mysql.Connection;

  beforeAll(async () => {
    server = await startTessera();
    c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await c.query('CREATE DATABASE cp');
    await c.query('USE cp');
    await c.query('CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(32), status VARCHAR(8), country CHAR(2))');
    await c.query(
      'CREATE TABLE o (id BIGINT, uid INT, amount DECIMAL(10,2), status VARCHAR(8), note TEXT, qty INT, PRIMARY KEY (id, uid), SHARD KEY (uid))',
    );
    await c.query("INSERT INTO u VALUES (1, 'a@x', 'active', 'US'), (2, 'b@x', 'gone', 'DE'), (3, 'c@x', 'active', 'US')");
    // 40 orders per user, amounts 0.01 … 1.20, every third one shipped.
    const rows: string[] = [];
    for (let i = 1; i <= 120; i++) rows.push(`(${i}, ${((i - 1) % 3) + 1}, ${(i / 100).toFixed(2)}, '${i % 3 === 0 ? 'shipped' : 'new'}', 'n${i}', ${i % 7})`);
    await c.query(`INSERT INTO o VALUES ${rows.join(',')}`);
  }, 60_000);

  afterAll(async () => {
    await c?.end();
    await server?.stop();
  });

  const explain = async (q: string): Promise<string[]> => {
    const [rows] = await c.query({ sql: 'EXPLAIN ' + q, rowsAsArray: true });
    return (rows as string[][]).map((r) => r[0]!.trim()).filter((l) => l.includes('Scan') || l.includes('Seek'));
  };
  const rows = async (q: string): Promise<unknown[][]> => {
    const [r] = await c.query({ sql: q, rowsAsArray: true });
    return r as unknown[][];
  };

  it('COUNT(*) reads no column and SUM … WHERE reads two', async () => {
    expect(await explain('SELECT COUNT(*) FROM o')).toEqual(['TableScan cp.o columns:-']);
    expect(await rows('SELECT COUNT(*) FROM o')).toEqual([[120]]);
    expect(await explain("SELECT SUM(amount) FROM o WHERE status = 'shipped'")).toEqual(['TableScan cp.o columns:amount,status']);
    // 3 + 6 + … + 120 hundredths.
    expect(await rows("SELECT SUM(amount) FROM o WHERE status = 'shipped'")).toEqual([['24.60']]);
  });

  it('keeps sort keys and selected columns, in the order the query names them', async () => {
    expect(await explain('SELECT id, amount FROM o ORDER BY qty DESC, id LIMIT 3')).toEqual(['TableScan cp.o columns:id,amount,qty']);
    expect(await rows('SELECT id, amount FROM o ORDER BY qty DESC, id LIMIT 3')).toEqual([[6, '0.06'], [13, '0.13'], [20, '0.20']]);
    expect(await rows('SELECT note, uid FROM o WHERE qty = 6 AND amount > 1 ORDER BY id')).toEqual([['n104', 2], ['n111', 3], ['n118', 1]]);
  });

  it('narrows both sides of a join and keeps join keys', async () => {
    const q =
      "SELECT u.email, COUNT(*), SUM(o.amount) FROM u JOIN o ON o.uid = u.id WHERE u.status = 'active' AND o.qty > 4 GROUP BY u.email ORDER BY u.email";
    expect(await explain(q)).toEqual(['TableScan cp.u columns:id,email,status', 'TableScan cp.o columns:uid,amount,qty']);
    const expected = await rows(
      "SELECT u.email, COUNT(*), SUM(o.amount) FROM u, (SELECT * FROM o) o WHERE o.uid = u.id AND u.status = 'active' AND o.qty > 4 GROUP BY u.email ORDER BY u.email",
    );
    expect(await rows(q)).toEqual(expected);
    expect(expected.length).toBe(2);
    expect(await rows("SELECT o.id FROM o LEFT JOIN u ON u.id = o.uid AND u.status = 'gone' WHERE u.id IS NOT NULL AND o.qty = 0 ORDER BY o.id")).toEqual([[14], [35], [56], [77], [98], [119]]);
  });

  it('keeps every column under a correlated subquery, which reads the row by position', async () => {
    const q = 'SELECT u.email, (SELECT MAX(o.amount) FROM o WHERE o.uid = u.id AND o.note <> u.email) FROM u ORDER BY u.id';
    expect(await rows(q)).toEqual([['a@x', '1.18'], ['b@x', '1.19'], ['c@x', '1.20']]);
    expect(await rows("SELECT id FROM u WHERE EXISTS (SELECT 1 FROM o WHERE o.uid = u.id AND o.status = 'shipped' AND o.qty = 5) ORDER BY id")).toEqual([[3]]);
  });

  it('DISTINCT, UNION and GROUP_CONCAT … ORDER BY see the columns they compare', async () => {
    expect(await rows('SELECT DISTINCT status FROM o ORDER BY status')).toEqual([['new'], ['shipped']]);
    expect(await rows('SELECT uid FROM o WHERE id < 3 UNION SELECT id FROM u ORDER BY 1')).toEqual([[1], [2], [3]]);
    expect(await rows("SELECT GROUP_CONCAT(id ORDER BY amount DESC SEPARATOR ',') FROM o WHERE qty = 3 AND uid = 1")).toEqual([['115,94,73,52,31,10']]);
  });
});

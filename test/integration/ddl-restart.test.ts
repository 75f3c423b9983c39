// ALTER TABLE rebuilds, RENAME TABLE, CREATE TABLE … SELECT and shard-key UPDATEs are built from
// the primitives the durable catalog and the leaf logs already record (createTable, inserts,
// commit, addTable/replaceTable/removeTable, dropTable). A server killed with SIGKILL right after
// them must come back with the new definitions and the rows, and keep enforcing the keys.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

describe('DDL built from existing primitives survives a crash', () => {
  let server: TesseraServer;

  beforeAll(async () => {
    server = await startTessera();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  async function withConn<T>(f: (c: mysql.Connection) => Promise<T>): Promise<T> {
    const c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'dr' });
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  }

  const rows = async (c: mysql.Connection, q: string): Promise<unknown[][]> => (await c.query({ sql: q, rowsAsArray: true }))[0] as unknown[][];

  it('keeps rebuilt, renamed and created-from-SELECT tables across SIGKILL', async () => {
    const c0 = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await c0.query('CREATE DATABASE dr');
    await c0.end();
    await withConn(async (c) => {
      await c.query('CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(10))');
      const values = Array.from({ length: 300 }, (_, i) => `(${i + 1}, ${i * 10}, 's${i}')`).join(',');
      await c.query(`INSERT INTO t VALUES ${values}`);
      await c.query("ALTER TABLE t ADD COLUMN w INT NOT NULL DEFAULT 5 AFTER id, MODIFY v BIGINT, DROP COLUMN s, ADD UNIQUE KEY uv (v, id)");
      await c.query('RENAME TABLE t TO t2');
      await c.query('CREATE TABLE c AS SELECT id, v * 2 AS v2 FROM t2 WHERE id <= 100');
      await c.query('UPDATE t2 SET id = id + 1000 WHERE id <= 10');
      await c.query('CREATE TABLE k (x INT, y INT)');
      await c.query('INSERT INTO k VALUES (1, 1), (2, 2), (3, 3)');
      await c.query('ALTER TABLE k ADD PRIMARY KEY (x)');
    });

    await server.kill('SIGKILL');
    await server.restart();

    await withConn(async (c) => {
      expect(await rows(c, 'SHOW TABLES')).toEqual([['c'], ['k'], ['t2']]);
      expect(await rows(c, "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'dr' AND table_name = 't2'")).toEqual([['id,w,v']]);
      expect(await rows(c, 'SELECT COUNT(*), SUM(w), SUM(v) FROM t2')).toEqual([[300, '1500', String(10 * (299 * 300) / 2)]]);
      expect(await rows(c, 'SELECT v FROM t2 WHERE id = 1005')).toEqual([[40]]);
      expect(await rows(c, 'SELECT COUNT(*) FROM t2 WHERE id <= 10')).toEqual([[0]]);
      expect(await rows(c, 'SELECT COUNT(*), SUM(v2) FROM c')).toEqual([[100, String(2 * 10 * (99 * 100) / 2)]]);
      // the keys still hold after recovery
      await expect(c.query('INSERT INTO t2 (id, v) VALUES (1005, 1)')).rejects.toMatchObject({ errno: 1062 });
      await expect(c.query('INSERT INTO k VALUES (2, 9)')).rejects.toMatchObject({ errno: 1062 });
      expect(await rows(c, 'SELECT y FROM k WHERE x = 3')).toEqual([[3]]);
    });
  }, 120_000);
});

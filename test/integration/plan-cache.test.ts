// The plan cache seen from a client: a SELECT of a known shape skips the parser, and the
// answers stay those of the literals actually sent (SHOW STATUS counters are Tessera's own).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

let server: TesseraServer;
let conn: mysql.Connection;

async function status(name: string): Promise<number> {
  const [rows] = await conn.query('SHOW STATUS LIKE ?', [name]);
  return Number((rows as { Value: string }[])[0]!.Value);
}

beforeAll(async () => {
  server = await startTessera();
  conn = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
  await conn.query('CREATE DATABASE pc');
  await conn.query('USE pc');
  await conn.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))');
  await conn.query("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
});

afterAll(async () => {
  await conn?.end().catch(() => undefined);
  await server?.stop();
});

it('answers later texts of a SELECT shape from the cached plan without parsing them', async () => {
  const before = await status('Tessera_parser_skipped');
  const got: unknown[] = [];
  for (const id of [1, 2, 3, 2]) {
    const [rows] = await conn.query(`SELECT v FROM t WHERE id = ${id}`);
    got.push((rows as { v: string }[])[0]?.v);
  }
  expect(got).toEqual(['one', 'two', 'three', 'two']);
  // The first text of the shape is parsed and planned; the other three are not parsed.
  expect((await status('Tessera_parser_skipped')) - before).toBe(3);
});

it('parses again when a literal that shapes the plan changes (an ORDER BY ordinal)', async () => {
  const [a] = await conn.query('SELECT id, v FROM t ORDER BY 1 DESC LIMIT 1');
  const before = await status('Tessera_parser_skipped');
  const [b] = await conn.query('SELECT id, v FROM t ORDER BY 2 DESC LIMIT 1');
  expect(a).toEqual([{ id: 3, v: 'three' }]);
  expect(b).toEqual([{ id: 2, v: 'two' }]);
  expect(await status('Tessera_parser_skipped')).toBe(before);
});

it('an integer key compared with a DOUBLE (what mysql2 sends for a JS number) seeks the primary key, not a scan', async () => {
  // A DOUBLE literal types the comparison as a DOUBLE parameter does.
  const [plan] = await conn.query('EXPLAIN SELECT v FROM t WHERE id = 2e0');
  const lines = (plan as Record<string, string>[]).map((r) => Object.values(r)[0]!.trim());
  expect(lines).toContain('IndexSeek index:0 pc.t columns:id,v');
  const got: unknown[] = [];
  for (const id of [2, 2.5, 3]) {
    const [rows] = await conn.execute('SELECT v FROM t WHERE id = ?', [id]);
    got.push((rows as { v: string }[]).map((r) => r.v));
  }
  expect(got).toEqual([['two'], [], ['three']]);
});


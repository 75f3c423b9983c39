// EXPLAIN names the plan nodes of WITH RECURSIVE, INTERSECT / EXCEPT and LATERAL readably, in
// the tree it prints for every query, and shows that a row constructor fixing the key seeks it.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

describe('EXPLAIN of CTEs, set operations, LATERAL and row constructors', () => {
  let clients: TestClients;
  let c: mysql.Connection;

  beforeAll(async () => {
    clients = await TestClients.open('explain_breadth');
    c = await clients.connect();
    await c.query('CREATE TABLE t (id INT, k INT, v VARCHAR(5), PRIMARY KEY (id, k), SHARD KEY (id))');
    await c.query('CREATE TABLE u (a INT PRIMARY KEY)');
  }, 120_000);

  afterAll(async () => {
    await clients?.close();
  });

  const explain = async (sql: string): Promise<string[]> => {
    const [rows] = await c.query({ sql: `EXPLAIN ${sql}`, rowsAsArray: true });
    return (rows as unknown[][]).map((r) => String(r[0]));
  };

  it('names each new node, its inputs indented below it', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const rec = await explain('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r');
    const at = rec.findIndex((l) => l.trim().startsWith('RecursiveCTE[union all]'));
    expect(at, rec.join('\n')).toBeGreaterThanOrEqual(0);
    const work = rec.find((l) => l.includes('WorkTable r'));
    expect(work, rec.join('\n')).toBeDefined();
    expect(work!.search(/\S/)).toBeGreaterThan(rec[at]!.search(/\S/));

    const set = await explain('SELECT id FROM t INTERSECT ALL SELECT a FROM u EXCEPT SELECT 1');
    expect(set[0]).toBe('Except[distinct]');
    expect(set.some((l) => l.trim() === 'Intersect[all]')).toBe(true);

    const lat = await explain('SELECT u.a, d.v FROM u LEFT JOIN LATERAL (SELECT v FROM t WHERE t.id = u.a LIMIT 1) AS d ON TRUE');
    expect(lat.some((l) => l.trim().startsWith('LateralJoin[left]')), lat.join('\n')).toBe(true);
  });

  it('a row constructor on the key seeks it and routes to its partitions', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const one = await explain('SELECT v FROM t WHERE (id, k) = (5, 7)');
    expect(one[0]).toBe('Gather partitions:single');
    expect(one.some((l) => l.trim().startsWith('IndexSeek index:0'))).toBe(true);
    const some = await explain('SELECT v FROM t WHERE (id, k) IN ((5, 7), (6, 8))');
    expect(some[0]).toBe('Gather partitions:some');
    expect(some.some((l) => l.trim().startsWith('IndexSeek index:0'))).toBe(true);
  });
});

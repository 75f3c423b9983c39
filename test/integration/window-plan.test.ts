// Where windows run: one partitioned by the shard key runs inside the per-partition fragments
// (EXPLAIN shows the Window under the Gather), any other after the gather on the aggregator;
// both give the answers MySQL does. Windows that share a sort, or whose sort is a prefix of the
// one below, sort once. A frame offset in a WINDOW clause is part of the cached plan's key.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

describe('window plans', () => {
  let server: TesseraServer;
  let c: mysql.Connection;

  beforeAll(async () => {
    server = await startTessera();
    c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', supportBigNumbers: true, bigNumberStrings: true });
    await c.query('CREATE DATABASE wp');
    await c.query('USE wp');
    await c.query('CREATE TABLE o (cust INT, id INT, amount INT, PRIMARY KEY (cust, id), SHARD KEY (cust))');
    const rows: string[] = [];
    for (let i = 1; i <= 400; i++) rows.push(`(${i % 37}, ${i}, ${(i * 13) % 101})`);
    await c.query(`INSERT INTO o VALUES ${rows.join(',')}`);
  }, 60_000);

  afterAll(async () => {
    await c?.end();
    await server?.stop();
  });

  const explain = async (q: string): Promise<string> => {
    const [rows] = await c.query({ sql: 'EXPLAIN ' + q, rowsAsArray: true });
    return (rows as string[][]).map((r) => r[0]).join('\n');
  };
  const all = async (q: string): Promise<unknown[][]> => {
    const [rows] = await c.query({ sql: q, rowsAsArray: true });
    return rows as unknown[][];
  };

  /** The answer computed here from the rows, by customer: running sum and rank by amount then id. */
  const expected = async (): Promise<string[][]> => {
    const rows = (await all('SELECT cust, id, amount FROM o')).map((r) => r.map(Number));
    const byCust = new Map<number, number[][]>();
    for (const r of rows) byCust.set(r[0]!, [...(byCust.get(r[0]!) ?? []), r]);
    const out: string[][] = [];
    for (const list of byCust.values()) {
      list.sort((a, b) => a[2]! - b[2]! || a[1]! - b[1]!);
      let sum = 0;
      list.forEach((r, k) => {
        sum += r[2]!;
        out.push([String(r[1]), String(k + 1), String(sum)]);
      });
    }
    return out.sort((a, b) => Number(a[0]) - Number(b[0]));
  };

  it('PARTITION BY the shard key runs on the leaves', async () => {
    const q = 'SELECT id, ROW_NUMBER() OVER w, SUM(amount) OVER w FROM o WINDOW w AS (PARTITION BY cust ORDER BY amount, id ROWS UNBOUNDED PRECEDING) ORDER BY id';
    const plan = await explain(q);
    expect(plan).toMatch(/Gather partitions:all\n(\s+\S.*\n)*?\s+Window partition:1 order:2 sort:yes functions:rowNumber,sum/);
    expect(plan.indexOf('Gather')).toBeLessThan(plan.indexOf('Window'));
    expect((await all(q)).map((r) => r.map(String))).toEqual(await expected());
  });

  it('any other window runs on the aggregator, after the gather, with the same answers', async () => {
    const q = 'SELECT id, ROW_NUMBER() OVER w, SUM(amount) OVER w FROM o WINDOW w AS (PARTITION BY cust + 0 ORDER BY amount, id ROWS UNBOUNDED PRECEDING) ORDER BY id';
    const plan = await explain(q);
    expect(plan.indexOf('Window')).toBeLessThan(plan.indexOf('Gather'));
    expect((await all(q)).map((r) => r.map(String))).toEqual(await expected());
    const byId = await explain('SELECT ROW_NUMBER() OVER (PARTITION BY id) FROM o');
    expect(byId.indexOf('Window')).toBeLessThan(byId.indexOf('Gather'));
  });

  it('windows that share or extend a sort sort once', async () => {
    const plan = await explain('SELECT RANK() OVER (PARTITION BY cust ORDER BY amount), SUM(amount) OVER (PARTITION BY cust), COUNT(*) OVER (PARTITION BY cust ORDER BY amount), ROW_NUMBER() OVER () FROM o');
    const windows = plan.split('\n').filter((l) => l.includes('Window'));
    expect(windows.map((l) => l.trim())).toEqual([
      'Window partition:0 order:0 sort:no functions:rowNumber',
      'Window partition:1 order:0 sort:no functions:sum',
      'Window partition:1 order:1 sort:yes functions:rank,countStar',
    ]);
  });

  it('a frame offset in the WINDOW clause is no cached value: each offset gets its own answer', async () => {
    const q = (n: number): string => `SELECT SUM(s) FROM (SELECT SUM(amount) OVER w s FROM o WHERE cust = 1 WINDOW w AS (ORDER BY id ROWS ${n} PRECEDING)) d`;
    const amounts = (await all('SELECT amount FROM o WHERE cust = 1 ORDER BY id')).map((r) => Number(r[0]));
    for (const n of [1, 3, 1, 0]) {
      let total = 0;
      amounts.forEach((_, i) => {
        for (let j = Math.max(0, i - n); j <= i; j++) total += amounts[j]!;
      });
      expect((await all(q(n)))[0]![0], `${n} PRECEDING`).toBe(String(total));
    }
  });
});

// USING / NATURAL / RIGHT joins order `*` by column rank, not by a projection over the join, so a
// WHERE on their columns still reaches the leaves: EXPLAIN shows the filter under the Gather.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

describe('filters push down through USING and RIGHT joins', () => {
  let server: TesseraServer;
  let c: mysql.Connection;

  beforeAll(async () => {
    server = await startTessera();
    c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await c.query('CREATE DATABASE jp');
    await c.query('USE jp');
    await c.query('CREATE TABLE pa (k INT PRIMARY KEY, va INT)');
    await c.query('CREATE TABLE pb (k INT PRIMARY KEY, vb INT)');
    await c.query('INSERT INTO pa VALUES (1, 10), (5, 50)');
    await c.query('INSERT INTO pb VALUES (5, 500), (6, 600)');
  }, 60_000);

  afterAll(async () => {
    await c?.end();
    await server?.stop();
  });

  const explain = async (q: string): Promise<string> => {
    const [rows] = await c.query({ sql: 'EXPLAIN ' + q, rowsAsArray: true });
    return (rows as string[][]).map((r) => r[0]).join('\n');
  };

  it.each([
    ['SELECT * FROM pa JOIN pb USING (k) WHERE k = 5', [[5, 50, 500]]],
    ['SELECT * FROM pa NATURAL LEFT JOIN pb WHERE k = 5', [[5, 50, 500]]],
    ['SELECT * FROM pa RIGHT JOIN pb USING (k) WHERE k = 5', [[5, 500, 50]]],
  ])('%s', async (q, expected) => {
    const plan = await explain(q);
    // The key lookup sits below the first Gather: the leaf filters, one partition answers.
    expect(plan).toMatch(/Gather partitions:single\n\s+Filter\n\s+IndexSeek/);
    expect(plan).not.toMatch(/^\s*Filter\n\s+Project/m);
    const [rows] = await c.query({ sql: q, rowsAsArray: true });
    expect(rows).toEqual(expected);
  });
});

// HTAP behaviour of one Tessera process: a long analytical scan runs in time slices, so a point
// read sent while it runs is answered long before the scan finishes, and the scan's answer is
// still exactly right (each slice's partial aggregate merges on the aggregator).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

let server: TesseraServer;
let analyst: mysql.Connection;
let clerk: mysql.Connection;
const ROWS = 1 << 18; // 262,144

beforeAll(async () => {
  server = await startTessera();
  const opts = { host: server.host, port: server.port, user: 'root', supportBigNumbers: true, bigNumberStrings: true };
  analyst = await mysql.createConnection(opts);
  clerk = await mysql.createConnection(opts);
  await analyst.query('CREATE DATABASE htap');
  await analyst.query('USE htap');
  await clerk.query('USE htap');
  await analyst.query('CREATE TABLE facts (id INT PRIMARY KEY, grp INT NOT NULL, amount DECIMAL(12,2) NOT NULL)');
  await analyst.query('INSERT INTO facts VALUES (1, 0, 0.50)');
  // Doubling: rows id+n copy rows id, so id = 1..ROWS with grp = (id-1) % 7 and amount = (id-1)/2.
  for (let n = 1; n < ROWS; n *= 2) {
    await analyst.query(`INSERT INTO facts SELECT id + ${n}, (id + ${n} - 1) % 7, (id + ${n} - 1) / 2 + 0.50 FROM facts`);
  }
}, 120_000);

afterAll(async () => {
  await analyst?.end().catch(() => undefined);
  await clerk?.end().catch(() => undefined);
  await server?.stop();
});

it('answers a point read while a long aggregate scans, and the aggregate stays exact', async () => {
  const [[count]] = (await analyst.query('SELECT COUNT(*) AS n FROM facts')) as unknown as [[{ n: string }]];
  expect(count.n).toBe(String(ROWS));

  let scanDone = 0;
  const scan = analyst
    .query('SELECT grp, COUNT(*) AS n, SUM(amount) AS total FROM facts WHERE amount >= 0 GROUP BY grp ORDER BY grp')
    .then(([rows]) => {
      scanDone = performance.now();
      return rows as { grp: number; n: string; total: string }[];
    });
  // Give the scan a head start so it is surely running, then read one row.
  await new Promise((r) => setTimeout(r, 20));
  const [point] = await clerk.query('SELECT amount FROM facts WHERE id = 12345');
  const pointDone = performance.now();
  expect(point).toEqual([{ amount: '6172.50' }]);

  const groups = await scan;
  expect(scanDone, 'the point read finished before the scan').toBeGreaterThan(pointDone);
  // Exact answers: group g holds ids ≡ g+1 (mod 7); amount(id) = id/2.
  const expected = Array.from({ length: 7 }, (_, g) => {
    let n = 0n;
    let halves = 0n; // sum of id, in halves of a unit
    for (let id = g + 1; id <= ROWS; id += 7) {
      n++;
      halves += BigInt(id);
    }
    const cents = halves * 50n; // id/2 units = id * 50 cents
    return { grp: g, n: String(n), total: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}` };
  });
  expect(groups).toEqual(expected);
}, 120_000);

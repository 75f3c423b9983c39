// Window functions share the thread: while one client runs windows over 300,000 rows (one
// partition the size of the table, sorted on the aggregator; many small partitions; and a
// window partitioned by the shard key, which runs on the leaves), another client's `SELECT 1`
// is answered within the liveness bound (test/harness/liveness.ts), and the answers are right.
// A window past tessera_query_memory_limit stops with 1038 and the server goes on.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing } from '../harness/liveness.js';
import { startTessera, type TesseraServer } from '../harness/server.js';

const N = 300_000;
const CHUNK = 10_000;

let server: TesseraServer;
let bound: LivenessBound;
let c: mysql.Connection;

const value = (i: number): number => (i * 7) % 1000;

beforeAll(async () => {
  server = await startTessera();
  c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', supportBigNumbers: true, bigNumberStrings: true });
  await c.query('CREATE DATABASE wnf');
  await c.query('USE wnf');
  await c.query('CREATE TABLE big (id INT PRIMARY KEY, g INT NOT NULL, v INT NOT NULL)');
  for (let s = 0; s < N; s += CHUNK) {
    const rows: string[] = [];
    for (let i = s + 1; i <= s + CHUNK; i++) rows.push(`(${i}, ${i % 100}, ${value(i)})`);
    await c.query(`INSERT INTO big VALUES ${rows.join(',')}`);
  }
  bound = await LivenessBound.measure();
}, 180_000);

afterAll(async () => {
  await c?.end().catch(() => undefined);
  await server?.stop();
});

async function probed(sql: string): Promise<{ row: Record<string, string>; miss: string | undefined }> {
  const run = async (): Promise<Record<string, string>> => {
    const [r] = await c.query(sql);
    return (r as Record<string, string>[])[0]!;
  };
  const first = await whileProbing({ host: server.host, port: server.port }, run);
  expect(first.liveness.samples, 'probes answered while the window ran').toBeGreaterThan(2);
  const again = async () => (await whileProbing({ host: server.host, port: server.port }, run)).liveness;
  return { row: first.result, miss: await bound.miss(first.liveness, again) };
}

describe('window functions do not hold the server', () => {
  it('one 300K-row partition: ROW_NUMBER and a sliding SUM, sorted on the aggregator', async () => {
    const { row, miss } = await probed(
      'SELECT COUNT(*) n, SUM(rn) rn, SUM(s) s FROM (SELECT ROW_NUMBER() OVER (ORDER BY id) rn, SUM(v) OVER (ORDER BY id ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) s FROM big) d',
    );
    expect(miss).toBeUndefined();
    let s = 0;
    for (let i = 1; i <= N; i++) for (let j = Math.max(1, i - 10); j <= i; j++) s += value(j);
    expect(row).toEqual({ n: String(N), rn: String((N * (N + 1)) / 2), s: String(s) });
  }, 120_000);

  it('100 partitions: RANK and a sliding MAX', async () => {
    const { row, miss } = await probed(
      'SELECT COUNT(*) n, SUM(r) r, MIN(m) m FROM (SELECT RANK() OVER (PARTITION BY g ORDER BY id) r, MAX(v) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 50 PRECEDING AND 50 FOLLOWING) m FROM big) d',
    );
    expect(miss).toBeUndefined();
    // Each of the 100 groups has 3,000 rows ranked 1..3000 (ids are distinct).
    expect(row.n).toBe(String(N));
    expect(row.r).toBe(String(100 * ((3000 * 3001) / 2)));
    let min = Infinity;
    for (let g = 0; g < 100; g++) {
      const vs: number[] = [];
      for (let i = g === 0 ? 100 : g; i <= N; i += 100) vs.push(value(i));
      for (let k = 0; k < vs.length; k++) min = Math.min(min, Math.max(...vs.slice(Math.max(0, k - 50), k + 51)));
    }
    expect(String(row.m)).toBe(String(min));
  }, 120_000);

  it('partitioned by the shard key: runs on the leaves (EXPLAIN) and keeps the server answering', async () => {
    const sql = 'SELECT COUNT(*) n, SUM(r) r FROM (SELECT ROW_NUMBER() OVER (PARTITION BY id ORDER BY v) r, SUM(v) OVER (PARTITION BY id) s FROM big) d';
    const [plan] = await c.query(`EXPLAIN ${sql}`);
    const lines = (plan as { EXPLAIN: string }[]).map((r) => r.EXPLAIN);
    const gather = lines.findIndex((l) => l.trim().startsWith('Gather'));
    const window = lines.findIndex((l) => l.trim().startsWith('Window'));
    expect(gather, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(window, lines.join('\n')).toBeGreaterThan(gather);
    const { row, miss } = await probed(sql);
    expect(miss).toBeUndefined();
    expect(row).toEqual({ n: String(N), r: String(N) });
  }, 120_000);

  it('a window past tessera_query_memory_limit stops with 1038; the next statement works', async () => {
    await c.query('SET tessera_query_memory_limit = 4194304');
    try {
      await expect(c.query('SELECT SUM(s) FROM (SELECT SUM(v) OVER (ORDER BY g, id) s FROM big) d')).rejects.toMatchObject({ errno: 1038 });
    } finally {
      await c.query('SET tessera_query_memory_limit = DEFAULT');
    }
    const [r] = await c.query('SELECT COUNT(*) n FROM big');
    expect((r as { n: string }[])[0]!.n).toBe(String(N));
  }, 60_000);
});

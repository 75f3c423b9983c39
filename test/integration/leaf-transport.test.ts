// The two leaf transports of `tessera start` give the same answers: `direct` (the aggregator calls
// its in-process leaf) and `loopback` (every aggregator↔leaf message encoded and decoded, as
// between processes, which the rest of the suite runs on). One mixed workload runs on each and
// every result, value types included, must agree: BIGINT past 2^53, DECIMAL(65,30), all 256 byte
// values, NULLs, a streamed 20,000-row scan, transactions and savepoints, a session variable in
// an UPDATE, and errors with their errno and SQLSTATE.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

const servers: TesseraServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
});

type Step = { readonly sql: string; readonly params?: readonly unknown[] };

const WORKLOAD: readonly Step[] = [
  { sql: 'CREATE DATABASE lt' },
  { sql: 'USE lt' },
  { sql: 'CREATE TABLE t (id BIGINT PRIMARY KEY, u BIGINT UNSIGNED, d DECIMAL(65,30), b BLOB, s VARCHAR(20), f DOUBLE)' },
  { sql: "INSERT INTO t VALUES (1, 18446744073709551615, 12345678901234567890123456789012345.123456789012345678901234567891, 0x00FF7F80, 'ümlaut', -0.5), (9007199254740993, NULL, -0.000000000000000000000000000001, NULL, NULL, 1e308)" },
  { sql: 'INSERT INTO t (id, b) VALUES (3, ?)', params: [Buffer.from(Array.from({ length: 256 }, (_, i) => i))] },
  { sql: 'SELECT * FROM t ORDER BY id' },
  { sql: 'SELECT id + 1, u - 1, d * 2, HEX(b), LENGTH(b) FROM t ORDER BY id' },
  { sql: 'SELECT * FROM t WHERE id = ?', params: [9007199254740993n.toString()] },
  { sql: 'INSERT INTO t (id) VALUES (1)' },
  { sql: 'SET @x = 42' },
  { sql: 'UPDATE t SET f = @x WHERE id = 3' },
  { sql: 'SELECT f FROM t WHERE id = 3' },
  { sql: 'START TRANSACTION' },
  { sql: "UPDATE t SET s = 'in txn' WHERE id = 1" },
  { sql: 'SAVEPOINT sp' },
  { sql: 'DELETE FROM t WHERE id = 3' },
  { sql: 'ROLLBACK TO SAVEPOINT sp' },
  { sql: 'COMMIT' },
  { sql: 'SELECT id, s FROM t ORDER BY id' },
  { sql: 'CREATE TABLE big (k INT PRIMARY KEY, v INT)' },
  { sql: `INSERT INTO big VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i + 1}, ${(i + 1) % 7})`).join(', ')}` },
  { sql: 'SELECT k, v FROM big' },
  { sql: 'SELECT COUNT(*), SUM(k), MIN(v), MAX(v), AVG(k) FROM big' },
  { sql: 'SELECT v, COUNT(*) FROM big GROUP BY v ORDER BY v' },
  { sql: 'SELECT k FROM big ORDER BY k DESC LIMIT 3' },
  { sql: 'SELECT * FROM nope' },
  { sql: 'TRUNCATE TABLE big' },
  { sql: 'SELECT COUNT(*) FROM big' },
];

/** Each step's outcome: rows with every value as its type and text, or the error's errno, SQLSTATE and message. */
async function run(server: TesseraServer): Promise<unknown[]> {
  const c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false });
  try {
    const out: unknown[] = [];
    for (const step of WORKLOAD) {
      try {
        const [rows] = step.params ? await c.execute(step.sql, step.params as never[]) : await c.query(step.sql);
        out.push(
          Array.isArray(rows)
            ? (rows as Record<string, unknown>[]).map((r) => Object.entries(r).map(([k, v]) => [k, v === null ? 'NULL' : Buffer.isBuffer(v) ? `x${v.toString('hex')}` : `${typeof v}:${String(v)}`]))
            : { affectedRows: (rows as { affectedRows: number }).affectedRows },
        );
      } catch (e) {
        const err = e as { errno?: number; sqlState?: string; message: string };
        out.push({ errno: err.errno, sqlState: err.sqlState, message: err.message });
      }
    }
    return out;
  } finally {
    await c.end();
  }
}

describe('tessera start --leaf-transport', () => {
  let direct: unknown[];
  let loopback: unknown[];

  beforeAll(async () => {
    const d = await startTessera({ extraArgs: ['--leaf-transport', 'direct'] });
    servers.push(d);
    const l = await startTessera({ extraArgs: ['--leaf-transport', 'loopback'] });
    servers.push(l);
    [direct, loopback] = await Promise.all([run(d), run(l)]);
  }, 120_000);

  it('direct and loopback give the same result for every statement', () => {
    expect(loopback.length).toBe(WORKLOAD.length);
    for (let i = 0; i < WORKLOAD.length; i++) expect(loopback[i], WORKLOAD[i]!.sql).toEqual(direct[i]);
  });

  it('the results are the real ones, not two equal failures', () => {
    const at = (sql: string): unknown => loopback[WORKLOAD.findIndex((s) => s.sql === sql)];
    expect(JSON.stringify(at('SELECT * FROM t ORDER BY id'))).toContain('18446744073709551615');
    expect(JSON.stringify(at('SELECT * FROM t ORDER BY id'))).toContain('12345678901234567890123456789012345.123456789012345678901234567891');
    expect(JSON.stringify(at('SELECT * FROM t WHERE id = ?'))).toContain('9007199254740993');
    expect(JSON.stringify(at('SELECT id + 1, u - 1, d * 2, HEX(b), LENGTH(b) FROM t ORDER BY id'))).toContain('000102');
    expect(at('INSERT INTO t (id) VALUES (1)')).toMatchObject({ errno: 1062, sqlState: '23000' });
    expect(at('SELECT * FROM nope')).toMatchObject({ errno: 1146, sqlState: '42S02' });
    expect(JSON.stringify(at('SELECT f FROM t WHERE id = 3'))).toContain(':42');
    expect(JSON.stringify(at('SELECT COUNT(*), SUM(k), MIN(v), MAX(v), AVG(k) FROM big'))).toContain('200010000');
    expect(JSON.stringify(at('SELECT id, s FROM t ORDER BY id'))).toContain('in txn');
  });

  it('refuses an unknown transport with a clear message', async () => {
    await expect(startTessera({ extraArgs: ['--leaf-transport', 'carrier-pigeon'] })).rejects.toThrow('--leaf-transport must be loopback or direct');
  });
});

// SLEEP(n) over the wire: it waits without holding the server (another client's SELECT 1 keeps
// being answered, judged by the shared LivenessBound), per row in a query over a table, and
// ends early on KILL QUERY: a query that is only the SLEEP returns 1 (MySQL 8), any other
// gets 1317; max_execution_time ends it with 3024; a negative argument is 1210.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing } from '../harness/liveness.js';
import { parseTarget, startTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

let server: TesseraServer;
let target: TargetAddress;
let bound: LivenessBound;
const opened: mysql.Connection[] = [];

async function connect(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, connectTimeout: 10_000 });
  c.on('error', () => undefined);
  opened.push(c);
  return c;
}

async function rows(c: mysql.Connection, sql: string): Promise<unknown[][]> {
  const [r] = await c.query({ sql, rowsAsArray: true });
  return r as unknown[][];
}

async function errnoOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
}

beforeAll(async () => {
  server = await startTessera();
  target = parseTarget(server.url);
  const c = await connect();
  await c.query('CREATE DATABASE sl');
  await c.query('CREATE TABLE sl.t (id INT PRIMARY KEY)');
  await c.query('INSERT INTO sl.t VALUES (1), (2), (3)');
  bound = await LivenessBound.measure();
});

afterAll(async () => {
  for (const c of opened) await c.end().catch(() => undefined);
  await server?.stop();
});

describe('SLEEP', () => {
  it('waits as long as asked while the server keeps answering others', async () => {
    const c = await connect();
    const probe = { host: target.host, port: target.port, user: target.user, password: target.password };
    const t0 = performance.now();
    const { result, liveness } = await whileProbing(probe, () => rows(c, 'SELECT SLEEP(1.2), 7'));
    const took = performance.now() - t0;
    expect(result).toEqual([[0, 7]]);
    expect(took).toBeGreaterThanOrEqual(1_150);
    expect(took).toBeLessThan(5_000);
    expect(liveness.samples).toBeGreaterThan(20);
    expect(await bound.miss(liveness)).toBeUndefined();
  });

  it('sleeps once per row of a table', async () => {
    const c = await connect();
    const t0 = performance.now();
    expect(await rows(c, 'SELECT id, SLEEP(0.2) FROM sl.t ORDER BY id')).toEqual([[1, 0], [2, 0], [3, 0]]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
  });

  it('KILL QUERY: a lone SLEEP returns 1, a query with more in it fails with 1317', async () => {
    const victim = await connect();
    const killer = await connect();
    const [[id]] = (await rows(victim, 'SELECT CONNECTION_ID()')) as [[number]];
    for (const [sql, expectRows, expectErrno] of [
      ['SELECT SLEEP(30)', [[1]], undefined],
      ['SELECT SLEEP(30), id FROM sl.t', undefined, 1317],
    ] as const) {
      const t0 = performance.now();
      const running = rows(victim, sql).then((r) => ({ r }), (e: { errno?: number }) => ({ errno: e.errno }));
      // Kill once the statement shows in the process list (bounded wait).
      for (let i = 0; i < 100; i++) {
        const [[n]] = (await rows(killer, `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${id} AND INFO LIKE 'SELECT SLEEP%'`)) as [[number]];
        if (Number(n) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await killer.query(`KILL QUERY ${id}`);
      const out = await running;
      expect(performance.now() - t0).toBeLessThan(10_000);
      if (expectRows) expect(out).toEqual({ r: expectRows });
      else expect(out).toEqual({ errno: expectErrno });
    }
    // The connection goes on.
    expect(await rows(victim, 'SELECT 2')).toEqual([[2]]);
  });

  it('waits inside a scalar subquery too; where no operator can pause (WHERE) it is a clear 1235', async () => {
    const c = await connect();
    const t0 = performance.now();
    expect(await rows(c, 'SELECT (SELECT SLEEP(0.3)), 5')).toEqual([[0, 5]]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(await errnoOf(c.query('SELECT id FROM sl.t WHERE SLEEP(0.1) = 0'))).toBe(1235);
    expect(await rows(c, 'SELECT 3')).toEqual([[3]]);
  });

  it('max_execution_time ends it with 3024; a negative time is 1210', async () => {
    const c = await connect();
    await c.query('SET max_execution_time = 200');
    const t0 = performance.now();
    expect(await errnoOf(c.query('SELECT SLEEP(20)'))).toBe(3024);
    expect(performance.now() - t0).toBeLessThan(5_000);
    await c.query('SET max_execution_time = 0');
    expect(await errnoOf(c.query('SELECT SLEEP(-1)'))).toBe(1210);
    expect(await rows(c, 'SELECT SLEEP(0)')).toEqual([[0]]);
  });
});

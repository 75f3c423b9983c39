// SIGKILL in the middle of a big COMMIT: the server is killed while it commits a transaction of
// 100K inserted and 2K updated rows, at a quarter, half and three quarters of the time such a
// commit takes; after the restart the transaction is there in full or not at all, and in full
// whenever the COMMIT was acknowledged before the kill.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

const ROWS = 100_000;
const SEED_ROWS = 1000;
const UPDATED = 2000; // rows of `base` each round's transaction changes as well (its own range)
const ROUNDS = 4;

let server: TesseraServer;

const connect = (): Promise<mysql.Connection> =>
  mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'cr', supportBigNumbers: true, bigNumberStrings: true });

async function one<T>(conn: mysql.Connection, sql: string): Promise<T> {
  const [r] = await conn.query(sql);
  return (r as T[])[0]!;
}

/** What the transaction of round `n` left: its rows in t<n> and its changes to base (v = n). */
async function state(n: number): Promise<{ rows: string; updated: string }> {
  const c = await connect();
  try {
    const { rows } = await one<{ rows: string }>(c, `SELECT COUNT(*) AS \`rows\` FROM t${n}`);
    const { updated } = await one<{ updated: string }>(c, `SELECT COUNT(*) AS updated FROM base WHERE v = ${n}`);
    return { rows, updated };
  } finally {
    c.destroy();
  }
}

/** Runs the big transaction of round n up to its COMMIT, sends the COMMIT and resolves once it is sent. */
async function bigCommit(n: number): Promise<{ conn: mysql.Connection; commit: Promise<'acked' | 'lost'>; sentAt: number }> {
  const conn = await connect();
  conn.on('error', () => {});
  await conn.query(`CREATE TABLE t${n} (id INT PRIMARY KEY, k INT NOT NULL, KEY (k))`);
  await conn.query('BEGIN');
  await conn.query(`INSERT INTO t${n} SELECT (a.id - 1) * ${SEED_ROWS} + b.id, b.id FROM seed a, seed b WHERE a.id <= ${ROWS / SEED_ROWS}`);
  await conn.query(`UPDATE base SET v = ${n} WHERE id > ${n * UPDATED} AND id <= ${(n + 1) * UPDATED}`);
  const sentAt = performance.now();
  const commit = conn.query('COMMIT').then(
    () => 'acked' as const,
    () => 'lost' as const,
  );
  return { conn, commit, sentAt };
}

beforeAll(async () => {
  server = await startTessera();
  const c = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
  await c.query('CREATE DATABASE cr');
  await c.query('USE cr');
  await c.query('CREATE TABLE seed (id INT PRIMARY KEY)');
  await c.query(`INSERT INTO seed VALUES ${Array.from({ length: SEED_ROWS }, (_, i) => `(${i + 1})`).join(',')}`);
  await c.query('CREATE TABLE base (id INT PRIMARY KEY, v INT NOT NULL)');
  await c.query(`INSERT INTO base SELECT (a.id - 1) * ${SEED_ROWS} + b.id, -1 FROM seed a, seed b WHERE a.id <= ${(ROUNDS * UPDATED) / SEED_ROWS}`);
  await c.end();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('SIGKILL during a big COMMIT', () => {
  it('recovers the transaction in full or not at all, in full once acknowledged', async () => {
    // Round 0 measures how long the COMMIT takes here, uninterrupted.
    const first = await bigCommit(0);
    expect(await first.commit).toBe('acked');
    const commitMs = performance.now() - first.sentAt;
    first.conn.destroy();
    expect(await state(0)).toEqual({ rows: String(ROWS), updated: String(UPDATED) });

    const outcomes: string[] = [];
    for (const [n, share] of [
      [1, 0.25],
      [2, 0.5],
      [3, 0.75],
    ] as const) {
      const { conn, commit, sentAt } = await bigCommit(n);
      const wait = sentAt + commitMs * share - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await server.kill('SIGKILL');
      const how = await commit;
      conn.destroy();
      await server.restart();
      const s = await state(n);
      const full = { rows: String(ROWS), updated: String(UPDATED) };
      if (how === 'acked') expect(s, `round ${n}: acknowledged, so it must be there`).toEqual(full);
      else expect([full, { rows: '0', updated: '0' }], `round ${n}: all or nothing`).toContainEqual(s);
      outcomes.push(`${how}:${s.rows === '0' ? 'none' : 'all'}`);
      // Earlier rounds' acknowledged commits are all still there.
      expect(await state(0)).toEqual(full);
    }
    // At least one kill fell inside the commit (it never reached the client).
    expect(outcomes.some((o) => o.startsWith('lost'))).toBe(true);
  }, 120_000);
});

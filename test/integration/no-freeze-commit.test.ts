// A big commit or rollback never holds the server: while one connection commits or rolls back
// 300K rows (an autocommit INSERT … SELECT, COMMIT, ROLLBACK, the statement rollback of a killed
// UPDATE, the rollback of a client that disconnects with a big transaction open, an autocommit
// DELETE), another connection's `SELECT 1` is answered within 100 ms (plus the machine's own
// noise, counted up to 50 ms: LivenessBound in test/harness/liveness.ts, as in no-freeze.test.ts), and the data right afterwards holds all of the transaction or
// none of it. A reader polling during the commit sees either nothing of it or all of it.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing, LivenessProbe, type LivenessReport } from '../harness/liveness.js';
import { startTessera, type TesseraServer } from '../harness/server.js';

const N = 300_000; // rows of src
const SEED_ROWS = 3000; // seed: 1..3000, cross-joined into src

let server: TesseraServer;
let bound: LivenessBound;
let c: mysql.Connection;
let other: mysql.Connection;

const opts = (): mysql.ConnectionOptions => ({ host: server.host, port: server.port, user: 'root', database: 'bc', supportBigNumbers: true, bigNumberStrings: true });
const probeOpts = () => ({ host: server.host, port: server.port });

async function rows<T = Record<string, unknown>>(conn: mysql.Connection, sql: string): Promise<T[]> {
  const [r] = await conn.query(sql);
  return r as T[];
}

async function expectLive(live: LivenessReport, what: string): Promise<void> {
  expect(await bound.miss(live), what).toBeUndefined();
  expect(live.samples, `${what}: probes answered meanwhile`).toBeGreaterThan(2);
}

async function errorOf(p: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { errno?: number; sqlState?: string; code?: string; message: string };
  }
  throw new Error('expected the statement to fail');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Count and sum of k of `copy`, as one connection sees them. */
async function countSum(conn: mysql.Connection): Promise<{ n: string; s: string }> {
  return (await rows<{ n: string; s: string }>(conn, 'SELECT COUNT(*) AS n, COALESCE(SUM(k), 0) AS s FROM copy'))[0]!;
}

/** src's sum of k: ids 1..N with k = id % 1000. */
const SRC_SUM = String(Array.from({ length: 1000 }, (_, k) => k).reduce((a, k) => a + k, 0) * (N / 1000));

/**
 * Brings `copy` to the state a test starts from (empty, or a copy of src) with no transaction
 * open on `c`, whatever an earlier test left behind (a failed one included).
 */
async function fresh(filled: boolean): Promise<void> {
  await c.query('ROLLBACK');
  const now = await countSum(other);
  if (now.n === (filled ? String(N) : '0') && now.s === (filled ? SRC_SUM : '0')) return;
  await c.query('DELETE FROM copy');
  if (filled) await c.query('INSERT INTO copy SELECT * FROM src');
}

/** Polls countSum on its own connection until stopped; every answer it got. */
function poller(): { stop: () => Promise<{ n: string; s: string }[]> } {
  const seen: { n: string; s: string }[] = [];
  let on = true;
  const run = (async () => {
    const r = await mysql.createConnection(opts());
    try {
      for (let i = 0; on && i < 1000; i++) seen.push(await countSum(r));
    } finally {
      await r.end();
    }
  })();
  return {
    stop: async () => {
      on = false;
      await run;
      return seen;
    },
  };
}

beforeAll(async () => {
  server = await startTessera();
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
  await admin.query('CREATE DATABASE bc');
  await admin.end();
  c = await mysql.createConnection(opts());
  other = await mysql.createConnection(opts());
  await c.query('CREATE TABLE seed (id INT PRIMARY KEY)');
  await c.query(`INSERT INTO seed VALUES ${Array.from({ length: SEED_ROWS }, (_, i) => `(${i + 1})`).join(',')}`);
  await c.query('CREATE TABLE src (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL)');
  await c.query(`INSERT INTO src SELECT (a.id - 1) * ${SEED_ROWS} + b.id, ((a.id - 1) * ${SEED_ROWS} + b.id) % 1000, 'v' FROM seed a, seed b WHERE a.id <= ${N / SEED_ROWS}`);
  // k has a secondary index, so undoing or committing a change of k touches two indexes.
  await c.query('CREATE TABLE copy (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL, KEY (k))');
  expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(k) AS s FROM src')).toEqual([{ n: String(N), s: SRC_SUM }]);
  bound = await LivenessBound.measure();
}, 120_000);

afterAll(async () => {
  await c?.end().catch(() => undefined);
  await other?.end().catch(() => undefined);
  await server?.stop();
});

describe('a big commit or rollback shares the thread', () => {
  it('an autocommit INSERT … SELECT of 300K rows: other clients answer while it commits; then all rows are there', async () => {
    await fresh(false);
    const { result, liveness } = await whileProbing(probeOpts(), () => c.query('INSERT INTO copy SELECT * FROM src'));
    expect((result[0] as mysql.ResultSetHeader).affectedRows).toBe(N);
    await expectLive(liveness, 'autocommit INSERT … SELECT of 300K rows');
    expect(await countSum(other)).toEqual({ n: String(N), s: SRC_SUM });
  }, 60_000);

  it('COMMIT of 300K inserted rows: other clients answer; a reader meanwhile sees none of them or all', async () => {
    await fresh(false);
    await c.query('BEGIN');
    await c.query('INSERT INTO copy SELECT * FROM src');
    const reader = poller();
    const { liveness } = await whileProbing(probeOpts(), () => c.query('COMMIT'));
    const seen = await reader.stop();
    await expectLive(liveness, 'COMMIT of 300K rows');
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect([{ n: '0', s: '0' }, { n: String(N), s: SRC_SUM }]).toContainEqual(s);
    expect(await countSum(other)).toEqual({ n: String(N), s: SRC_SUM });
  }, 60_000);

  it('ROLLBACK of 300K inserted rows: other clients answer; nothing of them is left and their keys are free', async () => {
    await fresh(true);
    await c.query('BEGIN');
    await c.query(`INSERT INTO copy SELECT id + ${N}, k, v FROM src`);
    const { liveness } = await whileProbing(probeOpts(), () => c.query('ROLLBACK'));
    await expectLive(liveness, 'ROLLBACK of 300K rows');
    expect(await countSum(other)).toEqual({ n: String(N), s: SRC_SUM });
    await other.query(`INSERT INTO copy VALUES (${N + 1}, 1, 'again')`);
    await other.query(`DELETE FROM copy WHERE id = ${N + 1}`);
  }, 60_000);

  it('a killed UPDATE of 300K rows is undone while other clients answer; the transaction keeps its earlier work', async () => {
    await fresh(true);
    const id = Number((await rows<{ id: string }>(c, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
    const update = "UPDATE copy SET k = k + 1, v = CONCAT(v, 'x')";
    // How long the UPDATE runs here, so the kill falls halfway through it on any machine.
    await c.query('BEGIN');
    const t0 = performance.now();
    await c.query(update);
    const runMs = performance.now() - t0;
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await c.query("UPDATE copy SET v = 'before' WHERE id = 1");
    const probe = await LivenessProbe.start(probeOpts());
    const run = errorOf(c.query(update));
    await sleep(runMs / 2);
    probe.reset();
    await other.query(`KILL QUERY ${id}`);
    const err = await run;
    const live = await probe.stop();
    expect(err).toMatchObject({ errno: 1317, sqlState: '70100' });
    await expectLive(live, "a killed UPDATE's statement rollback");
    // The statement is undone, the transaction's earlier change kept (InnoDB's statement rollback).
    expect(await countSum(c)).toEqual({ n: String(N), s: SRC_SUM });
    expect(await rows(c, "SELECT COUNT(*) AS n FROM copy WHERE v <> 'v'")).toEqual([{ n: '1' }]);
    expect(await rows(c, 'SELECT v FROM copy WHERE id = 1')).toEqual([{ v: 'before' }]);
    await c.query('COMMIT');
    expect(await rows(other, 'SELECT id, v FROM copy WHERE v <> \'v\'')).toEqual([{ id: 1, v: 'before' }]);
    await other.query("UPDATE copy SET v = 'v' WHERE id = 1");
  }, 60_000);

  it('a client that disconnects with 300K changed rows open: rolled back while others answer; its locks go last', async () => {
    await fresh(true);
    const d = await mysql.createConnection(opts());
    d.on('error', () => {});
    await d.query('BEGIN');
    await d.query('UPDATE copy SET k = k + 1');
    const { result, liveness } = await whileProbing(probeOpts(), async () => {
      d.destroy();
      // Waits for the row lock, which the rollback lets go only once every row is undone.
      await other.query("UPDATE copy SET v = 'after' WHERE id = 2");
      return countSum(other);
    });
    await expectLive(liveness, 'the rollback of a dropped connection');
    expect(result).toEqual({ n: String(N), s: SRC_SUM });
    expect(await rows(other, 'SELECT id, k, v FROM copy WHERE id = 2')).toEqual([{ id: 2, k: 2, v: 'after' }]);
    await other.query("UPDATE copy SET v = 'v' WHERE id = 2");
  }, 60_000);

  it('an autocommit DELETE of 300K rows: other clients answer while it commits and its versions are collected', async () => {
    await fresh(true);
    const { result, liveness } = await whileProbing(probeOpts(), async () => {
      const r = await c.query('DELETE FROM copy');
      // The deleted rows' versions and index entries are collected in the background.
      await sleep(500);
      return r;
    });
    expect((result[0] as mysql.ResultSetHeader).affectedRows).toBe(N);
    await expectLive(liveness, 'autocommit DELETE of 300K rows');
    expect(await countSum(other)).toEqual({ n: '0', s: '0' });
    expect(await rows(other, 'SELECT COUNT(*) AS n FROM copy WHERE k >= 0')).toEqual([{ n: '0' }]);
  }, 60_000);
});

// Statements that once froze every client: joins of many tables (planned as cross products),
// LIKE compiled to a backtracking regex and REGEXP on a backtracking engine. Each runs on one
// connection while the liveness probe (test/harness/liveness.ts, a child process) sends
// `SELECT 1` every 20 ms; every probe must come back within 100 ms beyond the machine's noise
// (LivenessBound, the rule of no-freeze.test.ts too) and the statement must answer as MariaDB
// does (joins checked against an independent evaluator over the generated rows; errors by errno
// and SQLSTATE). Runs against MariaDB too: TESSERA_TARGET=mysql://root@127.0.0.1:PORT (where it
// passes).
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRows, createStatements, evaluate, makeQuery, makeTables } from '../harness/join-gen.js';
import { TestClients } from '../harness/clients.js';
import { LivenessBound, whileProbing, type LivenessProbeOptions, type LivenessReport } from '../harness/liveness.js';

const TABLES = makeTables(64, 5);
/** A statement still running after this has frozen the server (it used to run for hours). */
const STATEMENT_LIMIT_MS = 20_000;
/** A probe unanswered this long is a stuck server: the probe fails rather than waits. */
const PROBE_TIMEOUT_MS = 5_000;

interface Outcome {
  rows?: unknown[][];
  error?: { errno: number; sqlState: string; message: string };
  /** The probe's latencies while the statement ran. */
  live: LivenessReport;
}

describe('pathological statements answer quickly and freeze no one', () => {
  let clients: TestClients;
  let worker: mysql.Connection;
  let probe: LivenessProbeOptions;
  let bound: LivenessBound;

  beforeAll(async () => {
    clients = await TestClients.open('freeze');
    const setup = await clients.connect();
    for (const sql of createStatements(TABLES)) await setup.query(sql);
    await setup.end();
    worker = await clients.connect();
    // MariaDB's exhaustive join search takes seconds on 61 tables; its automatic depth does not.
    if (!clients.isTessera) await worker.query('SET optimizer_search_depth = 0');
    // Warm the server's code paths (a fresh process interprets before it compiles) on small
    // statements of the same shapes, so no plan below comes from the plan cache.
    for (let seed = 1; seed <= 5; seed++) await worker.query(makeQuery(64, 4, 1000 + seed).sql);
    for (const sql of ["SELECT 'a' LIKE 'a%'", "SELECT 'a' REGEXP 'a'"]) await worker.query(sql);
    const t = clients.target;
    probe = { host: t.host, port: t.port, user: t.user, password: t.password, probeTimeoutMs: PROBE_TIMEOUT_MS };
    bound = await LivenessBound.measure();
  }, 120_000);

  afterAll(async () => {
    await clients?.close();
  });

  /** Runs `sql` on the worker while the probe measures; bounded in time. */
  async function runProbed(sql: string): Promise<Outcome> {
    const { result, liveness } = await whileProbing(probe, async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const [rows] = await Promise.race([
          worker.query({ sql, rowsAsArray: true }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`still running after ${STATEMENT_LIMIT_MS} ms: ${sql.slice(0, 80)}…`)), STATEMENT_LIMIT_MS);
          }),
        ]);
        return { rows: rows as unknown[][] };
      } catch (e) {
        const err = e as { errno?: number; sqlState?: string; message: string };
        if (err.errno === undefined) throw e;
        return { error: { errno: err.errno, sqlState: err.sqlState ?? '', message: err.message } };
      } finally {
        clearTimeout(timer);
      }
    });
    return { ...result, live: liveness };
  }

  /**
   * The probe answered while the statement ran, every time within the bound. A miss must repeat
   * when `again` (the statement, or one of its kind that is planned afresh) runs once more: it
   * takes milliseconds, and one burst of machine noise is not taken for a statement that holds
   * the server.
   */
  async function expectLive(o: Outcome, what: string, again: string): Promise<void> {
    expect(o.live.samples, `${what}: probes answered meanwhile`).toBeGreaterThan(0);
    expect(await bound.miss(o.live, async () => (await runProbed(again)).live), what).toBeUndefined();
  }

  const sortedText = (rows: unknown[][]): string[][] => rows.map((r) => r.map(String)).sort(compareRows);

  // The most tables MySQL joins (61) plans in some 10-40 ms (MariaDB takes about 300 ms), and its
  // 61 gathers and hash joins yield like any other operators.
  it.each([
    [20, 7],
    [61, 9],
  ])('a %i-table select5-style join answers right', async (count, seed) => {
    const q = makeQuery(64, count, seed);
    const expected = evaluate(q, TABLES);
    expect(expected.length).toBeGreaterThan(0);
    const o = await runProbed(q.sql);
    expect(o.error).toBeUndefined();
    expect(sortedText(o.rows!)).toEqual(expected);
    // A miss is confirmed on a fresh join of as many tables: the same text would reuse its cached plan.
    await expectLive(o, `a ${count}-table join`, makeQuery(64, count, seed + 1000).sql);
  }, 60_000);

  it.each([
    ['the 64 tables', makeQuery(64, 64, 11).sql],
    ['62 tables', makeQuery(64, 62, 12).sql],
    ['200 table references', `SELECT COUNT(*) FROM ${Array.from({ length: 200 }, (_, i) => `t${(i % 64) + 1} AS q${i}`).join(',')}`],
  ])('a join of %s is ER_TOO_MANY_TABLES', async (_what, sql) => {
    const o = await runProbed(sql);
    expect(o.rows).toBeUndefined();
    expect([o.error?.errno, o.error?.sqlState]).toEqual([1116, 'HY000']);
    expect(o.error?.message).toMatch(/^Too many tables; \w+ can only use 61 tables in a join$/);
    await expectLive(o, sql, sql);
  }, 60_000);

  it.each([
    ["SELECT REPEAT('a',5000) LIKE CONCAT(REPEAT('%a',50),'b')", 0],
    ["SELECT REPEAT('a',5000) LIKE CONCAT(REPEAT('%a',50),'%')", 1],
    ["SELECT CONCAT(REPEAT('ab',20000),'c') LIKE CONCAT(REPEAT('%a_',30),'%c_')", 0],
    ["SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' REGEXP '(a+)+$'", 0],
    ["SELECT CONCAT(REPEAT('a',30),'!') NOT REGEXP '^(a|aa)+$'", 1],
  ])('%s answers %i', async (sql, expected) => {
    const o = await runProbed(sql);
    expect(o.error).toBeUndefined();
    expect(o.rows).toEqual([[expected]]);
    await expectLive(o, sql, sql);
  }, 60_000);
});

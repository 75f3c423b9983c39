// A WITH RECURSIVE that never ends (no stop condition) must not take the server with it: past
// @@cte_max_recursion_depth rounds it ends with MySQL's 3636; with the bound raised out of
// reach, max_execution_time, KILL QUERY and tessera_query_memory_limit stop it. Meanwhile the liveness probe (a child
// process sending SELECT 1 every 20 ms, test/harness/liveness.ts) must keep being answered
// within the shared bound (LivenessBound). Tessera only: MariaDB has no 3636 (it stops
// silently after max_recursive_iterations) and words its stop errors its own way.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';
import { LivenessBound, whileProbing, type LivenessProbeOptions } from '../harness/liveness.js';

const RUNAWAY = 'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r';
/** A statement the stop checks failed to end is given up on after this. */
const STATEMENT_LIMIT_MS = 30_000;

/** How a statement failed: [errno, SQLSTATE, message]; undefined entries when it did not. */
async function failure(p: Promise<unknown>): Promise<[number | undefined, string | undefined, string | undefined]> {
  try {
    await p;
    return [undefined, undefined, undefined];
  } catch (e) {
    const err = e as { errno?: number; sqlState?: string; message?: string };
    if (err.errno === undefined) throw e;
    return [err.errno, err.sqlState, err.message];
  }
}

const depthError = (rounds: number): [number, string, string] => [
  3636, 'HY000', `Recursive query aborted after ${rounds} iterations. Try increasing @@cte_max_recursion_depth to a larger value.`,
];

describe('a runaway WITH RECURSIVE', () => {
  let clients: TestClients;
  let worker: mysql.Connection;
  let probe: LivenessProbeOptions;
  let bound: LivenessBound;

  beforeAll(async () => {
    clients = await TestClients.open('cte_runaway');
    worker = await clients.connect();
    const t = clients.target;
    probe = { host: t.host, port: t.port, user: t.user, password: t.password, probeTimeoutMs: 5_000 };
    bound = await LivenessBound.measure();
  }, 120_000);

  afterAll(async () => {
    await clients?.close();
  });

  /** Runs the statement under the probe; its error as [errno, sqlState, message] and how long it took. */
  async function runProbed(c: mysql.Connection, sql: string, meanwhile?: () => Promise<void>) {
    return whileProbing(probe, async () => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const run = c.query(sql);
      const side = meanwhile?.();
      try {
        const outcome = await Promise.race([
          failure(run),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`still running after ${STATEMENT_LIMIT_MS} ms`)), STATEMENT_LIMIT_MS);
          }),
        ]);
        await side;
        return { outcome, ms: performance.now() - started };
      } finally {
        clearTimeout(timer);
      }
    });
  }

  it('ends with 3636 after cte_max_recursion_depth rounds (default 1000)', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const [rows] = await worker.query('SELECT @@cte_max_recursion_depth AS d');
    expect(Number((rows as { d: unknown }[])[0]!.d)).toBe(1000);
    const { result, liveness } = await runProbed(worker, RUNAWAY);
    expect(result.outcome).toEqual(depthError(1001));
    expect(await bound.miss(liveness, async () => (await runProbed(worker, RUNAWAY)).liveness)).toBeUndefined();
    // One round fewer than the bound is allowed: 1000 rows need rounds 1..999 and an empty round 1000.
    const [ok] = await worker.query('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000) SELECT COUNT(*) AS c, SUM(n) AS s FROM r');
    expect(ok).toEqual([{ c: 1000, s: '500500' }]);
    await worker.query('SET SESSION cte_max_recursion_depth = 10');
    expect(await failure(worker.query(RUNAWAY))).toEqual(depthError(11));
    await worker.query('SET SESSION cte_max_recursion_depth = DEFAULT');
  }, 120_000);

  it('with the bound out of reach, max_execution_time stops it while others are answered', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const c = await clients.connect();
    await c.query('SET SESSION cte_max_recursion_depth = 4294967295');
    await c.query('SET SESSION max_execution_time = 1500');
    const { result, liveness } = await runProbed(c, RUNAWAY);
    expect(result.outcome.slice(0, 2)).toEqual([3024, 'HY000']);
    expect(result.ms).toBeGreaterThanOrEqual(1400);
    expect(result.ms).toBeLessThan(15_000);
    expect(liveness.samples).toBeGreaterThan(10);
    expect(await bound.miss(liveness)).toBeUndefined();
  }, 120_000);

  it('with the bound out of reach, a UNION DISTINCT that keeps growing stops at tessera_query_memory_limit', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const c = await clients.connect();
    await c.query('SET SESSION cte_max_recursion_depth = 4294967295');
    await c.query('SET SESSION tessera_query_memory_limit = 2097152');
    // Every round adds a new row to the rows UNION DISTINCT has seen: working memory that grows.
    const { result, liveness } = await runProbed(c, 'WITH RECURSIVE r (n) AS (SELECT 1 UNION SELECT n + 1 FROM r) SELECT COUNT(*) FROM r');
    expect(result.outcome.slice(0, 2)).toEqual([1038, 'HY001']);
    expect(result.outcome[2]).toMatch(/tessera_query_memory_limit/);
    expect(await bound.miss(liveness)).toBeUndefined();
  }, 120_000);

  it('with the bound out of reach, KILL QUERY from another connection stops it', async (ctx) => {
    if (!clients.isTessera) ctx.skip();
    const c = await clients.connect();
    const killer = await clients.connect();
    await c.query('SET SESSION cte_max_recursion_depth = 4294967295');
    const [idRows] = await c.query('SELECT CONNECTION_ID() AS id');
    const id = Number((idRows as { id: unknown }[])[0]!.id);
    const { result, liveness } = await runProbed(c, RUNAWAY, async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      await killer.query(`KILL QUERY ${id}`);
    });
    expect(result.outcome.slice(0, 2)).toEqual([1317, '70100']);
    expect(result.ms).toBeGreaterThanOrEqual(900);
    expect(result.ms).toBeLessThan(15_000);
    expect(await bound.miss(liveness)).toBeUndefined();
    // The connection lives on and answers its next statement.
    const [one] = await c.query('SELECT 1 AS one');
    expect(one).toEqual([{ one: 1 }]);
  }, 120_000);
});

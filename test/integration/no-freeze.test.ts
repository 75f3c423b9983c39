// No statement holds the server: while one connection runs something heavy (a 9M-row result
// streamed to a client, GROUP BY / GROUP_CONCAT / DISTINCT / ORDER BY over a 9M-row cross join,
// a big hash join, big writes, a copying ALTER), another connection's `SELECT 1` is answered
// within 100 ms, and the heavy statement's answer is right. Statements end on KILL QUERY / KILL /
// COM_PROCESS_KILL, max_execution_time, the MAX_EXECUTION_TIME() hint and max_statement_time;
// a statement past tessera_query_memory_limit is stopped with 1038 while the server's RSS stays
// bounded; SIGTERM shuts the server down within seconds whatever runs.
//
// The bound is 100 ms on top of the machine's own noise, counted up to 50 ms (LivenessBound in
// test/harness/liveness.ts, the rule of pathological-statements.test.ts too): the worst latency
// the same probe sees from a reference process that shares its thread perfectly, measured first
// and again on a miss (a few ms on a quiet machine; on a machine shared with much else the
// scheduler alone can delay any process by more than 100 ms).
//
// Needs Debian's mariadb-client (the streaming test) and python3-pymysql (COM_PROCESS_KILL);
// those tests are skipped with a message when the tool is missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import mysqlCallbacks from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing, LivenessProbe, type LivenessReport } from '../harness/liveness.js';
import { cliPath, freePort, startTessera, waitForMysql, type TesseraServer } from '../harness/server.js';

const N = 3000; // t has N rows: N × N = 9M-row cross joins
const BIG = 100_000; // rows of big

const haveMariadb = spawnSync('mariadb', ['--version']).status === 0;
const havePymysql = spawnSync('/usr/bin/python3', ['-c', 'import pymysql'], { encoding: 'utf8' }).status === 0;
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!haveMariadb && !inCi) process.stderr.write('no-freeze.test.ts: streaming test SKIPPED: the mariadb client (mariadb-client) is not installed\n');
if (!havePymysql && !inCi) process.stderr.write('no-freeze.test.ts: COM_PROCESS_KILL test SKIPPED: PyMySQL for /usr/bin/python3 (python3-pymysql) is not installed\n');

let server: TesseraServer;
/** The bound this file is about: another client's `SELECT 1` while a heavy statement runs. */
let bound: LivenessBound;
let c: mysql.Connection;
let other: mysql.Connection;

const opts = (): mysql.ConnectionOptions => ({ host: server.host, port: server.port, user: 'root', database: 'nf', supportBigNumbers: true, bigNumberStrings: true });
const probeOpts = () => ({ host: server.host, port: server.port });

async function rows<T = Record<string, unknown>>(conn: mysql.Connection, sql: string): Promise<T[]> {
  const [r] = await conn.query(sql);
  return r as T[];
}

/** Runs `sql` on `c` while the probe measures; returns its rows and the probe's report. */
async function probed<T = Record<string, unknown>>(sql: string, conn: mysql.Connection = c): Promise<{ rows: T[]; live: LivenessReport }> {
  const { result, liveness } = await whileProbing(probeOpts(), () => rows<T>(conn, sql));
  return { rows: result, live: liveness };
}

async function expectLive(live: LivenessReport, what: string): Promise<void> {
  expect(await bound.miss(live), what).toBeUndefined();
  // The probe ran while the statement did (so the bound is about the statement, not an idle server).
  expect(live.samples, `${what}: probes answered meanwhile`).toBeGreaterThan(2);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
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

/** A statement that would run for hours: 27 billion rows. */
const ENDLESS = 'SELECT COUNT(*) FROM t a, t b, t x';

beforeAll(async () => {
  server = await startTessera();
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
  await admin.query('CREATE DATABASE nf');
  await admin.end();
  c = await mysql.createConnection(opts());
  other = await mysql.createConnection(opts());
  await c.query('CREATE TABLE t (id INT PRIMARY KEY, g INT NOT NULL, v VARCHAR(20) NOT NULL)');
  const values: string[] = [];
  for (let i = 1; i <= N; i++) values.push(`(${i}, ${i % 100}, 'v${String(i % 50).padStart(2, '0')}')`);
  await c.query(`INSERT INTO t VALUES ${values.join(',')}`);
  // big: ids 1..BIG, k = id % (BIG / 2) (every k twice), v one of 1,000 strings.
  await c.query('CREATE TABLE big (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL)');
  const per = BIG / N;
  await c.query(`INSERT INTO big SELECT (a.id - 1) * ${N} + b.id, ((a.id - 1) * ${N} + b.id) % ${BIG / 2}, CONCAT('w', ((a.id - 1) * ${N} + b.id) % 1000) FROM t a, t b WHERE a.id <= ${Math.ceil(per)} AND (a.id - 1) * ${N} + b.id <= ${BIG}`);
  bound = await LivenessBound.measure();
}, 120_000);

afterAll(async () => {
  await c?.end().catch(() => undefined);
  await other?.end().catch(() => undefined);
  await server?.stop();
});

describe('no statement holds the server', () => {
  it.skipIf(!haveMariadb)('streams a 9M-row cross join to the mariadb client; other clients answer meanwhile', async () => {
    const sum = (): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve, reject) => {
        // --quick: the client prints rows as they arrive instead of holding the whole result.
        const sh = spawn('sh', ['-c', `mariadb --quick -N -h${server.host} -P${server.port} -uroot nf -e "SELECT a.id * ${N + 1} + b.id FROM t a, t b" | awk '{ n++; s += $1 } END { printf "%d %d", n, s }'`], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        sh.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        sh.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        const timer = setTimeout(() => sh.kill('SIGKILL'), 110_000);
        sh.once('error', reject);
        sh.once('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out, err });
        });
      });
    const before = rssMb(server.pid);
    const { result, liveness } = await whileProbing(probeOpts(), sum);
    expect(result.err).toBe('');
    const ids = (N * (N + 1)) / 2;
    expect(result.out).toBe(`${N * N} ${(N + 1) * ids * N + ids * N}`);
    await expectLive(liveness, 'streaming 9M rows');
    // Streamed, not held: the server did not grow by the result's size (9M rows ≈ 1 GB held).
    expect(rssMb(server.pid) - before).toBeLessThan(300);
  }, 120_000);

  it('a client that stops reading holds its statement, not the server; KILL QUERY then ends it with ERR after the rows', async () => {
    const slow = mysqlCallbacks.createConnection(opts());
    try {
      const id = await new Promise<number>((resolve, reject) => slow.query('SELECT CONNECTION_ID() AS id', (e, r) => (e ? reject(e) : resolve(Number((r as { id: string }[])[0]!.id)))));
      const before = rssMb(server.pid);
      let received = 0;
      const q = slow.query('SELECT a.id, b.v FROM t a, t b');
      const ended = new Promise<{ how: string; errno?: number; received: number }>((resolve) => {
        q.on('error', (e: { errno?: number }) => resolve({ how: 'error', errno: e.errno, received }));
        q.on('end', () => resolve({ how: 'end', received }));
      });
      const stalled = new Promise<void>((resolve) =>
        q.on('result', () => {
          if (++received === 1000) {
            slow.pause(); // stop reading the socket
            resolve();
          }
        }),
      );
      await stalled;
      const probe = await LivenessProbe.start(probeOpts());
      await sleep(1500);
      const [proc] = (await other.query('SHOW PROCESSLIST')) as unknown as [{ Id: number; Command: string; Info: string | null }[]];
      expect(proc.find((p) => Number(p.Id) === id)).toMatchObject({ Command: 'Query', Info: 'SELECT a.id, b.v FROM t a, t b' });
      // Held by the socket: the server neither buffered the rest of the 9M rows nor froze.
      expect(rssMb(server.pid) - before).toBeLessThan(100);
      await other.query(`KILL QUERY ${id}`);
      const live = await probe.stop();
      await expectLive(live, 'a stalled reader');
      slow.resume();
      const end = await ended;
      expect(end.how).toBe('error');
      expect(end.errno).toBe(1317);
      expect(end.received).toBeGreaterThan(1000);
      expect(end.received).toBeLessThan(N * N);
      // The connection goes on.
      const again = await new Promise<unknown>((resolve, reject) => slow.query('SELECT 1 AS one', (e, r) => (e ? reject(e) : resolve(r))));
      expect(again).toEqual([{ one: 1 }]);
    } finally {
      slow.destroy();
    }
  }, 60_000);

  it('GROUP BY over a 9M-row cross join', async () => {
    const { rows: r, live } = await probed<{ ag: number; bg: number; n: string }>('SELECT a.g AS ag, b.g AS bg, COUNT(*) AS n FROM t a, t b GROUP BY a.g, b.g');
    expect(r.length).toBe(100 * 100);
    expect(new Set(r.map((x) => `${x.ag}/${x.bg}`)).size).toBe(10_000);
    expect(r.every((x) => x.n === String((N / 100) ** 2))).toBe(true);
    await expectLive(live, 'GROUP BY over 9M rows');
  }, 60_000);

  it('GROUP_CONCAT over a 9M-row cross join, cut at group_concat_max_len', async () => {
    const { rows: r, live } = await probed<{ id: number; len: string }>('SELECT a.id, LENGTH(GROUP_CONCAT(b.v)) AS len FROM t a, t b GROUP BY a.id');
    expect(r.length).toBe(N);
    expect(r.every((x) => x.len === '1024')).toBe(true);
    const warnings = await rows<{ Code: number; Message: string }>(c, 'SHOW WARNINGS');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatchObject({ Code: 1260, Message: expect.stringMatching(/^Row \d+ was cut by GROUP_CONCAT\(\)$/) });
    await expectLive(live, 'GROUP_CONCAT over 9M rows');
  }, 60_000);

  it('GROUP_CONCAT … ORDER BY over a 3M-row cross join keeps the first values in order', async () => {
    const { rows: r, live } = await probed<{ id: number; s: string }>('SELECT a.id, GROUP_CONCAT(b.id ORDER BY b.id DESC SEPARATOR \'-\') AS s FROM t a, t b WHERE a.id <= 1000 GROUP BY a.id');
    const full = Array.from({ length: N }, (_, i) => N - i).join('-');
    expect(r.length).toBe(1000);
    expect(r.every((x) => x.s === full.slice(0, 1024))).toBe(true);
    await expectLive(live, 'GROUP_CONCAT … ORDER BY');
  }, 60_000);

  it('DISTINCT and ORDER BY … LIMIT over a 9M-row cross join', async () => {
    const d = await probed<{ ag: number; bg: number }>('SELECT DISTINCT a.g AS ag, b.g AS bg FROM t a, t b');
    expect(d.rows.length).toBe(10_000);
    await expectLive(d.live, 'DISTINCT over 9M rows');
    const o = await probed<{ x: number; y: number }>('SELECT a.id AS x, b.id AS y FROM t a, t b ORDER BY a.g DESC, b.id DESC, a.id LIMIT 3');
    expect(o.rows).toEqual([{ x: 99, y: N }, { x: 199, y: N }, { x: 299, y: N }]);
    await expectLive(o.live, 'ORDER BY … LIMIT over 9M rows');
  }, 60_000);

  it('a full sort of a big table, streamed in order', async () => {
    const { rows: r, live } = await probed<{ id: number; v: string }>('SELECT id, v FROM big ORDER BY v DESC, id');
    expect(r.length).toBe(BIG);
    for (let i = 1; i < r.length; i++) {
      const a = r[i - 1]!;
      const b = r[i]!;
      expect(a.v > b.v || (a.v === b.v && a.id < b.id)).toBe(true);
    }
    await expectLive(live, 'a sort of 100K rows');
  }, 60_000);

  it('a big hash join on the aggregator', async () => {
    const plan = (await rows<{ EXPLAIN: string }>(c, 'EXPLAIN SELECT COUNT(*) FROM big a JOIN big b ON a.k = b.k')).map((r) => r.EXPLAIN).join('\n');
    expect(plan).toMatch(/HashJoin\[inner\][\s\S]*Gather[\s\S]*Gather/);
    const { rows: r, live } = await probed<{ n: string; s: string }>('SELECT COUNT(*) AS n, SUM(a.id + b.id) AS s FROM big a JOIN big b ON a.k = b.k');
    // Every k holds two rows, so each row pairs with two: 2 × BIG pairs, each id counted twice per side.
    expect(r[0]!.n).toBe(String(2 * BIG));
    expect(r[0]!.s).toBe(String(2 * 2 * ((BIG * (BIG + 1)) / 2)));
    await expectLive(live, 'a hash join of 100K × 100K rows');
  }, 60_000);

  it('INSERT … SELECT, UPDATE and DELETE of 100K rows', async () => {
    // In a transaction, rolled back after: the probe window is the statements themselves (the
    // commit of a 100K-row transaction runs in storage in one go).
    await c.query('CREATE TABLE copy (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL)');
    try {
      await c.query('BEGIN');
      const ins = await whileProbing(probeOpts(), () => c.query('INSERT INTO copy SELECT * FROM big'));
      expect((ins.result[0] as mysql.ResultSetHeader).affectedRows).toBe(BIG);
      await expectLive(ins.liveness, 'INSERT … SELECT of 100K rows');
      const upd = await whileProbing(probeOpts(), () => c.query('UPDATE copy SET k = k + 1'));
      expect((upd.result[0] as mysql.ResultSetHeader).affectedRows).toBe(BIG);
      await expectLive(upd.liveness, 'UPDATE of 100K rows');
      const del = await whileProbing(probeOpts(), () => c.query('DELETE FROM copy WHERE id % 2 = 0'));
      expect((del.result[0] as mysql.ResultSetHeader).affectedRows).toBe(BIG / 2);
      await expectLive(del.liveness, 'DELETE of 50K rows');
      expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(k) AS s FROM copy')).toEqual([{ n: String(BIG / 2), s: expect.any(String) }]);
      await c.query('ROLLBACK');
      expect(await rows(c, 'SELECT COUNT(*) AS n FROM copy')).toEqual([{ n: '0' }]);
    } finally {
      await c.query('ROLLBACK').catch(() => undefined);
      await c.query('DROP TABLE copy');
    }
  }, 90_000);

  it('a copying ALTER TABLE and CREATE TABLE … SELECT share the thread and stop on KILL QUERY, changing nothing', async () => {
    const id = Number((await rows<{ id: string }>(c, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
    for (const sql of ['ALTER TABLE big ADD COLUMN z INT DEFAULT 5', 'CREATE TABLE big_copy AS SELECT * FROM big']) {
      const { result, liveness } = await whileProbing(probeOpts(), async () => {
        const run = errorOf(c.query(sql));
        // Kill it once it is surely copying (it runs for seconds; the kill must find it running).
        await sleep(150);
        const killedAt = performance.now();
        await other.query(`KILL QUERY ${id}`);
        const err = await run;
        return { err, afterKill: performance.now() - killedAt };
      });
      expect(result.err).toMatchObject({ errno: 1317, sqlState: '70100' });
      expect(result.afterKill).toBeLessThan(1000);
      await expectLive(liveness, sql);
    }
    expect((await rows<{ Field: string }>(c, 'DESCRIBE big')).map((r) => r.Field)).toEqual(['id', 'k', 'v']);
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM big')).toEqual([{ n: String(BIG) }]);
    expect(await errorOf(c.query('SELECT 1 FROM big_copy'))).toMatchObject({ errno: 1146 });
  }, 60_000);
});

describe('ending a statement', () => {
  it('KILL QUERY stops a running statement within a fraction of a second with 1317; the connection goes on', async () => {
    const victim = await mysql.createConnection(opts());
    try {
      const id = Number((await rows<{ id: string }>(victim, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
      const run = errorOf(victim.query(ENDLESS));
      await sleep(300);
      const t0 = performance.now();
      const [ok] = await other.query(`KILL QUERY ${id}`);
      expect((ok as mysql.ResultSetHeader).affectedRows).toBe(0);
      const err = await run;
      expect(performance.now() - t0).toBeLessThan(500);
      expect(err).toMatchObject({ errno: 1317, sqlState: '70100', message: 'Query execution was interrupted' });
      expect(await rows(victim, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      victim.destroy();
    }
  });

  it('KILL QUERY reaches a statement waiting for a row lock on the leaf: the statement is undone, its transaction stays open', async () => {
    const a = await mysql.createConnection(opts());
    const b = await mysql.createConnection(opts());
    try {
      const id = Number((await rows<{ id: string }>(a, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
      await b.query('BEGIN');
      await b.query("UPDATE t SET v = 'held' WHERE id = 2");
      await a.query('BEGIN');
      await a.query("UPDATE t SET v = 'mine' WHERE id = 1");
      const waiting = errorOf(a.query("UPDATE t SET v = 'waits' WHERE id IN (2, 3)"));
      await sleep(300);
      const t0 = performance.now();
      await other.query(`KILL QUERY ${id}`);
      // Not the lock wait timeout (innodb_lock_wait_timeout is 50 s): the kill ended the wait.
      expect(await waiting).toMatchObject({ errno: 1317 });
      expect(performance.now() - t0).toBeLessThan(500);
      // As InnoDB: the killed statement is undone, the transaction's earlier work is kept.
      expect(await rows(a, 'SELECT id, v FROM t WHERE id IN (1, 3) ORDER BY id')).toEqual([{ id: 1, v: 'mine' }, { id: 3, v: 'v03' }]);
      await a.query('ROLLBACK');
      await b.query('ROLLBACK');
      expect(await rows(c, 'SELECT v FROM t WHERE id = 1')).toEqual([{ v: 'v01' }]);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('KILL CONNECTION ends the statement and the connection; the killer gets OK', async () => {
    const victim = await mysql.createConnection(opts());
    victim.on('error', () => {});
    const id = Number((await rows<{ id: string }>(victim, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
    const run = errorOf(victim.query(ENDLESS));
    await sleep(300);
    const [ok] = await other.query(`KILL CONNECTION ${id}`);
    expect((ok as mysql.ResultSetHeader).affectedRows).toBe(0);
    const err = await run;
    expect(err.code).toBe('PROTOCOL_CONNECTION_LOST');
    await sleep(200);
    const ids = (await rows<{ Id: number }>(other, 'SHOW PROCESSLIST')).map((p) => Number(p.Id));
    expect(ids).not.toContain(id);
    expect(await errorOf(other.query('KILL 999999'))).toMatchObject({ errno: 1094 });
  });

  it.skipIf(!havePymysql)('COM_PROCESS_KILL (PyMySQL kill()) ends a running statement and its connection', async () => {
    const victim = await mysql.createConnection(opts());
    victim.on('error', () => {});
    const id = Number((await rows<{ id: string }>(victim, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
    const run = errorOf(victim.query(ENDLESS));
    await sleep(300);
    const py = spawnSync('/usr/bin/python3', ['-c', `import pymysql; c = pymysql.connect(host='${server.host}', port=${server.port}, user='root'); c.kill(${id}); print('ok')`], { encoding: 'utf8', timeout: 20_000 });
    expect(py.stderr).toBe('');
    expect(py.stdout.trim()).toBe('ok');
    expect((await run).code).toBe('PROTOCOL_CONNECTION_LOST');
  });

  it('max_execution_time and the MAX_EXECUTION_TIME() hint end a SELECT with 3024; MariaDB\'s max_statement_time with 1969', async () => {
    const s = await mysql.createConnection(opts());
    try {
      await s.query('SET SESSION max_execution_time = 200');
      let t0 = performance.now();
      expect(await errorOf(s.query(ENDLESS))).toMatchObject({ errno: 3024, sqlState: 'HY000', message: 'Query execution was interrupted, maximum statement execution time exceeded' });
      expect(performance.now() - t0).toBeLessThan(1000);
      // It bounds SELECTs only, as in MySQL: a write that takes longer finishes.
      await s.query('BEGIN');
      expect((await s.query('UPDATE big SET k = k + 1 WHERE id <= 50000'))[0]).toMatchObject({ affectedRows: 50000 });
      await s.query('ROLLBACK');
      await s.query('SET SESSION max_execution_time = 0');
      t0 = performance.now();
      expect(await errorOf(s.query(`SELECT /*+ MAX_EXECUTION_TIME(150) */ COUNT(*) FROM t a, t b, t x`))).toMatchObject({ errno: 3024 });
      expect(performance.now() - t0).toBeLessThan(1000);
      // A streamed result ends with the error after the rows already sent.
      const streamed = await errorOf(s.query('SELECT /*+ MAX_EXECUTION_TIME(300) */ a.id, b.id FROM t a, t b'));
      expect(streamed).toMatchObject({ errno: 3024 });
      await s.query('SET SESSION max_statement_time = 0.2');
      expect(await errorOf(s.query(ENDLESS))).toMatchObject({ errno: 1969, sqlState: '70100', message: 'Query execution was interrupted (max_statement_time exceeded)' });
      await s.query('SET SESSION max_statement_time = 0');
      expect(await rows(s, 'SELECT COUNT(*) AS n FROM t')).toEqual([{ n: String(N) }]);
    } finally {
      s.destroy();
    }
  }, 60_000);
});

describe('memory', () => {
  it('a statement past tessera_query_memory_limit is stopped with 1038; the server stays up and small', async () => {
    const s = await mysql.createConnection(opts());
    try {
      const [dflt] = await rows<{ m: string }>(s, 'SELECT @@tessera_query_memory_limit AS m');
      expect(Number(dflt!.m)).toBeGreaterThanOrEqual(64 * 1024 * 1024);
      await s.query('SET SESSION tessera_query_memory_limit = 33554432');
      const before = rssMb(server.pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 20);
      // 9M groups would need gigabytes.
      const { result: err, liveness } = await whileProbing(probeOpts(), () => errorOf(s.query('SELECT a.id, b.id, COUNT(*) FROM t a, t b GROUP BY a.id, b.id')));
      clearInterval(sampler);
      expect(err).toMatchObject({ errno: 1038, sqlState: 'HY001', message: expect.stringContaining('more than 32 MB of working memory (tessera_query_memory_limit)') });
      expect(peak - before).toBeLessThan(400);
      await expectLive(liveness, 'a GROUP BY stopped at its memory limit');
      // GROUP_CONCAT keeps about group_concat_max_len per group, so 9M rows fit in that limit.
      await s.query('SET SESSION group_concat_max_len = 10');
      expect(await rows(s, 'SELECT a.g, GROUP_CONCAT(b.id ORDER BY b.id) AS s FROM t a, t b WHERE a.g = 7 GROUP BY a.g')).toEqual([{ g: 7, s: '1,1,1,1,1,' }]);
      expect(await rows(s, 'SHOW WARNINGS')).toEqual([{ Level: 'Warning', Code: 1260, Message: 'Row 1 was cut by GROUP_CONCAT()' }]);
      // The column is typed as MySQL types it from group_concat_max_len: VARCHAR up to 512, else TEXT (BLOB on the wire).
      const [, short] = await s.query('SELECT GROUP_CONCAT(v) AS s FROM t');
      expect(short![0]).toMatchObject({ columnType: 253, columnLength: 40 });
      const [, long] = await other.query('SELECT GROUP_CONCAT(v) AS s FROM t');
      expect(long![0]).toMatchObject({ columnType: 252, columnLength: 4096 });
      expect(await rows(s, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      s.destroy();
    }
  }, 60_000);
});

describe('shutdown', () => {
  it('SIGTERM shuts down within seconds while a heavy statement runs, and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-nf-'));
    const port = await freePort('127.0.0.1');
    const child = spawn(process.execPath, [cliPath(), 'start', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitForMysql('127.0.0.1', port, 30_000, () => (child.exitCode !== null ? `exited: ${stderr}` : undefined));
      const s = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      s.on('error', () => {});
      await s.query('CREATE DATABASE d');
      await s.query('CREATE TABLE d.t (id INT PRIMARY KEY)');
      await s.query(`INSERT INTO d.t VALUES ${Array.from({ length: 2000 }, (_, i) => `(${i})`).join(',')}`);
      const run = errorOf(s.query('SELECT COUNT(*) FROM d.t a, d.t b, d.t x'));
      await sleep(300);
      const t0 = performance.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'still running')]);
      expect(code, stderr).toBe(0);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect((await run).message).toMatch(/shutdown|closed|lost/i);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

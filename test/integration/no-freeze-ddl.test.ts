// DDL over a big table never holds the server: while one connection builds or drops an index on
// 300K rows (CREATE [UNIQUE] INDEX, ALTER TABLE … ADD / DROP KEY, DROP INDEX), another
// connection's `SELECT 1` is answered within 100 ms (plus the machine's noise, judged by LivenessBound as in
// no-freeze.test.ts), and the index is right afterwards: queries through it return the right rows
// and EXPLAIN uses it. A unique build that meets a duplicate in its last row fails with 1062 and
// KILL QUERY stops a build with 1317, each leaving the table as it was; a failed ALTER that drops
// one index and adds another keeps every index where it was. The other DDL over 300K rows
// (TRUNCATE, DROP TABLE, DROP DATABASE, RENAME, ALTER of metadata only, CREATE TABLE … LIKE,
// ANALYZE / OPTIMIZE) shares the bound. A server killed with SIGKILL in the middle of a build,
// while snapshots were written, comes back with the table whole and without the index.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessBound, whileProbing, type LivenessReport } from '../harness/liveness.js';
import { startTessera, type TesseraServer } from '../harness/server.js';

const N = 300_000;
const SEED_ROWS = 1000;

type Row = Record<string, unknown>;

async function rows<T = Row>(conn: mysql.Connection, sql: string): Promise<T[]> {
  const [r] = await conn.query(sql);
  return r as T[];
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

/** The EXPLAIN of a query, one line per row. */
async function explain(conn: mysql.Connection, sql: string): Promise<string> {
  return (await rows<{ EXPLAIN: string }>(conn, `EXPLAIN ${sql}`)).map((r) => r.EXPLAIN).join('\n');
}

/** Key names of SHOW INDEX, in order, one per index. */
async function indexNames(conn: mysql.Connection, table: string): Promise<string[]> {
  return [...new Set((await rows<{ Key_name: string }>(conn, `SHOW INDEX FROM ${table}`)).map((r) => r.Key_name))];
}

async function createTable(conn: mysql.Connection, table: string): Promise<string> {
  return (await rows<{ 'Create Table': string }>(conn, `SHOW CREATE TABLE ${table}`))[0]!['Create Table'];
}

/** Fills `table` (id, k, v) with ids 1..N, k = id % 1000, v = 'v' + id % 5000 from the seed table. */
function fill(conn: mysql.Connection, table: string, seed = 'seed'): Promise<unknown> {
  return conn.query(`INSERT INTO ${table} SELECT (a.id - 1) * ${SEED_ROWS} + b.id, ((a.id - 1) * ${SEED_ROWS} + b.id) % 1000, CONCAT('v', ((a.id - 1) * ${SEED_ROWS} + b.id) % 5000) FROM ${seed} a, ${seed} b WHERE a.id <= ${N / SEED_ROWS}`);
}

async function makeSeed(conn: mysql.Connection): Promise<void> {
  await conn.query('CREATE TABLE seed (id INT PRIMARY KEY)');
  await conn.query(`INSERT INTO seed VALUES ${Array.from({ length: SEED_ROWS }, (_, i) => `(${i + 1})`).join(',')}`);
}

/** Waits (bounded) until `conn` sees a statement with this text running, as SHOW PROCESSLIST shows it. */
async function untilRunning(conn: mysql.Connection, sql: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await rows<{ Info: string | null }>(conn, 'SHOW PROCESSLIST')).some((p) => p.Info === sql)) return;
    await sleep(2);
  }
  throw new Error(`${sql} was not seen running`);
}

/** Rows of big with k = 7: ids 7, 1007, …: 300 of them. */
const K7 = { n: String(N / 1000), s: String((1000 * ((N / 1000 - 1) * (N / 1000))) / 2 + 7 * (N / 1000)) };

describe('index builds and drops over 300K rows share the thread', () => {
  let server: TesseraServer;
  /** The shared rule of every freeze test: LIVE_MS plus the machine's noise, capped. */
  let bound: LivenessBound;
  let c: mysql.Connection;
  let other: mysql.Connection;

  const opts = (): mysql.ConnectionOptions => ({ host: server.host, port: server.port, user: 'root', database: 'nd', supportBigNumbers: true, bigNumberStrings: true });
  const probeOpts = () => ({ host: server.host, port: server.port });

  async function expectLive(live: LivenessReport, what: string): Promise<void> {
    expect(await bound.miss(live), what).toBeUndefined();
    expect(live.samples, `${what}: probes answered meanwhile`).toBeGreaterThan(2);
  }

  /**
   * Runs `sql` on c while the probe measures, and `afterMs` longer (what a statement leaves to
   * the garbage collector counts too); how long it took, and the error it failed with or null.
   */
  async function probed(sql: string, afterMs = 0): Promise<{ ms: number; live: LivenessReport; error: Awaited<ReturnType<typeof errorOf>> | null }> {
    const { result, liveness } = await whileProbing(probeOpts(), async () => {
      const t0 = performance.now();
      const error = await c.query(sql).then(
        () => null,
        (e: Awaited<ReturnType<typeof errorOf>>) => e,
      );
      const ms = performance.now() - t0;
      await sleep(afterMs);
      return { ms, error };
    });
    return { ...result, live: liveness };
  }

  /** big as the first test leaves it, with index ik on k (for a test run on its own). */
  async function withIk(): Promise<void> {
    if (!(await indexNames(c, 'big')).includes('ik')) await c.query('CREATE INDEX ik ON big (k)');
  }

  /** SHOW INDEX rows of one index. */
  async function showIndex(table: string, name: string): Promise<Row[]> {
    return (await rows(c, `SHOW INDEX FROM ${table}`)).filter((r) => r['Key_name'] === name);
  }

  beforeAll(async () => {
    server = await startTessera();
    const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await admin.query('CREATE DATABASE nd');
    await admin.end();
    c = await mysql.createConnection(opts());
    other = await mysql.createConnection(opts());
    await makeSeed(c);
    await c.query('CREATE TABLE big (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL)');
    await fill(c, 'big');
    // u: unique keys that share no column keep it in one partition, so a unique build there is
    // one long pass. Every tag is unique but the last row's, which repeats row 1's.
    await c.query('CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL, code INT NOT NULL, tag INT NOT NULL, UNIQUE KEY (email))');
    await c.query(`INSERT INTO u SELECT id, CONCAT('e', id), id, id FROM big WHERE id < ${N}`);
    await c.query(`INSERT INTO u VALUES (${N}, 'e${N}', ${N}, 1)`);
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM u')).toEqual([{ n: String(N) }]);
    bound = await LivenessBound.measure();
  }, 180_000);

  afterAll(async () => {
    await c?.end().catch(() => undefined);
    await other?.end().catch(() => undefined);
    await server?.stop();
  });

  it('CREATE INDEX: other clients answer while it builds; queries through it are right and EXPLAIN uses it', async () => {
    const r = await probed('CREATE INDEX ik ON big (k)');
    expect(r.error).toBeNull();
    await expectLive(r.live, 'CREATE INDEX on 300K rows');
    expect(await showIndex('big', 'ik')).toMatchObject([{ Non_unique: 1, Seq_in_index: 1, Column_name: 'k' }]);
    expect(await explain(c, 'SELECT COUNT(*), SUM(id) FROM big WHERE k = 7')).toMatch(/Index(Seek|RangeScan) index:1 nd\.big/);
    expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(id) AS s FROM big WHERE k = 7')).toEqual([K7]);
    expect(await rows(c, 'SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM big WHERE k BETWEEN 998 AND 999')).toEqual([{ n: String((2 * N) / 1000), lo: 998, hi: N - 1 }]);
    // Writes after it keep it up.
    await c.query(`INSERT INTO big VALUES (${N + 1}, 7, 'new')`);
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM big WHERE k = 7')).toEqual([{ n: String(Number(K7.n) + 1) }]);
    await c.query(`DELETE FROM big WHERE id = ${N + 1}`);
  }, 60_000);

  it('CREATE UNIQUE INDEX on a one-partition table: other clients answer; the key is enforced and used', async () => {
    const r = await probed('CREATE UNIQUE INDEX ucode ON u (code)');
    expect(r.error).toBeNull();
    await expectLive(r.live, 'CREATE UNIQUE INDEX on 300K rows');
    expect(await indexNames(c, 'u')).toEqual(['PRIMARY', 'email', 'ucode']);
    expect(await showIndex('u', 'ucode')).toMatchObject([{ Non_unique: 0, Column_name: 'code' }]);
    expect(await explain(c, 'SELECT id FROM u WHERE code = 123456')).toMatch(/IndexSeek index:2 nd\.u/);
    expect(await rows(c, 'SELECT id, email FROM u WHERE code = 123456')).toEqual([{ id: 123456, email: 'e123456' }]);
    expect(await errorOf(c.query(`INSERT INTO u VALUES (${N + 1}, 'fresh', 5, 5)`))).toMatchObject({ errno: 1062, sqlState: '23000' });
  }, 60_000);

  it('a unique build that meets a duplicate in its last row: 1062 after sharing the thread, and the table is as it was', async () => {
    const before = await createTable(c, 'u');
    const names = await indexNames(c, 'u');
    const r = await probed('CREATE UNIQUE INDEX utag ON u (tag)');
    expect(r.error).toMatchObject({ errno: 1062, sqlState: '23000', message: expect.stringMatching(/^Duplicate entry '1' for key '(u\.)?utag'$/) });
    await expectLive(r.live, 'a unique build failing at its last row');
    expect(await createTable(c, 'u')).toBe(before);
    expect(await indexNames(c, 'u')).toEqual(names);
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM u WHERE tag = 1')).toEqual([{ n: '2' }]);
    expect(await rows(c, 'SELECT id, tag FROM u WHERE id = 77')).toEqual([{ id: 77, tag: 77 }]);
    // Nothing of it was left behind: the name is free for an index that can be built.
    await c.query('CREATE INDEX utag ON u (tag)');
    expect(await rows(c, 'SELECT id FROM u WHERE tag = 1 ORDER BY id')).toEqual([{ id: 1 }, { id: N }]);
    expect(await explain(c, 'SELECT id FROM u WHERE tag = 1')).toMatch(new RegExp(`Index(Seek|RangeScan) index:${names.length} nd\\.u`));
    await c.query('DROP INDEX utag ON u');
  }, 60_000);

  it('a failed ALTER that drops one index and adds another keeps every index where it was, answering right', async () => {
    // Two secondary indexes (a dropped one re-added at the end would swap them).
    if (!(await indexNames(c, 'u')).includes('ucode')) await c.query('CREATE UNIQUE INDEX ucode ON u (code)');
    const before = await createTable(c, 'u');
    const r = await probed('ALTER TABLE u DROP KEY email, ADD UNIQUE KEY utag (tag)');
    expect(r.error).toMatchObject({ errno: 1062 });
    expect(await createTable(c, 'u')).toBe(before);
    // Plans name indexes by position: each must still read the index it names.
    expect(await rows(c, "SELECT id FROM u WHERE email = 'e77'")).toEqual([{ id: 77 }]);
    expect(await rows(c, 'SELECT id FROM u WHERE code = 78')).toEqual([{ id: 78 }]);
    expect(await errorOf(c.query(`INSERT INTO u VALUES (${N + 1}, 'e5', ${N + 1}, ${N + 1})`))).toMatchObject({ errno: 1062 });
    await expectLive(r.live, 'a failed ALTER … DROP KEY, ADD UNIQUE KEY');
  }, 60_000);

  it('KILL QUERY during CREATE INDEX: 1317 within a fraction of a second, and the table is as it was', async () => {
    await withIk();
    const id = Number((await rows<{ id: string }>(c, 'SELECT CONNECTION_ID() AS id'))[0]!.id);
    // How long this build takes here, so the kill falls well inside it on any machine.
    const t0 = performance.now();
    await c.query('CREATE INDEX ikill ON big (v)');
    const buildMs = performance.now() - t0;
    await c.query('DROP INDEX ikill ON big');
    const before = await createTable(c, 'big');
    const { result, liveness } = await whileProbing(probeOpts(), async () => {
      const run = errorOf(c.query('CREATE INDEX ikill ON big (v)'));
      await untilRunning(other, 'CREATE INDEX ikill ON big (v)');
      await sleep(buildMs / 4);
      const killedAt = performance.now();
      await other.query(`KILL QUERY ${id}`);
      const err = await run;
      return { err, afterKill: performance.now() - killedAt };
    });
    expect(result.err).toMatchObject({ errno: 1317, sqlState: '70100', message: 'Query execution was interrupted' });
    expect(result.afterKill).toBeLessThan(1000);
    await expectLive(liveness, 'a killed CREATE INDEX');
    expect(await createTable(c, 'big')).toBe(before);
    expect(await indexNames(c, 'big')).toEqual(['PRIMARY', 'ik']);
    expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(id) AS s FROM big WHERE k = 7')).toEqual([K7]);
    // Built again, whole: the name is free and the new index answers.
    await c.query('CREATE INDEX ikill ON big (v)');
    expect(await explain(c, "SELECT id FROM big WHERE v = 'v123'")).toMatch(/Index(Seek|RangeScan) index:2 nd\.big/);
    expect(await rows(c, "SELECT COUNT(*) AS n, MIN(id) AS lo FROM big WHERE v = 'v123'")).toEqual([{ n: String(N / 5000), lo: 123 }]);
    await c.query('DROP INDEX ikill ON big');
  }, 60_000);

  it('ALTER TABLE … ADD KEY, ADD UNIQUE KEY, DROP INDEX and ALTER … DROP KEY: other clients answer; the indexes left are right', async () => {
    await withIk();
    const add = await probed('ALTER TABLE big ADD KEY kv (k, v), ADD UNIQUE KEY uv (v, id)');
    expect(add.error).toBeNull();
    await expectLive(add.live, 'ALTER TABLE … ADD KEY, ADD UNIQUE KEY on 300K rows');
    // The catalog lists a new unique key before a new plain one (as CREATE TABLE orders them); the leaves build them in that order.
    expect(await indexNames(c, 'big')).toEqual(['PRIMARY', 'ik', 'uv', 'kv']);
    expect(await rows(c, "SELECT COUNT(*) AS n FROM big WHERE k = 5 AND v = 'v5'")).toEqual([{ n: String(N / 5000) }]);
    expect(await rows(c, "SELECT id FROM big WHERE v = 'v4999' AND id = 4999")).toEqual([{ id: 4999 }]);
    // A drop is quick: the window goes on a little after it, for what it leaves to the collector.
    const drop = await probed('DROP INDEX kv ON big', 250);
    expect(drop.error).toBeNull();
    await expectLive(drop.live, 'DROP INDEX on 300K rows');
    const alterDrop = await probed('ALTER TABLE big DROP KEY uv', 250);
    expect(alterDrop.error).toBeNull();
    await expectLive(alterDrop.live, 'ALTER TABLE … DROP KEY on 300K rows');
    expect(await indexNames(c, 'big')).toEqual(['PRIMARY', 'ik']);
    expect(await explain(c, 'SELECT COUNT(*) FROM big WHERE k = 7')).toMatch(/Index(Seek|RangeScan) index:1 nd\.big/);
    expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(id) AS s FROM big WHERE k = 7')).toEqual([K7]);
  }, 90_000);

  it('TRUNCATE, DROP TABLE, DROP DATABASE, RENAME, metadata-only ALTER, CREATE TABLE … LIKE, ANALYZE and OPTIMIZE of 300K rows: other clients answer', async () => {
    const live = async (sql: string): Promise<void> => {
      const r = await probed(sql, 250);
      expect(r.error, sql).toBeNull();
      await expectLive(r.live, sql);
    };
    await live('CREATE TABLE big2 LIKE big');
    await c.query('INSERT INTO big2 SELECT * FROM big');
    await live('RENAME TABLE big2 TO big3');
    await live("ALTER TABLE big3 COMMENT 'renamed'");
    await live('ALTER TABLE big3 RENAME COLUMN v TO w');
    await live('ANALYZE TABLE big3');
    await live('OPTIMIZE TABLE big3');
    expect(await rows(c, 'SELECT COUNT(*) AS n, SUM(k) AS s FROM big3 WHERE w = \'v7\'')).toEqual([{ n: String(N / 5000), s: String((N / 5000) * 7) }]);
    await live('TRUNCATE TABLE big3');
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM big3')).toEqual([{ n: '0' }]);
    await c.query('INSERT INTO big3 SELECT * FROM big');
    await live('DROP TABLE big3');
    await c.query('CREATE DATABASE nd2');
    await c.query('CREATE TABLE nd2.t LIKE nd.big');
    await c.query('INSERT INTO nd2.t SELECT * FROM nd.big');
    await live('DROP DATABASE nd2');
    expect(await rows(c, 'SELECT COUNT(*) AS n FROM big')).toEqual([{ n: String(N) }]);
  }, 120_000);
});

/** Snapshot files under dir, by path, with their modification times. */
function snapshots(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string, depth: number): void => {
    if (depth > 6) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.name.endsWith('.snap')) out.set(p, statSync(p).mtimeMs);
    }
  };
  walk(dir, 0);
  return out;
}

describe('a crash or a shutdown in the middle of an index build', () => {
  let server: TesseraServer;
  /** How long CREATE INDEX ic ON big (v, k) takes here. */
  let buildMs = 0;

  const connect = (): Promise<mysql.Connection> => mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'cr', supportBigNumbers: true, bigNumberStrings: true });

  beforeAll(async () => {
    // Snapshots every half second (of partitions with new writes), so some fall inside a build.
    server = await startTessera({ extraArgs: ['--snapshot-interval', '0.5'] });
    const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
    await admin.query('CREATE DATABASE cr');
    await admin.end();
    const c = await connect();
    try {
      await makeSeed(c);
      await c.query('CREATE TABLE big (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20) NOT NULL)');
      await fill(c, 'big');
      await c.query('CREATE TABLE w (id INT AUTO_INCREMENT PRIMARY KEY, x INT)');
      const t0 = performance.now();
      await c.query('CREATE INDEX ic ON big (v, k)');
      buildMs = performance.now() - t0;
      await c.query('DROP INDEX ic ON big');
    } finally {
      await c.end();
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** After a restart: big is whole, has no index ic, and builds it again to answer through it. */
  async function expectWholeWithoutIndex(): Promise<void> {
    const r = await connect();
    try {
      expect(await indexNames(r, 'big')).toEqual(['PRIMARY']);
      expect(await rows(r, 'SELECT COUNT(*) AS n, SUM(id) AS s, SUM(k) AS sk FROM big')).toEqual([{ n: String(N), s: String((N * (N + 1)) / 2), sk: String((N / 1000) * ((999 * 1000) / 2)) }]);
      expect(await rows(r, "SELECT COUNT(*) AS n FROM big WHERE v = 'v123'")).toEqual([{ n: String(N / 5000) }]);
      await r.query('CREATE INDEX ic ON big (v, k)');
      expect(await explain(r, "SELECT id FROM big WHERE v = 'v123' AND k = 123")).toMatch(/Index(Seek|RangeScan) index:1 cr\.big/);
      expect(await rows(r, "SELECT COUNT(*) AS n, MIN(id) AS lo FROM big WHERE v = 'v123' AND k = 123")).toEqual([{ n: String(N / 5000), lo: 123 }]);
      await r.query('DROP INDEX ic ON big');
    } finally {
      await r.end();
    }
  }

  it('SIGKILL while CREATE INDEX builds and snapshots are written: the table comes back whole and without the index, never half of it', async () => {
    const c = await connect();
    c.on('error', () => {});
    // Writes to another table of the database keep its partitions due for snapshots meanwhile.
    const writer = await connect();
    writer.on('error', () => {});
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing && i < 100_000; i++) {
        await writer.query('INSERT INTO w (x) VALUES (1)');
        await sleep(5);
      }
    })().catch(() => undefined);
    // Crash once a snapshot was written while the build runs; a build that ends first is dropped and tried again.
    let snapshotMidBuild = false;
    for (let attempt = 0; attempt < 5 && !snapshotMidBuild; attempt++) {
      const known = snapshots(server.dataDir);
      const started = Date.now();
      let finished = false;
      const run = c.query('CREATE INDEX ic ON big (v, k)').then(
        () => (finished = true),
        () => undefined,
      );
      const deadline = performance.now() + buildMs * 3;
      while (!finished && performance.now() < deadline) {
        await sleep(10);
        if ([...snapshots(server.dataDir)].some(([p, mtime]) => !known.has(p) && mtime >= started)) {
          snapshotMidBuild = !finished;
          break;
        }
      }
      if (snapshotMidBuild) {
        await server.kill('SIGKILL');
        await run;
        break;
      }
      await run;
      if (finished) await c.query('DROP INDEX ic ON big');
    }
    writing = false;
    await writes;
    c.destroy();
    writer.destroy();
    expect(snapshotMidBuild, 'a snapshot was written while the index was being built').toBe(true);
    await server.restart();
    await expectWholeWithoutIndex();
  }, 120_000);

  it('SIGTERM while CREATE INDEX builds: the build stops, the server exits within seconds; after a restart the table is whole, without the index', async () => {
    const c = await connect();
    c.on('error', () => {});
    const watcher = await connect();
    // How long the build takes now (the machine's load may have changed since beforeAll), so SIGTERM falls well inside it.
    const t1 = performance.now();
    await c.query('CREATE INDEX ic ON big (v, k)');
    const ms = performance.now() - t1;
    await c.query('DROP INDEX ic ON big');
    const run = errorOf(c.query('CREATE INDEX ic ON big (v, k)'));
    await untilRunning(watcher, 'CREATE INDEX ic ON big (v, k)');
    watcher.destroy();
    await sleep(ms / 4);
    const t0 = performance.now();
    await server.kill('SIGTERM');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect((await run).message).toMatch(/shutdown|closed|lost|interrupted/i);
    c.destroy();
    await server.restart();
    await expectWholeWithoutIndex();
  }, 120_000);
});

// A commit becomes visible only once its log records are durable (durability=sync): while it
// waits its rows are invisible and locked; when the log write fails it is rolled back, nothing
// of it is ever visible or on disk, and the client is told what it may assume (1021 for a full
// disk, 1180 "in doubt" after an I/O error, after which the leaf is read-only until restart).
// SIGTERM ends within seconds even when the disk stops answering. Faults come from the log's
// injection hooks (src/storage/durability/fault.ts), driven by flag files.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTo, killHard, logLines, startLogged, stopAll, tempDir, type LoggedProc } from '../harness/process.js';

afterEach(stopAll);

interface Outcome {
  ok: boolean;
  errno?: number;
  sqlState?: string;
  message?: string;
}

function outcome(p: Promise<unknown>): Promise<Outcome> {
  return p.then(
    () => ({ ok: true }),
    (e: { errno?: number; sqlState?: string; message?: string }) => ({ ok: false, errno: e.errno, sqlState: e.sqlState, message: e.message }),
  );
}

async function ids(c: mysql.Connection, table = 'c.t'): Promise<number[]> {
  const [r] = await c.query(`SELECT id FROM ${table} ORDER BY id`);
  return (r as { id: number }[]).map((x) => x.id);
}

/** Waits (bounded) until `n` statements are running that have waited at least 100 ms. */
async function waitRunning(c: mysql.Connection, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [r] = await c.query('SHOW PROCESSLIST');
    const busy = (r as { Command: string; Info: string | null }[]).filter((x) => x.Command === 'Query' && x.Info !== null && !/PROCESSLIST/i.test(x.Info));
    if (busy.length >= n) {
      await new Promise((res) => setTimeout(res, 100));
      return;
    }
    if (Date.now() > deadline) throw new Error(`only ${busy.length} of ${n} statements running`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

interface Faults {
  stall: string;
  enospc: string;
  eio: string;
  env: NodeJS.ProcessEnv;
}

function faults(dir: string): Faults {
  const f = { stall: path.join(dir, 'stall'), enospc: path.join(dir, 'enospc'), eio: path.join(dir, 'eio') };
  return { ...f, env: { TESSERA_FAULT_STALL: f.stall, TESSERA_FAULT_ENOSPC: f.enospc, TESSERA_FAULT_EIO: f.eio } };
}

async function setup(args: string[] = []): Promise<{ dir: string; dataDir: string; f: Faults; p: LoggedProc; admin: mysql.Connection }> {
  const dir = tempDir('tessera-commit-');
  const dataDir = path.join(dir, 'data');
  const f = faults(dir);
  const p = await startLogged(dataDir, ['--partitions', '2', '--snapshot-interval', '0', '--log-size-limit', '0', ...args], f.env);
  const admin = await connectTo(p);
  await admin.query('CREATE DATABASE c');
  await admin.query('CREATE TABLE c.t (id INT PRIMARY KEY, v VARCHAR(40))');
  await admin.query("INSERT INTO c.t VALUES (1, 'before')");
  return { dir, dataDir, f, p, admin };
}

/** Every partition log file's bytes, concatenated. */
function logBytes(dataDir: string): Buffer {
  const parts: Buffer[] = [];
  const db = path.join(dataDir, 'leaf-1', 'c');
  for (const p of readdirSync(db)) for (const f of readdirSync(path.join(db, p))) if (f.endsWith('.tlog')) parts.push(readFileSync(path.join(db, p, f)));
  return Buffer.concat(parts);
}

describe('commits and the transaction log', () => {
  it('keeps a commit invisible, and its rows locked, until its log write is durable', async () => {
    const { f, p, admin } = await setup();
    const a = await connectTo(p);
    const b = await connectTo(p);
    writeFileSync(f.stall, '');
    const pending = outcome(a.query("INSERT INTO c.t VALUES (2, 'pending')"));
    await waitRunning(admin, 1);
    // Not visible to anyone while the disk has not confirmed it …
    expect(await ids(b)).toEqual([1]);
    // … and its key is locked: another writer waits for it (and here times out) instead of seeing a duplicate.
    await b.query('SET innodb_lock_wait_timeout = 1');
    expect(await outcome(b.query("INSERT INTO c.t VALUES (2, 'other')"))).toMatchObject({ ok: false, errno: 1205 });
    rmSync(f.stall);
    expect(await pending).toEqual({ ok: true });
    expect(await ids(b)).toEqual([1, 2]);
    await killHard(p);
  }, 60_000);

  it('rolls back every commit of a round whose log write fails for a full disk; nothing of it is visible or on disk, later commits go on', async () => {
    const { dataDir, f, p, admin } = await setup();
    // Which partition holds which id: written once, found in the log files, deleted again.
    const home = new Map<number, string>();
    for (let id = 10; id < 40; id++) await admin.query('INSERT INTO c.t VALUES (?, ?)', [id, `probe-${id}`]);
    for (const part of ['p0', 'p1']) {
      const dir = path.join(dataDir, 'leaf-1', 'c', part);
      const bytes = Buffer.concat(readdirSync(dir).filter((n) => n.endsWith('.tlog')).map((n) => readFileSync(path.join(dir, n))));
      for (let id = 10; id < 40; id++) if (bytes.includes(`probe-${id}`)) home.set(id, part);
    }
    await admin.query('DELETE FROM c.t WHERE id >= 10');
    const p0 = [...home].filter(([, part]) => part === 'p0').map(([id]) => id);
    const p1 = [...home].filter(([, part]) => part === 'p1').map(([id]) => id);
    expect(p0.length).toBeGreaterThanOrEqual(7);
    expect(p1.length).toBeGreaterThanOrEqual(7);

    const conns = await Promise.all(Array.from({ length: 6 }, () => connectTo(p)));
    writeFileSync(f.stall, '');
    // Round 1: a transaction over both partitions; round 2, queued behind it: five autocommit inserts, each into both.
    const multi = conns[5]!;
    await multi.query('BEGIN');
    for (const id of [p0[0]!, p1[0]!, p0[1]!, p1[1]!]) await multi.query('INSERT INTO c.t VALUES (?, ?)', [id, `failed-${id}`]);
    const committed = outcome(multi.query('COMMIT'));
    await waitRunning(admin, 1);
    const singles = conns.slice(0, 5).map((c, i) => {
      const [x, y] = [p0[2 + i]!, p1[2 + i]!];
      return outcome(c.query('INSERT INTO c.t VALUES (?, ?), (?, ?)', [x, `failed-${x}`, y, `failed-${y}`]));
    });
    await waitRunning(admin, 6);
    // The disk fills up under partition p1's log only: p0's copy of each round is written, then taken back.
    writeFileSync(f.enospc, `${path.sep}c${path.sep}p1`);
    rmSync(f.stall);
    const results = [await committed, ...(await Promise.all(singles))];
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, errno: 1021, sqlState: 'HY000' });
      expect(r.message).toMatch(/^Disk full: .*The transaction was rolled back; nothing of it was written\. Free space/);
    }
    expect(await ids(admin)).toEqual([1]);
    expect(logBytes(dataDir).includes('failed-')).toBe(false);
    // Space is back: the next commits, in both partitions, go through.
    rmSync(f.enospc);
    const later = [p0[0]!, p1[0]!, p0[1]!, p1[1]!];
    for (const id of later) await admin.query('INSERT INTO c.t VALUES (?, ?)', [id, `after-${id}`]);
    const want = [1, ...later].sort((x, y) => x - y);
    expect(await ids(admin)).toEqual(want);
    await killHard(p);
    const q = await startLogged(dataDir, [], f.env);
    const c = await connectTo(q);
    // After a crash the disk holds exactly what was acknowledged (a half-kept round would have cut the later ones too).
    expect(await ids(c)).toEqual(want);
    expect(logLines(q.output()).filter((l) => /did not reach every partition log|torn or corrupt/.test(l.msg ?? ''))).toEqual([]);
    await killHard(q);
  }, 90_000);

  it('after an I/O error the commit is in doubt, the leaf refuses writes until restart, reads go on', async () => {
    const { dataDir, f, p, admin } = await setup();
    writeFileSync(f.eio, '');
    const r = await outcome(admin.query("INSERT INTO c.t VALUES (2, 'in-doubt')"));
    expect(r).toMatchObject({ ok: false, errno: 1180, sqlState: 'HY000' });
    expect(r.message).toMatch(/^Got error EIO during COMMIT: .*unknown: it is not visible now, and after a restart it is either there in full or not at all\. The server refuses writes until it is restarted/);
    rmSync(f.eio); // the disk answers again, but after a failed write nothing it says can be trusted
    for (const q of ["INSERT INTO c.t VALUES (3, 'x')", "UPDATE c.t SET v = 'y' WHERE id = 1", 'DELETE FROM c.t', 'CREATE TABLE c.u (id INT PRIMARY KEY)']) {
      expect(await outcome(admin.query(q)), q).toMatchObject({ ok: false, errno: 1290, message: expect.stringMatching(/read-only after a failed transaction log write \(EIO/) });
    }
    expect(await ids(admin)).toEqual([1]);
    expect(logLines(p.output()).some((l) => /what reached the disk is unknown/.test(l.msg ?? ''))).toBe(true);
    const stop = p.exited;
    p.child.kill('SIGTERM');
    expect(await stop).toBe(0);
    const q = await startLogged(dataDir, [], f.env);
    const c = await connectTo(q);
    await c.query("INSERT INTO c.t VALUES (4, 'after restart')");
    // The injected error struck before any byte was written: the commit in doubt is not there.
    expect(await ids(c)).toEqual([1, 4]);
    await killHard(q);
  }, 90_000);

  it('durability=async keeps acknowledged commits through a full disk: retried, writes refused meanwhile, all there after a crash', async () => {
    const { dataDir, f, p, admin } = await setup(['--durability', 'async', '--async-flush-ms', '20']);
    await new Promise((r) => setTimeout(r, 100)); // the setup rows reach the disk
    writeFileSync(f.enospc, '');
    // Acknowledged at once (async); the flusher then meets the full disk …
    await admin.query("INSERT INTO c.t VALUES (2, 'acked'), (3, 'acked')");
    const deadline = Date.now() + 10_000;
    let refused: Outcome = { ok: true };
    while (refused.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      refused = await outcome(admin.query("INSERT INTO c.t VALUES (4, 'refused')"));
    }
    // … and later writes are refused while it retries (the acknowledged ones stay in memory).
    expect(refused).toMatchObject({ ok: false, errno: 1021, message: expect.stringMatching(/^Disk full: .*kept in memory/) });
    expect(await ids(admin)).toEqual([1, 2, 3]);
    rmSync(f.enospc);
    const until = Date.now() + 10_000;
    while (Date.now() < until && !(await outcome(admin.query("INSERT INTO c.t VALUES (5, 'after')"))).ok) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 200)); // past the flush window
    await killHard(p);
    const q = await startLogged(dataDir, [], f.env);
    const c = await connectTo(q);
    expect(await ids(c)).toEqual([1, 2, 3, 5]);
    await killHard(q);
  }, 90_000);

  it('shuts down within seconds on SIGTERM when the disk stops answering', async () => {
    const { dataDir, f, p, admin } = await setup();
    writeFileSync(f.stall, '');
    const a = await connectTo(p);
    const pending = outcome(a.query("INSERT INTO c.t VALUES (2, 'stuck')"));
    await waitRunning(admin, 1);
    const started = Date.now();
    p.child.kill('SIGTERM');
    const code = await p.exited;
    const took = Date.now() - started;
    expect(took).toBeLessThan(12_000);
    expect(code).toBe(1); // not a clean stop: the log could not be flushed
    expect((await pending).ok).toBe(false);
    const lines = logLines(p.output());
    expect(lines.some((l) => /did not finish writing in time/.test(l.msg ?? ''))).toBe(true);
    rmSync(f.stall);
    expect(existsSync(f.stall)).toBe(false);
    const q = await startLogged(dataDir, [], f.env);
    const c = await connectTo(q);
    expect(await ids(c)).toEqual([1]);
    await killHard(q);
  }, 60_000);
});

// Recovery from damaged files: a corrupt record in a partition log is cut off with a warning (it
// and every later commit round go, everything before stays), and a corrupt snapshot makes
// recovery fall back to the snapshot before it plus the longer log, losing nothing.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { killHard as kill, logLines, startLogged as start, stopAll, tempDir, type LoggedProc as Proc } from '../harness/process.js';

const mounts: string[] = [];

afterEach(() => {
  // Detached first (lazily: a server may still hold files there), then its directory can go.
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
  stopAll();
});

async function sql<T = unknown>(p: Proc, q: string, params: unknown[] = []): Promise<T> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: p.port, user: 'root' });
  try {
    const [rows] = await c.query(q, params);
    return rows as T;
  } finally {
    await c.end();
  }
}

const tmp = (): string => tempDir('tessera-recovery-');

function partitionDirs(dataDir: string, db: string): string[] {
  const base = path.join(dataDir, 'leaf-1', db);
  return readdirSync(base).map((p) => path.join(base, p));
}

describe('recovery from damaged files, a full disk and shutdown', () => {
  it('cuts a corrupt log record off with a warning, keeps everything before it, half-applies nothing', async () => {
    const dir = tmp();
    const a = await start(dir, ['--snapshot-interval', '0', '--log-size-limit', '0']);
    await sql(a, 'CREATE DATABASE r');
    await sql(a, 'CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(20))');
    const name = (i: number): string => `row-${String(i).padStart(5, '0')}`;
    // One autocommit insert after another (each its own commit round), then one transaction
    // whose rows land in several partitions.
    const c = await mysql.createConnection({ host: '127.0.0.1', port: a.port, user: 'root' });
    for (let i = 1; i <= 60; i++) await c.query('INSERT INTO r.t VALUES (?, ?)', [i, name(i)]);
    await c.query('INSERT INTO r.t VALUES ' + Array.from({ length: 8 }, (_, k) => `(${61 + k}, '${name(61 + k)}')`).join(','));
    await c.end();
    await kill(a);

    // Which partition log holds which row, then flip one byte inside the record of row 40.
    const home = new Map<number, string>();
    for (const p of partitionDirs(dir, 'r')) {
      for (const f of readdirSync(p).filter((n) => n.endsWith('.tlog'))) {
        const data = readFileSync(path.join(p, f));
        for (let i = 1; i <= 68; i++) if (data.includes(Buffer.from(name(i)))) home.set(i, path.join(p, f));
      }
    }
    expect(home.size).toBe(68);
    const damaged = home.get(40)!;
    const data = readFileSync(damaged);
    const at = data.indexOf(Buffer.from(name(40)));
    data[at + 4] = data[at + 4]! ^ 0x20;
    writeFileSync(damaged, data);

    const b = await start(dir);
    const rows = await sql<{ id: number; v: string }[]>(b, 'SELECT id, v FROM r.t ORDER BY id');
    // That log is cut at the damaged record: its rows from 40 on are gone; every other log keeps
    // its rows; the multi-partition transaction is all there or, if it wrote to the cut log, all gone.
    const cut = (i: number): boolean => home.get(i) === damaged && i >= 40;
    const txnHitCut = [61, 62, 63, 64, 65, 66, 67, 68].some(cut);
    const want = Array.from({ length: 68 }, (_, i) => i + 1).filter((i) => !cut(i) && !(i > 60 && txnHitCut));
    expect(rows.map((r) => r.id)).toEqual(want);
    expect(rows.find((r) => r.id === 39)).toEqual({ id: 39, v: name(39) });
    const lines = logLines(b.output());
    const torn = lines.find((l) => l.msg === 'recovery: torn or corrupt log tail; cutting it off');
    expect(torn).toMatchObject({ file: damaged, reason: 'checksum mismatch', offset: expect.any(Number) });
    expect(torn!['offset']).toBeLessThanOrEqual(at);
    expect(lines.find((l) => l.msg === 'recovery finished')).toMatchObject({ ms: expect.any(Number) });
    // The cut is final: new writes go after it and survive the next restart, with no new warning.
    await sql(b, 'INSERT INTO r.t VALUES (100, ?)', ['after']);
    await kill(b);
    const c2 = await start(dir);
    const again = await sql<{ n: number }[]>(c2, 'SELECT COUNT(*) AS n FROM r.t');
    expect(Number(again[0]!.n)).toBe(want.length + 1);
    expect(logLines(c2.output()).filter((l) => /torn|cut/.test(l.msg ?? ''))).toEqual([]);
    await kill(c2);
  }, 90_000);

  it('falls back to the previous snapshot when the newest is corrupt', async () => {
    const dir = tmp();
    const a = await start(dir, ['--snapshot-interval', '0.3', '--log-size-limit', '0']);
    await sql(a, 'CREATE DATABASE s PARTITIONS 2');
    await sql(a, 'CREATE TABLE s.t (id INT PRIMARY KEY, v VARCHAR(20))');
    const snapsOf = (): string[][] => partitionDirs(dir, 's').map((p) => readdirSync(p).filter((f) => f.endsWith('.snap')).sort());
    const insertBatch = async (from: number): Promise<void> => {
      const values = Array.from({ length: 100 }, (_, i) => `(${from + i}, 'b${from + i}')`).join(',');
      await sql(a, `INSERT INTO s.t VALUES ${values}`);
    };
    const waitSnapshots = async (n: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!snapsOf().every((s) => s.length >= n)) {
        if (Date.now() > deadline) throw new Error(`no ${n} snapshots per partition: ${JSON.stringify(snapsOf())}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await insertBatch(1);
    await waitSnapshots(1);
    await insertBatch(101);
    const first = snapsOf();
    const deadline = Date.now() + 20_000;
    while (snapsOf().some((s, i) => s.at(-1) === first[i]!.at(-1))) {
      if (Date.now() > deadline) throw new Error('no second snapshot');
      await new Promise((r) => setTimeout(r, 100));
    }
    await insertBatch(201);
    await kill(a);

    // Damage the newest snapshot of every partition.
    const newest: string[] = [];
    for (const p of partitionDirs(dir, 's')) {
      const snaps = readdirSync(p).filter((f) => f.endsWith('.snap')).sort();
      expect(snaps.length).toBe(2);
      const file = path.join(p, snaps.at(-1)!);
      const data = readFileSync(file);
      data[Math.floor(data.length / 2)] = data[Math.floor(data.length / 2)]! ^ 0xff;
      writeFileSync(file, data);
      newest.push(file);
    }

    const b = await start(dir);
    const rows = await sql<{ id: number; v: string }[]>(b, 'SELECT id, v FROM s.t ORDER BY id');
    expect(rows).toHaveLength(300);
    expect(rows[150]).toEqual({ id: 151, v: 'b151' });
    const warned = logLines(b.output()).filter((l) => l.msg === 'recovery: snapshot is damaged; falling back to the one before it');
    expect(warned.map((l) => l['file']).sort()).toEqual(newest.sort());
    for (const f of newest) expect(existsSync(`${f}.corrupt`)).toBe(true);
    await kill(b);
  }, 90_000);

  it('fails the commit that meets a full disk with ER_DISK_FULL, rolled back and never visible, and resumes once space is back', async () => {
    const dir = tmp();
    // A real full disk: a small tmpfs (needs root); otherwise the log's fault hook makes every
    // log write fail with ENOSPC while a flag file exists.
    const mnt = path.join(dir, 'small');
    writeFileSync(path.join(dir, '.keep'), '');
    spawnSync('mkdir', ['-p', mnt]);
    const mounted = process.env.TESSERA_TEST_NO_MOUNT === undefined && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]).status === 0;
    if (mounted) mounts.push(mnt);
    const flag = path.join(dir, 'enospc');
    const dataDir = mounted ? path.join(mnt, 'data') : path.join(dir, 'data');
    const filler = path.join(mounted ? mnt : dir, 'filler');
    const fill = (): void => {
      if (!mounted) {
        writeFileSync(flag, '');
        return;
      }
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (let i = 0; i < 10_000; i++) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
      expect(statfsSync(mnt).bavail).toBe(0);
    };
    const free = (): void => rmSync(mounted ? filler : flag, { force: true });

    const a = await start(dataDir, ['--snapshot-interval', '0', '--log-size-limit', '0'], { TESSERA_FAULT_ENOSPC: flag });
    await sql(a, 'CREATE DATABASE f');
    await sql(a, 'CREATE TABLE f.t (id INT PRIMARY KEY, v VARCHAR(200))');
    for (let i = 1; i <= 20; i++) await sql(a, 'INSERT INTO f.t VALUES (?, ?)', [i, 'x'.repeat(150)]);

    fill();
    const c = await mysql.createConnection({ host: '127.0.0.1', port: a.port, user: 'root' });
    // The commit that meets the full disk (once the log's last page is used up) fails with 1021
    // and says what to do …
    let err: { errno?: number; message?: string } | null = null;
    let acked = 20;
    for (let i = 21; i <= 400 && err === null; i++) {
      err = await c.query('INSERT INTO f.t VALUES (?, ?)', [i, 'y'.repeat(150)]).then(
        () => null,
        (e: { errno?: number; message?: string }) => e,
      );
      if (err === null) acked = i;
    }
    expect(err?.errno).toBe(1021);
    expect(err?.message).toMatch(/Disk full.*The transaction was rolled back; nothing of it was written\. Free space/);
    // … and nothing of it is visible, to this session or another; reads go on.
    const failedId = acked + 1;
    const other = await mysql.createConnection({ host: '127.0.0.1', port: a.port, user: 'root' });
    const [seen] = await other.query('SELECT id FROM f.t WHERE id = ?', [failedId]);
    expect(seen).toEqual([]);
    await other.end();
    // A commit of the same size meets the same full disk.
    await expect(c.query('INSERT INTO f.t VALUES (?, ?)', [failedId, 'y'.repeat(150)])).rejects.toMatchObject({ errno: 1021 });
    const [cnt] = await c.query('SELECT COUNT(*) AS n FROM f.t');
    expect(Number((cnt as { n: number }[])[0]!.n)).toBe(acked);

    // Space comes back: writes resume on their own.
    free();
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await c.query('INSERT INTO f.t VALUES (1000, ?)', ['w']);
        break;
      } catch (e) {
        if ((e as { errno?: number }).errno !== 1021 || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const [mem] = await c.query('SELECT id FROM f.t ORDER BY id');
    await c.end();
    const inMemory = (mem as { id: number }[]).map((r) => r.id);
    expect(inMemory).toEqual([...Array.from({ length: acked }, (_, i) => i + 1), 1000]);
    // What memory showed is what the disk holds: a crash now loses nothing of it.
    await kill(a);
    const b = await start(dataDir, [], { TESSERA_FAULT_ENOSPC: flag });
    const after = await sql<{ id: number }[]>(b, 'SELECT id FROM f.t ORDER BY id');
    expect(after.map((r) => r.id)).toEqual(inMemory);
    expect(logLines(a.output()).some((l) => /^transaction log write failed: disk full; the round's commits are rolled back/.test(l.msg ?? ''))).toBe(true);
    expect(logLines(a.output()).some((l) => l.msg === 'transaction log writes succeed again')).toBe(true);
    await kill(b);
  }, 90_000);

  it('shuts down on SIGTERM with exit 0: open transactions aborted, the log flushed', async () => {
    const dir = tmp();
    // async with a long window: only the shutdown flush can have written these commits.
    const a = await start(dir, ['--durability', 'async', '--async-flush-ms', '10000']);
    await sql(a, 'CREATE DATABASE g');
    await sql(a, 'CREATE TABLE g.t (id INT PRIMARY KEY)');
    const c = await mysql.createConnection({ host: '127.0.0.1', port: a.port, user: 'root' });
    for (let i = 1; i <= 50; i++) await c.query('INSERT INTO g.t VALUES (?)', [i]);
    const open = await mysql.createConnection({ host: '127.0.0.1', port: a.port, user: 'root' });
    open.on('error', () => {});
    await open.query('BEGIN');
    await open.query('INSERT INTO g.t VALUES (999)');
    const exit = new Promise<number | null>((r) => a.child.once('exit', (code) => r(code)));
    a.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    c.destroy();
    open.destroy();
    expect(logLines(a.output()).some((l) => l.msg === 'stopped')).toBe(true);
    const b = await start(dir);
    const rows = await sql<{ id: number }[]>(b, 'SELECT id FROM g.t ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await kill(b);
  }, 60_000);
});

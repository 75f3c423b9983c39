// Recovery from damaged files: a corrupt record in a partition log is cut off with a warning (it
// and every later commit round go, everything before stays), and a corrupt snapshot makes
// recovery fall back to the snapshot before it plus the longer log, losing nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, freePort, waitForMysql } from '../harness/server.js';

interface Proc {
  child: ChildProcess;
  port: number;
  /** pino lines (stdout) and stderr, as they came. */
  output: () => string;
}

const procs: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of procs.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string, args: string[] = []): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath(), 'start', '--port', String(port), '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exited: string | undefined;
  child.once('exit', (code, sig) => (exited = `exited with ${code ?? sig}`));
  await waitForMysql('127.0.0.1', port, 30_000, () => (exited === undefined ? undefined : `tessera ${exited}: ${out}`));
  return { child, port, output: () => out };
}

async function kill(p: Proc): Promise<void> {
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGKILL');
  await gone;
}

async function sql<T = unknown>(p: Proc, q: string, params: unknown[] = []): Promise<T> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: p.port, user: 'root' });
  try {
    const [rows] = await c.query(q, params);
    return rows as T;
  } finally {
    await c.end();
  }
}

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tessera-recovery-'));
  dirs.push(d);
  return d;
}

function partitionDirs(dataDir: string, db: string): string[] {
  const base = path.join(dataDir, 'leaf-1', db);
  return readdirSync(base).map((p) => path.join(base, p));
}

function logLines(out: string): { msg?: string; [k: string]: unknown }[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string });
}

describe('recovery from damaged files', () => {
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
});

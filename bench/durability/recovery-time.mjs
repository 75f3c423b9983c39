#!/usr/bin/env node
// Recovery time of one partition with N rows of log (default 1,000,000): loads the rows into a
// database with a single partition (snapshots off, so everything stays in the log), kills the
// server with SIGKILL, restarts it and reports the time until it accepts connections and the
// recovery time it logs itself. Speaks to Tessera only over the MySQL protocol.
//
// Usage: node bench/durability/recovery-time.mjs [rows]   (needs npm run build first)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const LOADERS = 4;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'tessera.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitReady(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tessera exited with ${child.exitCode}`);
    try {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      await c.end();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('tessera did not become ready');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function start(dataDir, port) {
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port), '--data-dir', dataDir, '--snapshot-interval', '0', '--log-size-limit', '0', '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  return { child, output: () => out };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-recovery-bench-'));
const port = await freePort();
let proc;
try {
  proc = start(dir, port);
  await waitReady(port, proc.child, 30_000);
  const admin = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  await admin.query('CREATE DATABASE rb PARTITIONS 1');
  // sysbench's sbtest table shape
  await admin.query("CREATE TABLE rb.sbtest1 (id INT NOT NULL, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_1 (k))");
  await admin.end();
  const t0 = performance.now();
  let next = 0;
  const loader = async () => {
    const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
    for (;;) {
      const from = next;
      if (from >= ROWS) break;
      next += BATCH;
      const n = Math.min(BATCH, ROWS - from);
      const values = [];
      for (let i = 0; i < n; i++) {
        const id = from + i + 1;
        values.push(`(${id},${(id * 7919) % ROWS},'${String(id).padStart(11, '0')}-${'x'.repeat(100)}','${'p'.repeat(59)}')`);
      }
      await c.query(`INSERT INTO rb.sbtest1 VALUES ${values.join(',')}`);
    }
    await c.end();
  };
  await Promise.all(Array.from({ length: LOADERS }, loader));
  const loadMs = performance.now() - t0;
  const pdir = path.join(dir, 'leaf-1', 'rb', 'p0');
  const logBytes = readdirSync(pdir)
    .filter((f) => f.endsWith('.tlog'))
    .reduce((n, f) => n + statSync(path.join(pdir, f)).size, 0);
  proc.child.kill('SIGKILL');
  await new Promise((r) => proc.child.once('exit', r));

  const t1 = performance.now();
  proc = start(dir, port);
  await waitReady(port, proc.child, 600_000);
  const readyMs = performance.now() - t1;
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  const [rows] = await c.query('SELECT COUNT(*) AS n FROM rb.sbtest1');
  await c.end();
  const finished = proc
    .output()
    .split('\n')
    .filter((l) => l.includes('"recovery finished"'))
    .map((l) => JSON.parse(l))[0];
  const result = {
    rows: ROWS,
    rowsAfterRecovery: Number(rows[0].n),
    logMiB: +(logBytes / 2 ** 20).toFixed(1),
    loadSeconds: +(loadMs / 1000).toFixed(1),
    recoveryMs: finished?.ms,
    restartToReadyMs: Math.round(readyMs),
    recordsReplayed: finished?.records,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  if (result.rowsAfterRecovery !== ROWS) process.exitCode = 1;
} finally {
  if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

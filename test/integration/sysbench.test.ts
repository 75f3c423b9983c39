// Runs the real sysbench binary (unmodified OLTP scripts) against one server: prepare, run
// with 16 threads for a few seconds, cleanup; with server-side prepared statements and without.
import { spawn, spawnSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const WORKLOADS = ['oltp_read_write', 'oltp_point_select', 'oltp_insert', 'oltp_update_index', 'oltp_delete'] as const;
const PS_MODES = ['auto', 'disable'] as const;
const RUN_SECONDS = 3;
const STEP_TIMEOUT_MS = 60_000;

function sysbenchAvailable(): boolean {
  const r = spawnSync('sysbench', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

const available = sysbenchAvailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!available && !inCi) {
  process.stderr.write('sysbench.test.ts: SKIPPED: the sysbench binary is not installed (apt-get install sysbench)\n');
}

interface SysbenchResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSysbench(args: string[]): Promise<SysbenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sysbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** "transactions: 1234 (411.2 per sec.)" and "ignored errors: 5 (1.6 per sec.)". */
export function parseSysbench(out: string): { transactions: number; ignoredErrors: number } {
  const tx = /transactions:\s+(\d+)/.exec(out);
  const ign = /ignored errors:\s+(\d+)/.exec(out);
  return { transactions: tx ? Number(tx[1]) : NaN, ignoredErrors: ign ? Number(ign[1]) : NaN };
}

function describeRun(step: string, r: SysbenchResult): string {
  return `sysbench ${step} exited ${r.code}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

describe.skipIf(!available && !inCi)('sysbench OLTP workloads', () => {
  let server: TesseraServer | undefined;
  let target: TargetAddress;

  beforeAll(async () => {
    expect(available, 'sysbench binary missing (required in CI)').toBe(true);
    server = await startTargetOrTessera();
    target = parseTarget(server.url);
    const admin = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
    try {
      await admin.query('DROP DATABASE IF EXISTS sbtest');
      await admin.query('CREATE DATABASE sbtest');
      // sysbench logs in as sbtest: an account of its own, with every right on its database only.
      for (const host of ['localhost', '127.0.0.1', '%']) {
        await admin.query(`CREATE USER IF NOT EXISTS 'sbtest'@'${host}' IDENTIFIED BY ''`);
        await admin.query(`GRANT ALL ON sbtest.* TO 'sbtest'@'${host}'`);
      }
    } finally {
      await admin.end();
    }
  });

  afterAll(async () => {
    try {
      const admin = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
      await admin.query('DROP DATABASE IF EXISTS sbtest');
      for (const host of ['localhost', '127.0.0.1', '%']) await admin.query(`DROP USER IF EXISTS 'sbtest'@'${host}'`);
      await admin.end();
    } catch {
      // server gone
    }
    await server?.stop();
  });

  for (const ps of PS_MODES) {
    for (const workload of WORKLOADS) {
      it(`${workload} --db-ps-mode=${ps}`, async () => {
        const common = [
          workload,
          '--db-driver=mysql',
          `--mysql-host=${target.host}`,
          `--mysql-port=${target.port}`,
          '--mysql-user=sbtest',
          '--mysql-password=',
          '--mysql-db=sbtest',
          '--tables=2',
          // sysbench's own default size: with 16 threads on 2 x 10,000 rows, lock conflicts
          // stay rare as they do in production-sized tables (MariaDB: 0 deadlocks here).
          '--table-size=10000',
          `--db-ps-mode=${ps}`,
        ];
        const prepare = await runSysbench([...common, '--threads=2', 'prepare']);
        expect(prepare.code, describeRun('prepare', prepare)).toBe(0);
        expect(prepare.stdout + prepare.stderr).not.toContain('FATAL');
        try {
          const run = await runSysbench([...common, '--threads=16', `--time=${RUN_SECONDS}`, '--report-interval=0', 'run']);
          const all = run.stdout + run.stderr;
          expect(run.code, describeRun('run', run)).toBe(0);
          expect(all, describeRun('run', run)).not.toContain('FATAL');
          const { transactions, ignoredErrors } = parseSysbench(run.stdout);
          expect(transactions, describeRun('run', run)).toBeGreaterThan(0);
          // Retried deadlocks and lock waits (1213/1205, sysbench's "ignored errors") stay under 1%.
          expect(ignoredErrors, describeRun('run', run)).toBeLessThan(Math.max(1, transactions * 0.01));
        } finally {
          const cleanup = await runSysbench([...common, 'cleanup']);
          expect(cleanup.code, describeRun('cleanup', cleanup)).toBe(0);
          expect(cleanup.stdout + cleanup.stderr).not.toContain('FATAL');
        }
      }, 90_000);
    }
  }
});

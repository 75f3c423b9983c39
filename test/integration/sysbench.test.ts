// Runs the real sysbench binary (unmodified OLTP scripts) against one server: prepare, run
// with 16 threads for a few seconds, cleanup; with server-side prepared statements and without.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun, installed } from '../harness/installed.js';
import { describeRun, runTool, type ToolRun } from '../harness/run-tool.js';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const WORKLOADS = ['oltp_read_write', 'oltp_point_select', 'oltp_insert', 'oltp_update_index', 'oltp_delete'] as const;
const PS_MODES = ['auto', 'disable'] as const;
const RUN_SECONDS = 3;
const STEP_TIMEOUT_MS = 60_000;

const available = canRun(import.meta.url, 'every case', 'sysbench');

function runSysbench(args: string[]): Promise<ToolRun> {
  return runTool('sysbench', args, { timeoutMs: STEP_TIMEOUT_MS });
}

/** "transactions: 1234 (411.2 per sec.)" and "ignored errors: 5 (1.6 per sec.)". */
export function parseSysbench(out: string): { transactions: number; ignoredErrors: number } {
  const tx = /transactions:\s+(\d+)/.exec(out);
  const ign = /ignored errors:\s+(\d+)/.exec(out);
  return { transactions: tx ? Number(tx[1]) : NaN, ignoredErrors: ign ? Number(ign[1]) : NaN };
}

describe.skipIf(!available)('sysbench OLTP workloads', () => {
  let server: TesseraServer | undefined;
  let target: TargetAddress;

  beforeAll(async () => {
    expect(installed('sysbench'), 'sysbench binary missing (required in CI)').toBe(true);
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
        expect(prepare.code, describeRun('sysbench prepare', prepare)).toBe(0);
        expect(prepare.stdout + prepare.stderr).not.toContain('FATAL');
        try {
          const run = await runSysbench([...common, '--threads=16', `--time=${RUN_SECONDS}`, '--report-interval=0', 'run']);
          const all = run.stdout + run.stderr;
          expect(run.code, describeRun('sysbench run', run)).toBe(0);
          expect(all, describeRun('sysbench run', run)).not.toContain('FATAL');
          const { transactions, ignoredErrors } = parseSysbench(run.stdout);
          expect(transactions, describeRun('sysbench run', run)).toBeGreaterThan(0);
          // Retried deadlocks and lock waits (1213/1205, sysbench's "ignored errors") stay under 1%.
          expect(ignoredErrors, describeRun('sysbench run', run)).toBeLessThan(Math.max(1, transactions * 0.01));
        } finally {
          const cleanup = await runSysbench([...common, 'cleanup']);
          expect(cleanup.code, describeRun('sysbench cleanup', cleanup)).toBe(0);
          expect(cleanup.stdout + cleanup.stderr).not.toContain('FATAL');
        }
      }, 90_000);
    }
  }
});

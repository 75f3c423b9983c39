// Keeps every workload from rotting: each runs for about a second against --target tessera
// (a real server started by the harness) and must produce figures without errors; with
// MariaDB installed, analytics also runs against --peer mariadb and every answer must agree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAILOVER_MESSAGE, runBench, type BenchReport } from '../../bench/cli.js';
import { MARIADBD, repoRoot } from '../../bench/lib/targets.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bench(args: string[]): Promise<{ code: number; out: string; err: string; report: BenchReport | undefined; svg: string }> {
  const json = path.join(dir, `${args[0]}-${Math.random().toString(36).slice(2)}.json`);
  const plot = json.replace(/\.json$/, '.svg');
  let out = '';
  let err = '';
  const code = await runBench([...args, '--quiet', '--json', json, '--plot', plot], (s) => (out += s), (s) => (err += s));
  const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as BenchReport) : undefined;
  return { code, out, err, report, svg: existsSync(plot) ? readFileSync(plot, 'utf8') : '' };
}

function figure(r: BenchReport, target: number, name: string): number | null {
  const f = r.targets[target]!.figures.find((x) => x.name === name) ?? r.targets[target]!.prepare.find((x) => x.name === name);
  expect(f, `figure '${name}' in ${r.targets[target]!.figures.map((x) => x.name).join(', ')}`).toBeDefined();
  return f!.value;
}

const SHORT = ['--duration', '1', '--warmup', '0.2', '--threads', '2'];

describe('every workload against --target tessera', () => {
  for (const w of ['oltp_point_select', 'oltp_read_only', 'oltp_read_write', 'oltp_insert', 'oltp_update_index', 'oltp_write_only']) {
    it(w, async () => {
      const r = await bench([w, '--target', 'tessera', '--scale', '0.1', ...SHORT]);
      expect(r.code, r.err).toBe(0);
      const rep = r.report!;
      expect(rep.targets).toHaveLength(1);
      expect(rep.targets[0]!.version).toMatch(/tessera/i);
      const tps = figure(rep, 0, 'TPS')!;
      expect(tps).toBeGreaterThan(0);
      expect(figure(rep, 0, 'QPS')!).toBeGreaterThanOrEqual(tps);
      expect(figure(rep, 0, 'latency p99')!).toBeGreaterThanOrEqual(figure(rep, 0, 'latency p50')!);
      // Lock conflicts between two writers are possible in a transaction of several writes; the
      // rest must run clean.
      const errors = figure(rep, 0, 'errors')!;
      if (w === 'oltp_read_write' || w === 'oltp_write_only') expect(errors).toBeLessThan(Math.max(2, tps * 0.05));
      else expect(errors, JSON.stringify(rep.targets[0]!.errors)).toBe(0);
      expect(rep.machine.cores).toBeGreaterThan(0);
      expect(r.out).toContain('latency p99.9');
      expect(r.svg).toContain('<svg');
      expect(rep.targets[0]!.series.length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('ingest', async () => {
    const r = await bench(['ingest', '--target', 'tessera', '--ops', '6000', '--threads', '2']);
    expect(r.code, r.err).toBe(0);
    expect(figure(r.report!, 0, 'multi-row INSERT')!).toBeGreaterThan(0);
    // LOAD DATA is not in Tessera yet: the figure is absent and the output says so.
    expect(figure(r.report!, 0, 'LOAD DATA LOCAL INFILE')).toBeNull();
    expect(r.out).toMatch(/LOAD DATA is not available on tessera/);
    expect(r.report!.targets[0]!.notes.join('\n')).not.toMatch(/expected \d+ rows/);
  }, 60_000);

  it('analytics', async () => {
    const r = await bench(['analytics', '--target', 'tessera', '--scale', '0.001']);
    expect(r.code, r.err).toBe(0);
    for (const q of ['Q1 COUNT(*)', 'Q3 per-status aggregates', 'Q5 join top 100, 30 days', 'Q6 distinct buyers/country', 'Q8 lookup by order_id p99']) {
      expect(figure(r.report!, 0, q)).toBeGreaterThan(0);
    }
    expect(figure(r.report!, 0, 'load orders')).toBeGreaterThan(0);
    expect(r.report!.answerCheck.status).toBe('unchecked');
    expect(r.out).toContain('not checked against a peer');
  }, 90_000);

  it('htap', async () => {
    const r = await bench(['htap', '--target', 'tessera', '--scale', '0.001', ...SHORT]);
    expect(r.code, r.err).toBe(0);
    expect(figure(r.report!, 0, 'OLTP alone')!).toBeGreaterThan(0);
    expect(figure(r.report!, 0, 'OLTP beside Q4')!).toBeGreaterThan(0);
    expect(figure(r.report!, 0, 'Q4 runs beside OLTP')!).toBeGreaterThan(0);
    expect(figure(r.report!, 0, 'throughput kept beside Q4')!).toBeGreaterThan(0);
  }, 60_000);

  it('--json into a directory that does not exist yet makes it (bench/results/ is not in git)', async () => {
    const file = path.join(dir, 'not', 'yet', 'failover.json');
    const code = await runBench(['failover', '--target', 'tessera', '--quiet', '--json', file], () => {}, () => {});
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ workload: 'failover' });
  });

  it('failover says plainly that it needs replication, and exits 0', async () => {
    const r = await bench(['failover', '--target', 'tessera']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(FAILOVER_MESSAGE + '\n');
    expect(r.out).toMatch(/needs replication/);
  });

  it('tessera bench runs the same entry point', () => {
    const cli = path.join(repoRoot(), 'dist', 'src', 'cli', 'tessera.js');
    const r = spawnSync(process.execPath, [cli, 'bench', 'failover'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('needs replication');
    const bad = spawnSync(process.execPath, [cli, 'bench', 'no_such_workload'], { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown workload 'no_such_workload'");
  });
});

describe('bench/ speaks only the wire protocol', () => {
  it('imports nothing from src/', () => {
    const root = path.join(repoRoot(), 'bench');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/from\s+['"](\.\.\/)+src\//);
      expect(text, f).not.toMatch(/import\(\s*['"](\.\.\/)+src\//);
    }
  });
});

const haveMariadb = existsSync(MARIADBD);
if (!haveMariadb) process.stderr.write(`workloads.test.ts: MariaDB comparison SKIPPED: ${MARIADBD} is not installed (apt-get install mariadb-server)\n`);

describe.skipIf(!haveMariadb)('against --peer mariadb', () => {
  it('analytics answers agree between Tessera and MariaDB, A B A B', async () => {
    const r = await bench(['analytics', '--target', 'tessera', '--peer', 'mariadb', '--scale', '0.002']);
    expect(r.code, r.out + r.err).toBe(0);
    const rep = r.report!;
    expect(rep.targets.map((t) => t.label)).toEqual(['tessera', 'mariadb']);
    expect(rep.targets[1]!.version).toMatch(/mariadb/i);
    expect(rep.targets[0]!.rounds).toHaveLength(2);
    expect(rep.answerCheck.status).toBe('agree');
    expect(r.out).toContain('tessera/mariadb');
    expect(r.out).toMatch(/answers\s+every query/);
    expect(rep.targets[1]!.settings.command).toContain('--innodb-buffer-pool-size');
  }, 180_000);
});

// `npm run bench -- <workload> [options]` and `tessera bench …`: runs one workload against one or
// two MySQL-protocol targets (A B A B with two), prints a progress line every second and a table
// at the end, and optionally writes --json and --plot. Speaks only the wire protocol.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compareAnswers, type Answer } from './lib/answers.js';
import { machineFacts } from './lib/machine.js';
import { renderSvg } from './lib/plot.js';
import { combineRounds, formatTable, joinSeries, mergeErrors, type RoundResult, type TargetResult } from './lib/result.js';
import { mariadbMissingMessage, mariadbTarget, MARIADBD, tesseraTarget, urlTarget, type PsMode, type Target } from './lib/targets.js';
import { analyticsWorkload } from './workloads/analytics.js';
import { htapWorkload } from './workloads/htap.js';
import { ingestWorkload } from './workloads/ingest.js';
import { SYSBENCH_WORKLOADS, sysbenchWorkload } from './workloads/sysbench.js';
import type { BenchOptions, Workload } from './workloads/workload.js';
import { existsSync } from 'node:fs';

export const WORKLOADS: Record<string, () => Workload> = {
  ...Object.fromEntries(SYSBENCH_WORKLOADS.map((k) => [k, () => sysbenchWorkload(k)])),
  ingest: () => ingestWorkload,
  analytics: () => analyticsWorkload,
  htap: () => htapWorkload,
};

export const FAILOVER_MESSAGE =
  'failover: not measurable yet. This workload runs a write load and kills a leaf mid-run to report the error window and the ' +
  'throughput dip while a replica is promoted; that needs replication (a hot replica of every partition on another leaf), ' +
  'which Tessera does not have yet: today one process holds the aggregator and its only leaf, so killing it is an outage ' +
  '(until a restart replays its log), not a failover. Nothing was run.';

export const USAGE = `Usage: npm run bench -- <workload> [options]     (or: tessera bench <workload> [options])

Workloads:
  oltp_point_select, oltp_read_only, oltp_read_write, oltp_insert, oltp_update_index, oltp_write_only
                     sysbench semantics; tables of 10,000 × scale rows (--tables N, default 1)
  ingest             bulk-load rows/s: multi-row INSERT and LOAD DATA LOCAL INFILE (200,000 × scale rows, or --ops)
  analytics          users 200,000 × scale, orders 5,000,000 × scale; Q1–Q8, answers checked across targets
  htap               PK point selects + updates, alone and beside a Q4 loop
  failover           needs replication (not in Tessera yet): says so and exits 0

Targets (give one or two; with two they run in turn A B A B and the table shows A/B):
  --target tessera             start a local Tessera (temporary data dir) and stop it afterwards
  --target mysql://u:p@h:port/db   any MySQL-protocol server already running
  --peer mariadb               start Debian's mariadbd on a loopback port (temporary data dir)

Options:
  --threads N        client connections (default 8)
  --duration S       measured seconds per round (default 10)
  --ops N            measured operations per round instead of a duration
  --warmup S         seconds of warm-up before each measured round (default 2)
  --scale X          data size factor (default 1)
  --seed N           seed of every generator and key stream (default 1)
  --ps-mode M        auto (server-side prepared statements) or disable (text protocol); default auto
  --rounds N         rounds per target (default 1 with one target, 2 with two: A B A B)
  --tables N         sysbench tables (default 1)
  --json FILE        write every figure, the settings and the machine facts
  --plot FILE        write an SVG of throughput and p99 over time, one line per target
  --quiet            no per-second progress lines
  -h, --help         this text
`;

export interface ParsedArgs {
  workload: string;
  targets: string[];
  opts: Omit<BenchOptions, 'progress' | 'log'>;
  rounds: number | undefined;
  json: string | undefined;
  plot: string | undefined;
  quiet: boolean;
}

function num(name: string, v: string | undefined, dflt: number | undefined, min: number): number | undefined {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, not '${v}'`);
  return n;
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: string[]): ParsedArgs | 'help' {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      target: { type: 'string', multiple: true },
      peer: { type: 'string', multiple: true },
      threads: { type: 'string' },
      duration: { type: 'string' },
      ops: { type: 'string' },
      warmup: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      'ps-mode': { type: 'string' },
      rounds: { type: 'string' },
      tables: { type: 'string' },
      json: { type: 'string' },
      plot: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a workload' : `one workload at a time, got ${positionals.join(' ')}`);
  const workload = positionals[0]!;
  if (workload !== 'failover' && WORKLOADS[workload] === undefined) throw new UsageError(`unknown workload '${workload}'`);
  // Targets in the order given on the command line (--target and --peer interleaved).
  const targets: string[] = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (t.name === 'target') targets.push(t.value);
    if (t.name === 'peer') {
      if (t.value !== 'mariadb') throw new UsageError(`--peer supports 'mariadb' only, not '${t.value}'`);
      targets.push('peer:mariadb');
    }
  }
  if (targets.length === 0) targets.push('tessera');
  if (targets.length > 2) throw new UsageError('give at most two targets');
  const psMode = (values['ps-mode'] ?? 'auto') as PsMode;
  if (psMode !== 'auto' && psMode !== 'disable') throw new UsageError(`--ps-mode must be auto or disable, not '${psMode}'`);
  if (values.duration !== undefined && values.ops !== undefined) throw new UsageError('give --duration or --ops, not both');
  const ops = num('ops', values.ops, undefined, 1);
  return {
    workload,
    targets,
    opts: {
      threads: num('threads', values.threads, 8, 1)!,
      durationS: ops !== undefined ? undefined : num('duration', values.duration, 10, 0.1)!,
      ops: ops === undefined ? undefined : Math.round(ops),
      warmupS: num('warmup', values.warmup, 2, 0)!,
      scale: num('scale', values.scale, 1, 0.00001)!,
      seed: Math.round(num('seed', values.seed, 1, 0)!),
      psMode,
      tables: Math.round(num('tables', values.tables, 1, 1)!),
    },
    rounds: num('rounds', values.rounds, undefined, 1),
    json: values.json,
    plot: values.plot,
    quiet: values.quiet ?? false,
  };
}

function makeTarget(spec: string): Target {
  if (spec === 'tessera') return tesseraTarget();
  if (spec === 'peer:mariadb') return mariadbTarget();
  return urlTarget(spec);
}

export interface BenchReport {
  workload: string;
  summary: string;
  command: string;
  options: ParsedArgs['opts'] & { rounds: number };
  machine: ReturnType<typeof machineFacts>;
  targets: TargetResult[];
  answerCheck: { status: 'agree' | 'MISMATCH' | 'unchecked'; mismatches: { query: string; detail: string }[] };
  notes: string[];
}

/** Runs the command line; returns the process exit code (0 ok, 2 usage, 1 failure, 3 answer mismatch). */
export async function runBench(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let args: ParsedArgs | 'help';
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    err(`bench: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  const a = args;
  const log = (line: string): void => err(line + '\n');
  const o: BenchOptions = { ...a.opts, progress: a.quiet ? () => undefined : log, log };
  const command = `npm run bench -- ${argv.join(' ')}`;

  if (a.workload === 'failover') {
    out(FAILOVER_MESSAGE + '\n');
    if (a.json !== undefined) {
      writeOutput(a.json, JSON.stringify({ workload: 'failover', command, status: 'needs replication', message: FAILOVER_MESSAGE, machine: machineFacts() }, null, 2) + '\n');
    }
    return 0;
  }
  if (a.targets.includes('peer:mariadb') && !existsSync(MARIADBD)) {
    err(`bench: ${mariadbMissingMessage()}\n`);
    return 1;
  }

  const workload = WORKLOADS[a.workload]!();
  const rounds = Math.round(a.rounds ?? (a.targets.length === 2 ? 2 : 1));
  const targets = a.targets.map(makeTarget);
  const started: Target[] = [];
  const perTarget = new Map<Target, { prepare: TargetResult['prepare']; rounds: RoundResult[] }>();
  const notes: string[] = [];
  log(`bench: ${workload.name}: ${workload.summary}`);
  try {
    for (const t of targets) {
      await t.start(log);
      started.push(t);
      const prep = await workload.prepare(t, o);
      const rss = t.rssMiB();
      if (rss !== null && prep.length > 0) prep.push({ name: 'server RSS after load', value: rss, unit: 'MiB', better: 'lower' });
      perTarget.set(t, { prepare: prep, rounds: [] });
    }
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        log(`bench: round ${r + 1}/${rounds} on ${t.label}`);
        perTarget.get(t)!.rounds.push(await workload.run(t, o, r));
      }
    }
    for (const t of targets) await workload.cleanup(t, o).catch((e: unknown) => log(`bench: cleanup on ${t.label} failed: ${(e as Error).message}`));
  } catch (e) {
    err(`bench: ${(e as Error).message}\n`);
    for (const t of started.reverse()) await t.stop().catch(() => undefined);
    return 1;
  }
  for (const t of [...started].reverse()) await t.stop().catch((e: unknown) => log(`bench: stopping ${t.label}: ${(e as Error).message}`));

  const results: TargetResult[] = targets.map((t) => {
    const p = perTarget.get(t)!;
    return {
      label: t.label,
      version: t.version,
      settings: t.settings,
      prepare: p.prepare,
      rounds: p.rounds,
      figures: combineRounds(p.rounds),
      errors: mergeErrors(p.rounds),
      series: joinSeries(p.rounds),
      notes: [...new Set(p.rounds.flatMap((r) => r.notes ?? []))],
    };
  });

  const withAnswers = results.filter((r) => r.rounds.some((x) => x.answers !== undefined));
  const mismatches = compareAnswers(withAnswers.map((r) => ({ label: r.label, answers: r.rounds.map((x) => x.answers ?? ({} as Record<string, Answer>)) })));
  const checked = withAnswers.length >= 2 || (withAnswers.length === 1 && rounds > 1);
  const answerCheck: BenchReport['answerCheck'] = {
    status: mismatches.length > 0 ? 'MISMATCH' : checked ? 'agree' : 'unchecked',
    mismatches,
  };
  if (withAnswers.length === 1 && targets.length === 1) notes.push('answers were not checked against a peer (run with two targets to check them)');

  // The report.
  const lines: string[] = [];
  lines.push('');
  lines.push(`workload  ${workload.name} — ${workload.summary}`);
  lines.push(
    `options   threads ${o.threads}, ${o.durationS !== undefined ? `duration ${o.durationS}s` : `ops ${o.ops}`}, warmup ${o.warmupS}s, scale ${o.scale}, seed ${o.seed}, ps-mode ${o.psMode}, rounds ${rounds}${targets.length === 2 ? ' (A B A B)' : ''}`,
  );
  for (const r of results) {
    lines.push(`target    ${r.label}: ${r.version}`);
    for (const [k, v] of Object.entries(r.settings)) lines.push(`          ${k}: ${v}`);
  }
  lines.push('');
  lines.push(formatTable(results));
  for (const r of results) for (const n of r.notes) lines.push(`note (${r.label}): ${n}`);
  for (const n of notes) lines.push(`note: ${n}`);
  if (withAnswers.length > 0) {
    if (mismatches.length > 0) {
      lines.push('');
      lines.push('!!!!!!!! ANSWER MISMATCH: the targets disagree on these queries !!!!!!!!');
      for (const m of mismatches) lines.push(`!!  ${m.query}: ${m.detail}`);
    } else if (checked) {
      lines.push(`answers   every query's row count and checksum agree across ${results.map((r) => r.label).join(' and ')}`);
    }
  }
  out(lines.join('\n') + '\n');

  const report: BenchReport = {
    workload: workload.name,
    summary: workload.summary,
    command,
    options: { ...a.opts, rounds },
    machine: machineFacts(),
    targets: results,
    answerCheck,
    notes,
  };
  if (a.json !== undefined) {
    writeOutput(a.json, JSON.stringify(report, null, 2) + '\n');
    log(`bench: wrote ${a.json}`);
  }
  if (a.plot !== undefined) {
    writeOutput(a.plot, renderSvg(`${workload.name} (threads ${o.threads}, scale ${o.scale})`, results));
    log(`bench: wrote ${a.plot}`);
  }
  return mismatches.length > 0 ? 3 : 0;
}

/** Writes a --json or --plot file, making its directory first (bench/results/ is not in git). */
function writeOutput(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

// The shape every workload has: prepare (schema and data, with load figures), one measured round,
// and cleanup. The driver (bench/cli.ts) runs rounds A B A B across targets.
import type { Figure, RoundResult } from '../lib/result.js';
import { subSeed } from '../lib/rng.js';
import type { LoopOptions, LoopResult } from '../lib/runner.js';
import type { PsMode, Target } from '../lib/targets.js';

export interface BenchOptions {
  threads: number;
  /** Seconds of the measured phase; undefined when --ops is given. */
  durationS: number | undefined;
  ops: number | undefined;
  warmupS: number;
  scale: number;
  seed: number;
  psMode: PsMode;
  /** sysbench --tables */
  tables: number;
  /** Progress lines (every second). */
  progress: (line: string) => void;
  /** Everything else worth telling the user while it runs. */
  log: (line: string) => void;
}

export interface Workload {
  readonly name: string;
  readonly summary: string;
  prepare(t: Target, o: BenchOptions): Promise<Figure[]>;
  run(t: Target, o: BenchOptions, round: number): Promise<RoundResult>;
  cleanup(t: Target, o: BenchOptions): Promise<void>;
}

/** The closed-loop options every OLTP-style workload takes from the command line. */
export function loopOptions(o: BenchOptions, round: number, label: string): LoopOptions {
  return {
    threads: o.threads,
    ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
    ...(o.ops !== undefined ? { ops: o.ops } : {}),
    warmupS: o.warmupS,
    seed: subSeed(o.seed, round),
    psMode: o.psMode,
    label,
    progress: o.progress,
  };
}

/** TPS, QPS, latency percentiles (ms) and error count of a closed-loop run. */
export function loopFigures(r: LoopResult, prefix = '', opName = 'TPS'): Figure[] {
  const ms = (us: number): number => us / 1000;
  const errs = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return [
    { name: `${prefix}${opName}`, value: r.elapsedS > 0 ? r.ops / r.elapsedS : 0, unit: 'ops/s', better: 'higher' },
    { name: `${prefix}QPS`, value: r.elapsedS > 0 ? r.queries / r.elapsedS : 0, unit: 'stmt/s', better: 'higher' },
    { name: `${prefix}latency p50`, value: ms(r.hist.percentile(50)), unit: 'ms', better: 'lower' },
    { name: `${prefix}latency p95`, value: ms(r.hist.percentile(95)), unit: 'ms', better: 'lower' },
    { name: `${prefix}latency p99`, value: ms(r.hist.percentile(99)), unit: 'ms', better: 'lower' },
    { name: `${prefix}latency p99.9`, value: ms(r.hist.percentile(99.9)), unit: 'ms', better: 'lower' },
    { name: `${prefix}errors`, value: errs, unit: 'count', better: 'lower' },
  ];
}

export function roundFromLoop(r: LoopResult, prefix = '', opName = 'TPS'): RoundResult {
  return { figures: loopFigures(r, prefix, opName), errors: r.errors, series: r.series };
}

// The closed-loop driver: N connections each run one operation after another for a duration (or
// until a total op count), after a warm-up whose figures are thrown away. It keeps an HDR-style
// histogram of operation latency, errors by MySQL code, and a per-second series, and prints a
// progress line every second.
import type mysql from 'mysql2/promise';
import { Histogram } from './histogram.js';
import { Rng, subSeed } from './rng.js';
import { connect, type PsMode, type Target } from './targets.js';

/** One client session: runs statements as server-side prepared statements or as plain text. */
export class Session {
  constructor(
    readonly conn: mysql.Connection,
    readonly psMode: PsMode,
  ) {}

  /** Runs one statement with parameters (prepared when --ps-mode auto) and returns its rows. */
  async run(sql: string, params: unknown[] = []): Promise<unknown> {
    if (this.psMode === 'auto' && params.length > 0) {
      const [rows] = await this.conn.execute(sql, params as any[]);
      return rows;
    }
    const [rows] = await this.conn.query(sql, params);
    return rows;
  }

  /** A statement that never takes parameters (BEGIN, COMMIT) always goes as text, as in sysbench. */
  async text(sql: string): Promise<unknown> {
    const [rows] = await this.conn.query(sql);
    return rows;
  }
}

/** One operation (a transaction for sysbench workloads). Returns how many statements it ran. */
export type Operation = (s: Session, rng: Rng) => Promise<number>;

export interface LoopOptions {
  threads: number;
  durationS?: number;
  ops?: number;
  warmupS: number;
  seed: number;
  psMode: PsMode;
  label: string;
  /** Prints progress lines (default: every second to stderr). */
  progress?: (line: string) => void;
  /** Runs inside an open transaction when an error hits: ROLLBACK before going on. */
  rollbackOnError?: boolean;
  /** Hard cap on the measured phase, in seconds (guards --ops runs). */
  maxSeconds?: number;
}

export interface SeriesPoint {
  /** Seconds since the measured phase began. */
  t: number;
  opsPerS: number;
  p99Us: number;
  errors: number;
}

export interface LoopResult {
  ops: number;
  queries: number;
  elapsedS: number;
  hist: Histogram;
  errors: Record<string, number>;
  series: SeriesPoint[];
}

export function errorCode(e: unknown): string {
  const err = e as { errno?: number; code?: string; message?: string };
  if (typeof err.errno === 'number') return `${err.errno} ${err.code ?? ''}`.trim();
  if (typeof err.code === 'string') return err.code;
  return `client ${(err.message ?? String(e)).slice(0, 60)}`;
}

function isFatal(e: unknown): boolean {
  const err = e as { fatal?: boolean; code?: string };
  return err.fatal === true || err.code === 'PROTOCOL_CONNECTION_LOST' || err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED';
}

export function fmtUs(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)}s`;
  if (us >= 1_000) return `${(us / 1_000).toFixed(2)}ms`;
  return `${Math.round(us)}us`;
}

/** Runs `op` on `threads` connections; see LoopOptions. */
export async function runLoop(target: Target, op: Operation, o: LoopOptions): Promise<LoopResult> {
  const progress = o.progress ?? ((line: string) => process.stderr.write(line + '\n'));
  const sessions: Session[] = [];
  for (let i = 0; i < o.threads; i++) sessions.push(new Session(await connect(target), o.psMode));

  let measuring = false;
  let stopAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  let opsLeft = o.ops ?? Number.POSITIVE_INFINITY;
  const hist = new Histogram();
  let window = new Histogram();
  let windowOps = 0;
  let windowErrors = 0;
  let ops = 0;
  let queries = 0;
  const errors: Record<string, number> = {};
  let totalErrors = 0;
  const series: SeriesPoint[] = [];

  const worker = async (idx: number): Promise<void> => {
    const rng = new Rng(subSeed(o.seed, idx));
    let s = sessions[idx]!;
    while (!stopped) {
      if (measuring) {
        if (opsLeft <= 0) break;
        opsLeft--;
      }
      const counted = measuring;
      const t0 = performance.now();
      try {
        const n = await op(s, rng);
        const us = (performance.now() - t0) * 1000;
        if (counted && measuring) {
          hist.record(us);
          window.record(us);
          ops++;
          windowOps++;
          queries += n;
        }
      } catch (e) {
        if (counted && measuring) {
          const code = errorCode(e);
          errors[code] = (errors[code] ?? 0) + 1;
          totalErrors++;
          windowErrors++;
        }
        if (isFatal(e)) {
          s.conn.destroy();
          // Reconnect with a bounded wait; the loop's deadline still applies.
          for (let attempt = 0; !stopped; attempt++) {
            try {
              s = new Session(await connect(target), o.psMode);
              sessions[idx] = s;
              break;
            } catch {
              await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
            }
          }
        } else if (o.rollbackOnError) {
          await s.text('ROLLBACK').catch(() => undefined);
        }
      }
      if (Date.now() >= stopAt) break;
    }
  };

  const workers = sessions.map((_, i) => worker(i));
  // Warm-up: run, then forget.
  if (o.warmupS > 0) await new Promise((r) => setTimeout(r, o.warmupS * 1000));
  const startedAt = performance.now();
  measuring = true;
  const duration = o.durationS ?? (o.ops === undefined ? 10 : undefined);
  const cap = o.maxSeconds ?? 1200;
  stopAt = Date.now() + (duration !== undefined ? duration : cap) * 1000;
  let lastTick = startedAt;
  /** Closes the current window as a point of the series. */
  const closeWindow = (): SeriesPoint => {
    const now = performance.now();
    const dt = (now - lastTick) / 1000;
    lastTick = now;
    const point: SeriesPoint = {
      t: Math.round((now - startedAt) / 100) / 10,
      opsPerS: dt > 0 ? windowOps / dt : 0,
      p99Us: window.percentile(99),
      errors: windowErrors,
    };
    series.push(point);
    window = new Histogram();
    windowOps = 0;
    windowErrors = 0;
    return point;
  };
  const ticker = setInterval(() => {
    const point = closeWindow();
    progress(
      `[${o.label} ${point.t.toFixed(0).padStart(3)}s] ${point.opsPerS.toFixed(0).padStart(7)} ops/s  p99 ${fmtUs(point.p99Us).padStart(9)}  errors ${totalErrors}`,
    );
  }, 1000);
  if (duration === undefined) {
    // --ops: every worker stops once the shared count is used up (or at the cap).
    await Promise.all(workers);
  } else {
    await new Promise<void>((resolve) => {
      setTimeout(resolve, Math.max(0, stopAt - Date.now()));
    });
  }
  const elapsedS = (performance.now() - startedAt) / 1000;
  measuring = false;
  stopped = true;
  clearInterval(ticker);
  // The tail since the last tick is a point too (a run shorter than a tick still has one).
  if (series.length === 0 || performance.now() - lastTick >= 200) closeWindow();
  await Promise.all(workers);
  await Promise.all(sessions.map((s) => s.conn.end().catch(() => s.conn.destroy())));
  return { ops, queries, elapsedS, hist, errors, series };
}

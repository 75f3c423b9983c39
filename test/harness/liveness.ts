// A liveness probe for "no statement holds the server": its own connection runs `SELECT 1`
// every ~20 ms and records how long each answer took, so a test can run a heavy statement on
// another connection and then assert that the server kept answering (worst latency < 100 ms).
// Every wait is bounded; stop() closes the connection.
import mysql from 'mysql2/promise';

export interface LivenessReport {
  /** Probes answered. */
  readonly samples: number;
  /** Slowest answer, in ms (a probe still unanswered when the probe stopped counts as its age). */
  readonly worstMs: number;
  /** Median answer, in ms. */
  readonly medianMs: number;
}

export interface LivenessProbeOptions {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** Pause between probes, in ms (default 20). */
  readonly intervalMs?: number;
  /** What each probe runs (default `SELECT 1`); a point SELECT or a one-row UPDATE also work. */
  readonly sql?: string;
  /** One probe taking longer than this fails the probe loop rather than hanging it (default 30 s). */
  readonly probeTimeoutMs?: number;
}

export class LivenessProbe {
  private readonly latencies: number[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private inFlightSince: number | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly conn: mysql.Connection,
    private readonly opts: LivenessProbeOptions,
  ) {}

  /** Connects and answers one probe before returning, so the first sample is not a connect. */
  static async start(opts: LivenessProbeOptions): Promise<LivenessProbe> {
    const conn = await mysql.createConnection({ host: opts.host, port: opts.port, user: opts.user ?? 'root', password: opts.password ?? '', connectTimeout: 10_000 });
    conn.on('error', () => {
      // reported through the pending query
    });
    const probe = new LivenessProbe(conn, opts);
    await conn.query(opts.sql ?? 'SELECT 1');
    probe.running = true;
    probe.loop = probe.run();
    return probe;
  }

  private async run(): Promise<void> {
    const sql = this.opts.sql ?? 'SELECT 1';
    const interval = this.opts.intervalMs ?? 20;
    const timeout = this.opts.probeTimeoutMs ?? 30_000;
    while (this.running) {
      const t0 = performance.now();
      this.inFlightSince = t0;
      try {
        await this.conn.query({ sql, timeout });
      } catch (e) {
        this.failure = e as Error;
        this.inFlightSince = null;
        return;
      }
      this.latencies.push(performance.now() - t0);
      this.inFlightSince = null;
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** What the probe saw so far (a probe in flight counts with its age). */
  report(): LivenessReport {
    const all = [...this.latencies];
    const pending = this.inFlightSince === null ? 0 : performance.now() - this.inFlightSince;
    const sorted = [...all].sort((a, b) => a - b);
    return {
      samples: all.length,
      worstMs: Math.max(pending, ...all, 0),
      medianMs: sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!,
    };
  }

  /** Starts a fresh measurement window (e.g. after the set-up, before the heavy statement). */
  reset(): void {
    this.latencies.length = 0;
  }

  /** Stops probing (waits for the probe in flight, at most its timeout) and closes the connection. */
  async stop(): Promise<LivenessReport> {
    const before = this.report();
    this.running = false;
    await this.loop;
    const after = this.report();
    this.conn.destroy();
    if (this.failure) throw new Error(`liveness probe failed: ${this.failure.message}`);
    return { samples: after.samples, worstMs: Math.max(before.worstMs, after.worstMs), medianMs: after.medianMs };
  }
}

/**
 * Runs `work` while a probe measures the server's liveness; returns what `work` returned and
 * the probe's report over exactly that window.
 */
export async function whileProbing<T>(opts: LivenessProbeOptions, work: () => Promise<T>): Promise<{ result: T; liveness: LivenessReport }> {
  const probe = await LivenessProbe.start(opts);
  probe.reset();
  try {
    const result = await work();
    return { result, liveness: await probe.stop() };
  } catch (e) {
    await probe.stop().catch(() => undefined);
    throw e;
  }
}

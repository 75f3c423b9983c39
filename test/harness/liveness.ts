// A liveness probe for "no statement holds the server": its own connection runs `SELECT 1`
// every ~20 ms and records how long each answer took, so a test can run a heavy statement on
// another connection and then assert that the server kept answering (worst latency < 100 ms).
// The probe runs in a child process, so a test that is busy itself (reading a big result with
// mysql2) does not delay the probe's own timers and count that against the server. Every wait
// is bounded; stop() ends the child.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface LivenessReport {
  /** Probes answered. */
  readonly samples: number;
  /** Slowest answer, in ms. */
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
  /** One probe taking longer than this fails the probe rather than hanging it (default 30 s). */
  readonly probeTimeoutMs?: number;
}

/** The child: connects, answers 'ready' after a first probe, probes until 'stop', then sends its latencies. */
const CHILD = `
const cfg = JSON.parse(process.env.TESSERA_LIVENESS_PROBE);
const { default: mysql } = await import(cfg.mysql2);
const conn = await mysql.createConnection({ host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, connectTimeout: 10000 });
conn.on('error', () => {});
await conn.query(cfg.sql);
const latencies = [];
let running = true;
let failure = null;
process.on('message', (m) => {
  if (m === 'reset') latencies.length = 0;
  if (m === 'stop') running = false;
});
process.send('ready');
while (running) {
  const t0 = performance.now();
  try {
    await conn.query({ sql: cfg.sql, timeout: cfg.timeout });
  } catch (e) {
    failure = String(e && e.message);
    break;
  }
  latencies.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, cfg.interval));
}
conn.destroy();
process.send({ latencies, failure }, () => process.exit(0));
`;

const START_TIMEOUT_MS = 20_000;

export class LivenessProbe {
  private constructor(
    private readonly child: ChildProcess,
    private readonly stopTimeoutMs: number,
  ) {}

  /** Starts the probe and waits until it has answered one probe (so no sample is a connect). */
  static async start(opts: LivenessProbeOptions): Promise<LivenessProbe> {
    const cfg = {
      mysql2: pathToFileURL(createRequire(import.meta.url).resolve('mysql2/promise')).href,
      host: opts.host,
      port: opts.port,
      user: opts.user ?? 'root',
      password: opts.password ?? '',
      sql: opts.sql ?? 'SELECT 1',
      interval: opts.intervalMs ?? 20,
      timeout: opts.probeTimeoutMs ?? 30_000,
    };
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, TESSERA_LIVENESS_PROBE: JSON.stringify(cfg) },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4096)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('liveness probe did not start in time')), START_TIMEOUT_MS);
      const fail = (e: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      };
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => fail(new Error(`liveness probe exited with ${code}: ${stderr}`)));
    });
    child.removeAllListeners('exit');
    return new LivenessProbe(child, cfg.timeout + 5_000);
  }

  /** Starts a fresh measurement window (e.g. after a set-up step, before the heavy statement). */
  reset(): void {
    this.child.send('reset');
  }

  /** Stops probing (after the probe in flight answers, bounded by its timeout) and reports. */
  async stop(): Promise<LivenessReport> {
    const child = this.child;
    const reply = new Promise<{ latencies: number[]; failure: string | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('liveness probe did not stop in time'));
      }, this.stopTimeoutMs);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as { latencies: number[]; failure: string | null });
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error('liveness probe exited without a report'));
      });
    });
    child.send('stop');
    const { latencies, failure } = await reply;
    if (failure !== null) throw new Error(`liveness probe failed: ${failure}`);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      samples: sorted.length,
      worstMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
      medianMs: sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!,
    };
  }
}

/**
 * Runs `work` while a probe measures the server's liveness; returns what `work` returned and
 * the probe's report over that window.
 */
export async function whileProbing<T>(opts: LivenessProbeOptions, work: () => Promise<T>): Promise<{ result: T; liveness: LivenessReport }> {
  const probe = await LivenessProbe.start(opts);
  try {
    const result = await work();
    return { result, liveness: await probe.stop() };
  } catch (e) {
    await probe.stop().catch(() => undefined);
    throw e;
  }
}

/**
 * The machine's own noise: the worst `SELECT 1` latency of a server doing nothing else, over
 * `ms`, while one CPU-bound process runs beside it (as a heavy statement would keep one core
 * busy). On a quiet machine that is a few ms; on a crowded one the scheduler alone adds more.
 */
export async function idleLatency(opts: LivenessProbeOptions, ms = 3_000): Promise<LivenessReport> {
  const busy = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms + 1_000}; while (Date.now() < end) {}`], { stdio: 'ignore' });
  try {
    return (await whileProbing(opts, () => new Promise((r) => setTimeout(r, ms)))).liveness;
  } finally {
    busy.kill('SIGKILL');
  }
}

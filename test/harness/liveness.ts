// A liveness probe for "no statement holds the server": its own connection runs `SELECT 1`
// every ~20 ms and records how long each answer took, so a test can run a heavy statement on
// another connection and then assert that the server kept answering (LivenessBound: worst
// latency under 100 ms beyond the machine's own noise). The probe runs in a child process, so a
// test that is busy itself (reading a big result with mysql2) does not delay the probe's own
// timers and count that against the server. Every wait is bounded; stop() ends the child.
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

/**
 * The child: connects, answers 'ready' after a first probe, probes until 'stop', then sends its
 * latencies. It probes a MySQL server with `sql`, or (cfg.echo) the reference server below with
 * one byte that comes back.
 */
const CHILD = `
const cfg = JSON.parse(process.env.TESSERA_LIVENESS_PROBE);
let ask;
let close;
if (cfg.echo) {
  const { connect } = await import('node:net');
  const sock = connect(cfg.port, cfg.host);
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  sock.setNoDelay(true);
  sock.on('error', () => {});
  let answered = null;
  sock.on('data', () => answered?.());
  ask = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo within ' + cfg.timeout + ' ms')), cfg.timeout);
    answered = () => { clearTimeout(timer); answered = null; resolve(); };
    sock.write('p');
  });
  close = () => sock.destroy();
} else {
  const { default: mysql } = await import(cfg.mysql2);
  const conn = await mysql.createConnection({ host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, connectTimeout: 10000 });
  conn.on('error', () => {});
  ask = () => conn.query({ sql: cfg.sql, timeout: cfg.timeout });
  close = () => conn.destroy();
}
await ask();
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
    await ask();
  } catch (e) {
    failure = String(e && e.message);
    break;
  }
  latencies.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, cfg.interval));
}
close();
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
    return LivenessProbe.spawn({ ...opts, echo: false });
  }

  private static async spawn(opts: LivenessProbeOptions & { readonly echo: boolean }): Promise<LivenessProbe> {
    const cfg = {
      echo: opts.echo,
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

  /** Starts the probe against the reference server's echo port (machineNoise). */
  static async echo(port: number): Promise<LivenessProbe> {
    return LivenessProbe.spawn({ host: '127.0.0.1', port, probeTimeoutMs: 10_000, echo: true });
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
 * A reference for the machine's noise: a Node process that is busy in slices of the length a
 * statement runs before it lets others have the thread (the Pacer's SLICE_MS, 5 ms) and between
 * slices echoes what a probe sends. It is what a server that shares its thread perfectly looks
 * like to other clients on this machine right now: a few ms on a quiet machine, more where other
 * work competes for the CPUs (and so for the server's own time slices). Bounded: it ends itself
 * a little after the measurement, or when the test process goes.
 */
const REFERENCE = `
const { createServer } = require('node:net');
const server = createServer((s) => {
  s.setNoDelay(true);
  s.on('error', () => {});
  s.on('data', (d) => s.write(d));
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
const end = Date.now() + Number(process.env.TESSERA_REFERENCE_LIFETIME_MS);
(function slice() {
  const until = performance.now() + 5;
  while (performance.now() < until);
  if (Date.now() < end) setImmediate(slice);
  else process.exit(0);
})();
`;

/**
 * The machine's own noise: the worst latency the probe (in its own process, as when it probes a
 * server) sees from the busy reference server over `ms`.
 */
export async function machineNoise(ms = 3_000): Promise<LivenessReport> {
  const ref = spawn(process.execPath, ['-e', REFERENCE], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, TESSERA_REFERENCE_LIFETIME_MS: String(ms + START_TIMEOUT_MS) },
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reference server did not start in time')), START_TIMEOUT_MS);
      ref.once('message', (m) => {
        clearTimeout(timer);
        resolve(Number(m));
      });
      ref.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`reference server exited with ${code}`));
      });
    });
    const probe = await LivenessProbe.echo(port);
    await new Promise((r) => setTimeout(r, ms));
    return await probe.stop();
  } finally {
    ref.kill('SIGKILL');
  }
}

/** The bound of every freeze test: another client's `SELECT 1` answers within this many ms. */
export const LIVE_MS = 100;

/**
 * The most machine noise the bound allows for. A statement that holds the thread for 200 ms
 * delays a probe by at least 180 ms (the probe sends every 20 ms), and less when the probe's own
 * timer is late on a loaded machine; a bound of at most LIVE_MS + 50 ms still catches it. A
 * machine noisier than that cannot tell such a statement from its own noise: there a slow probe
 * fails the test rather than the bound growing until nothing can.
 */
export const NOISE_CAP_MS = 50;

/**
 * "The server kept answering", judged the same way by every test: a probe's worst latency over
 * a statement must stay under LIVE_MS plus the machine's own noise, counted up to NOISE_CAP_MS.
 * The noise is machineNoise(), measured when the bound is made. A miss is judged again against
 * the noise measured anew at that moment (a test file running beside this one may have loaded
 * the machine since); that second measure serves this judgement only, so one noisy moment does
 * not loosen every later one. A frozen server misses by seconds.
 */
export class LivenessBound {
  private constructor(
    /** The noise measured when the bound was made, in ms. */
    readonly noiseMs: number,
  ) {}

  static async measure(): Promise<LivenessBound> {
    return new LivenessBound((await machineNoise()).worstMs);
  }

  /** A worst latency at or above this (ms) is a miss, before any re-measuring. */
  get boundMs(): number {
    return boundFor(this.noiseMs);
  }

  /**
   * Undefined when `live` shows a server that kept answering; else what it shows, for the
   * failure message. `again`, for a statement that is cheap to run again, runs it once more
   * under the probe: a miss must then repeat (a statement that holds the thread holds it every
   * time; a burst of the machine's own seldom strikes twice).
   */
  async miss(live: LivenessReport, again?: () => Promise<LivenessReport>): Promise<string | undefined> {
    if (live.worstMs < this.boundMs) return undefined;
    const noise = Math.max(this.noiseMs, (await machineNoise()).worstMs);
    const bound = boundFor(noise);
    if (live.worstMs < bound) return undefined;
    const runs = [live];
    if (again !== undefined) {
      const second = await again();
      if (second.worstMs < bound) return undefined;
      runs.push(second);
    }
    const ms = (x: number): string => x.toFixed(0);
    const seen = runs.map((r) => `${ms(r.worstMs)} ms (median ${ms(r.medianMs)}) over ${r.samples} probes`).join(', then ');
    return `worst SELECT 1 latency ${seen}; bound ${LIVE_MS} + the machine's noise ${ms(noise)} (counted up to ${NOISE_CAP_MS}) = ${ms(bound)} ms`;
  }
}

function boundFor(noiseMs: number): number {
  return LIVE_MS + Math.min(noiseMs, NOISE_CAP_MS);
}

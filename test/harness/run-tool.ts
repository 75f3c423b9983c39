// Runs a client program for a test (mariadb, mariadb-dump, sysbench, php, python3, script): its
// stdin from a string or bytes, its stdout kept as bytes and as text, its stderr as text. Every
// run is bounded: past its time the program and whatever it started are killed. Loopback use
// only; nothing is left running when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ToolRun {
  /** The exit code; null when the program was killed (by the timeout or a signal). */
  readonly code: number | null;
  /** stdout as it came: a dump may hold raw bytes that are not UTF-8. */
  readonly stdoutBytes: Buffer;
  /** stdout decoded as UTF-8. */
  readonly stdout: string;
  readonly stderr: string;
  /** Killed for running past its time. */
  readonly timedOut: boolean;
}

export interface ToolOptions {
  /** What the program reads on stdin (default: nothing; stdin is closed at once). */
  readonly input?: Buffer | string;
  /** Variables added to the environment (which always has TERM=dumb: no colours, no pager). */
  readonly env?: NodeJS.ProcessEnv;
  /** The program and what it started are killed after this many ms (default 60 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Children still running, killed if the test process exits before they do. */
const running = new Set<ChildProcess>();
let exitHook = false;

/** Kills the program's whole process group (a shell pipeline, `script`'s child). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // already gone, or no group of its own
  }
}

/** Runs `bin` with `args`; resolves once it has exited, rejects only when it cannot start. */
export function runTool(bin: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolRun> {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => running.forEach(killGroup));
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends what it started too.
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, TERM: 'dumb', ...opts.env } });
    running.add(child);
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`${bin} could not be started (is it installed?): ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      const stdoutBytes = Buffer.concat(out);
      if (timedOut) stderr += `\n[${bin} killed after ${timeoutMs} ms]`;
      resolve({ code, stdoutBytes, stdout: stdoutBytes.toString('utf8'), stderr, timedOut });
    });
    // A program may exit before reading its stdin (mariadb -e): the pipe's EPIPE is not an error.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
  });
}

/** A run's outcome for an assertion message: the command, its exit, the ends of its output. */
export function describeRun(what: string, r: ToolRun): string {
  return `${what} exited ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

// Starts a Tessera server from dist/ for tests, or wraps an already-running server named by
// TESSERA_TARGET (mysql://user:pass@127.0.0.1:port). Loopback only; every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort, repoRoot } from '../../bench/lib/targets.js';

export { freePort };

export interface TesseraServer {
  host: string;
  port: number;
  dataDir: string;
  /** mysql://root@host:port */
  url: string;
  /** 0 when the server was not started by us. */
  pid: number;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

export interface TargetAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const READY_POLL_MS = 100;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const STDERR_KEEP = 64 * 1024;

/** Parses mysql://user:pass@host:port (only loopback hosts are accepted). */
export function parseTarget(url: string): TargetAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid target URL: ${url}`);
  }
  if (u.protocol !== 'mysql:') throw new Error(`target must be mysql://…, got ${url}`);
  const host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, '');
  if (!LOOPBACK.has(host) && !LOOPBACK.has(u.hostname)) {
    throw new Error(`target must be a loopback address, got ${u.hostname}`);
  }
  return {
    host,
    port: u.port === '' ? 3306 : Number(u.port),
    user: u.username === '' ? 'root' : decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

export function targetUrl(t: TargetAddress): string {
  const auth = t.password === '' ? encodeURIComponent(t.user) : `${encodeURIComponent(t.user)}:${encodeURIComponent(t.password)}`;
  return `mysql://${auth}@${t.host}:${t.port}`;
}

/** A TesseraServer-like handle for TESSERA_TARGET, or undefined when it is not set. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): TesseraServer | undefined {
  const url = env.TESSERA_TARGET;
  if (url === undefined || url.trim() === '') return undefined;
  return serverForUrl(url.trim());
}

/** Wraps an external server: stop/kill/restart do nothing to it. */
export function serverForUrl(url: string): TesseraServer {
  const t = parseTarget(url);
  return {
    host: t.host,
    port: t.port,
    dataDir: '',
    url: targetUrl(t),
    pid: 0,
    stop: async () => {},
    kill: async () => {},
    restart: async () => {},
  };
}

/** The external target when TESSERA_TARGET is set, else a freshly started Tessera. */
export async function startTargetOrTessera(): Promise<TesseraServer> {
  return targetFromEnv() ?? (await startTessera());
}

/** Whether TESSERA_TARGET names an external server (so Tessera-only checks are skipped). */
export function isExternalTarget(env: NodeJS.ProcessEnv = process.env): boolean {
  return targetFromEnv(env) !== undefined;
}

export function cliPath(): string {
  return path.join(repoRoot(), 'dist', 'src', 'cli', 'tessera.js');
}

const live = new Set<ChildProcess>();
/** Data dirs made here, removed at exit if a test did not stop its server (one listener for all). */
const ownDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    live.clear();
  };
  process.once('exit', () => {
    killAll();
    for (const d of ownDirs) rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export async function waitForMysql(host: string, port: number, timeoutMs: number, alive: () => string | undefined, password = ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead !== undefined) throw new Error(dead);
    try {
      const c = await mysql.createConnection({ host, port, user: 'root', password, connectTimeout: 2_000 });
      try {
        await c.query('SELECT 1');
      } finally {
        c.destroy();
      }
      return;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`server on ${host}:${port} not ready after ${timeoutMs} ms (last error: ${lastErr})`);
}

/** `rootPassword`: started with --root-password, which the readiness check and `url` then use. */
export async function startTessera(opts: { dataDir?: string; extraArgs?: string[]; rootPassword?: string } = {}): Promise<TesseraServer> {
  installExitHook();
  const cli = cliPath();
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  const host = '127.0.0.1';
  const port = await freePort(host);
  let child: ChildProcess | undefined;
  let stderr = '';
  let exitInfo: string | undefined;

  const launch = async (): Promise<void> => {
    stderr = '';
    exitInfo = undefined;
    const pw = opts.rootPassword === undefined ? [] : ['--root-password', opts.rootPassword];
    const args = [cli, 'start', '--port', String(port), '--host', host, '--data-dir', dataDir, ...pw, ...(opts.extraArgs ?? [])];
    // Tests run the leaf boundary on the encoding transport: nothing may depend on the aggregator and the leaf sharing a heap.
    const env = { ...process.env, TESSERA_LEAF_TRANSPORT: process.env.TESSERA_LEAF_TRANSPORT ?? 'loopback' };
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    child = c;
    live.add(c);
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    c.once('exit', (code, sig) => {
      exitInfo = `exited with ${code ?? sig}`;
      live.delete(c);
    });
    try {
      await waitForMysql(
        host,
        port,
        READY_TIMEOUT_MS,
        () => (exitInfo === undefined ? undefined : `tessera ${exitInfo} before accepting connections; stderr:\n${stderr}`),
        opts.rootPassword ?? '',
      );
    } catch (e) {
      await terminate('SIGKILL');
      const msg = (e as Error).message;
      throw new Error(msg.includes('stderr:') ? msg : `${msg}\nstderr:\n${stderr}`);
    }
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill(signal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      c.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
    }
    live.delete(c);
  };

  await launch();
  const server: TesseraServer = {
    host,
    port,
    dataDir,
    url: opts.rootPassword ? `mysql://root:${encodeURIComponent(opts.rootPassword)}@${host}:${port}` : `mysql://root@${host}:${port}`,
    pid: child!.pid ?? 0,
    async stop() {
      await terminate('SIGTERM');
      if (ownDir) {
        rmSync(dataDir, { recursive: true, force: true });
        ownDirs.delete(dataDir);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await terminate(signal);
    },
    async restart() {
      await terminate('SIGTERM');
      await launch();
      server.pid = child!.pid ?? 0;
    },
  };
  if (ownDir) ownDirs.add(dataDir);
  return server;
}

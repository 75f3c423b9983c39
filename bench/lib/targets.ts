// Where a workload runs: a Tessera the harness starts (--target tessera), MariaDB from Debian's
// mariadb-server package started the same way (--peer mariadb), or any MySQL-protocol server
// already running (--target mysql://user:pass@host:port/db). Everything goes over the wire.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

export type PsMode = 'auto' | 'disable';

export interface Target {
  /** Short name used in tables and plots: tessera, mariadb, or host:port. */
  readonly label: string;
  readonly kind: 'tessera' | 'mariadb' | 'url';
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database the workloads create their tables in. */
  database: string;
  /** Server settings the harness chose (printed with the result). */
  readonly settings: Record<string, string>;
  /** Filled after start: SELECT @@version / @@version_comment. */
  version: string;
  start(log: (line: string) => void): Promise<void>;
  stop(): Promise<void>;
  /** Resident memory of the server process in MiB, when the harness started it (Linux). */
  rssMiB(): number | null;
}

function rssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export interface ConnectOptions {
  database?: string | null;
}

export async function connect(t: Target, opts: ConnectOptions = {}): Promise<mysql.Connection> {
  const database = opts.database === undefined ? t.database : opts.database;
  return mysql.createConnection({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    ...(database === null ? {} : { database }),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    connectTimeout: 10_000,
    infileStreamFactory: undefined,
  });
}

/** Resolves the folder holding Tessera's package.json (bench runs from bench/ or dist/bench/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'cli'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the Tessera checkout above ' + fileURLToPath(import.meta.url));
}

/** dist/src/cli/tessera.js, built first when it is missing (npm run bench rebuilds stale builds). */
export function tesseraCli(log: (line: string) => void): string {
  const root = repoRoot();
  const cli = path.join(root, 'dist', 'src', 'cli', 'tessera.js');
  if (!existsSync(cli)) {
    log('bench: building Tessera (npx tsc -p tsconfig.json)…');
    execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  }
  return cli;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

const live = new Set<ChildProcess>();
let hooked = false;
function track(c: ChildProcess): void {
  live.add(c);
  c.once('exit', () => live.delete(c));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const child of live) child.kill('SIGTERM');
      process.exit(130);
    });
  }
}

async function waitReady(t: Target, child: ChildProcess, stderr: () => string, timeoutMs: number, socketPath?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${t.label} exited with ${child.exitCode ?? child.signalCode} before accepting connections:\n${stderr().slice(-4000)}`);
    }
    try {
      const c = await mysql.createConnection(
        socketPath !== undefined ? { socketPath, user: 'root', connectTimeout: 2_000 } : { host: t.host, port: t.port, user: t.user, password: t.password, connectTimeout: 2_000 },
      );
      try {
        await c.query('SELECT 1');
      } finally {
        c.destroy();
      }
      return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${t.label} on ${t.host}:${t.port} not ready after ${timeoutMs} ms (last error: ${last})\n${stderr().slice(-4000)}`);
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`; bounded either way. */
export async function terminate(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}

async function fillVersion(t: Target): Promise<void> {
  const c = await connect(t, { database: null });
  try {
    const [rows] = await c.query('SELECT @@version AS v, @@version_comment AS c');
    const r = (rows as { v: string; c: string }[])[0]!;
    t.version = `${r.v} (${r.c})`;
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${t.database}\``);
  } finally {
    await c.end();
  }
}

export const BENCH_DB = 'tessera_bench';

/** A Tessera started from this checkout's dist/ in a temporary data dir; stopped with SIGTERM. */
export function tesseraTarget(): Target {
  let child: ChildProcess | undefined;
  let dataDir = '';
  let stderr = '';
  const t: Target = {
    label: 'tessera',
    kind: 'tessera',
    host: '127.0.0.1',
    port: 0,
    user: 'root',
    password: '',
    database: BENCH_DB,
    settings: {},
    version: '',
    async start(log) {
      const cli = tesseraCli(log);
      t.port = await freePort();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
      const args = [cli, 'start', '--port', String(t.port), '--host', t.host, '--data-dir', dataDir, '--log-level', 'warn'];
      Object.assign(t.settings, { command: `node ${path.relative(process.cwd(), cli) || cli} start --port ${t.port} --data-dir ${dataDir} --log-level warn` });
      // The server inherits NODE_OPTIONS (e.g. --max-old-space-size for large scales): print it.
      if (process.env.NODE_OPTIONS) t.settings.NODE_OPTIONS = process.env.NODE_OPTIONS;
      const c = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      track(c);
      c.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-64 * 1024)));
      await waitReady(t, c, () => stderr, 60_000);
      await fillVersion(t);
      log(`bench: started Tessera ${t.version} on ${t.host}:${t.port} (pid ${c.pid}, data dir ${dataDir})`);
    },
    rssMiB: () => rssOf(child?.pid),
    async stop() {
      await terminate(child, 15_000);
      child = undefined;
      if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export const MARIADBD = '/usr/sbin/mariadbd';

/** The settings the harness starts MariaDB with (beyond datadir, socket and port). */
export const MARIADB_SETTINGS: Record<string, string> = {
  'bind-address': '127.0.0.1',
  'innodb-buffer-pool-size': '4G',
  'innodb-log-file-size': '1G',
  'innodb-flush-log-at-trx-commit': '1',
  'max-connections': '500',
  'skip-name-resolve': 'ON',
  'local-infile': 'ON',
  'performance-schema': 'OFF',
};

export function mariadbMissingMessage(): string {
  return (
    `--peer mariadb needs the MariaDB server (${MARIADBD}), which is not installed. ` +
    `On Debian/Ubuntu: sudo apt-get install -y mariadb-server (the harness starts its own server on a ` +
    `loopback port with a temporary data dir; the system service need not run).`
  );
}

/** MariaDB from Debian's mariadb-server, on a free loopback port with a temporary data dir. */
export function mariadbTarget(): Target {
  let child: ChildProcess | undefined;
  let dataDir = '';
  let stderr = '';
  const t: Target = {
    label: 'mariadb',
    kind: 'mariadb',
    host: '127.0.0.1',
    port: 0,
    user: 'root',
    password: '',
    database: BENCH_DB,
    settings: { ...MARIADB_SETTINGS },
    version: '',
    async start(log) {
      if (!existsSync(MARIADBD)) throw new Error(mariadbMissingMessage());
      t.port = await freePort();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'mariadb-bench-'));
      const datadir = path.join(dataDir, 'data');
      const socket = path.join(dataDir, 'mariadb.sock');
      const runAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      const userArgs = runAsRoot ? ['--user=root'] : [];
      log(`bench: initialising MariaDB in ${datadir} (mariadb-install-db)…`);
      execFileSync(
        'mariadb-install-db',
        ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const settingArgs = Object.entries(MARIADB_SETTINGS).map(([k, v]) => (v === 'ON' && k.startsWith('skip-') ? `--${k}` : `--${k}=${v}`));
      const args = ['--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${t.port}`, `--pid-file=${path.join(dataDir, 'mariadb.pid')}`, ...userArgs, ...settingArgs];
      t.settings.command = `${MARIADBD} ${args.join(' ')}`;
      const c = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      track(c);
      c.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-64 * 1024)));
      await waitReady(t, c, () => stderr, 120_000, socket);
      // root@localhost (socket) exists without a password; add root over loopback TCP.
      const admin = await mysql.createConnection({ socketPath: socket, user: 'root' });
      try {
        await admin.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''");
        await admin.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
      } finally {
        await admin.end();
      }
      await fillVersion(t);
      log(`bench: started MariaDB ${t.version} on ${t.host}:${t.port} (pid ${c.pid}, data dir ${datadir})`);
    },
    rssMiB: () => rssOf(child?.pid),
    async stop() {
      await terminate(child, 60_000);
      child = undefined;
      if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Any MySQL-protocol server already running: mysql://user:pass@host:port/db (db defaults to tessera_bench). */
export function urlTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--target must be 'tessera' or mysql://user:pass@host:port/db, not '${url}'`);
  }
  if (u.protocol !== 'mysql:') throw new Error(`--target must be 'tessera' or mysql://user:pass@host:port/db, not '${url}'`);
  const host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port === '' ? 3306 : Number(u.port);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    label: `${host}:${port}`,
    kind: 'url',
    host,
    port,
    user: u.username === '' ? 'root' : decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: db === '' ? BENCH_DB : db,
    settings: { url: `mysql://${u.username === '' ? 'root' : u.username}@${host}:${port}/${db === '' ? BENCH_DB : db}` },
    version: '',
    async start() {
      await fillVersion(this);
    },
    async stop() {},
    rssMiB: () => null,
  };
}

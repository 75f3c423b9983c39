// A Tessera process for tests that read its log lines, crash it, restart it on the same data
// directory or inject faults through its environment. Loopback only; every wait is bounded;
// stopAll() kills what was started and removes the temp directories.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { cliPath, freePort, waitForMysql } from './server.js';

export interface LoggedProc {
  readonly child: ChildProcess;
  readonly port: number;
  /** pino lines (stdout) and stderr, as they came. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
}

const procs: ChildProcess[] = [];
const dirs: string[] = [];

export function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export async function startLogged(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<LoggedProc> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath(), 'start', '--port', String(port), '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  procs.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let gone: string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, sig) => {
      gone = `exited with ${code ?? sig}`;
      resolve(code ?? sig ?? -1);
    }),
  );
  await waitForMysql('127.0.0.1', port, 30_000, () => (gone === undefined ? undefined : `tessera ${gone}: ${out}`));
  return { child, port, output: () => out, exited };
}

export async function killHard(p: LoggedProc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

export async function connectTo(p: LoggedProc, extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: p.port, user: 'root', ...extra });
  c.on('error', () => {});
  return c;
}

export function logLines(out: string): { msg?: string; [k: string]: unknown }[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string });
}

/** For afterEach: kills every process started here and removes the temp directories. */
export function stopAll(): void {
  for (const c of procs.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

// A small MariaDB (Debian's mariadb-server) for tests that compare with it or take dumps from it:
// a temporary data dir, a free loopback port, a small buffer pool, utf8mb4 by default. Every wait
// is bounded; stop() kills only the process it started and removes the data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { MARIADBD, freePort, terminate } from '../../bench/lib/targets.js';
import { describeRun, runTool } from './run-tool.js';

export interface MariaDb {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

const INSTALL_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export async function startMariadb(): Promise<MariaDb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-mariadb-'));
  const datadir = path.join(dir, 'data');
  const socket = path.join(dir, 'mariadb.sock');
  const host = '127.0.0.1';
  const port = await freePort(host);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : [];
  let child: ChildProcess | undefined;
  let stderr = '';
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    await terminate(c, STOP_TIMEOUT_MS);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const install = await runTool('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot], { timeoutMs: INSTALL_TIMEOUT_MS });
    if (install.code !== 0) throw new Error(describeRun('mariadb-install-db', install));
    const args = [
      '--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${port}`, `--bind-address=${host}`, `--pid-file=${path.join(dir, 'mariadb.pid')}`,
      '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--skip-name-resolve', '--performance-schema=OFF',
      '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci', '--max-connections=50', ...asRoot,
    ];
    const c = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    process.once('exit', () => c.kill('SIGKILL'));
    c.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-16 * 1024)));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`mariadbd exited before accepting connections:\n${stderr}`);
      try {
        const admin = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 2_000 });
        try {
          // root@localhost (the socket) exists without a password; tests connect over loopback TCP.
          await admin.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''");
          await admin.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
        } finally {
          await admin.end();
        }
        break;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`mariadbd not ready after ${READY_TIMEOUT_MS} ms: ${(e as Error).message}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, port, stop };
}

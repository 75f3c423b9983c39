// Connection limits over the wire: max_connections (1040, with one connection held back for an
// administrator), connect_timeout as a deadline a trickling client cannot stretch,
// max_allowed_packet following SET GLOBAL for new connections and bounding
// COM_STMT_SEND_LONG_DATA (driven by PHP mysqli's send_long_data), and --host taking addresses only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../harness/clients.js';
import { canRun } from '../harness/installed.js';
import { runTool } from '../harness/run-tool.js';
import { cliPath, startTessera, type TesseraServer } from '../harness/server.js';

const haveMysqli = canRun(import.meta.url, 'the long-data case', 'php-mysqli');

let server: TesseraServer;
let root: mysql.Connection;
const opened: mysql.Connection[] = [];

async function as(user: string, password: string): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: server.host, port: server.port, user, password, connectTimeout: 10_000 });
  c.on('error', () => undefined);
  opened.push(c);
  return c;
}

async function closeAll(cs: mysql.Connection[]): Promise<void> {
  await Promise.all(cs.map((c) => c.end().catch(() => c.destroy())));
}

/** Waits (bounded) until the server counts `n` open sessions of `user`. */
async function waitForSessions(user: string, n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const [rows] = await root.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = '${user}'`);
    if (Number(rows[0]!.n) === n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${n} sessions of ${user}`);
}

beforeAll(async () => {
  server = await startTessera({ rootPassword: 'lim-root' });
  root = await as('root', 'lim-root');
  await root.query("CREATE USER 'app'@'%' IDENTIFIED BY 'app', 'ops'@'%' IDENTIFIED BY 'ops'");
  await root.query("GRANT CONNECTION_ADMIN ON *.* TO 'ops'@'%'");
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.destroy();
  await server?.stop();
});

describe('max_connections', () => {
  it('refuses the connection past it with 1040, keeping one for CONNECTION_ADMIN', async () => {
    await root.query('SET GLOBAL max_connections = 3');
    try {
      const apps = [await as('app', 'app'), await as('app', 'app')]; // with root: 3 of 3
      expect(await failure(as('app', 'app'))).toEqual([1040, '08004']);
      const ops = await as('ops', 'ops'); // the one past the limit, for an administrator
      expect(await failure(as('ops', 'ops'))).toEqual([1040, '08004']);
      await closeAll([ops, apps[0]!]);
      await waitForSessions('app', 1);
      await waitForSessions('ops', 0);
      const again = await as('app', 'app'); // room again
      await closeAll([again, apps[1]!]);
    } finally {
      await root.query('SET GLOBAL max_connections = DEFAULT');
    }
    expect((await root.query<mysql.RowDataPacket[]>('SELECT @@max_connections AS m'))[0][0]!.m).toBe(151);
  });
});

describe('connect_timeout', () => {
  it('drops a client that trickles its handshake a byte at a time', async () => {
    await root.query('SET GLOBAL connect_timeout = 2');
    try {
      const sock: Socket = netConnect({ host: server.host, port: server.port });
      sock.on('error', () => undefined);
      const started = Date.now();
      const closed = new Promise<number>((resolve) => sock.once('close', () => resolve(Date.now() - started)));
      await new Promise<void>((resolve) => sock.once('data', () => resolve())); // the handshake
      // A HandshakeResponse that never completes: a length of 200, then one byte every 250 ms.
      sock.write(Buffer.from([200, 0, 0, 1]));
      let sent = 0;
      const timer = setInterval(() => {
        if (sock.destroyed || sent >= 40) return clearInterval(timer);
        sock.write(Buffer.from([0x41]));
        sent++;
      }, 250);
      const bound = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 8_000));
      const ms = await Promise.race([closed, bound]);
      clearInterval(timer);
      sock.destroy();
      expect(ms, 'the server dropped the trickling client').toBeGreaterThan(0);
      expect(ms).toBeGreaterThanOrEqual(1_500);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await root.query('SET GLOBAL connect_timeout = DEFAULT');
    }
    // A client that logs in normally is not affected.
    const c = await as('app', 'app');
    await c.query('SELECT 1');
    await closeAll([c]);
  }, 20_000);
});

/** PHP mysqli: prepare SELECT LENGTH(?), send `chunks` × `chunkBytes` as long data, execute. */
async function longData(chunks: number, chunkBytes: number): Promise<string> {
  const code = `
    $m = new mysqli("${server.host}", "app", "app", "", ${server.port});
    $s = $m->prepare("SELECT LENGTH(?)");
    $null = NULL;
    $s->bind_param("b", $null);
    for ($i = 0; $i < ${chunks}; $i++) $s->send_long_data(0, str_repeat("x", ${chunkBytes}));
    try {
      if (!$s->execute()) { echo "ERR ", $s->errno, "\\n"; exit(0); }
      $s->bind_result($n); $s->fetch(); echo $n, "\\n";
    } catch (mysqli_sql_exception $e) { echo "ERR ", $e->getCode(), "\\n"; }`;
  const r = await runTool('php', ['-r', code], { timeoutMs: 30_000 });
  return (r.stdout + r.stderr).trim();
}

describe('max_allowed_packet', () => {
  it('follows SET GLOBAL for new connections; a packet past it gets 1153', async () => {
    const before = await as('app', 'app');
    await root.query('SET GLOBAL max_allowed_packet = 1048576');
    try {
      const big = `SELECT LENGTH('${'y'.repeat(2 * 1024 * 1024)}') AS n`;
      const after = await as('app', 'app');
      expect(await failure(after.query(big))).toEqual([1153, '08S01']);
      // A connection keeps the value it started with (MySQL's session value is read-only).
      const [rows] = await before.query<mysql.RowDataPacket[]>(big);
      expect(Number(rows[0]!.n)).toBe(2 * 1024 * 1024);
      expect(await failure(before.query('SET SESSION max_allowed_packet = 2048'))).toEqual([1621, 'HY000']);
      const [[v]] = (await before.query('SELECT @@max_allowed_packet AS m')) as unknown as [[{ m: number }]];
      expect(v.m).toBe(67108864);
      await closeAll([before]);
    } finally {
      await root.query('SET GLOBAL max_allowed_packet = DEFAULT');
    }
  });

  it.skipIf(!haveMysqli)('bounds COM_STMT_SEND_LONG_DATA per parameter (1153 at execute)', async () => {
    await root.query('SET GLOBAL max_allowed_packet = 1048576');
    try {
      expect(await longData(10, 65536)).toBe('655360'); // 640 KiB: under the limit
      expect(await longData(20, 65536)).toBe('ERR 1153'); // 1.25 MiB: over it, refused, not held
    } finally {
      await root.query('SET GLOBAL max_allowed_packet = DEFAULT');
    }
    expect(await longData(20, 65536)).toBe('1310720'); // the default 64 MiB admits it
  }, 60_000);
});

describe('--host', () => {
  it('refuses a name, even one that starts like a loopback address', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-host-'));
    try {
      for (const host of ['127.0.0.1.example.invalid', 'db.example.invalid']) {
        const r = spawnSync(process.execPath, [cliPath(), 'start', '--port', '0', '--host', host, '--data-dir', dir], { encoding: 'utf8', timeout: 20_000 });
        expect(r.status, host).toBe(1);
        expect(r.stderr).toContain(`--host must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or localhost, not '${host}'`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

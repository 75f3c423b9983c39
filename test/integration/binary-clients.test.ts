// Binary bytes through the real clients users have: PyMySQL (bytes parameters, escaped by the
// client into _binary'…' COM_QUERY text), PHP PDO (server-side prepares with string and LOB
// parameters, and emulated prepares that inline raw bytes), mysqli's send_long_data, mysql2
// Buffers, the mariadb CLI piping a file of raw bytes, and mariadb-dump without --hex-blob
// restored with the mariadb CLI. Every one must give back exactly the 256 byte values it stored.
//
// Needs Debian's mariadb-client (mariadb, mariadb-dump), php-cli with php-mysql (PDO + mysqli),
// and python3-pymysql for /usr/bin/python3. Each part is skipped, with a message, only when its
// tool is missing outside CI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_BYTES, dumpEscape } from '../harness/bytes.js';
import { canRun, PYTHON } from '../harness/installed.js';
import { mariadbLoginArgs } from '../harness/mariadb-client.js';
import { runTool, type ToolRun } from '../harness/run-tool.js';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const DB = 'bytes_clients';
const RUN_TIMEOUT_MS = 60_000;
const ALL_HEX = ALL_BYTES.toString('hex').toUpperCase();

const havePy = canRun(import.meta.url, 'the PyMySQL cases', 'pymysql');
const havePhp = canRun(import.meta.url, 'the PHP cases', 'php-pdo', 'php-mysqli');
const haveCli = canRun(import.meta.url, 'the mariadb CLI case', 'mariadb');
const haveDump = canRun(import.meta.url, 'the mariadb-dump case', 'mariadb', 'mariadb-dump');

/** Runs a program with stdin bytes; bounded by RUN_TIMEOUT_MS. */
function run(bin: string, args: string[], input: Buffer | string = ''): Promise<ToolRun> {
  return runTool(bin, args, { input, env: { LC_ALL: 'C.UTF-8' }, timeoutMs: RUN_TIMEOUT_MS });
}

let server: TesseraServer;
let target: TargetAddress;
let tmp: string;

async function connect(): Promise<mysql.Connection> {
  return mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: DB });
}

async function hexRows(table: string, cols: string[]): Promise<string[][]> {
  const c = await connect();
  try {
    const [rows] = await c.query(`SELECT id, ${cols.map((x) => `HEX(${x})`).join(', ')} FROM ${table} ORDER BY id`, []);
    return (rows as Record<string, unknown>[]).map((r) => Object.values(r).map((v) => (v === null ? 'NULL' : String(v))));
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  server = await startTargetOrTessera();
  target = parseTarget(server.url);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-bytes-'));
  const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
  await c.query(`DROP DATABASE IF EXISTS ${DB}`);
  await c.query(`CREATE DATABASE ${DB}`);
  await c.end();
}, 60_000);

afterAll(async () => {
  try {
    const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
    await c.query(`DROP DATABASE IF EXISTS ${DB}`);
    await c.end();
  } catch {
    // the server may be gone already
  }
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!havePy)('PyMySQL', () => {
  it('stores bytes parameters (sent as _binary literals of raw bytes) exactly; a bytes value for VARCHAR is 1366', async () => {
    const script = `
import json, sys, pymysql
c = pymysql.connect(host=sys.argv[1], port=int(sys.argv[2]), user='root', database=sys.argv[3], charset='utf8mb4', autocommit=True)
cur = c.cursor()
data = bytes(range(256))
cur.execute('CREATE TABLE py (id INT PRIMARY KEY, bl BLOB, vb VARBINARY(300), c VARCHAR(10)) DEFAULT CHARSET=utf8mb4')
cur.execute('INSERT INTO py (id, bl, vb, c) VALUES (%s, %s, %s, %s)', (1, data, data, 'h\\u00e9'))
cur.execute('SELECT bl, vb, c FROM py WHERE id = %s', (1,))
bl, vb, ch = cur.fetchone()
err = None
try:
    cur.execute('INSERT INTO py (id, c) VALUES (%s, %s)', (2, b'a\\xffb'))
except pymysql.MySQLError as e:
    err = e.args[0]
cur.execute('SELECT id FROM py WHERE vb = %s', (data,))
found = [r[0] for r in cur.fetchall()]
print(json.dumps({'bl': bl.hex(), 'vb': vb.hex(), 'c': ch, 'err': err, 'found': found}))
`;
    const r = await run(PYTHON, ['-c', script, target.host, String(target.port), DB]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toEqual({ bl: ALL_BYTES.toString('hex'), vb: ALL_BYTES.toString('hex'), c: 'hé', err: 1366, found: [1] });
  });
});

describe.skipIf(!havePhp)('PHP', () => {
  it('PDO keeps string and LOB parameters exactly, with server-side and with emulated prepares', async () => {
    const script = `
[$host, $port, $db] = array_slice($argv, 1);
$all = ''; for ($i = 0; $i < 256; $i++) $all .= chr($i);
$out = [];
foreach ([false, true] as $emulate) {
  $pdo = new PDO("mysql:host=$host;port=$port;dbname=$db;charset=utf8mb4", 'root', '', [PDO::ATTR_EMULATE_PREPARES => $emulate, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
  $t = $emulate ? 'pdo_emul' : 'pdo_real';
  $pdo->exec("CREATE TABLE $t (id INT PRIMARY KEY, b BLOB, vb VARBINARY(300), c VARCHAR(10)) DEFAULT CHARSET=utf8mb4");
  $st = $pdo->prepare("INSERT INTO $t (id, b, vb) VALUES (?, ?, ?)");
  $st->bindValue(1, 1, PDO::PARAM_INT);
  $st->bindValue(2, $all, PDO::PARAM_LOB);
  $st->bindValue(3, $all, PDO::PARAM_STR);
  $st->execute();
  $r = $pdo->query("SELECT b, vb FROM $t WHERE id = 1")->fetch(PDO::FETCH_NUM);
  $err = null;
  try { $pdo->prepare("INSERT INTO $t (id, c) VALUES (?, ?)")->execute([2, "a\\xffb"]); } catch (PDOException $e) { $err = $e->errorInfo[1]; }
  $out[$t] = [bin2hex($r[0]), bin2hex($r[1]), $err];
}
echo json_encode($out);
`;
    const r = await run('php', ['-r', script, target.host, String(target.port), DB]);
    expect(r.stderr).toBe('');
    const hex = ALL_BYTES.toString('hex');
    expect(JSON.parse(r.stdout)).toEqual({ pdo_real: [hex, hex, 1366], pdo_emul: [hex, hex, 1366] });
  });

  it('mysqli send_long_data chunks reach a BLOB exactly', async () => {
    const script = `
[$host, $port, $db] = array_slice($argv, 1);
$all = ''; for ($i = 0; $i < 256; $i++) $all .= chr($i);
$m = new mysqli($host, 'root', '', $db, (int)$port);
$m->set_charset('utf8mb4');
$m->query('CREATE TABLE mli (id INT PRIMARY KEY, b LONGBLOB)');
$s = $m->prepare('INSERT INTO mli VALUES (?, ?)');
$id = 1; $null = null;
$s->bind_param('ib', $id, $null);
foreach (str_split($all, 37) as $chunk) $s->send_long_data(1, $chunk);
$s->execute();
echo bin2hex($m->query('SELECT b FROM mli')->fetch_row()[0]);
`;
    const r = await run('php', ['-r', script, target.host, String(target.port), DB]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(ALL_BYTES.toString('hex'));
  });
});

describe('mysql2', () => {
  it('round-trips Buffers through execute (BLOB parameters) and query (escaped by the client)', async () => {
    const c = await connect();
    try {
      await c.query('CREATE TABLE m2 (id INT PRIMARY KEY, b BLOB, vb VARBINARY(300))');
      await c.execute('INSERT INTO m2 VALUES (?, ?, ?)', [1, ALL_BYTES, ALL_BYTES]);
      await c.query('INSERT INTO m2 VALUES (?, ?, ?)', [2, ALL_BYTES, ALL_BYTES]);
      const [text] = await c.query('SELECT b, vb FROM m2 ORDER BY id');
      const [bin] = await c.execute('SELECT b, vb FROM m2 WHERE vb = ? ORDER BY id', [ALL_BYTES]);
      for (const rows of [text, bin]) {
        for (const row of rows as { b: Buffer; vb: Buffer }[]) {
          expect(Buffer.isBuffer(row.b) && row.b.equals(ALL_BYTES)).toBe(true);
          expect(Buffer.isBuffer(row.vb) && row.vb.equals(ALL_BYTES)).toBe(true);
        }
      }
      expect((bin as unknown[]).length).toBe(2);
    } finally {
      await c.end();
    }
  });
});

describe.skipIf(!haveCli)('mariadb CLI', () => {
  it('pipes a file of raw bytes (what a dump restore does) into BLOB, VARBINARY and text columns exactly', async () => {
    const lit = Buffer.concat([Buffer.from("'"), dumpEscape(ALL_BYTES), Buffer.from("'")]);
    const file = Buffer.concat([
      Buffer.from('CREATE TABLE cli_raw (id INT PRIMARY KEY, bl BLOB, vb VARBINARY(300), c VARCHAR(20)) DEFAULT CHARSET=utf8mb4;\n'),
      Buffer.from('INSERT INTO cli_raw VALUES (1, '),
      lit,
      Buffer.from(', '),
      lit,
      Buffer.from(", 'h\u00e9llo \u2713');\n", 'utf8'),
      Buffer.from("INSERT INTO cli_raw (id, bl) VALUES (2, _binary'"),
      dumpEscape(Buffer.of(0x00, 0xff, 0x10)),
      Buffer.from("');\n"),
      Buffer.from('SELECT id, HEX(bl), HEX(vb), HEX(c) FROM cli_raw ORDER BY id;\n'),
    ]);
    writeFileSync(path.join(tmp, 'raw.sql'), file);
    const r = await run('mariadb', [...mariadbLoginArgs(target), '--default-character-set=utf8mb4', '--batch', '--skip-column-names', DB], readFileSync(path.join(tmp, 'raw.sql')));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split('\t'))).toEqual([
      ['1', ALL_HEX, ALL_HEX, Buffer.from('héllo ✓', 'utf8').toString('hex').toUpperCase()],
      ['2', '00FF10', 'NULL', 'NULL'],
    ]);
  });
});

describe.skipIf(!haveDump)('mariadb-dump without --hex-blob', () => {
  it('dumps BLOB, VARBINARY and BINARY values as raw bytes that a restore puts back exactly', async () => {
    const c = await connect();
    try {
      await c.query('CREATE TABLE dumped (id INT PRIMARY KEY, bl BLOB, vb VARBINARY(300), bn BINARY(4), c VARCHAR(20)) DEFAULT CHARSET=utf8mb4');
      await c.execute('INSERT INTO dumped VALUES (?, ?, ?, ?, ?)', [1, ALL_BYTES, ALL_BYTES, Buffer.of(0xff, 0, 0x80, 0x27), 'héllo ✓']);
      await c.execute('INSERT INTO dumped VALUES (?, ?, ?, ?, ?)', [2, Buffer.from(ALL_BYTES).reverse(), Buffer.of(0x5c, 0x00, 0x0d), Buffer.of(0x0a), null]);
    } finally {
      await c.end();
    }
    const cols = ['bl', 'vb', 'bn', 'c'];
    const before = await hexRows('dumped', cols);
    expect(before[0]![1]).toBe(ALL_HEX);

    const dump = await run('mariadb-dump', [...mariadbLoginArgs(target), DB, 'dumped']);
    expect(dump.code).toBe(0);
    // raw bytes, not hex: 0xFF appears as itself inside the INSERT
    const insert = dump.stdoutBytes.subarray(dump.stdoutBytes.indexOf('INSERT INTO'));
    expect(insert.includes(Buffer.of(0xfe, 0xff))).toBe(true);
    expect(insert.includes(Buffer.from(ALL_HEX.slice(0, 32)))).toBe(false);
    writeFileSync(path.join(tmp, 'dump.sql'), dump.stdoutBytes);

    const drop = await connect();
    await drop.query('DROP TABLE dumped');
    await drop.end();
    // --force: statements this slice does not own (ALTER TABLE … DISABLE KEYS) may still fail
    // on Tessera; the rows must come back whole regardless.
    const restore = await run('mariadb', [...mariadbLoginArgs(target), '--force', DB], readFileSync(path.join(tmp, 'dump.sql')));
    expect(restore.stderr).not.toMatch(/INSERT|1366|Incorrect string/);
    expect(await hexRows('dumped', cols)).toEqual(before);
  });
});

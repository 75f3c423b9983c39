// COM_STMT_PREPARE describes each `?` by the type MySQL 8 infers for it (the column it is
// compared with or stored into, BIGINT for integers and LIMIT, VARCHAR with nothing to go
// by), read back from the reply's parameter definitions through mysql2; and PHP PDO's native
// prepares (mysqlnd reads those definitions) bind and run with them.
// Needs php-cli with php-mysql for the PDO case (skipped with a message where absent).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/installed.js';
import { runTool } from '../harness/run-tool.js';
import { parseTarget, startTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const DB = 'param_types';
const havePhp = canRun(import.meta.url, 'the PDO case', 'php-pdo');

// MySQL's protocol type numbers.
const LONGLONG = 8;
const NEWDECIMAL = 246;
const DOUBLE = 5;
const DATETIME = 12;
const DATE = 10;
const VAR_STRING = 253;
const UNSIGNED_FLAG = 32;

let server: TesseraServer;
let target: TargetAddress;
let conn: mysql.Connection;

beforeAll(async () => {
  server = await startTessera();
  target = parseTarget(server.url);
  conn = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
  await conn.query(`CREATE DATABASE ${DB}`);
  await conn.query(`USE ${DB}`);
  await conn.query('CREATE TABLE t (id BIGINT PRIMARY KEY, n INT UNSIGNED, name VARCHAR(20), price DECIMAL(10,2), at DATETIME, d DOUBLE, day DATE)');
  await conn.query("INSERT INTO t VALUES (1, 10, 'one', 1.50, '2024-01-02 03:04:05', 0.5, '2024-01-02'), (2, 20, 'two', 2.50, NULL, NULL, NULL)");
});

afterAll(async () => {
  await conn?.end();
  await server?.stop();
});

interface ParamDef {
  columnType: number;
  flags: number;
}

/** The parameter definitions of the PREPARE reply, as [type, unsigned] pairs. */
async function paramTypes(sql: string): Promise<[number, boolean][]> {
  const st = await conn.prepare(sql);
  try {
    const defs = (st as unknown as { statement: { parameters: ParamDef[] } }).statement.parameters;
    return defs.map((p) => [p.columnType, (p.flags & UNSIGNED_FLAG) !== 0]);
  } finally {
    await st.close();
  }
}

describe('parameter definitions in the PREPARE reply', () => {
  it('a SELECT: the compared column, BIGINT for LIMIT, VARCHAR with nothing to go by', async () => {
    expect(await paramTypes('SELECT name FROM t WHERE id = ? AND name = ? LIMIT ?')).toEqual([[LONGLONG, false], [VAR_STRING, false], [LONGLONG, false]]);
    expect(await paramTypes('SELECT ?, CONCAT(?, name) FROM t')).toEqual([[VAR_STRING, false], [VAR_STRING, false]]);
    expect(await paramTypes('SELECT * FROM t WHERE price BETWEEN ? AND ? AND n > ? AND ? < d')).toEqual([[NEWDECIMAL, false], [NEWDECIMAL, false], [LONGLONG, true], [DOUBLE, false]]);
    expect(await paramTypes('SELECT a.id FROM t AS a JOIN t AS b ON a.id = b.id WHERE b.at >= ? AND a.id IN (?, ?)')).toEqual([[DATETIME, false], [LONGLONG, false], [LONGLONG, false]]);
  });

  it('INSERT, UPDATE and DELETE: the target column', async () => {
    expect(await paramTypes('INSERT INTO t (id, n, name, price, at, d, day) VALUES (?, ?, ?, ?, ?, ?, ?)')).toEqual([
      [LONGLONG, false], [LONGLONG, true], [VAR_STRING, false], [NEWDECIMAL, false], [DATETIME, false], [DOUBLE, false], [DATE, false],
    ]);
    expect(await paramTypes('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = ?')).toEqual([
      [LONGLONG, false], [LONGLONG, true], [VAR_STRING, false], [NEWDECIMAL, false], [DATETIME, false], [DOUBLE, false], [DATE, false], [LONGLONG, true],
    ]);
    expect(await paramTypes('UPDATE t SET name = ?, price = ? WHERE id = ? OR n IN (?)')).toEqual([[VAR_STRING, false], [NEWDECIMAL, false], [LONGLONG, false], [LONGLONG, true]]);
    expect(await paramTypes('DELETE FROM t WHERE id = ? LIMIT ?')).toEqual([[LONGLONG, false], [LONGLONG, false]]);
  });

  it('executes with what the client sends, typed or not', async () => {
    const [rows] = await conn.execute('SELECT name FROM t WHERE id = ? AND price > ?', [2, '1.00']);
    expect(rows).toEqual([{ name: 'two' }]);
    const [rows2] = await conn.execute('SELECT name FROM t WHERE id = ?', ['1']);
    expect(rows2).toEqual([{ name: 'one' }]);
  });
});

describe.skipIf(!havePhp)('PHP PDO with native prepares', () => {
  it('binds integers and strings against the typed parameter definitions', async () => {
    const script = `
[$host, $port, $db] = array_slice($argv, 1);
$pdo = new PDO("mysql:host=$host;port=$port;dbname=$db;charset=utf8mb4", 'root', '', [PDO::ATTR_EMULATE_PREPARES => false, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_STRINGIFY_FETCHES => false]);
$st = $pdo->prepare('SELECT id, name FROM t WHERE id = ? AND name <> ? LIMIT ?');
$st->bindValue(1, 2, PDO::PARAM_INT);
$st->bindValue(2, 'x', PDO::PARAM_STR);
$st->bindValue(3, 5, PDO::PARAM_INT);
$st->execute();
$a = $st->fetchAll(PDO::FETCH_NUM);
$ins = $pdo->prepare('INSERT INTO t (id, n, name, price) VALUES (?, ?, ?, ?)');
$ins->execute([3, '30', 'three', '3.25']);
$b = $pdo->query('SELECT id, n, name, price FROM t WHERE id = 3')->fetchAll(PDO::FETCH_NUM);
echo json_encode([$a, $b, $st->columnCount()]);
`;
    const r = await runTool('php', ['-r', script, target.host, String(target.port), DB], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([[[2, 'two']], [[3, 30, 'three', '3.25']], 2]);
  });
});

// mysql2/promise against one server: type round trips (text and prepared), error codes with
// SQLSTATE, session commands, KILL, ping, reset, a >16 MiB row, and a 50-connection pool.
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from '../harness/server.js';

const DB = 'it_mysql2';

let server: TesseraServer | undefined;
let target: TargetAddress;
let isTessera = false;
const opened: mysql.Connection[] = [];

function baseConfig(): mysql.ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    connectTimeout: 10_000,
  };
}

async function connect(extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ ...baseConfig(), database: DB, ...extra });
  c.on('error', () => {
    // reported through the pending call
  });
  opened.push(c);
  return c;
}

interface SqlErr {
  errno?: number;
  sqlState?: string;
  message?: string;
}

async function expectSqlError(p: Promise<unknown>, errno: number, sqlState: string): Promise<void> {
  let err: SqlErr | undefined;
  try {
    await p;
  } catch (e) {
    err = e as SqlErr;
  }
  expect(err, `expected error ${errno}`).toBeDefined();
  expect({ errno: err!.errno, sqlState: err!.sqlState }).toEqual({ errno, sqlState });
}

function rowsOf(res: unknown): Record<string, unknown>[] {
  return (res as [Record<string, unknown>[], unknown])[0];
}

beforeAll(async () => {
  server = await startTargetOrTessera();
  target = parseTarget(server.url);
  const admin = await mysql.createConnection(baseConfig());
  try {
    const [rows] = await admin.query('SELECT @@version_comment AS c');
    isTessera = /tessera/i.test(String((rows as { c: string }[])[0]?.c));
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.query(`CREATE DATABASE ${DB}`);
    if (!isTessera) {
      // MariaDB/MySQL: allow 20 MiB rows (Tessera defaults to 64 MiB). New sessions see it.
      await admin.query('SET GLOBAL max_allowed_packet = 67108864');
    }
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  for (const c of opened) c.destroy();
  try {
    const admin = await mysql.createConnection(baseConfig());
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  } catch {
    // server may already be gone
  }
  await server?.stop();
});

const TYPES_DDL = `CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, i INT, iu INT UNSIGNED,
  bi BIGINT, bu BIGINT UNSIGNED,
  dec65 DECIMAL(65,30), money DECIMAL(19,4),
  f FLOAT, d DOUBLE,
  c CHAR(10), vc VARCHAR(100), tx TEXT,
  bl BLOB,
  dt DATE, dtm DATETIME(6), ts TIMESTAMP NULL,
  js JSON, en ENUM('small','medium','large')
)`;

const COLS = ['id', 'ti', 'tu', 'si', 'su', 'mi', 'i', 'iu', 'bi', 'bu', 'dec65', 'money', 'f', 'd', 'c', 'vc', 'tx', 'bl', 'dt', 'dtm', 'ts', 'js', 'en'];
const TRICKY = `it's "quoted" \\back\\slash\\ ; -- not a comment`;
const MULTIBYTE = 'naïve 日本語 😀🎉 Ωμέγα';
const BLOB_BYTES = Buffer.from(Array.from({ length: 256 }, (_, k) => k));
const JSON_DOC = { a: 1, b: [true, null, 'x'], s: 'é😀' };

interface Row {
  id: number;
  values: unknown[];
}

function rowValues(id: number, variant: 'max' | 'min'): Row {
  const max = variant === 'max';
  return {
    id,
    values: [
      id,
      max ? 127 : -128, max ? 255 : 0, max ? 32767 : -32768, max ? 65535 : 0, max ? 8388607 : -8388608,
      max ? 2147483647 : -2147483648, max ? '4294967295' : '0',
      max ? '9223372036854775807' : '-9223372036854775808', max ? '18446744073709551615' : '9007199254740993',
      max ? '12345678901234567890123456789012345.123456789012345678901234567890' : '-0.000000000000000000000000000001',
      max ? '123456789012345.6789' : '-0.0100',
      max ? 1.5 : -0.25, max ? 0.1 : -1e300,
      max ? 'ab' : '', max ? TRICKY : MULTIBYTE, max ? MULTIBYTE : TRICKY,
      max ? BLOB_BYTES : Buffer.alloc(0),
      max ? '2024-02-29' : '1000-01-01', max ? '2024-02-29 12:34:56.123456' : '1970-01-01 00:00:00.000001',
      max ? '2024-01-01 00:00:01' : '2038-01-19 03:14:07',
      JSON.stringify(JSON_DOC), max ? 'medium' : 'large',
    ],
  };
}

function normalize(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of COLS) {
    let v = row[k];
    if (Buffer.isBuffer(v)) v = v.toString('hex');
    else if (typeof v === 'number' || typeof v === 'bigint') v = String(v);
    if (k === 'js' && typeof v === 'string') v = JSON.parse(v);
    out[k] = v;
  }
  return out;
}

function expectedOf(r: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  COLS.forEach((k, idx) => {
    let v = r.values[idx];
    if (Buffer.isBuffer(v)) v = v.toString('hex');
    else if (typeof v === 'number') v = String(v);
    if (k === 'js') v = JSON.parse(v as string);
    out[k] = v;
  });
  // Integer-typed strings come back without the quotes a string parameter had.
  return out;
}

function sqlLiteral(v: unknown): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return v.length === 0 ? "''" : `X'${v.toString('hex')}'`;
  if (typeof v === 'number') return String(v);
  return mysql.escape(String(v));
}

describe('mysql2 type round trips', () => {
  let conn: mysql.Connection;
  beforeAll(async () => {
    conn = await connect();
    await conn.query("SET time_zone = '+00:00'");
    await conn.query(TYPES_DDL);
  });

  it('text protocol: literals in, text rows out', async () => {
    for (const r of [rowValues(1, 'max'), rowValues(2, 'min')]) {
      await conn.query(`INSERT INTO types (${COLS.join(',')}) VALUES (${r.values.map(sqlLiteral).join(',')})`);
    }
    await conn.query(`INSERT INTO types (id) VALUES (3)`);
    const [rows] = await conn.query('SELECT * FROM types WHERE id IN (1, 2) ORDER BY id');
    const got = (rows as Record<string, unknown>[]).map(normalize);
    expect(got[0]).toEqual(expectedOf(rowValues(1, 'max')));
    expect(got[1]).toEqual(expectedOf(rowValues(2, 'min')));
    const [nulls] = await conn.query('SELECT * FROM types WHERE id = 3');
    const n = (nulls as Record<string, unknown>[])[0]!;
    for (const k of COLS.slice(1)) expect(n[k], k).toBeNull();
  });

  it('prepared statements: parameters in, binary rows out', async () => {
    for (const r of [rowValues(11, 'max'), rowValues(12, 'min')]) {
      await conn.execute(`INSERT INTO types (${COLS.join(',')}) VALUES (${COLS.map(() => '?').join(',')})`, r.values as never[]);
    }
    await conn.execute(`INSERT INTO types (${COLS.join(',')}) VALUES (${COLS.map(() => '?').join(',')})`, [13, ...COLS.slice(1).map(() => null)] as never[]);
    const [rows] = await conn.execute('SELECT * FROM types WHERE id IN (?, ?) ORDER BY id', [11, 12]);
    const got = (rows as Record<string, unknown>[]).map(normalize);
    expect(got[0]).toEqual({ ...expectedOf(rowValues(1, 'max')), id: '11' });
    expect(got[1]).toEqual({ ...expectedOf(rowValues(2, 'min')), id: '12' });
    const [nulls] = await conn.execute('SELECT * FROM types WHERE id = ?', [13]);
    const n = (nulls as Record<string, unknown>[])[0]!;
    for (const k of COLS.slice(1)) expect(n[k], k).toBeNull();
    // Text and binary protocols agree on the rows inserted either way.
    const [t] = await conn.query('SELECT * FROM types WHERE id IN (1, 11) ORDER BY id');
    const [b] = await conn.execute('SELECT * FROM types WHERE id IN (1, 11) ORDER BY id');
    const strip = (r: Record<string, unknown>): Record<string, unknown> => ({ ...normalize(r), id: 0 });
    expect(strip((t as Record<string, unknown>[])[0]!)).toEqual(strip((t as Record<string, unknown>[])[1]!));
    expect(strip((b as Record<string, unknown>[])[0]!)).toEqual(strip((t as Record<string, unknown>[])[0]!));
  });

  it('BigInt parameters and exact 64-bit values', async () => {
    await conn.query('CREATE TABLE big (id INT PRIMARY KEY, s BIGINT, u BIGINT UNSIGNED)');
    await conn.execute('INSERT INTO big VALUES (?, ?, ?)', [1, 9223372036854775807n, '18446744073709551615']);
    await conn.execute('INSERT INTO big VALUES (?, ?, ?)', [2, -9223372036854775808n, 9007199254740993n]);
    await conn.execute('INSERT INTO big VALUES (?, ?, ?)', [3, 9007199254740993n, '9007199254740993']);
    const [rows] = await conn.execute('SELECT id, s, u, s + 1 AS s1 FROM big WHERE id = ?', [3]);
    expect(rowsOf([rows])[0]).toEqual({ id: 3, s: '9007199254740993', u: '9007199254740993', s1: '9007199254740994' });
    const [all] = await conn.query('SELECT s, u FROM big ORDER BY id');
    expect(all).toEqual([
      { s: '9223372036854775807', u: '18446744073709551615' },
      { s: '-9223372036854775808', u: '9007199254740993' },
      { s: '9007199254740993', u: '9007199254740993' },
    ]);
    const [w] = await conn.execute('SELECT id FROM big WHERE s = ?', ['9007199254740993']);
    expect(w).toEqual([{ id: 3 }]);
    // Without bigNumberStrings mysql2 returns safe integers as numbers.
    const plain = await connect({ bigNumberStrings: false, supportBigNumbers: false });
    const [p] = await plain.query('SELECT 42 AS a, CAST(-7 AS SIGNED) AS b');
    expect(p).toEqual([{ a: 42, b: -7 }]);
  });

  it('money arithmetic is exact', async () => {
    await conn.query('CREATE TABLE ledger (id INT PRIMARY KEY, amt DECIMAL(19,4))');
    await conn.query('INSERT INTO ledger VALUES (1, 0.1), (2, 0.2), (3, 1234567890123.4567), (4, -0.3)');
    const [rows] = await conn.query('SELECT SUM(amt) AS s, SUM(amt) - 1234567890123.4567 AS z FROM ledger');
    expect(rows).toEqual([{ s: '1234567890123.4567', z: '0.0000' }]);
    const [p] = await conn.execute('SELECT amt * ? AS x FROM ledger WHERE id = ?', ['3', 1]);
    expect(Number((p as { x: string }[])[0]!.x)).toBeCloseTo(0.3, 12);
  });
});

describe('mysql2 errors carry errno and SQLSTATE', () => {
  let conn: mysql.Connection;
  beforeAll(async () => {
    conn = await connect();
    await conn.query('CREATE TABLE e (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, n TINYINT)');
    await conn.query("INSERT INTO e VALUES (1, 'a', 1), (2, 'b', 2)");
  });

  it('1064 syntax error', async () => {
    await expectSqlError(conn.query('SELEC 1'), 1064, '42000');
    await expectSqlError(conn.execute('SELEC ?', [1]), 1064, '42000');
  });
  it('1146 unknown table', () => expectSqlError(conn.query('SELECT * FROM nosuch'), 1146, '42S02'));
  it('1049 unknown database', () => expectSqlError(conn.query('USE nosuchdb_it'), 1049, '42000'));
  it('1054 unknown column', () => expectSqlError(conn.query('SELECT nocol FROM e'), 1054, '42S22'));
  it('1062 duplicate key', async () => {
    await expectSqlError(conn.query("INSERT INTO e VALUES (1, 'x', 0)"), 1062, '23000');
    await expectSqlError(conn.execute('INSERT INTO e VALUES (?, ?, ?)', [2, 'y', 0]), 1062, '23000');
  });
  it('1048 NOT NULL column', () => expectSqlError(conn.query('INSERT INTO e VALUES (3, NULL, 0)'), 1048, '23000'));
  it('1406 data too long', () => expectSqlError(conn.query("INSERT INTO e VALUES (4, 'abcd', 0)"), 1406, '22001'));
  it('1264 out of range', () => expectSqlError(conn.query("INSERT INTO e VALUES (5, 'a', 300)"), 1264, '22003'));

  it('1205 lock wait timeout between two connections', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('BEGIN');
    await a.query("UPDATE e SET name = 'A' WHERE id = 1");
    await b.query('SET innodb_lock_wait_timeout = 1');
    await b.query('BEGIN');
    const started = Date.now();
    await expectSqlError(b.query("UPDATE e SET name = 'B' WHERE id = 1"), 1205, 'HY000');
    expect(Date.now() - started).toBeLessThan(15_000);
    await b.query('ROLLBACK');
    await a.query('ROLLBACK');
  }, 30_000);

  it('1213 deadlock between two connections', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('SET innodb_lock_wait_timeout = 20');
    await b.query('SET innodb_lock_wait_timeout = 20');
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query("UPDATE e SET name = 'a1' WHERE id = 1");
    await b.query("UPDATE e SET name = 'b2' WHERE id = 2");
    const pa = a.query("UPDATE e SET name = 'a2' WHERE id = 2").then(() => undefined, (e: SqlErr) => e);
    await new Promise((r) => setTimeout(r, 300));
    const pb = b.query("UPDATE e SET name = 'b1' WHERE id = 1").then(() => undefined, (e: SqlErr) => e);
    const [ea, eb] = await Promise.all([pa, pb]);
    const errs = [ea, eb].filter((e): e is SqlErr => e !== undefined);
    expect(errs.length).toBe(1);
    expect({ errno: errs[0]!.errno, sqlState: errs[0]!.sqlState }).toEqual({ errno: 1213, sqlState: '40001' });
    await a.query('ROLLBACK');
    await b.query('ROLLBACK');
    const [rows] = await conn.query('SELECT id, name FROM e ORDER BY id');
    expect(rows).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  }, 60_000);
});

describe('mysql2 session behaviour', () => {
  it('multi-statements return several result sets', async () => {
    const c = await connect({ multipleStatements: true });
    await c.query('CREATE TABLE ms (id INT PRIMARY KEY, v VARCHAR(5))');
    const [results] = await c.query("SELECT 1 AS a; SELECT 2 AS b, 'x' AS c; INSERT INTO ms VALUES (1, 'one'), (2, 'two'); SELECT id, v FROM ms ORDER BY id");
    const r = results as unknown[];
    expect(r.length).toBe(4);
    expect(r[0]).toEqual([{ a: 1 }]);
    expect(r[1]).toEqual([{ b: 2, c: 'x' }]);
    expect((r[2] as { affectedRows: number }).affectedRows).toBe(2);
    expect(r[3]).toEqual([{ id: 1, v: 'one' }, { id: 2, v: 'two' }]);
  });

  it('answers the probes clients send on connect', async () => {
    const c = await connect();
    const [vc] = await c.query('SELECT @@version_comment LIMIT 1');
    expect(Object.keys((vc as object[])[0]!)).toEqual(['@@version_comment']);
    expect(typeof Object.values((vc as object[])[0]!)[0]).toBe('string');
    const [v] = await c.query('SELECT @@version AS v, DATABASE() AS d, USER() AS u');
    expect((v as { d: string }[])[0]!.d).toBe(DB);
    expect((v as { v: string }[])[0]!.v).toMatch(/^\d+\.\d+\.\d+/);
    await c.query('SET NAMES utf8mb4');
    await c.query('SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci');
    const [e] = await c.query('SELECT ? AS s', ['😀 ünï']);
    expect(e).toEqual([{ s: '😀 ünï' }]);
    const [cs] = await c.query('SELECT @@character_set_client, @@character_set_connection, @@character_set_results');
    expect(Object.values((cs as object[])[0]!)).toEqual(['utf8mb4', 'utf8mb4', 'utf8mb4']);
  });

  it('SET autocommit and explicit transactions', async () => {
    const c = await connect();
    const other = await connect();
    await c.query('CREATE TABLE ac (id INT PRIMARY KEY)');
    await c.query('SET autocommit = 0');
    await c.query('INSERT INTO ac VALUES (1)');
    const [before] = await other.query('SELECT COUNT(*) AS n FROM ac');
    expect(Number((before as { n: string }[])[0]!.n)).toBe(0);
    await c.query('ROLLBACK');
    await c.query('INSERT INTO ac VALUES (2)');
    await c.query('COMMIT');
    await c.query('SET autocommit = 1');
    const [after] = await other.query('SELECT id FROM ac');
    expect(after).toEqual([{ id: 2 }]);
    const [ac] = await c.query('SELECT @@autocommit AS a');
    expect(String((ac as { a: unknown }[])[0]!.a)).toBe('1');
  });

  it('SHOW VARIABLES LIKE and SHOW WARNINGS', async () => {
    const c = await connect();
    const [vars] = await c.query("SHOW VARIABLES LIKE 'max_allowed_packet'");
    const row = (vars as Record<string, string>[])[0]!;
    expect(Object.keys(row)).toEqual(['Variable_name', 'Value']);
    expect(row.Variable_name).toBe('max_allowed_packet');
    expect(Number(row.Value)).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    const [none] = await c.query("SHOW VARIABLES LIKE 'no_such_variable_xyz'");
    expect(none).toEqual([]);
    await c.query('CREATE TABLE w (id INT PRIMARY KEY)');
    await c.query('INSERT INTO w VALUES (1)');
    const [res] = await c.query('INSERT IGNORE INTO w VALUES (1), (2)');
    expect((res as { affectedRows: number; warningStatus: number }).affectedRows).toBe(1);
    expect((res as { warningStatus: number }).warningStatus).toBe(1);
    const [warnings] = await c.query('SHOW WARNINGS');
    const w = (warnings as { Level: string; Code: number; Message: string }[])[0]!;
    expect(w.Level).toBe('Warning');
    expect(w.Code).toBe(1062);
    expect(w.Message).toMatch(/Duplicate entry '1'/);
  });

  it('USE switches DATABASE()', async () => {
    const c = await connect();
    await c.query('CREATE DATABASE IF NOT EXISTS it_mysql2_other');
    await c.query('USE it_mysql2_other');
    expect((await c.query('SELECT DATABASE() AS d'))[0]).toEqual([{ d: 'it_mysql2_other' }]);
    await c.query(`USE ${DB}`);
    expect((await c.query('SELECT DATABASE() AS d'))[0]).toEqual([{ d: DB }]);
    await c.query('DROP DATABASE it_mysql2_other');
  });

  it('SHOW PROCESSLIST lists this connection and KILL ends another', async () => {
    const a = await connect();
    const b = await connect();
    const [list] = await a.query('SHOW PROCESSLIST');
    const rows = list as { Id: number | string; User: string; db: string | null; Command: string }[];
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['Id', 'User', 'Host', 'db', 'Command', 'Time', 'State', 'Info']));
    const ids = rows.map((r) => Number(r.Id));
    expect(ids).toContain(a.threadId);
    expect(ids).toContain(b.threadId);
    await a.query(`KILL ${b.threadId}`);
    let failed = false;
    try {
      await b.query('SELECT 1');
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    const [after] = await a.query('SHOW PROCESSLIST');
    expect((after as { Id: number }[]).map((r) => Number(r.Id))).not.toContain(b.threadId);
  });

  it('COM_PING and COM_RESET_CONNECTION', async () => {
    const c = await connect();
    await c.ping();
    await c.query('SET @x = 42');
    const [v] = await c.query('SELECT @x AS x');
    expect(String((v as { x: unknown }[])[0]!.x)).toBe('42');
    await c.execute('SELECT ? AS p', [1]);
    await c.reset();
    const [after] = await c.query('SELECT @x AS x, DATABASE() AS d');
    expect(after).toEqual([{ x: null, d: DB }]);
    const [p] = await c.execute('SELECT ? AS p', [2]);
    expect(p).toEqual([{ p: 2 }]);
    await c.ping();
  });

  it('a 20 MiB row crosses the 16 MiB packet boundary both ways', async () => {
    const c = await connect();
    await c.query('CREATE TABLE huge (id INT PRIMARY KEY, b LONGBLOB)');
    const size = 20 * 1024 * 1024;
    const buf = Buffer.alloc(size);
    for (let k = 0; k < size; k += 4096) buf.writeUInt32LE((k * 2654435761) >>> 0, k);
    const sha = createHash('sha256').update(buf).digest('hex');
    await c.execute('INSERT INTO huge VALUES (?, ?)', [1, buf]);
    const [rows] = await c.query('SELECT id, LENGTH(b) AS n, b FROM huge');
    const r = (rows as { n: number | string; b: Buffer }[])[0]!;
    expect(Number(r.n)).toBe(size);
    expect(createHash('sha256').update(r.b).digest('hex')).toBe(sha);
    const [rows2] = await c.execute('SELECT b FROM huge WHERE id = ?', [1]);
    expect(createHash('sha256').update((rows2 as { b: Buffer }[])[0]!.b).digest('hex')).toBe(sha);
    await c.query('DROP TABLE huge');
  }, 60_000);
});

describe('mysql2 pool under concurrency', () => {
  it('50 connections run 5,000 mixed statements to an exact final state', async () => {
    const pool = mysql.createPool({ ...baseConfig(), database: DB, connectionLimit: 50, waitForConnections: true, queueLimit: 0 });
    pool.on('connection', (c) => c.on('error', () => {}));
    try {
      await pool.query('CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)');
      await pool.query('CREATE TABLE plog (id INT PRIMARY KEY, v INT NOT NULL)');
      const values = Array.from({ length: 100 }, (_, k) => `(${k}, 0)`).join(',');
      await pool.query(`INSERT INTO counters VALUES ${values}`);
      const expectedN = new Array<number>(100).fill(0);
      const expectedLog = new Map<number, number>();
      let statements = 0;
      let retries = 0;
      const withRetry = async (fn: () => Promise<void>): Promise<void> => {
        for (let attempt = 0; ; attempt++) {
          try {
            await fn();
            return;
          } catch (e) {
            const errno = (e as SqlErr).errno;
            if ((errno === 1213 || errno === 1205) && attempt < 5) {
              retries++;
              continue;
            }
            throw e;
          }
        }
      };
      const task = async (i: number): Promise<void> => {
        const key = i % 100;
        switch (i % 5) {
          case 0:
            expectedLog.set(i, i);
            statements++;
            if (i % 2 === 0) await pool.execute('INSERT INTO plog VALUES (?, ?)', [i, i]);
            else await pool.query('INSERT INTO plog VALUES (?, ?)', [i, i]);
            return;
          case 1:
            expectedN[key]! += 1;
            statements++;
            await withRetry(async () => {
              await pool.execute('UPDATE counters SET n = n + 1 WHERE id = ?', [key]);
            });
            return;
          case 2: {
            statements++;
            const [rows] = await pool.execute('SELECT n FROM counters WHERE id = ?', [key]);
            expect(typeof (rows as { n: number }[])[0]!.n).toBe('number');
            return;
          }
          case 3:
            expectedN[key]! += 2;
            expectedLog.set(i, -i);
            statements += 4;
            await withRetry(async () => {
              const c = await pool.getConnection();
              try {
                await c.query('BEGIN');
                await c.execute('UPDATE counters SET n = n + 2 WHERE id = ?', [key]);
                await c.query('INSERT INTO plog VALUES (?, ?)', [i, -i]);
                await c.query('COMMIT');
              } catch (e) {
                await c.query('ROLLBACK').catch(() => {});
                throw e;
              } finally {
                c.release();
              }
            });
            return;
          default:
            statements += 3;
            await withRetry(async () => {
              const c = await pool.getConnection();
              try {
                await c.query('START TRANSACTION');
                await c.query('UPDATE counters SET n = n + 1000 WHERE id = ?', [key]);
                await c.query('ROLLBACK');
              } finally {
                c.release();
              }
            });
        }
      };
      const total = 2_500;
      await Promise.all(Array.from({ length: total }, (_, i) => task(i)));
      // A second wave reuses the pooled connections (prepared statement caches included).
      await Promise.all(Array.from({ length: total }, (_, i) => task(total + i)));
      expect(statements).toBeGreaterThanOrEqual(5_000);
      const [cs] = await pool.query('SELECT id, n FROM counters ORDER BY id');
      expect((cs as { n: number }[]).map((r) => r.n)).toEqual(expectedN);
      const [logs] = await pool.query('SELECT id, v FROM plog ORDER BY id');
      const want = [...expectedLog.entries()].sort((x, y) => x[0] - y[0]).map(([id, v]) => ({ id, v }));
      expect(logs).toEqual(want);
      expect(retries).toBeLessThan(50);
    } finally {
      await pool.end();
    }
  }, 120_000);
});

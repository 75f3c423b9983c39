// Bytes are bytes, over the wire: what a client sends as raw bytes — COM_QUERY text that is not
// valid UTF-8, string parameters, SEND_LONG_DATA chunks — reaches BINARY / VARBINARY / BLOB
// columns exactly and comes back exactly (charset 63); character columns get text decoded by the
// connection's charset and refuse bytes that are not text (1366); binary keys compare bytewise;
// a BLOB of all 256 byte values survives the log and a SIGKILL. Also the literal rules: hex and
// bit literals are numbers in numeric context, version comments above our version are skipped.
//
// The raw protocol client (test/harness/raw-mysql.ts) sends exactly the bytes a test gives it,
// as a client with a byte-string API or a dump file does. With TESSERA_TARGET naming a MariaDB
// the MySQL-only expectations are skipped, so the rest can be checked against it.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_BYTES, dumpEscape } from '../harness/bytes.js';
import { isExternalTarget, parseTarget, startTargetOrTessera, type TesseraServer } from '../harness/server.js';
import { ParamType, RawMysql, expectOk, rowsOf, type RawResult } from '../harness/raw-mysql.js';

const DB = 'bytes_test';
const external = isExternalTarget();

let server: TesseraServer;
let port: number;
const open: RawMysql[] = [];

async function raw(opts: { collationId?: number } = {}): Promise<RawMysql> {
  const c = await RawMysql.connect(port, { ...opts, database: DB });
  open.push(c);
  return c;
}

/** SQL text made of ASCII pieces and raw byte pieces. */
function sql(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

/** A mysql2 row with every value as text (bytes as x + hex), so integer widths do not matter. */
function plain(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? `x${v.toString('hex')}` : String(v)]));
}

function cell(r: RawResult, row = 0, col = 0): Buffer | null {
  return rowsOf(r)[row]![col]!;
}

function text(r: RawResult, row = 0, col = 0): string | null {
  return cell(r, row, col)?.toString('latin1') ?? null;
}

beforeAll(async () => {
  server = await startTargetOrTessera();
  port = parseTarget(server.url).port;
  const admin = await raw0();
  expectOk(await admin.query(`DROP DATABASE IF EXISTS ${DB}`));
  expectOk(await admin.query(`CREATE DATABASE ${DB}`));
  admin.close();
}, 60_000);

async function raw0(): Promise<RawMysql> {
  return RawMysql.connect(port);
}

afterAll(async () => {
  for (const c of open.splice(0)) c.close();
  await server?.stop();
});

describe('COM_QUERY text that is not UTF-8', () => {
  it("keeps _binary'\\x00\\xff\\x10' exactly (not 00EFBFBD10)", async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE b (id INT PRIMARY KEY, b VARBINARY(16)) DEFAULT CHARSET=utf8mb4'));
    expectOk(await c.query(sql("INSERT INTO b VALUES (1, _binary'", Buffer.of(0x00, 0xff, 0x10), "')")));
    expect(text(await c.query('SELECT HEX(b) FROM b WHERE id = 1'))).toBe('00FF10');
    const r = await c.query('SELECT b, LENGTH(b) FROM b WHERE id = 1');
    expect(r.kind === 'rows' && r.columns[0]!.charset).toBe(63);
    expect(cell(r)).toEqual(Buffer.of(0x00, 0xff, 0x10));
    expect(text(r, 0, 1)).toBe('3');
  });

  it('stores a plain literal of all 256 bytes, escaped as mysqldump does, into VARBINARY, BLOB and BINARY(255)', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE dumpstyle (id INT PRIMARY KEY, vb VARBINARY(300), bl BLOB, bn BINARY(255)) DEFAULT CHARSET=utf8mb4'));
    const lit = (b: Buffer): Buffer => sql("'", dumpEscape(b), "'");
    const tail = ALL_BYTES.subarray(1); // 0x01 … 0xFF: BINARY(255) holds 255 bytes
    expectOk(await c.query(sql('INSERT INTO dumpstyle VALUES (1, ', lit(ALL_BYTES), ', ', lit(ALL_BYTES), ', ', lit(tail), ')')));
    const r = await c.query('SELECT vb, bl, bn, HEX(bl) FROM dumpstyle');
    expect(rowsOf(r)[0]!.slice(0, 3)).toEqual([ALL_BYTES, ALL_BYTES, tail]);
    expect(text(r, 0, 3)).toBe(ALL_BYTES.toString('hex').toUpperCase());
  });

  it('keeps the backslash of \\% and \\_ and reads \\Z \\0 \\b \\t, as MySQL', async () => {
    const c = await raw();
    const r = await c.query("SELECT HEX('\\%\\_'), HEX('\\Z\\0\\b\\t\\q'), 'a%' LIKE 'a\\%', 'ab' LIKE 'a\\%'");
    expect(rowsOf(r)[0]!.map((b) => b!.toString('latin1'))).toEqual(['5C255C5F', '1A000809' + '71', '1', '0']);
  });

  it('echoes a literal holding invalid UTF-8 byte for byte; LENGTH and CHAR_LENGTH count each bad byte once', async () => {
    const c = await raw();
    const r = await c.query(sql("SELECT 'a", Buffer.of(0xff), "b', HEX('a", Buffer.of(0xff), "b'), LENGTH('", Buffer.of(0xff), "'), CHAR_LENGTH('", Buffer.of(0xfe), "x')"));
    expect(cell(r)).toEqual(Buffer.of(0x61, 0xff, 0x62));
    expect(rowsOf(r)[0]!.slice(1).map((b) => b!.toString('latin1'))).toEqual(['61FF62', '1', '2']);
  });

  it('reads valid UTF-8 into a character column and sends it back in utf8mb4', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE txt (id INT PRIMARY KEY, c VARCHAR(10)) DEFAULT CHARSET=utf8mb4'));
    expectOk(await c.query(sql("INSERT INTO txt VALUES (1, '", Buffer.from('hé✓', 'utf8'), "')")));
    const r = await c.query('SELECT c, HEX(c), CHAR_LENGTH(c) FROM txt WHERE id = 1');
    expect(cell(r)).toEqual(Buffer.from('hé✓', 'utf8'));
    expect(r.kind === 'rows' && r.columns[0]!.charset).not.toBe(63);
    expect(text(r, 0, 1)).toBe('68C3A9E29C93');
    expect(text(r, 0, 2)).toBe('3');
  });

  it('refuses bytes that are not UTF-8 in a character column: 1366 in strict mode, ? and a warning otherwise', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE strict_txt (id INT PRIMARY KEY, c VARCHAR(20)) DEFAULT CHARSET=utf8mb4'));
    const bad = await c.query(sql("INSERT INTO strict_txt VALUES (1, 'a", Buffer.of(0xff), "b')"));
    expect(bad).toMatchObject({ kind: 'error', errno: 1366 });
    if (!external) {
      expect(bad).toMatchObject({ sqlState: 'HY000', message: "Incorrect string value: '\\xFFb' for column 'c' at row 1" });
    }
    // from a binary string too, as MySQL converts binary to utf8mb4
    expect(await c.query("INSERT INTO strict_txt VALUES (2, _binary'\\0')")).toMatchObject({ kind: 'ok' });
    expect(await c.query(sql("INSERT INTO strict_txt SELECT 3, _binary'", Buffer.of(0xc3), "'"))).toMatchObject({ kind: 'error', errno: 1366 });
    // two halves of a character joined are the character
    expectOk(await c.query(sql("INSERT INTO strict_txt VALUES (4, CONCAT('", Buffer.of(0xc3), "', '", Buffer.of(0xa9), "'))")));
    expect(text(await c.query('SELECT HEX(c) FROM strict_txt WHERE id = 4'))).toBe('C3A9');

    expectOk(await c.query("SET sql_mode = ''"));
    const lenient = expectOk(await c.query(sql("INSERT INTO strict_txt VALUES (5, 'a", Buffer.of(0xff), 'b', Buffer.of(0xfe, 0xfd), "c')")));
    expect(lenient.warnings).toBeGreaterThan(0);
    const w = await c.query('SHOW WARNINGS');
    expect(rowsOf(w).map((row) => row[1]!.toString())).toContain('1366');
    expect(text(await c.query('SELECT c FROM strict_txt WHERE id = 5'))).toBe('a?b??c');
    expect(text(await c.query('SELECT COUNT(*) FROM strict_txt'))).toBe('3');
  });
});

describe('names, JSON and defaults are text', () => {
  it('refuses quoted names holding bytes that are not UTF-8 (1300), JSON values (1366) and such defaults (1067)', async () => {
    const c = await raw();
    for (const q of [
      sql('CREATE TABLE `t', Buffer.of(0xff), '` (c INT)'),
      sql('SELECT 1 AS `a', Buffer.of(0xff), 'b`'),
      sql('SELECT `c', Buffer.of(0xfe), '` FROM b'),
    ]) {
      expect(await c.query(q)).toMatchObject({ kind: 'error', errno: 1300 });
    }
    // unquoted, the byte ends the name and is a syntax error
    expect(await c.query(sql('SELECT c', Buffer.of(0xfe), ' FROM b'))).toMatchObject({ kind: 'error', errno: 1064 });
    const named = await c.query(sql('SELECT 1 AS `a', Buffer.of(0xff), 'b`'));
    if (!external) expect(named).toMatchObject({ sqlState: 'HY000', message: "Invalid utf8mb4 character string: 'a\\xFFb'" });
    expectOk(await c.query('CREATE TABLE js (id INT PRIMARY KEY, j JSON) DEFAULT CHARSET=utf8mb4'));
    expect(await c.query(sql(`INSERT INTO js VALUES (1, '"`, Buffer.of(0xff), `"')`))).toMatchObject({ kind: 'error', errno: 1366 });
    expect(await c.query(sql("CREATE TABLE baddef (c VARCHAR(5) DEFAULT 'a", Buffer.of(0xff), "') DEFAULT CHARSET=utf8mb4"))).toMatchObject({ kind: 'error', errno: 1067 });
  });
});

describe('connection character sets', () => {
  it('decodes text by character_set_client and sends it in character_set_results (SET NAMES latin1)', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE l1 (id INT PRIMARY KEY, c VARCHAR(10)) DEFAULT CHARSET=utf8mb4'));
    expectOk(await c.query('SET NAMES latin1'));
    expectOk(await c.query(sql("INSERT INTO l1 VALUES (1, '", Buffer.of(0xe9, 0x80), "')"))); // é€ in cp1252
    const r = await c.query('SELECT c, HEX(c), CHAR_LENGTH(c) FROM l1');
    expect(cell(r)).toEqual(Buffer.of(0xe9, 0x80));
    expect(r.kind === 'rows' && r.columns[0]!.charset).toBe(8); // latin1_swedish_ci
    expect(text(r, 0, 1)).toBe('C3A9E282AC'); // held as utf8mb4
    expect(text(r, 0, 2)).toBe('2');
    expectOk(await c.query('SET NAMES utf8mb4'));
    expect(cell(await c.query('SELECT c FROM l1'))).toEqual(Buffer.from('é€', 'utf8'));
  });

  it('takes the charset a client names in its handshake (latin1_swedish_ci = 8)', async () => {
    const c = await raw({ collationId: 8 });
    const r = await c.query('SELECT @@character_set_client, @@character_set_results, @@collation_connection');
    expect(rowsOf(r)[0]!.map((b) => b!.toString())).toEqual(['latin1', 'latin1', 'latin1_swedish_ci']);
    const r2 = await c.query(sql("SELECT '", Buffer.of(0xe9), "', CHAR_LENGTH('", Buffer.of(0xe9, 0x80), "')"));
    expect(cell(r2)).toEqual(Buffer.of(0xe9));
    expect(text(r2, 0, 1)).toBe('2');
  });
});

describe('prepared statements', () => {
  it('keep the bytes of string and blob parameters, and of SEND_LONG_DATA chunks of either type', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE ps (id INT PRIMARY KEY, vb VARBINARY(300), bl BLOB) DEFAULT CHARSET=utf8mb4'));
    const st = await c.prepare('INSERT INTO ps VALUES (?, ?, ?)');
    expect(st.params).toBe(3);
    expectOk(await c.execute(st.id, [{ type: ParamType.LONGLONG, value: 1n }, { type: ParamType.VAR_STRING, value: ALL_BYTES }, { type: ParamType.BLOB, value: ALL_BYTES }]));
    // long data split where a UTF-8 decoder would stumble: in the middle of 0x80..0xFF
    c.sendLongData(st.id, 1, ALL_BYTES.subarray(0, 0xc3));
    c.sendLongData(st.id, 1, ALL_BYTES.subarray(0xc3));
    c.sendLongData(st.id, 2, ALL_BYTES.subarray(0, 0x81));
    c.sendLongData(st.id, 2, ALL_BYTES.subarray(0x81));
    expectOk(await c.execute(st.id, [{ type: ParamType.LONGLONG, value: 2n }, { type: ParamType.STRING, value: 'longData' }, { type: ParamType.BLOB, value: 'longData' }]));
    const r = await c.query('SELECT vb, bl FROM ps ORDER BY id');
    for (const row of rowsOf(r)) for (const v of row) expect(v).toEqual(ALL_BYTES);
    // and back through the binary protocol
    const sel = await c.prepare('SELECT vb, bl FROM ps WHERE id = ?');
    const br = await c.execute(sel.id, [{ type: ParamType.LONGLONG, value: 2n }]);
    expect(rowsOf(br)[0]).toEqual([ALL_BYTES, ALL_BYTES]);
  });

  it('refuse a string parameter that is not UTF-8 for a character column (1366)', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE ps_txt (id INT PRIMARY KEY, c VARCHAR(10)) DEFAULT CHARSET=utf8mb4'));
    const st = await c.prepare('INSERT INTO ps_txt VALUES (?, ?)');
    expect(await c.execute(st.id, [{ type: ParamType.LONGLONG, value: 1n }, { type: ParamType.VAR_STRING, value: Buffer.of(0x61, 0xff) }])).toMatchObject({ kind: 'error', errno: 1366 });
    expectOk(await c.execute(st.id, [{ type: ParamType.LONGLONG, value: 2n }, { type: ParamType.VAR_STRING, value: Buffer.from('é', 'utf8') }]));
    expect(text(await c.query('SELECT HEX(c) FROM ps_txt'))).toBe('C3A9');
  });
});

describe('binary keys compare bytewise', () => {
  // 0x80, 0x81, 0xFE and 0xFF are each invalid UTF-8: a lossy decoder makes them one key.
  const KEYS = [Buffer.of(0x61), Buffer.of(0x80), Buffer.of(0x81), Buffer.of(0xfe), Buffer.of(0xff), Buffer.of(0x00), Buffer.of(0xc3, 0xa9), Buffer.of(0xc3)];
  const lit = (k: Buffer): Buffer => sql("_binary'", dumpEscape(k), "'");

  it('in the primary key, a unique key, ORDER BY, GROUP BY, DISTINCT, point lookups and joins', async () => {
    const c = await raw();
    expectOk(await c.query('CREATE TABLE bk (k VARBINARY(8) PRIMARY KEY, u VARBINARY(8), g VARBINARY(8), UNIQUE KEY (u)) DEFAULT CHARSET=utf8mb4'));
    expectOk(await c.query('CREATE TABLE bj (k VARBINARY(8) PRIMARY KEY, n INT) DEFAULT CHARSET=utf8mb4'));
    for (const [i, k] of KEYS.entries()) {
      expectOk(await c.query(sql('INSERT INTO bk VALUES (', lit(k), ', ', lit(k), ', ', lit(KEYS[i % 3 === 0 ? 1 : 2]!), ')')));
      expectOk(await c.query(sql('INSERT INTO bj VALUES (', lit(k), `, ${i})`)));
    }
    expect(await c.query(sql('INSERT INTO bk VALUES (', lit(Buffer.of(0x7f)), ', ', lit(Buffer.of(0xfe)), ', NULL)'))).toMatchObject({ kind: 'error', errno: 1062 });
    expect(rowsOf(await c.query('SELECT COUNT(*), COUNT(DISTINCT k), COUNT(DISTINCT u) FROM bk'))[0]!.map(String)).toEqual([8, 8, 8].map(String));
    const sorted = [...KEYS].sort(Buffer.compare);
    expect(rowsOf(await c.query('SELECT k FROM bk ORDER BY k')).map((r) => r[0])).toEqual(sorted);
    expect(rowsOf(await c.query('SELECT DISTINCT k FROM bk ORDER BY k')).map((r) => r[0])).toEqual(sorted);
    expect(rowsOf(await c.query('SELECT HEX(g), COUNT(*) FROM bk GROUP BY g ORDER BY g')).map((r) => r.map((b) => b!.toString()))).toEqual([
      ['80', '3'],
      ['81', '5'],
    ]);
    for (const [i, k] of KEYS.entries()) {
      expect(text(await c.query(sql('SELECT n FROM bj WHERE k = ', lit(k))))).toBe(String(i));
      expect(text(await c.query(sql('SELECT HEX(u) FROM bk WHERE u = ', lit(k))))).toBe(k.toString('hex').toUpperCase());
    }
    const joined = await c.query('SELECT HEX(bk.k), bj.n FROM bk JOIN bj ON bj.k = bk.g ORDER BY bk.k');
    expect(rowsOf(joined).map((r) => r[1]!.toString())).toEqual(sorted.map((k) => String(KEYS.indexOf(k) % 3 === 0 ? 1 : 2)));
  });
});

describe('hex and bit literals, version comments (mysql2)', () => {
  it('are numbers in numeric context and binary strings elsewhere, as MySQL', async () => {
    const t = parseTarget(server.url);
    const c = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, supportBigNumbers: true, bigNumberStrings: true });
    try {
      const [rows] = await c.query(
        "SELECT 0xFF + 0 AS a, 0xFFFFFFFFFFFFFFFF + 0 AS b, b'101' + 0 AS c, CAST(0xFF AS UNSIGNED) AS d, 0x41 = 'A' AS e, 0xFF = 255 AS f, " +
          "0x414243 AS g, HEX(0x00FF) AS h, -0xFF AS i, 0x41 IN (65) AS j, 0xFF > 10 AS k, 1 /*!99999 + 1 */ AS l, 1 /*!40101 + 1 */ AS m",
      );
      expect(plain((rows as Record<string, unknown>[])[0]!)).toEqual({
        a: '255', b: '18446744073709551615', c: '5', d: '255', e: '1', f: '1', g: 'x414243', h: '00FF', i: '-255', j: '1', k: '1', l: '1', m: '2',
      });
      await c.query(`USE ${DB}`);
      await c.query('CREATE TABLE hexint (id INT PRIMARY KEY, u INT UNSIGNED, vb VARBINARY(4))');
      await c.query('INSERT INTO hexint VALUES (1, 0xFF, 0xFF), (2, b\'1010\', b\'1010\')');
      const [stored] = await c.query('SELECT u, HEX(vb) AS h FROM hexint ORDER BY id');
      expect((stored as Record<string, unknown>[]).map(plain)).toEqual([{ u: '255', h: 'FF' }, { u: '10', h: '0A' }]);
      if (!external) {
        // X'…' is the same literal as 0x… in MySQL (MariaDB reads X'FF' + 0 as 0)
        const [x] = await c.query("SELECT X'FF' + 0 AS a, x'0A' = 10 AS b, 1 /*!90621 + 1 */ AS c, 1 /*!90900 + 1 */ AS d, 1 /*M!100000 + 1 */ AS e");
        expect(plain((x as Record<string, unknown>[])[0]!)).toEqual({ a: '255', b: '1', c: '2', d: '1', e: '1' });
      }
    } finally {
      await c.end();
    }
  });
});

describe.skipIf(external)('durability', () => {
  it('keeps a BLOB of all 256 byte values byte-exact through the log and a SIGKILL', async () => {
    let c = await raw();
    expectOk(await c.query('CREATE TABLE crashblob (id INT PRIMARY KEY, bl BLOB, vb VARBINARY(256), bk VARBINARY(4), KEY (bk)) DEFAULT CHARSET=utf8mb4'));
    const lit = sql("'", dumpEscape(ALL_BYTES), "'");
    expectOk(await c.query(sql('INSERT INTO crashblob VALUES (1, ', lit, ', ', lit, ", _binary'", Buffer.of(0x00, 0xff), "')")));
    const st = await c.prepare('INSERT INTO crashblob VALUES (?, ?, ?, ?)');
    expectOk(await c.execute(st.id, [{ type: ParamType.LONGLONG, value: 2n }, { type: ParamType.BLOB, value: ALL_BYTES }, { type: ParamType.VAR_STRING, value: ALL_BYTES }, { type: ParamType.VAR_STRING, value: Buffer.of(0xff, 0xfe) }]));
    c.close();
    await server.kill('SIGKILL');
    await server.restart();
    c = await raw();
    const r = await c.query('SELECT bl, vb FROM crashblob ORDER BY id');
    expect(rowsOf(r)).toEqual([
      [ALL_BYTES, ALL_BYTES],
      [ALL_BYTES, ALL_BYTES],
    ]);
    expect(text(await c.query(sql("SELECT id FROM crashblob WHERE bk = _binary'", Buffer.of(0xff, 0xfe), "'")))).toBe('2');
    expect(text(await c.query('SELECT id FROM crashblob WHERE bk = 0x00FF'))).toBe('1');
  }, 90_000);
});

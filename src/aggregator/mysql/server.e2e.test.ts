import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError, SqlError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import { T } from '../../common/types.js';
import { nativeHash, sha2Hash } from './auth.js';
import { AuthPlugin } from './constants.js';
import { startMysqlServer, type MysqlServer } from './server.js';
import {
  ServerStatus,
  type BoundParam,
  type ColumnInfo,
  type ConnectionInfo,
  type ConnectionLimits,
  type PreparedInfo,
  type QueryOutcome,
  type ResultValue,
  type ResultReply,
  type ServerSession,
  type SessionFactory,
  type StatementResult,
  type UserCredentials,
} from './session-api.js';

// ---- a test double of the engine: canned answers for a few SQL strings ----------------------

function col(name: string, type: SqlType): ColumnInfo {
  return { name, orgName: name, table: 't', orgTable: 't', schema: 'db', type, nullable: true };
}

const TYPE_COLUMNS: ColumnInfo[] = [
  col('tiny', T.tinyint),
  col('utiny', { kind: 'int', bytes: 1, unsigned: true }),
  col('small', { kind: 'int', bytes: 2, unsigned: false }),
  col('medium', { kind: 'int', bytes: 3, unsigned: false }),
  col('i', T.int),
  col('ui', { kind: 'int', bytes: 4, unsigned: true }),
  col('big', T.bigint),
  col('ubig', T.ubigint),
  col('dec', T.decimal(10, 2)),
  col('f', T.float),
  col('d', T.double),
  col('ch', { kind: 'string', family: 'char', length: 3, binary: false }),
  col('vc', T.varchar(20)),
  col('txt', T.text),
  col('bl', T.blob),
  col('vb', { kind: 'string', family: 'varchar', length: 8, binary: true }),
  col('dt', T.date),
  col('dtm', T.datetime),
  col('dtm6', { kind: 'datetime', fsp: 6 }),
  col('ts', { kind: 'timestamp', fsp: 0 }),
  col('tm', T.time),
  col('tm6', { kind: 'time', fsp: 6 }),
  col('yr', { kind: 'year' }),
  col('js', T.json),
  col('en', { kind: 'enum', values: ['x', 'y'] }),
  col('nul', T.null),
];
const TYPE_ROW: ResultValue[] = [
  '-5', '250', '-300', '-70000', '-2147483648', '4294967295', '-9223372036854775808', '18446744073709551615',
  '5.00', '1.5', '-2.25', 'abc', 'héllo ✓', 'long text', Uint8Array.of(0, 1, 255), Uint8Array.of(7),
  '2024-02-29', '2024-02-29 13:14:15', '2024-02-29 13:14:15.123456', '2000-01-01 00:00:01', '-26:03:04',
  '10:00:00.000001', '2024', '{"a":1}', 'x', null,
];
const TYPE_NULL_ROW: ResultValue[] = TYPE_COLUMNS.map(() => null);

const rows = (columns: ColumnInfo[], data: ResultValue[][]): StatementResult => ({ kind: 'rows', columns, rows: data, warnings: 0 });
const one = (name: string, v: ResultValue, type: SqlType = T.varchar(100)): StatementResult => rows([col(name, type)], [[v]]);

function account(password: string, which: { native?: boolean; sha2?: boolean }, user: string): UserCredentials {
  return {
    account: { user, host: '%' },
    locked: false,
    nativeHash: which.native ? nativeHash(password) : undefined,
    sha2Hash: which.sha2 ? sha2Hash(password) : undefined,
    verifyPassword: (p) => p === password,
  };
}

const USERS: Record<string, UserCredentials> = {
  root: { account: { user: 'root', host: 'localhost' }, locked: false, verifyPassword: (p) => p === '' },
  alice: account('secret', { native: true, sha2: true }, 'alice'),
  sha2only: account('sha2pw', { sha2: true }, 'sha2only'),
  nativeonly: account('fullpw', { native: true }, 'nativeonly'),
  locked: { ...account('lockedpw', { native: true }, 'locked'), locked: true },
};

class FakeSession implements ServerSession {
  private nextStmt = 1;
  private readonly stmts = new Map<number, string>();
  private multi: boolean;
  private inTrans = false;
  closed = false;

  constructor(readonly info: ConnectionInfo) {
    this.multi = info.multiStatements;
  }

  async query(sql: string): Promise<QueryOutcome> {
    const parts = this.multi ? sql.split(';').map((s) => s.trim()).filter((s) => s) : [sql.trim()];
    const results: StatementResult[] = [];
    for (const part of parts) {
      try {
        results.push(await this.exec(part, []));
      } catch (e) {
        if (e instanceof SqlError) return { results, error: e };
        throw e;
      }
    }
    return { results };
  }

  async run(sql: string, reply: ResultReply): Promise<SqlError | undefined> {
    const out = await this.query(sql);
    for (let i = 0; i < out.results.length; i++) await reply(out.results[i]!, i < out.results.length - 1 || out.error !== undefined);
    return out.error;
  }

  interrupt(): void {}

  private async exec(sql: string, params: readonly BoundParam[]): Promise<StatementResult> {
    const lower = sql.toLowerCase();
    if (lower === 'select 1') return one('1', '1', T.bigint);
    if (lower.startsWith('select @@version_comment')) return one('@@version_comment', 'Tessera test');
    if (lower === 'select types') return rows(TYPE_COLUMNS, [TYPE_ROW, TYPE_NULL_ROW]);
    if (lower === 'select connection_id()') return one('id', String(this.info.connectionId), T.bigint);
    if (lower === 'select user()') return one('u', `${this.info.user}@${this.info.host}`);
    if (lower === 'begin') {
      this.inTrans = true;
      return { kind: 'ok', affectedRows: 0, insertId: 0, warnings: 0 };
    }
    if (lower === 'insert') return { kind: 'ok', affectedRows: 3, insertId: 42, warnings: 1, info: 'Records: 3  Duplicates: 0  Warnings: 1' };
    if (lower === 'error') throw new ParseError("You have an error in your SQL syntax near 'error'");
    if (lower === 'boom') throw new Error('boom');
    if (lower === 'select many') return rows([col('n', T.int), col('s', T.varchar(100))], Array.from({ length: 50_000 }, (_, i) => [String(i), `row ${i}`]));
    if (lower.startsWith('sleep')) {
      await new Promise((r) => setTimeout(r, Number(lower.slice(6)) || 10));
      return one('slept', '1', T.int);
    }
    if (lower.startsWith('length ')) return one('len', String(sql.length - 7), T.bigint);
    if (lower.startsWith('big ')) return one('big', 'z'.repeat(Number(lower.slice(4))), T.text);
    if (lower.startsWith('select ?')) {
      return rows(
        params.map((p, i) => col(`p${i}`, p.value instanceof Uint8Array ? T.blob : T.text)),
        [params.map((p) => (p.value === null ? null : p.value instanceof Uint8Array ? p.value : String(p.value)))],
      );
    }
    if (lower === 'describe params') {
      return one('d', JSON.stringify(params.map((p) => ({ t: p.mysqlType, u: p.unsigned, v: typeof p.value === 'bigint' ? `${p.value}n` : p.value }))));
    }
    throw new ParseError(`unknown test statement '${sql}'`);
  }

  async prepare(sql: string): Promise<PreparedInfo> {
    if (sql.toLowerCase() === 'unpreparable') throw new SqlError('ER_UNSUPPORTED_PS', 'This command is not supported in the prepared statement protocol yet');
    const id = this.nextStmt++;
    this.stmts.set(id, sql);
    const paramCount = (sql.match(/\?/g) ?? []).length;
    return { statementId: id, paramCount, columns: sql.toLowerCase() === 'select types' ? TYPE_COLUMNS : [] };
  }

  async execute(id: number, params: readonly BoundParam[]): Promise<StatementResult> {
    const sql = this.stmts.get(id);
    if (!sql) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', 'unknown');
    const plain = sql.replace(/\s*,?\s*\?/g, '').trim();
    return this.exec(plain === 'select' ? 'select ?' : plain, params);
  }

  closeStatement(id: number): void {
    this.stmts.delete(id);
  }
  resetStatement(): void {}
  async useDatabase(db: string): Promise<void> {
    if (db !== 'db') throw new SqlError('ER_BAD_DB', `Unknown database '${db}'`);
  }
  async fieldList(): Promise<readonly ColumnInfo[]> {
    return TYPE_COLUMNS.slice(0, 3);
  }
  async resetConnection(): Promise<void> {
    this.inTrans = false;
    this.stmts.clear();
  }
  async killConnection(id: number): Promise<void> {
    if (!server.kill(id)) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${id}`);
  }
  setMultiStatements(on: boolean): void {
    this.multi = on;
  }
  characterSets(): { client: string; results: string | null } {
    return { client: 'utf8mb4', results: 'utf8mb4' };
  }
  statusFlags(): number {
    return ServerStatus.AUTOCOMMIT | (this.inTrans ? ServerStatus.IN_TRANS : 0);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeFactory implements SessionFactory {
  readonly serverVersion = '8.0.32-tessera-test';
  readonly sessions: FakeSession[] = [];
  private id = 100;
  lookupUser(user: string): UserCredentials | undefined {
    return USERS[user];
  }
  async openSession(info: ConnectionInfo): Promise<ServerSession> {
    if (info.database !== null && info.database !== 'db') throw new SqlError('ER_BAD_DB', `Unknown database '${info.database}'`);
    const s = new FakeSession(info);
    this.sessions.push(s);
    return s;
  }
  nextConnectionId(): number {
    return ++this.id;
  }
  connectionLimits(): ConnectionLimits {
    return { maxConnections: 151, connectTimeoutMs: 10_000, maxAllowedPacket: 64 * 1024 * 1024 };
  }
}

// ---- fixtures ---------------------------------------------------------------------------------

const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
const factory = new FakeFactory();
let server: MysqlServer;
let sha2Server: MysqlServer;

beforeAll(async () => {
  server = await startMysqlServer({ host: '127.0.0.1', port: 0, factory, logger });
  sha2Server = await startMysqlServer({ host: '127.0.0.1', port: 0, factory, logger, authPlugin: AuthPlugin.CACHING_SHA2 });
});
afterAll(async () => {
  await server.close();
  await sha2Server.close();
});

type Opts = Partial<mysql.ConnectionOptions>;
const connect = (o: Opts = {}, srv = (): MysqlServer => server): Promise<mysql.Connection> =>
  mysql.createConnection({
    host: '127.0.0.1',
    port: srv().port,
    user: 'root',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    ...o,
  });

async function expectSqlError(p: Promise<unknown>, errno: number, sqlState: string, message?: RegExp | string): Promise<void> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { errno?: number; sqlState?: string; sqlMessage?: string } | undefined;
  expect(err, 'expected an error').toBeDefined();
  expect(err!.errno).toBe(errno);
  expect(err!.sqlState).toBe(sqlState);
  if (message !== undefined) expect(err!.sqlMessage).toMatch(message);
}

// ---- mysql2 -----------------------------------------------------------------------------------

describe('authentication (mysql2)', () => {
  it('logs in with an empty password', async () => {
    const c = await connect();
    const [r] = await c.query('select user()');
    expect(r).toEqual([{ u: 'root@127.0.0.1' }]);
    await c.end();
  });

  it('logs in with mysql_native_password', async () => {
    const c = await connect({ user: 'alice', password: 'secret', database: 'db' });
    const [r] = await c.query('select 1');
    expect(r).toEqual([{ 1: '1' }]);
    await c.end();
  });

  it('switches from native to caching_sha2 (fast path) for an account with only the sha2 hash', async () => {
    const c = await connect({ user: 'sha2only', password: 'sha2pw' });
    await c.query('select 1');
    await c.end();
  });

  it('does caching_sha2 fast auth when the server announces it', async () => {
    const c = await connect({ user: 'alice', password: 'secret' }, () => sha2Server);
    await c.query('select 1');
    await c.end();
    const root = await connect({}, () => sha2Server);
    await root.end();
  });

  it('does caching_sha2 full auth with the RSA key exchange', async () => {
    const c = await connect({ user: 'nativeonly', password: 'fullpw' }, () => sha2Server);
    await c.query('select 1');
    await c.end();
    await expectSqlError(connect({ user: 'nativeonly', password: 'wrong' }, () => sha2Server), 1045, '28000');
  });

  it('denies a wrong password with 1045 and logs one line', async () => {
    const before = logLines.length;
    await expectSqlError(
      connect({ user: 'alice', password: 'nope' }),
      1045,
      '28000',
      "Access denied for user 'alice'@'127.0.0.1' (using password: YES)",
    );
    await expectSqlError(connect({ user: 'alice' }), 1045, '28000', /using password: NO/);
    await expectSqlError(connect({ user: 'ghost', password: 'x' }), 1045, '28000');
    await expectSqlError(connect({ user: 'sha2only', password: 'bad' }), 1045, '28000');
    const lines = logLines.slice(before).filter((l) => l.includes('authentication failed'));
    expect(lines).toHaveLength(4);
  });

  it('refuses a locked account with 3118, but only once the password checked out', async () => {
    await expectSqlError(connect({ user: 'locked', password: 'lockedpw' }), 3118, 'HY000', "Access denied for user 'locked'@'127.0.0.1'. Account is locked.");
    await expectSqlError(connect({ user: 'locked', password: 'guess' }), 1045, '28000');
  });

  it('sends the session error 1049 for an unknown initial database', async () => {
    await expectSqlError(connect({ database: 'nope' }), 1049, '42000', "Unknown database 'nope'");
  });
});

describe('commands (mysql2)', () => {
  let c: mysql.Connection;
  beforeAll(async () => {
    c = await connect({ multipleStatements: true, database: 'db' });
  });
  afterAll(async () => {
    await c.end();
  });

  it('returns every type the same in the text and the binary protocol', async () => {
    const [text, fields] = await c.query<mysql.RowDataPacket[]>('select types');
    const [binary] = await c.execute<mysql.RowDataPacket[]>('select types');
    expect(binary).toEqual(text);
    expect(text[0]).toMatchObject({
      tiny: -5,
      utiny: 250,
      small: -300,
      medium: -70000,
      i: -2147483648,
      ui: 4294967295,
      big: '-9223372036854775808',
      ubig: '18446744073709551615',
      dec: '5.00',
      f: 1.5,
      d: -2.25,
      ch: 'abc',
      vc: 'héllo ✓',
      txt: 'long text',
      dt: '2024-02-29',
      dtm: '2024-02-29 13:14:15',
      dtm6: '2024-02-29 13:14:15.123456',
      ts: '2000-01-01 00:00:01',
      tm: '-26:03:04',
      tm6: '10:00:00.000001',
      yr: 2024,
      js: { a: 1 },
      en: 'x',
      nul: null,
    });
    expect(Buffer.from(text[0]!.bl as Buffer)).toEqual(Buffer.of(0, 1, 255));
    expect(Object.values(text[1]!).every((v) => v === null)).toBe(true);
    expect(fields.map((f) => f.name)).toEqual(TYPE_COLUMNS.map((x) => x.name));
  });

  it('binds every JS parameter type in execute()', async () => {
    const [r] = await c.execute<mysql.RowDataPacket[]>('select ?, ?, ?, ?, ?, ?', [42, 'héllo', null, Buffer.of(1, 2), 1.25, -7]);
    expect(r[0]).toEqual({ p0: '42', p1: 'héllo', p2: null, p3: Buffer.of(1, 2), p4: '1.25', p5: '-7' });
    const [d] = await c.execute<mysql.RowDataPacket[]>('describe params ?, ?', [new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 123)), true]);
    const described = JSON.parse(d[0]!.d as string) as { t: number; v: unknown }[];
    expect(described[0]!.t).toBe(12);
    expect(described[0]!.v).toMatch(/^2024-02-2\d \d\d:14:15\.123000$/);
    expect(described[1]).toMatchObject({ t: 1, v: 1 });
  });

  it('re-executes a cached statement', async () => {
    for (let i = 0; i < 5; i++) {
      const [r] = await c.execute<mysql.RowDataPacket[]>('select ?', [i]);
      expect(r[0]!.p0).toBe(String(i));
    }
  });

  it('reports OK packets with affected rows, insert id and info', async () => {
    const [r] = await c.query<mysql.ResultSetHeader>('insert');
    expect(r).toMatchObject({ affectedRows: 3, insertId: 42, warningStatus: 1 });
    // SESSION_TRACK is negotiated, so mysql2 reads the info length-encoded, as libmysql does.
    expect(r.info).toBe('Records: 3  Duplicates: 0  Warnings: 1');
    const [e] = await c.execute<mysql.ResultSetHeader>('insert');
    expect(e).toMatchObject({ affectedRows: 3, insertId: 42 });
  });

  it('returns multi-statement results', async () => {
    const [r] = await c.query<mysql.RowDataPacket[][]>('select 1; insert; select user()');
    expect(r).toHaveLength(3);
    expect(r[0]).toEqual([{ 1: '1' }]);
    expect((r[1] as unknown as mysql.ResultSetHeader).affectedRows).toBe(3);
    expect(r[2]).toEqual([{ u: 'root@127.0.0.1' }]);
  });

  it('ends a multi-statement sequence at the first error and keeps the connection usable', async () => {
    await expectSqlError(c.query('select 1; error; select 1'), 1064, '42000', /error in your SQL syntax/);
    const [r] = await c.query('select 1');
    expect(r).toEqual([{ 1: '1' }]);
  });

  it('turns errors into ERR packets with errno and SQLSTATE', async () => {
    await expectSqlError(c.query('error'), 1064, '42000');
    await expectSqlError(c.execute('error'), 1064, '42000');
    await expectSqlError(c.prepare('unpreparable'), 1295, 'HY000');
    const before = logLines.length;
    await expectSqlError(c.query('boom'), 1105, 'HY000', /Internal error: boom/);
    expect(logLines.slice(before).some((l) => l.includes('"stack"') && l.includes('boom'))).toBe(true);
    await c.query('select 1');
  });

  it('carries the session status flags', async () => {
    const [r] = await c.query<mysql.ResultSetHeader>('begin');
    expect(r.serverStatus & ServerStatus.IN_TRANS).toBe(ServerStatus.IN_TRANS);
    await c.query('select 1');
  });

  it('pings, changes database and resets', async () => {
    await c.ping();
    await c.query('select 1');
    await c.changeUser({ user: 'alice', password: 'secret', database: 'db' });
    const [r] = await c.query('select user()');
    expect(r).toEqual([{ u: 'alice@127.0.0.1' }]);
  });

  it('moves 20 MiB values both ways', async () => {
    const big = 'q'.repeat(20 * 1024 * 1024);
    const [len] = await c.query<mysql.RowDataPacket[]>(`length ${big}`);
    expect(len[0]!.len).toBe(String(big.length));
    const [back] = await c.query<mysql.RowDataPacket[]>(`big ${big.length}`);
    expect((back[0]!.big as string).length).toBe(big.length);
    const [echo] = await c.execute<mysql.RowDataPacket[]>('select ?', [big]);
    expect(echo[0]!.p0).toBe(big);
  });

  it('streams a large result set', async () => {
    const [r] = await c.query<mysql.RowDataPacket[]>('select many');
    expect(r).toHaveLength(50_000);
    expect(r[49_999]).toEqual({ n: 49_999, s: 'row 49999' });
  });
});

describe('connections', () => {
  it('serves a pool of 20 connections in parallel', async () => {
    const pool = mysql.createPool({ host: '127.0.0.1', port: server.port, user: 'alice', password: 'secret', connectionLimit: 20 });
    let peak = 0;
    const jobs = Array.from({ length: 200 }, async (_, i) => {
      const [r] = await pool.query<mysql.RowDataPacket[]>(i % 2 ? 'sleep 5' : 'select 1');
      peak = Math.max(peak, server.connections());
      return r;
    });
    const all = await Promise.all(jobs);
    expect(all).toHaveLength(200);
    expect(peak).toBeGreaterThanOrEqual(10);
    expect(peak).toBeLessThanOrEqual(20);
    await pool.end();
  });

  it('kills a connection by id and closes its session', async () => {
    const c = await connect();
    const [r] = await c.query<mysql.RowDataPacket[]>('select connection_id()');
    const id = Number(r[0]!.id);
    const closed = new Promise<void>((resolve) => c.once('error', () => resolve()));
    expect(server.kill(id)).toBe(true);
    await closed;
    expect(server.kill(id)).toBe(false);
    await expect.poll(() => factory.sessions.find((s) => s.info.connectionId === id)?.closed).toBe(true);
  });

  it('closes a client that sends a packet over max_allowed_packet with 1153', async () => {
    const small = await startMysqlServer({ host: '127.0.0.1', port: 0, factory, logger, maxAllowedPacket: 1024 * 1024 });
    const c = await connect({}, () => small);
    await expectSqlError(c.query(`length ${'x'.repeat(2 * 1024 * 1024)}`), 1153, '08S01');
    await expect.poll(() => small.connections()).toBe(0);
    c.destroy();
    await small.close();
  });
});

// ---- raw sockets: garbage and protocol violations -----------------------------------------------

class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiters.splice(0).forEach((w) => w());
    });
    sock.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    sock.on('error', () => undefined);
  }
  static async open(port: number): Promise<RawClient> {
    const sock = netConnect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    return new RawClient(sock);
  }
  /** The next packet's payload, or null at close. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readUIntLE(0, 3);
        if (this.buf.length >= 4 + len) {
          const p = this.buf.subarray(4, 4 + len);
          this.buf = this.buf.subarray(4 + len);
          return p;
        }
      }
      if (this.closed) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  send(payload: Buffer, seq: number): void {
    const h = Buffer.alloc(4);
    h.writeUIntLE(payload.length, 0, 3);
    h[3] = seq;
    this.sock.write(Buffer.concat([h, payload]));
  }
  /** Logs in as root (empty password) with the given client flags. */
  async login(caps: number): Promise<void> {
    await this.read();
    const resp = Buffer.concat([
      Buffer.from([caps & 0xff, (caps >> 8) & 0xff, (caps >> 16) & 0xff, caps >>> 24]),
      Buffer.from([0, 0, 0, 1, 255]),
      Buffer.alloc(23),
      Buffer.from('root\0'),
      Buffer.of(0),
      Buffer.from('mysql_native_password\0'),
    ]);
    this.send(resp, 1);
    const ok = await this.read();
    expect(ok![0]).toBe(0);
  }
}

const PROTOCOL_41 = 0x200;
const SECURE = 0x8000;
const PLUGIN_AUTH = 1 << 19;
const DEPRECATE_EOF = 1 << 24;

describe('protocol violations', () => {
  it('answers a garbage handshake with 1043 and keeps serving others', async () => {
    const raw = await RawClient.open(server.port);
    await raw.read();
    raw.send(Buffer.from([1, 2, 3, 4, 5, 6, 7]), 1);
    const err = await raw.read();
    expect(err![0]).toBe(0xff);
    expect(err!.readUInt16LE(1)).toBe(1043);
    expect(await raw.read()).toBeNull();

    const noise = await RawClient.open(server.port);
    noise.sock.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    noise.sock.end();
    const c = await connect();
    await c.query('select 1');
    await c.end();
  });

  it('answers garbage commands with errors and stays in the command phase', async () => {
    const raw = await RawClient.open(server.port);
    await raw.login(PROTOCOL_41 | SECURE | PLUGIN_AUTH);
    raw.send(Buffer.of(0x99, 1, 2), 0);
    expect((await raw.read())!.readUInt16LE(1)).toBe(1047);
    raw.send(Buffer.of(0x17, 1), 0); // truncated COM_STMT_EXECUTE
    expect((await raw.read())!.readUInt16LE(1)).toBe(1835);
    raw.send(Buffer.of(0x17, 9, 0, 0, 0, 0, 1, 0, 0, 0), 0); // unknown statement
    expect((await raw.read())!.readUInt16LE(1)).toBe(1243);
    raw.send(Buffer.alloc(0), 0);
    expect((await raw.read())![0]).toBe(0xff);
    raw.send(Buffer.of(0x0c, 0xff, 0xff, 0, 0), 0); // KILL of an unknown id
    expect((await raw.read())!.readUInt16LE(1)).toBe(1094);
    raw.send(Buffer.of(0x0e), 0); // COM_PING
    expect((await raw.read())![0]).toBe(0);
    raw.send(Buffer.of(0x09), 0); // COM_STATISTICS
    expect((await raw.read())!.toString()).toMatch(/^Uptime: \d+ {2}Threads: \d+/);
    raw.send(Buffer.of(0x1b, 0, 0), 0); // COM_SET_OPTION multi-statements on → EOF
    expect((await raw.read())![0]).toBe(0xfe);
    raw.send(Buffer.of(0x04, ...Buffer.from('t\0')), 0); // COM_FIELD_LIST: 3 defs + EOF
    for (let i = 0; i < 3; i++) expect((await raw.read())!.subarray(0, 4).toString('latin1')).toBe('\x03def');
    expect((await raw.read())![0]).toBe(0xfe);
    raw.send(Buffer.of(0x1f), 0); // COM_RESET_CONNECTION
    expect((await raw.read())![0]).toBe(0);
    raw.send(Buffer.of(0x02, ...Buffer.from('nope')), 0); // COM_INIT_DB of an unknown db
    expect((await raw.read())!.readUInt16LE(1)).toBe(1049);
    raw.send(Buffer.of(0x01), 0); // COM_QUIT
    expect(await raw.read()).toBeNull();
  });

  it('ends result sets with OK(0xFE) under DEPRECATE_EOF and with EOF otherwise', async () => {
    for (const deprecate of [true, false]) {
      const raw = await RawClient.open(server.port);
      await raw.login(PROTOCOL_41 | SECURE | PLUGIN_AUTH | (deprecate ? DEPRECATE_EOF : 0));
      raw.send(Buffer.concat([Buffer.of(0x03), Buffer.from('select 1')]), 0);
      const packets: Buffer[] = [];
      for (let i = 0; i < (deprecate ? 4 : 5); i++) packets.push((await raw.read())!);
      expect(packets[0]).toEqual(Buffer.of(1));
      const last = packets[packets.length - 1]!;
      expect(last[0]).toBe(0xfe);
      if (deprecate) expect(last.length).toBe(7);
      else {
        expect(packets[2]).toEqual(Buffer.of(0xfe, 0, 0, 2, 0));
        expect(last.length).toBe(5);
      }
      raw.send(Buffer.of(0x01), 0);
      expect(await raw.read()).toBeNull();
    }
  });

  it('executes a MariaDB-style pipelined PREPARE + EXECUTE(-1) and SEND_LONG_DATA', async () => {
    const raw = await RawClient.open(server.port);
    await raw.login(PROTOCOL_41 | SECURE | PLUGIN_AUTH | DEPRECATE_EOF);
    raw.send(Buffer.concat([Buffer.of(0x16), Buffer.from('select ?')]), 0);
    raw.send(Buffer.concat([Buffer.of(0x18, 0xff, 0xff, 0xff, 0xff, 0, 0), Buffer.from('long ')]), 0);
    raw.send(Buffer.concat([Buffer.of(0x18, 0xff, 0xff, 0xff, 0xff, 0, 0), Buffer.from('data')]), 0);
    raw.send(Buffer.of(0x17, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0, 0, 0, 1, 253, 0), 0);
    const prep = (await raw.read())!;
    expect(prep[0]).toBe(0);
    expect(prep.readUInt16LE(7)).toBe(1); // one parameter
    expect((await raw.read())!.subarray(0, 4).toString('latin1')).toBe('\x03def'); // its definition, no EOF
    expect(await raw.read()).toEqual(Buffer.of(1)); // column count of the execute reply
    await raw.read(); // column def
    const row = (await raw.read())!;
    expect(row.subarray(2).toString()).toBe('\x09long data');
    expect((await raw.read())![0]).toBe(0xfe);
    raw.sock.destroy();
  });

  it('survives a client that disconnects in the middle of a large result', async () => {
    const raw = await RawClient.open(server.port);
    await raw.login(PROTOCOL_41 | SECURE | PLUGIN_AUTH);
    raw.send(Buffer.concat([Buffer.of(0x03), Buffer.from(`big ${30 * 1024 * 1024}`)]), 0);
    await raw.read();
    raw.sock.destroy();
    const c = await connect();
    await c.query('select 1');
    await c.end();
  });
});

// ---- the mariadb command-line client --------------------------------------------------------

const cli = ['/usr/bin/mariadb', '/usr/bin/mysql'].find((p) => existsSync(p));
const run = promisify(execFile);

describe.skipIf(!cli)('mariadb CLI', () => {
  it('runs a query as root without a password', async () => {
    const { stdout } = await run(cli!, ['-h127.0.0.1', `-P${server.port}`, '-uroot', '--batch', '-e', 'select 1']);
    expect(stdout).toBe('1\n1\n');
  });

  it('logs in with a password and reads every type', async () => {
    const { stdout } = await run(cli!, ['-h127.0.0.1', `-P${server.port}`, '-ualice', '-psecret', '-Ddb', '--batch', '-e', 'select types; insert']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]!.split('\t')).toEqual(TYPE_COLUMNS.map((x) => x.name));
    expect(lines[1]).toContain('-9223372036854775808\t18446744073709551615\t5.00');
    expect(lines[1]).toContain('héllo ✓');
  });

  it('rejects a wrong password', async () => {
    const err = await run(cli!, ['-h127.0.0.1', `-P${server.port}`, '-ualice', '-pwrong', '-e', 'select 1']).then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    expect(err?.stderr).toMatch(/1045.*Access denied for user 'alice'@'127.0.0.1' \(using password: YES\)/);
  });
});

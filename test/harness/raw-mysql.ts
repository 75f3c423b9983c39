// A minimal MySQL-protocol client that speaks bytes, for tests of what a server does with the
// exact bytes a client sends: COM_QUERY text that is not valid UTF-8, string parameters and
// COM_STMT_SEND_LONG_DATA chunks of any bytes, and result values read back as raw bytes with
// their column charset. Root with an empty password only; loopback only; every read is bounded.
import { connect as netConnect, type Socket } from 'node:net';

const CAP = {
  LONG_PASSWORD: 0x1,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_RESULTS: 1 << 17,
  PLUGIN_AUTH: 1 << 19,
} as const;

const READ_TIMEOUT_MS = 15_000;

/** MYSQL_TYPE_* codes the tests send. */
export const ParamType = { LONGLONG: 8, BLOB: 252, VAR_STRING: 253, STRING: 254 } as const;

export interface RawColumn {
  readonly name: string;
  /** Collation id of the column (63 = binary). */
  readonly charset: number;
  readonly type: number;
}

export type RawResult =
  | { readonly kind: 'ok'; readonly affectedRows: number; readonly warnings: number }
  | { readonly kind: 'error'; readonly errno: number; readonly sqlState: string; readonly message: string }
  | { readonly kind: 'rows'; readonly columns: readonly RawColumn[]; readonly rows: readonly (readonly (Buffer | null)[])[] };

class Reader {
  pos = 0;
  constructor(readonly b: Buffer) {}
  u8(): number {
    return this.b[this.pos++]!;
  }
  u16(): number {
    const v = this.b.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.b.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  lenenc(): number | null {
    const f = this.u8();
    if (f < 0xfb) return f;
    if (f === 0xfb) return null;
    if (f === 0xfc) return this.u16();
    if (f === 0xfd) {
      const v = this.b.readUIntLE(this.pos, 3);
      this.pos += 3;
      return v;
    }
    const v = Number(this.b.readBigUInt64LE(this.pos));
    this.pos += 8;
    return v;
  }
  lenencBytes(): Buffer | null {
    const n = this.lenenc();
    if (n === null) return null;
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  rest(): Buffer {
    return this.b.subarray(this.pos);
  }
}

function lenencInt(n: number): Buffer {
  if (n < 251) return Buffer.of(n);
  if (n < 0x10000) return Buffer.of(0xfc, n & 0xff, n >> 8);
  const b = Buffer.alloc(4);
  b[0] = 0xfd;
  b.writeUIntLE(n, 1, 3);
  return b;
}

function lenencBytes(b: Buffer): Buffer {
  return Buffer.concat([lenencInt(b.length), b]);
}

export class RawMysql {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly sock: Socket) {
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

  /** Connects as root (no password) announcing `collationId` (45 = utf8mb4_general_ci) in the handshake. */
  static async connect(port: number, opts: { collationId?: number; database?: string } = {}): Promise<RawMysql> {
    const sock = netConnect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const c = new RawMysql(sock);
    await c.login(opts.collationId ?? 45, opts.database);
    return c;
  }

  close(): void {
    this.sock.destroy();
  }

  private async read(): Promise<Buffer> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readUIntLE(0, 3);
        if (this.buf.length >= 4 + len) {
          const p = Buffer.from(this.buf.subarray(4, 4 + len));
          this.buf = this.buf.subarray(4 + len);
          return p;
        }
      }
      if (this.closed) throw new Error('connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${READ_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private send(payload: Buffer, seq = 0): void {
    const h = Buffer.alloc(4);
    h.writeUIntLE(payload.length, 0, 3);
    h[3] = seq;
    this.sock.write(Buffer.concat([h, payload]));
  }

  private async login(collationId: number, database: string | undefined): Promise<void> {
    await this.read(); // HandshakeV10; an empty password needs no scramble
    let caps = CAP.LONG_PASSWORD | CAP.PROTOCOL_41 | CAP.TRANSACTIONS | CAP.SECURE_CONNECTION | CAP.MULTI_RESULTS | CAP.PLUGIN_AUTH;
    if (database !== undefined) caps |= CAP.CONNECT_WITH_DB;
    const head = Buffer.alloc(32);
    head.writeUInt32LE(caps >>> 0, 0);
    head.writeUInt32LE(16 * 1024 * 1024, 4);
    head[8] = collationId;
    const parts = [head, Buffer.from('root\0'), Buffer.of(0)];
    if (database !== undefined) parts.push(Buffer.from(`${database}\0`));
    parts.push(Buffer.from('mysql_native_password\0'));
    this.send(Buffer.concat(parts), 1);
    const reply = await this.read();
    if (reply[0] !== 0) throw new Error(`login failed: ${reply.subarray(9).toString()}`);
  }

  /** COM_QUERY with exactly these bytes (a string is sent as UTF-8). */
  async query(sql: Buffer | string): Promise<RawResult> {
    this.send(Buffer.concat([Buffer.of(0x03), typeof sql === 'string' ? Buffer.from(sql, 'utf8') : sql]));
    return this.result(false);
  }

  /** COM_STMT_PREPARE; the statement id and its parameter count. */
  async prepare(sql: Buffer | string): Promise<{ id: number; params: number }> {
    this.send(Buffer.concat([Buffer.of(0x16), typeof sql === 'string' ? Buffer.from(sql, 'utf8') : sql]));
    const first = await this.read();
    if (first[0] === 0xff) throw new Error(`prepare failed: ${errorOf(first).message}`);
    const r = new Reader(first);
    r.u8();
    const id = r.u32();
    const columns = r.u16();
    const params = r.u16();
    for (const n of [params, columns]) {
      if (n === 0) continue;
      for (let i = 0; i < n; i++) await this.read();
      await this.read(); // EOF
    }
    return { id, params };
  }

  /** COM_STMT_SEND_LONG_DATA (no reply). */
  sendLongData(statementId: number, param: number, data: Buffer): void {
    const head = Buffer.alloc(7);
    head[0] = 0x18;
    head.writeUInt32LE(statementId, 1);
    head.writeUInt16LE(param, 5);
    this.send(Buffer.concat([head, data]));
  }

  /**
   * COM_STMT_EXECUTE with typed parameters: a Buffer value is sent length-encoded as is, a bigint
   * as LONGLONG, null as NULL, and `longData` marks a parameter whose value came by SEND_LONG_DATA.
   */
  async execute(statementId: number, params: readonly { type: number; value: Buffer | bigint | null | 'longData' }[]): Promise<RawResult> {
    const head = Buffer.alloc(10);
    head[0] = 0x17;
    head.writeUInt32LE(statementId, 1);
    head[5] = 0; // no cursor
    head.writeUInt32LE(1, 6);
    const parts: Buffer[] = [head];
    if (params.length > 0) {
      const bitmap = Buffer.alloc((params.length + 7) >> 3);
      params.forEach((p, i) => {
        if (p.value === null) bitmap[i >> 3]! |= 1 << (i & 7);
      });
      parts.push(bitmap, Buffer.of(1));
      for (const p of params) parts.push(Buffer.of(p.type, 0));
      for (const p of params) {
        if (p.value === null || p.value === 'longData') continue;
        if (typeof p.value === 'bigint') {
          const b = Buffer.alloc(8);
          b.writeBigInt64LE(p.value);
          parts.push(b);
        } else parts.push(lenencBytes(p.value));
      }
    }
    this.send(Buffer.concat(parts));
    return this.result(true);
  }

  /** Reads one reply: OK, ERR, or a result set (text or binary rows; binary rows of length-encoded columns only). */
  private async result(binary: boolean): Promise<RawResult> {
    const first = await this.read();
    if (first[0] === 0x00) {
      const r = new Reader(first);
      r.u8();
      const affectedRows = r.lenenc() ?? 0;
      r.lenenc();
      r.u16();
      return { kind: 'ok', affectedRows, warnings: r.u16() };
    }
    if (first[0] === 0xff) return errorOf(first);
    const count = new Reader(first).lenenc() ?? 0;
    const columns: RawColumn[] = [];
    for (let i = 0; i < count; i++) {
      const r = new Reader(await this.read());
      for (let k = 0; k < 4; k++) r.lenencBytes(); // catalog, schema, table, org_table
      const name = r.lenencBytes()!.toString('utf8');
      r.lenencBytes();
      r.lenenc();
      const charset = r.u16();
      r.u32();
      columns.push({ name, charset, type: r.u8() });
    }
    await this.read(); // EOF after the column definitions
    const rows: (Buffer | null)[][] = [];
    for (;;) {
      const p = await this.read();
      if (p[0] === 0xfe && p.length < 9) break;
      if (p[0] === 0xff) return errorOf(p);
      const r = new Reader(p);
      if (!binary) {
        rows.push(columns.map(() => r.lenencBytes()));
        continue;
      }
      r.u8(); // 0x00 header
      const bitmap = r.b.subarray(r.pos, r.pos + ((count + 9) >> 3));
      r.pos += bitmap.length;
      rows.push(columns.map((_, i) => ((bitmap[(i + 2) >> 3]! >> ((i + 2) & 7)) & 1 ? null : r.lenencBytes())));
    }
    return { kind: 'rows', columns, rows };
  }
}

function errorOf(p: Buffer): RawResult & { kind: 'error' } {
  const errno = p.readUInt16LE(1);
  const sqlState = p.subarray(4, 9).toString('latin1');
  return { kind: 'error', errno, sqlState, message: p.subarray(9).toString('utf8') };
}

/** The rows of a result, or a thrown error naming what came instead. */
export function rowsOf(r: RawResult): readonly (readonly (Buffer | null)[])[] {
  if (r.kind !== 'rows') throw new Error(`expected rows, got ${JSON.stringify(r)}`);
  return r.rows;
}

/** Fails unless the result is OK. */
export function expectOk(r: RawResult): RawResult & { kind: 'ok' } {
  if (r.kind !== 'ok') throw new Error(`expected OK, got ${JSON.stringify(r)}`);
  return r;
}

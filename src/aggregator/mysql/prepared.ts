import { decodeText, type CharsetName } from '../../common/charset.js';
import { SqlError } from '../../common/errors.js';
import { writeColumnDef } from './column-def.js';
import { MysqlType } from './constants.js';
import { writeEof } from './generic-packets.js';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { BoundParam, ColumnInfo, PreparedInfo } from './session-api.js';
import { formatDate, formatDateTime, formatTime } from './temporal.js';

/** MariaDB: statement id −1 in EXECUTE/SEND_LONG_DATA means "the one prepared last". */
export const LAST_PREPARED_STATEMENT = 0xffffffff;

const UNSIGNED_PARAM = 0x80;

/** Per-connection state of one prepared statement: cached parameter types and long data. */
export class StatementState {
  /** Type byte | (flag byte << 8) per parameter, from the last execute that sent types. */
  paramTypes: Uint16Array | null = null;
  readonly longData = new Map<number, Buffer[]>();
  /** Long-data bytes per parameter, bounded by max_allowed_packet. */
  private readonly longBytes = new Map<number, number>();
  /** Parameters whose long data passed max_allowed_packet: the next execute fails with 1153. */
  private readonly tooLong = new Set<number>();

  constructor(
    readonly id: number,
    readonly paramCount: number,
    /** max_allowed_packet of the connection: the most long data one parameter may collect. */
    private readonly maxLongData = Number.POSITIVE_INFINITY,
  ) {}

  appendLongData(param: number, chunk: Buffer): void {
    if (param >= this.paramCount) return; // MySQL reports this at execute; we just drop it
    if (this.tooLong.has(param)) return;
    const total = (this.longBytes.get(param) ?? 0) + chunk.length;
    if (total > this.maxLongData) {
      // Keep nothing of it: the bound is there so a client cannot make the server hold more.
      this.tooLong.add(param);
      this.longData.delete(param);
      this.longBytes.delete(param);
      return;
    }
    this.longBytes.set(param, total);
    const parts = this.longData.get(param);
    // Copy: the chunk is a view on a socket buffer we do not own past this call.
    if (parts) parts.push(Buffer.from(chunk));
    else this.longData.set(param, [Buffer.from(chunk)]);
  }

  /** Throws 1153 when some parameter's long data passed max_allowed_packet (and forgets it). */
  checkLongData(): void {
    if (this.tooLong.size === 0) return;
    this.clearLongData();
    throw new SqlError('ER_NET_PACKET_TOO_LARGE', "Parameter of prepared statement which is set through mysql_send_long_data() is longer than 'max_allowed_packet' bytes");
  }

  clearLongData(): void {
    // Called after every execute: most statements never send long data.
    if (this.longData.size === 0 && this.longBytes.size === 0 && this.tooLong.size === 0) return;
    this.longData.clear();
    this.longBytes.clear();
    this.tooLong.clear();
  }
}

/** A parameter definition as MySQL sends it in the PREPARE reply. */
const PARAM_COLUMN: ColumnInfo = {
  name: '?',
  orgName: '',
  table: '',
  orgTable: '',
  schema: '',
  type: { kind: 'string', family: 'varchar', length: 0, binary: true },
  nullable: true,
};

/** COM_STMT_PREPARE_OK, the parameter definitions and the column definitions. */
export function writePrepareOk(sink: ReplySink, info: PreparedInfo, fmt: ResultFormat, status: number): void {
  const w = sink.w;
  w.begin().u8(0).u32(info.statementId).u16(info.columns.length).u16(info.paramCount).u8(0).u16(0).end();
  if (info.paramCount > 0) {
    for (let i = 0; i < info.paramCount; i++) {
      const type = info.paramTypes?.[i];
      writeColumnDef(w, type ? { ...PARAM_COLUMN, type } : PARAM_COLUMN, fmt.textCharset, false, fmt.maxBytesPerChar);
    }
    if (!fmt.deprecateEof) writeEof(w, status, 0);
  }
  if (info.columns.length > 0) {
    for (const col of info.columns) writeColumnDef(w, col, fmt.textCharset, false, fmt.maxBytesPerChar);
    if (!fmt.deprecateEof) writeEof(w, status, 0);
  }
}

export function unknownStatement(id: number, where: string): SqlError {
  return new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${id}) given to ${where}`);
}

/** Reads the statement id that starts EXECUTE, SEND_LONG_DATA, CLOSE and RESET bodies. */
export function readStatementId(r: PacketReader): number {
  return r.u32();
}

export interface ExecuteRequest {
  readonly flags: number;
  readonly params: BoundParam[];
}

function isBlobType(t: number): boolean {
  return (
    t === MysqlType.TINY_BLOB ||
    t === MysqlType.MEDIUM_BLOB ||
    t === MysqlType.LONG_BLOB ||
    t === MysqlType.BLOB ||
    t === MysqlType.GEOMETRY ||
    t === MysqlType.BIT
  );
}

function int64(r: PacketReader, unsigned: boolean): number | bigint {
  const b = r.bytes(8);
  const v = unsigned ? b.readBigUInt64LE(0) : b.readBigInt64LE(0);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function readDateTime(r: PacketReader, dateOnly: boolean): string {
  const len = r.u8();
  if (len !== 0 && len !== 4 && len !== 7 && len !== 11) throw new MalformedPacketError(`bad DATETIME length ${len}`);
  const year = len >= 4 ? r.u16() : 0;
  const month = len >= 4 ? r.u8() : 0;
  const day = len >= 4 ? r.u8() : 0;
  const hour = len >= 7 ? r.u8() : 0;
  const minute = len >= 7 ? r.u8() : 0;
  const second = len >= 7 ? r.u8() : 0;
  const micro = len === 11 ? r.u32() : 0;
  if (dateOnly) return formatDate(year, month, day);
  return formatDateTime({ year, month, day, hour, minute, second, micro });
}

function readTime(r: PacketReader): string {
  const len = r.u8();
  if (len !== 0 && len !== 8 && len !== 12) throw new MalformedPacketError(`bad TIME length ${len}`);
  if (len === 0) return '00:00:00';
  const negative = r.u8() === 1;
  const days = r.u32();
  const hours = r.u8();
  const minute = r.u8();
  const second = r.u8();
  const micro = len === 12 ? r.u32() : 0;
  return formatTime({ negative, hours: days * 24 + hours, minute, second, micro });
}

/**
 * One binary-protocol parameter value of the given type. String types are text in the client's
 * charset, decoded without losing a byte (a VARBINARY column gets exactly what was sent).
 */
export function readParamValue(r: PacketReader, type: number, unsigned: boolean, charset: CharsetName = 'utf8mb4'): BoundParam['value'] {
  switch (type) {
    case MysqlType.NULL:
      return null;
    case MysqlType.TINY: {
      const v = r.u8();
      return unsigned ? v : (v << 24) >> 24;
    }
    case MysqlType.SHORT:
    case MysqlType.YEAR: {
      const v = r.u16();
      return unsigned ? v : (v << 16) >> 16;
    }
    case MysqlType.LONG:
    case MysqlType.INT24: {
      const v = r.u32();
      return unsigned ? v : v | 0;
    }
    case MysqlType.LONGLONG:
      return int64(r, unsigned);
    case MysqlType.FLOAT:
      return r.bytes(4).readFloatLE(0);
    case MysqlType.DOUBLE:
      return r.bytes(8).readDoubleLE(0);
    case MysqlType.DATE:
    case MysqlType.NEWDATE:
      return readDateTime(r, true);
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
    case MysqlType.DATETIME2:
    case MysqlType.TIMESTAMP2:
      return readDateTime(r, false);
    case MysqlType.TIME:
    case MysqlType.TIME2:
      return readTime(r);
    case MysqlType.DECIMAL:
    case MysqlType.NEWDECIMAL:
    case MysqlType.VARCHAR:
    case MysqlType.VAR_STRING:
    case MysqlType.STRING:
    case MysqlType.ENUM:
    case MysqlType.SET:
    case MysqlType.JSON:
      return decodeText(r.lenencBytes(), charset);
    default:
      if (isBlobType(type)) return r.lenencBytes();
      throw new MalformedPacketError(`unsupported parameter type ${type}`);
  }
}

/** COM_STMT_SEND_LONG_DATA chunks joined: bytes for BLOB types, else text decoded as the value would be. */
function longDataValue(parts: Buffer[], type: number, charset: CharsetName): string | Uint8Array {
  const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return isBlobType(type) ? all : decodeText(all, charset);
}

/**
 * Decodes a COM_STMT_EXECUTE body after the statement id: flags, iteration count, NULL
 * bitmap, new-params-bound flag, types (cached on the statement) and values. Long data sent
 * for a parameter replaces its value and is consumed.
 */
export function decodeExecute(r: PacketReader, stmt: StatementState, charset: CharsetName = 'utf8mb4'): ExecuteRequest {
  stmt.checkLongData();
  const flags = r.u8();
  r.u32(); // iteration count, always 1
  const n = stmt.paramCount;
  const params: BoundParam[] = [];
  if (n === 0) return { flags, params };
  const nullBitmap = r.bytes((n + 7) >> 3);
  const newBound = r.u8();
  if (newBound === 1) {
    const types = new Uint16Array(n);
    for (let i = 0; i < n; i++) types[i] = r.u16();
    stmt.paramTypes = types;
  } else if (newBound !== 0) {
    throw new MalformedPacketError(`bad new-params-bound flag ${newBound}`);
  }
  const types = stmt.paramTypes;
  if (!types) throw new MalformedPacketError('execute without parameter types on the first run');
  for (let i = 0; i < n; i++) {
    const type = types[i]! & 0xff;
    const unsigned = (types[i]! >> 8 & UNSIGNED_PARAM) !== 0;
    const long = stmt.longData.get(i);
    let value: BoundParam['value'];
    if (long) value = longDataValue(long, type, charset);
    else if (nullBitmap[i >> 3]! & (1 << (i & 7))) value = null;
    else value = readParamValue(r, type, unsigned, charset);
    params.push({ value, mysqlType: type, unsigned });
  }
  stmt.clearLongData();
  return { flags, params };
}

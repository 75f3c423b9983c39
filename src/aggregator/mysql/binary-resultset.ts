import { wireType } from './column-def.js';
import { MysqlType } from './constants.js';
import { writeResultEnd } from './generic-packets.js';
import type { PacketWriter } from './packet-writer.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { ColumnInfo, ResultValue } from './session-api.js';
import { parseDateTime, parseTime } from './temporal.js';
import { valueCharsets, writeResultHeader, writeTextValue } from './text-resultset.js';
import type { CharsetName } from '../../common/charset.js';

/** How a column's values are encoded in a binary row; resolved once per result set. */
const enum Enc {
  Tiny,
  Short,
  Long,
  LongLong,
  Float,
  Double,
  Date,
  DateTime,
  Time,
  Lenenc,
  Null,
}

interface ColumnEncoder {
  readonly enc: Enc;
  readonly unsigned: boolean;
  /** character_set_results, for text values. */
  readonly charset: CharsetName;
}

function encoderFor(col: ColumnInfo, charset: CharsetName): ColumnEncoder {
  const e = encodingFor(col);
  return { enc: e.enc, unsigned: e.unsigned, charset };
}

function encodingFor(col: ColumnInfo): { enc: Enc; unsigned: boolean } {
  const t = col.type;
  const unsigned = (t.kind === 'int' && t.unsigned) || t.kind === 'year';
  switch (wireType(t).type) {
    case MysqlType.TINY:
      return { enc: Enc.Tiny, unsigned };
    case MysqlType.SHORT:
    case MysqlType.YEAR:
      return { enc: Enc.Short, unsigned };
    case MysqlType.INT24:
    case MysqlType.LONG:
      return { enc: Enc.Long, unsigned };
    case MysqlType.LONGLONG:
      return { enc: Enc.LongLong, unsigned };
    case MysqlType.FLOAT:
      return { enc: Enc.Float, unsigned };
    case MysqlType.DOUBLE:
      return { enc: Enc.Double, unsigned };
    case MysqlType.DATE:
      return { enc: Enc.Date, unsigned };
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      return { enc: Enc.DateTime, unsigned };
    case MysqlType.TIME:
      return { enc: Enc.Time, unsigned };
    case MysqlType.NULL:
      return { enc: Enc.Null, unsigned };
    default:
      // NEWDECIMAL, strings, BLOB, JSON, ENUM: the text form, length-encoded.
      return { enc: Enc.Lenenc, unsigned };
  }
}

function text(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1');
}

/** Integer text → number when it surely fits 2^53, else bigint. */
function intValue(s: string): number | bigint {
  if (s.length < 16) return Number(s);
  return BigInt(s);
}

function writeDate(w: PacketWriter, s: string, withTime: boolean): void {
  const p = parseDateTime(s);
  if (!p.year && !p.month && !p.day && !p.hour && !p.minute && !p.second && !p.micro) {
    w.u8(0);
    return;
  }
  if (!withTime || (!p.hour && !p.minute && !p.second && !p.micro)) {
    w.u8(4).u16(p.year).u8(p.month).u8(p.day);
    return;
  }
  w.u8(p.micro ? 11 : 7).u16(p.year).u8(p.month).u8(p.day).u8(p.hour).u8(p.minute).u8(p.second);
  if (p.micro) w.u32(p.micro);
}

function writeTime(w: PacketWriter, s: string): void {
  const p = parseTime(s);
  if (!p.hours && !p.minute && !p.second && !p.micro) {
    w.u8(0);
    return;
  }
  const days = Math.floor(p.hours / 24);
  w.u8(p.micro ? 12 : 8).u8(p.negative ? 1 : 0).u32(days).u8(p.hours % 24).u8(p.minute).u8(p.second);
  if (p.micro) w.u32(p.micro);
}

/** Encodes one non-NULL value; exported for the byte-fixture tests. */
export function writeBinaryValue(w: PacketWriter, e: ColumnEncoder, v: string | Uint8Array): void {
  switch (e.enc) {
    case Enc.Tiny:
      w.u8(Number(text(v)) & 0xff);
      return;
    case Enc.Short:
      w.u16(Number(text(v)) & 0xffff);
      return;
    case Enc.Long:
      w.u32(Number(text(v)) >>> 0);
      return;
    case Enc.LongLong:
      w.i64(intValue(text(v)), e.unsigned);
      return;
    case Enc.Float:
      w.f32(Number(text(v)));
      return;
    case Enc.Double:
      w.f64(Number(text(v)));
      return;
    case Enc.Date:
      writeDate(w, text(v), false);
      return;
    case Enc.DateTime:
      writeDate(w, text(v), true);
      return;
    case Enc.Time:
      writeTime(w, text(v));
      return;
    case Enc.Lenenc:
      if (typeof v === 'string') writeTextValue(w, v, e.charset);
      else w.lenencBytes(v);
      return;
    case Enc.Null:
      return;
  }
}

/** Encoders of a result's columns; `charsets` as valueCharsets gives them (utf8mb4 when absent). */
export function binaryEncoders(columns: readonly ColumnInfo[], charsets?: readonly CharsetName[]): ColumnEncoder[] {
  return columns.map((c, i) => encoderFor(c, charsets?.[i] ?? 'utf8mb4'));
}

/** One binary-protocol row: 0x00, NULL bitmap with a 2-bit offset, then the non-NULL values. */
export function writeBinaryRow(w: PacketWriter, encs: readonly ColumnEncoder[], row: readonly ResultValue[]): void {
  const n = encs.length;
  w.begin().u8(0);
  let bits = 0;
  let bit = 2;
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined || encs[i]!.enc === Enc.Null) bits |= 1 << bit;
    if (++bit === 8) {
      w.u8(bits);
      bits = 0;
      bit = 0;
    }
  }
  if (bit !== 0) w.u8(bits);
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined) continue;
    writeBinaryValue(w, encs[i]!, v);
  }
  w.end();
}

/** A binary-protocol row writer for writeRowStream. */
export function binaryRowWriter(columns: readonly ColumnInfo[], fmt: ResultFormat): (w: PacketWriter, row: readonly ResultValue[]) => void {
  const encs = binaryEncoders(columns, valueCharsets(columns, fmt));
  return (w, row) => writeBinaryRow(w, encs, row);
}

/** A binary-protocol result set (the reply of COM_STMT_EXECUTE). */
export async function writeBinaryResultSet(
  sink: ReplySink,
  columns: readonly ColumnInfo[],
  rows: readonly (readonly ResultValue[])[],
  fmt: ResultFormat,
  status: number,
  warnings: number,
): Promise<void> {
  writeResultHeader(sink, columns, fmt, status);
  const encs = binaryEncoders(columns, valueCharsets(columns, fmt));
  for (const row of rows) {
    writeBinaryRow(sink.w, encs, row);
    const wait = sink.spill();
    if (wait) await wait;
  }
  writeResultEnd(sink.w, fmt.deprecateEof, status, warnings);
}

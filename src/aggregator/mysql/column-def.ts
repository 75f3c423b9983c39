import { assertNever } from '../../common/assert.js';
import type { SqlType, StringFamily } from '../../common/types.js';
import { Charset, ColumnFlag, MysqlType, type MysqlTypeCode } from './constants.js';
import type { PacketWriter } from './packet-writer.js';
import type { ColumnInfo } from './session-api.js';

/** How one SqlType appears in a ColumnDefinition41 packet. */
export interface WireType {
  readonly type: MysqlTypeCode;
  /** Display length in bytes (text: chars × 4 for utf8mb4). */
  readonly length: number;
  readonly decimals: number;
  readonly flags: number;
  /** Binary data (numbers, temporal, binary strings, JSON): charset 63 instead of the connection's. */
  readonly binaryCharset: boolean;
}

const NOT_FIXED_DEC = 31;
const MAX_LENGTH = 0xffffffff;
const MB_MAX_LEN = 4;

const INT_TYPES = { 1: MysqlType.TINY, 2: MysqlType.SHORT, 3: MysqlType.INT24, 4: MysqlType.LONG, 8: MysqlType.LONGLONG } as const;
/** MySQL's default display widths (signed, unsigned). */
const INT_WIDTHS = { 1: [4, 3], 2: [6, 5], 3: [9, 8], 4: [11, 10], 8: [20, 20] } as const;

const NUMERIC = ColumnFlag.NUM | ColumnFlag.BINARY;

function textLength(chars: number, binary: boolean, mbMaxLen: number): number {
  return Math.min(binary ? chars : chars * mbMaxLen, MAX_LENGTH);
}

function stringWireType(family: StringFamily, length: number, binary: boolean, mbMaxLen: number): WireType {
  const binFlag = binary ? ColumnFlag.BINARY : 0;
  switch (family) {
    case 'char':
      return { type: MysqlType.STRING, length: textLength(length, binary, mbMaxLen), decimals: 0, flags: binFlag, binaryCharset: binary };
    case 'varchar':
      return { type: MysqlType.VAR_STRING, length: textLength(length, binary, mbMaxLen), decimals: 0, flags: binFlag, binaryCharset: binary };
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return {
        type: MysqlType.BLOB,
        length: textLength(length, binary, mbMaxLen),
        decimals: 0,
        flags: ColumnFlag.BLOB | binFlag,
        binaryCharset: binary,
      };
    default:
      return assertNever(family, 'string family');
  }
}

/** How a value of type t is described; text lengths count mbMaxLen bytes per character (the results charset's). */
export function wireType(t: SqlType, mbMaxLen = MB_MAX_LEN): WireType {
  switch (t.kind) {
    case 'int': {
      const width = t.display ?? INT_WIDTHS[t.bytes][t.unsigned ? 1 : 0];
      const flags = NUMERIC | (t.unsigned ? ColumnFlag.UNSIGNED : 0);
      return { type: INT_TYPES[t.bytes], length: width, decimals: 0, flags, binaryCharset: true };
    }
    case 'decimal': {
      const unsigned = t.unsigned === true;
      const length = t.precision + (t.scale > 0 ? 1 : 0) + (unsigned ? 0 : 1);
      const flags = NUMERIC | (unsigned ? ColumnFlag.UNSIGNED : 0);
      return { type: MysqlType.NEWDECIMAL, length, decimals: t.scale, flags, binaryCharset: true };
    }
    case 'float':
      return { type: MysqlType.FLOAT, length: 12, decimals: NOT_FIXED_DEC, flags: NUMERIC, binaryCharset: true };
    case 'double':
      return { type: MysqlType.DOUBLE, length: 22, decimals: t.decimals ?? NOT_FIXED_DEC, flags: NUMERIC, binaryCharset: true };
    case 'string':
      return stringWireType(t.family, t.length, t.binary, mbMaxLen);
    case 'date':
      return { type: MysqlType.DATE, length: 10, decimals: 0, flags: ColumnFlag.BINARY, binaryCharset: true };
    case 'datetime':
    case 'timestamp': {
      const type = t.kind === 'datetime' ? MysqlType.DATETIME : MysqlType.TIMESTAMP;
      return { type, length: 19 + (t.fsp > 0 ? t.fsp + 1 : 0), decimals: t.fsp, flags: ColumnFlag.BINARY, binaryCharset: true };
    }
    case 'time':
      return { type: MysqlType.TIME, length: 10 + (t.fsp > 0 ? t.fsp + 1 : 0), decimals: t.fsp, flags: ColumnFlag.BINARY, binaryCharset: true };
    case 'year':
      return {
        type: MysqlType.YEAR,
        length: 4,
        decimals: 0,
        flags: NUMERIC | ColumnFlag.UNSIGNED | ColumnFlag.ZEROFILL,
        binaryCharset: true,
      };
    case 'json':
      return { type: MysqlType.JSON, length: MAX_LENGTH, decimals: 0, flags: ColumnFlag.BLOB | ColumnFlag.BINARY, binaryCharset: true };
    case 'enum': {
      let longest = 0;
      for (const v of t.values) longest = Math.max(longest, v.length);
      return { type: MysqlType.STRING, length: longest * mbMaxLen, decimals: 0, flags: ColumnFlag.ENUM, binaryCharset: false };
    }
    case 'null':
      return { type: MysqlType.NULL, length: 0, decimals: 0, flags: ColumnFlag.BINARY, binaryCharset: true };
    default:
      return assertNever(t, 'SqlType');
  }
}

export function columnFlags(col: ColumnInfo, wt: WireType): number {
  let f = wt.flags;
  if (!col.nullable) f |= ColumnFlag.NOT_NULL;
  if (col.primaryKey) f |= ColumnFlag.PRI_KEY;
  if (col.uniqueKey) f |= ColumnFlag.UNIQUE_KEY;
  if (col.multipleKey) f |= ColumnFlag.MULTIPLE_KEY;
  if (col.autoIncrement) f |= ColumnFlag.AUTO_INCREMENT;
  return f;
}

/**
 * Writes one ColumnDefinition41 packet. `textCharset` is the collation id text columns carry
 * (the connection's, when it is a UTF-8 one). COM_FIELD_LIST adds a default-value field.
 */
export function writeColumnDef(w: PacketWriter, col: ColumnInfo, textCharset: number, forFieldList = false, mbMaxLen = MB_MAX_LEN): void {
  const wt = wireType(col.type, mbMaxLen);
  w.begin()
    .lenencStr('def')
    .lenencStr(col.schema)
    .lenencStr(col.table)
    .lenencStr(col.orgTable)
    .lenencStr(col.name)
    .lenencStr(col.orgName)
    .u8(0x0c)
    .u16(wt.binaryCharset ? Charset.BINARY : textCharset)
    .u32(wt.length)
    .u8(wt.type)
    .u16(columnFlags(col, wt))
    .u8(wt.decimals)
    .u16(0);
  if (forFieldList) w.u8(0xfb);
  w.end();
}

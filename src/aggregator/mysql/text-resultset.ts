import { encodeText, encodesAsPlainUtf8, type CharsetName } from '../../common/charset.js';
import { wireType, writeColumnDef } from './column-def.js';
import type { PacketWriter } from './packet-writer.js';
import { writeEof, writeResultEnd } from './generic-packets.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { ColumnInfo, ResultValue } from './session-api.js';

/** Column count, column definitions and (without DEPRECATE_EOF) the EOF that ends them. */
export function writeResultHeader(sink: ReplySink, columns: readonly ColumnInfo[], fmt: ResultFormat, status: number): void {
  const w = sink.w;
  w.begin().lenencInt(columns.length).end();
  for (const col of columns) writeColumnDef(w, col, fmt.textCharset, false, fmt.maxBytesPerChar);
  if (!fmt.deprecateEof) writeEof(w, status, 0);
}

/**
 * A text value, length-encoded, in character_set_results: the bytes a string was decoded from
 * come back as they were (a literal holding invalid UTF-8 is echoed byte for byte, as MySQL).
 */
export function writeTextValue(w: PacketWriter, s: string, charset: CharsetName): void {
  if (encodesAsPlainUtf8(s, charset)) w.lenencUtf8(s);
  else w.lenencBytes(encodeText(s, charset));
}

/**
 * The charset each column's text values go in: character_set_results for text columns; columns
 * described with charset 63 (numbers, temporals, JSON) are not converted, as in MySQL.
 */
export function valueCharsets(columns: readonly ColumnInfo[], fmt: ResultFormat): CharsetName[] {
  return columns.map((c) => (wireType(c.type).binaryCharset ? 'utf8mb4' : fmt.charset));
}

/** A text-protocol result set: every value a length-encoded string, 0xFB for NULL. */
export async function writeTextResultSet(
  sink: ReplySink,
  columns: readonly ColumnInfo[],
  rows: readonly (readonly ResultValue[])[],
  fmt: ResultFormat,
  status: number,
  warnings: number,
): Promise<void> {
  writeResultHeader(sink, columns, fmt, status);
  const w = sink.w;
  const n = columns.length;
  const charsets = valueCharsets(columns, fmt);
  for (const row of rows) {
    w.begin();
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) w.u8(0xfb);
      else if (typeof v === 'string') writeTextValue(w, v, charsets[i]!);
      else w.lenencBytes(v);
    }
    w.end();
    const wait = sink.spill();
    if (wait) await wait;
  }
  writeResultEnd(w, fmt.deprecateEof, status, warnings);
}

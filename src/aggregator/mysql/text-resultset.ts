import { encodeText, encodesAsPlainUtf8, type CharsetName } from '../../common/charset.js';
import { SqlError } from '../../common/errors.js';
import { wireType, writeColumnDef } from './column-def.js';
import type { PacketWriter } from './packet-writer.js';
import { writeEof, writeResultEnd } from './generic-packets.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { ColumnInfo, ResultValue, RowStream } from './session-api.js';

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
  const writeRow = textRowWriter(columns, fmt);
  for (const row of rows) {
    writeRow(w, row);
    const wait = sink.spill();
    if (wait) await wait;
  }
  writeResultEnd(w, fmt.deprecateEof, status, warnings);
}

/** A text-protocol row writer (for writeTextResultSet and writeRowStream). */
export function textRowWriter(columns: readonly ColumnInfo[], fmt: ResultFormat): (w: PacketWriter, row: readonly ResultValue[]) => void {
  const n = columns.length;
  const charsets = valueCharsets(columns, fmt);
  return (w, row) => {
    w.begin();
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) w.u8(0xfb);
      else if (typeof v === 'string') writeTextValue(w, v, charsets[i]!);
      else w.lenencBytes(v);
    }
    w.end();
  };
}

/**
 * Writes a streamed result set: rows are written as the statement makes them, and the next ones
 * are asked for only once the socket has taken these (a client that stops reading holds the
 * statement, not server memory). An error before the first rows is a plain ERR (thrown before
 * the header); one after them is thrown with the rows already sent, and the caller ends the
 * reply with ERR, as MySQL does.
 */
export async function writeRowStream(
  sink: ReplySink,
  columns: readonly ColumnInfo[],
  stream: RowStream,
  fmt: ResultFormat,
  status: number,
  writeRow: (w: PacketWriter, row: readonly ResultValue[]) => void,
): Promise<void> {
  try {
    let rows = await stream.next();
    writeResultHeader(sink, columns, fmt, status);
    while (rows !== null) {
      for (const row of rows) {
        writeRow(sink.w, row);
        const wait = sink.spill();
        if (wait) await Promise.race([wait, stream.stopped]);
        if (sink.closed()) throw new SqlError('ER_NET_ERROR_ON_WRITE', 'Got an error writing communication packets');
      }
      rows = await stream.next();
    }
    writeResultEnd(sink.w, fmt.deprecateEof, status, stream.warnings());
  } finally {
    // Read to its end this does nothing; otherwise the statement stops here.
    stream.close();
  }
}

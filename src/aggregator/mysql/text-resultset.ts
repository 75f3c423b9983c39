import { writeColumnDef } from './column-def.js';
import { writeEof, writeResultEnd } from './generic-packets.js';
import { SqlError } from '../../common/errors.js';
import type { PacketWriter } from './packet-writer.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { ColumnInfo, ResultValue, RowStream } from './session-api.js';

/** Column count, column definitions and (without DEPRECATE_EOF) the EOF that ends them. */
export function writeResultHeader(sink: ReplySink, columns: readonly ColumnInfo[], fmt: ResultFormat, status: number): void {
  const w = sink.w;
  w.begin().lenencInt(columns.length).end();
  for (const col of columns) writeColumnDef(w, col, fmt.textCharset);
  if (!fmt.deprecateEof) writeEof(w, status, 0);
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
  for (const row of rows) {
    writeTextRow(w, row, n);
    const wait = sink.spill();
    if (wait) await wait;
  }
  writeResultEnd(w, fmt.deprecateEof, status, warnings);
}

function writeTextRow(w: PacketWriter, row: readonly ResultValue[], n: number): void {
  w.begin();
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined) w.u8(0xfb);
    else if (typeof v === 'string') w.lenencStr(v);
    else w.lenencBytes(v);
  }
  w.end();
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

/** A text-protocol row writer for writeRowStream. */
export function textRowWriter(columns: readonly ColumnInfo[]): (w: PacketWriter, row: readonly ResultValue[]) => void {
  const n = columns.length;
  return (w, row) => writeTextRow(w, row, n);
}

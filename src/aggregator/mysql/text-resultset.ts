import { writeColumnDef } from './column-def.js';
import { writeEof, writeResultEnd } from './generic-packets.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { ColumnInfo, ResultValue } from './session-api.js';

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
    w.begin();
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) w.u8(0xfb);
      else if (typeof v === 'string') w.lenencStr(v);
      else w.lenencBytes(v);
    }
    w.end();
    const wait = sink.spill();
    if (wait) await wait;
  }
  writeResultEnd(w, fmt.deprecateEof, status, warnings);
}

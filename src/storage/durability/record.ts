/**
 * Log and snapshot records, and the frame every record travels in on disk.
 *
 * Frame: [u32 LE payload length][u32 LE crc32 of the payload][payload = msgpack of the record].
 * A reader walks frames until the end of the file; a frame whose length runs past the end, whose
 * checksum does not match or whose payload does not decode marks the torn or corrupt tail: the
 * bytes before it are good, the rest is cut off (never replayed).
 *
 * Values (src/common/value.ts) round-trip exactly: numbers stay numbers (msgpack float64 or int),
 * bigint stays bigint (int64AsType 'bigint' keeps 64-bit integers as bigint, the bigint extension
 * covers anything larger), Decimal has its own extension type, byte strings come back as copies.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Packr, addExtension } from 'msgpackr';
import { Decimal } from '../../common/decimal.js';
import type { Value } from '../../common/value.js';
import type { IndexSchema, TableSchema } from '../schema.js';

/** msgpack extension type of a Decimal: [unscaled bigint, scale]. */
const DECIMAL_EXT = 0x44;

addExtension({
  Class: Decimal,
  type: DECIMAL_EXT,
  write: (d: Decimal) => [d.unscaled, d.scale],
  read: (data: [bigint | number, number]) => new Decimal(BigInt(data[0]), data[1]),
});

const packr = new Packr({ useRecords: false, int64AsType: 'bigint', useBigIntExtension: true, copyBuffers: true, mapsAsObjects: true });

/** One row change inside a commit record. `key` finds the row to change: the primary key values before the change, or the hidden row id of a table without a primary key. */
export type LoggedChange =
  | { readonly op: 'insert'; readonly tableId: number; readonly row: readonly Value[]; readonly rowId?: number }
  | { readonly op: 'update'; readonly tableId: number; readonly key: readonly Value[] | number; readonly row: readonly Value[] }
  | { readonly op: 'delete'; readonly tableId: number; readonly key: readonly Value[] | number };

/**
 * A record of one partition's log. Every record except `round`, `segment` and `commitPart`
 * carries the commit ts the leaf's clock gave it; ts grows along a log.
 */
export type LogRecord =
  | { readonly kind: 'commit'; readonly ts: number; readonly changes: readonly LoggedChange[] }
  /**
   * The first changes of a big commit, encoded before its ts was known: its `commit` record (the
   * ts and the last changes) follows in the same log and round, so recovery applies them together
   * or not at all.
   */
  | { readonly kind: 'commitPart'; readonly changes: readonly LoggedChange[] }
  | { readonly kind: 'createTable'; readonly ts: number; readonly schema: TableSchema }
  | { readonly kind: 'dropTable'; readonly ts: number; readonly tableId: number }
  | { readonly kind: 'truncate'; readonly ts: number; readonly tableId: number }
  | { readonly kind: 'addIndex'; readonly ts: number; readonly tableId: number; readonly index: IndexSchema }
  | { readonly kind: 'dropIndex'; readonly ts: number; readonly tableId: number; readonly name: string }
  /** Closes a group-commit round in this log: the records since the previous marker belong to round `n`, which wrote the logs `parts`. */
  | { readonly kind: 'round'; readonly n: number; readonly parts: readonly string[] }
  /** First record of a segment file: every round up to `afterRound` is complete in earlier segments (or released by a snapshot). */
  | { readonly kind: 'segment'; readonly afterRound: number };

/** Records of a snapshot file: header, row chunks, end. */
export type SnapshotRecord =
  | {
      readonly kind: 'snapshot';
      /** The commit ts the snapshot is consistent at: it holds every commit at or before it. */
      readonly ts: number;
      /** The last complete group-commit round when the snapshot was taken. */
      readonly round: number;
      readonly tables: readonly TableSchema[];
    }
  /** Rows of one table; rowIds are the hidden row ids of a table without a primary key. */
  | { readonly kind: 'rows'; readonly tableId: number; readonly rows: readonly (readonly Value[])[]; readonly rowIds?: readonly number[] }
  | { readonly kind: 'end'; readonly rows: number; readonly chunks: number };

export const FRAME_HEADER = 8;

let crcImpl: (b: Uint8Array) => number;
if (typeof zlibCrc32 === 'function') {
  crcImpl = (b) => zlibCrc32(b);
} else {
  // Node before 20.15 has no zlib.crc32.
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  crcImpl = (b) => {
    let c = 0xffffffff;
    for (let i = 0; i < b.length; i++) c = table[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
}

export function crc32(b: Uint8Array): number {
  return crcImpl(b) >>> 0;
}

/** Encodes any record into one frame. */
export function frame(record: unknown): Buffer {
  const payload = packr.pack(record);
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, FRAME_HEADER);
  return out;
}

export interface FrameScan<R> {
  readonly records: { readonly record: R; readonly offset: number; readonly end: number }[];
  /** Bytes of good frames from the start. */
  readonly goodBytes: number;
  /** Why the scan stopped before the end of the buffer, if it did. */
  readonly damage: string | null;
}

/** Largest payload a frame may claim; a bigger length is corruption, not a record. */
const MAX_PAYLOAD = 256 * 1024 * 1024;

/** Reads frames from the start of buf; stops at the first torn or corrupt one. */
export function scanFrames<R>(buf: Uint8Array, validate: (r: unknown) => r is R): FrameScan<R> {
  const records: { record: R; offset: number; end: number }[] = [];
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  let damage: string | null = null;
  while (off < view.length) {
    if (view.length - off < FRAME_HEADER) {
      damage = `torn frame header (${view.length - off} bytes)`;
      break;
    }
    const len = view.readUInt32LE(off);
    const sum = view.readUInt32LE(off + 4);
    if (len > MAX_PAYLOAD || off + FRAME_HEADER + len > view.length) {
      damage = `frame of ${len} bytes runs past the end of the file`;
      break;
    }
    const payload = view.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len);
    if (crc32(payload) !== sum) {
      damage = 'checksum mismatch';
      break;
    }
    let rec: unknown;
    try {
      rec = packr.unpack(payload);
    } catch (e) {
      damage = `undecodable record (${(e as Error).message})`;
      break;
    }
    if (!validate(rec)) {
      damage = 'unknown record kind';
      break;
    }
    const end = off + FRAME_HEADER + len;
    records.push({ record: rec, offset: off, end });
    off = end;
  }
  return { records, goodBytes: off, damage };
}

const LOG_KINDS = new Set(['commit', 'commitPart', 'createTable', 'dropTable', 'truncate', 'addIndex', 'dropIndex', 'round', 'segment']);
const SNAPSHOT_KINDS = new Set(['snapshot', 'rows', 'end']);

export function isLogRecord(r: unknown): r is LogRecord {
  return typeof r === 'object' && r !== null && LOG_KINDS.has((r as { kind?: unknown }).kind as string);
}

export function isSnapshotRecord(r: unknown): r is SnapshotRecord {
  return typeof r === 'object' && r !== null && SNAPSHOT_KINDS.has((r as { kind?: unknown }).kind as string);
}

/** Encodes and decodes plain data (catalog metadata) with the same value rules. */
export function packValue(v: unknown): Buffer {
  return packr.pack(v);
}

export function unpackValue(b: Uint8Array): unknown {
  return packr.unpack(b);
}

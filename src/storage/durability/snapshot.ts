/**
 * Partition snapshots: `snap-<ts>.snap`, a run of frames (record.ts): a header with the commit ts
 * the snapshot is consistent at and the table schemas, chunks of rows, and an end record with the
 * counts. A file is valid only when every frame checks out and the end record matches, so a torn
 * or bit-flipped snapshot is recognised and recovery falls back to the one before.
 *
 * Written in the background from an MVCC read view at a durable commit ts, chunk by chunk with an
 * await between chunks (writers never wait for it), to a temp file that is fsynced, renamed into
 * place and made durable with a directory fsync.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Value } from '../../common/value.js';
import type { Partition } from '../partition.js';
import type { ReadView, TableSchema } from '../schema.js';
import { frame, isSnapshotRecord, scanFrames, type SnapshotRecord } from './record.js';
import { syncDir } from './log-file.js';
import { checkFault } from './fault.js';

const ROWS_PER_CHUNK = 512;
/** Buffer this many bytes of frames before a write. */
const WRITE_BYTES = 1 << 20;

export function snapshotName(ts: number): string {
  return `snap-${String(ts).padStart(16, '0')}.snap`;
}

export function snapshotTs(name: string): number | null {
  const m = /^snap-(\d{16})\.snap$/.exec(name);
  return m ? Number(m[1]) : null;
}

export interface LoadedSnapshot {
  readonly ts: number;
  readonly round: number;
  readonly tables: readonly TableSchema[];
  readonly chunks: readonly Extract<SnapshotRecord, { kind: 'rows' }>[];
  readonly rows: number;
  readonly file: string;
}

/** Thrown when the partition changed shape (DDL) while the snapshot was being written. */
export class SnapshotAborted extends Error {}

/**
 * Writes a snapshot of `partition` as seen by `view` (whose ts must be durable; the caller holds
 * and releases the view) and returns its path. `stillValid` is asked between chunks; false
 * abandons the file.
 */
export async function writeSnapshot(
  dir: string,
  partition: Partition,
  view: ReadView,
  round: number,
  stillValid: () => boolean,
): Promise<{ file: string; rows: number; bytes: number }> {
  const ts = view.ts;
  const final = path.join(dir, snapshotName(ts));
  const tmp = final.replace(/\.snap$/, '.tmp');
  const fh = await fsp.open(tmp, 'w');
  let pos = 0;
  let buf: Buffer[] = [];
  let bufBytes = 0;
  const put = async (rec: SnapshotRecord, force = false): Promise<void> => {
    const f = frame(rec);
    buf.push(f);
    bufBytes += f.length;
    if (bufBytes >= WRITE_BYTES || force) {
      checkFault(dir);
      const b = Buffer.concat(buf);
      buf = [];
      bufBytes = 0;
      let off = 0;
      while (off < b.length) off += (await fh.write(b, off, b.length - off, pos + off)).bytesWritten;
      pos += b.length;
    }
  };
  let rows = 0;
  let chunks = 0;
  try {
    const tables = partition.allTables();
    await put({ kind: 'snapshot', ts, round, tables: tables.map((t) => t.schema) });
    for (const table of tables) {
      const cols = table.schema.columns.map((_, i) => i);
      const keyless = table.keyless;
      for (const chunk of table.scan(view, cols, ROWS_PER_CHUNK)) {
        const out: Value[][] = new Array<Value[]>(chunk.length);
        for (let i = 0; i < chunk.length; i++) {
          const r = new Array<Value>(cols.length);
          for (let c = 0; c < cols.length; c++) r[c] = chunk.columns[c]![i]!;
          out[i] = r;
        }
        const rowIds = keyless ? Array.from(chunk.refs, (ref) => table.rowIdOf(ref)!) : undefined;
        await put({ kind: 'rows', tableId: table.tableId, rows: out, ...(rowIds ? { rowIds } : {}) });
        rows += chunk.length;
        chunks++;
        // Let writers run; a DDL on the partition meanwhile invalidates the scan.
        if (chunks % 8 === 0) await new Promise<void>((r) => setImmediate(r));
        if (!stillValid()) throw new SnapshotAborted('the partition changed (DDL) during the snapshot');
      }
    }
    await put({ kind: 'end', rows, chunks }, true);
    await fh.datasync();
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, final);
  await syncDir(dir);
  return { file: final, rows, bytes: pos };
}

/** Reads and validates a snapshot file; throws with the reason when it is damaged. */
export async function readSnapshot(file: string): Promise<LoadedSnapshot> {
  const data = await fsp.readFile(file);
  const scan = scanFrames(data, isSnapshotRecord);
  if (scan.damage !== null) throw new Error(`${scan.damage} at byte ${scan.goodBytes}`);
  const recs = scan.records.map((r) => r.record);
  const head = recs[0];
  const end = recs[recs.length - 1];
  if (head?.kind !== 'snapshot') throw new Error('no snapshot header');
  if (end?.kind !== 'end' || recs.length < 2) throw new Error('no end record (incomplete file)');
  const chunks = recs.slice(1, -1) as Extract<SnapshotRecord, { kind: 'rows' }>[];
  let rows = 0;
  for (const c of chunks) {
    if (c.kind !== 'rows') throw new Error(`unexpected ${(c as SnapshotRecord).kind} record inside the snapshot`);
    rows += c.rows.length;
  }
  if (chunks.length !== end.chunks || rows !== end.rows) throw new Error(`counts do not match (${chunks.length}/${end.chunks} chunks, ${rows}/${end.rows} rows)`);
  return { ts: head.ts, round: head.round, tables: head.tables, chunks, rows, file };
}

/** Snapshot files of a partition directory, newest first. */
export async function listSnapshots(dir: string): Promise<{ ts: number; file: string }[]> {
  const out: { ts: number; file: string }[] = [];
  for (const name of await fsp.readdir(dir)) {
    const ts = snapshotTs(name);
    if (ts !== null) out.push({ ts, file: path.join(dir, name) });
  }
  return out.sort((a, b) => b.ts - a.ts);
}

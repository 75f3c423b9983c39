/**
 * Recovery of a leaf's partitions from its own directory: per partition the newest valid snapshot
 * (falling back to the one before when it is damaged), then the log after it.
 *
 * The cut: every log is read up to its first torn or corrupt frame. Records are grouped by the
 * group-commit round that wrote them (group-commit.ts); round n is complete when every log its
 * marker lists holds marker n (or has released it: rounds up to a log's first segment header or
 * its snapshot are complete by construction). The first incomplete round C, and everything after
 * it in every log, is cut off: the files are truncated there with a warning, nothing of it is
 * replayed. Acknowledged commits are all in complete rounds before C.
 *
 * A crash can only tear the round in flight (rounds run one after another), so the cut drops
 * exactly the unacknowledged tail. A record damaged in the middle of a log (bit rot) ends that
 * log there; every later round that wrote to that log is then incomplete and cut everywhere, so
 * no transaction is half-applied; later single-partition commits of other logs stay.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Value } from '../../common/value.js';
import { invariant } from '../../common/assert.js';
import { Partition } from '../partition.js';
import type { RowTable } from '../row-table.js';
import type { TxnManager, Txn } from '../txn.js';
import { isLogRecord, scanFrames, type LogRecord, type LoggedChange } from './record.js';
import { PartitionLog, segmentSeq, syncDir, type SegmentInfo } from './log-file.js';
import { listSnapshots, readSnapshot, type LoadedSnapshot } from './snapshot.js';
import { childPath, dbDirName, decodeName, DROPPING_DIR, FORMAT_FILE, FORMAT_TEXT, isHashedDirName, legacyName, NAME_FILE } from './names.js';

export interface DurabilityLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Group {
  /** null: records after the last marker (a round that never finished here). */
  readonly round: number | null;
  readonly parts: readonly string[];
  readonly records: LogRecord[];
  readonly seg: number;
  /** Byte offset of the group's first frame in its segment. */
  readonly start: number;
}

interface PartScan {
  readonly db: string;
  readonly pid: number;
  readonly key: string;
  readonly dir: string;
  snapshot: LoadedSnapshot | null;
  segs: { seq: number; path: string; size: number; maxTs: number }[];
  groups: Group[];
  markers: Set<number>;
  coveredUpTo: number;
  /** Where the readable log ends (first damage), if it ends early. */
  damage: { seg: number; offset: number; reason: string } | null;
}

export interface RecoveredPartition {
  readonly db: string;
  readonly partition: Partition;
  readonly log: PartitionLog;
  readonly snapshotTs: number;
  readonly snapshots: readonly number[];
}

export interface RecoveryResult {
  readonly partitions: RecoveredPartition[];
  readonly maxRound: number;
  readonly maxTs: number;
}

export function partitionKey(db: string, pid: number): string {
  return `${db}/${pid}`;
}

/** Reads, cuts and replays every partition under `leafDir`. */
export async function recoverLeaf(leafDir: string, txns: TxnManager, log: DurabilityLogger): Promise<RecoveryResult> {
  const started = performance.now();
  await fsp.mkdir(leafDir, { recursive: true });
  const scans: PartScan[] = [];
  for (const { db, dir } of await databaseDirs(leafDir, log)) {
    for (const p of await fsp.readdir(dir, { withFileTypes: true })) {
      const m = /^p(\d+)$/.exec(p.name);
      if (!p.isDirectory() || !m) continue;
      const pid = Number(m[1]);
      scans.push(await scanPartition(db, pid, path.join(dir, p.name), log));
    }
  }
  const byKey = new Map(scans.map((s) => [s.key, s]));

  // The first incomplete round.
  let cutRound = Infinity;
  let maxRound = 0;
  for (const s of scans) {
    maxRound = Math.max(maxRound, s.coveredUpTo);
    for (const g of s.groups) {
      if (g.round === null) continue;
      maxRound = Math.max(maxRound, g.round);
      for (const q of g.parts) {
        const other = byKey.get(q);
        if (other === undefined) continue; // its database was dropped
        if (!other.markers.has(g.round) && g.round > other.coveredUpTo) {
          cutRound = Math.min(cutRound, g.round);
          log.warn({ round: g.round, partition: s.key, missingIn: q }, 'recovery: a commit round did not reach every partition log; it and every later round are cut off');
        }
      }
    }
  }

  const out: RecoveredPartition[] = [];
  let maxTs = 0;
  let records = 0;
  let rows = 0;
  let lastReport = performance.now();
  for (const s of scans) {
    const partition = new Partition(s.pid, txns);
    const snapTs = s.snapshot?.ts ?? 0;
    if (s.snapshot !== null) {
      rows += loadSnapshot(partition, txns, s.snapshot);
      maxTs = Math.max(maxTs, snapTs);
    }
    // Where this log is cut, if anywhere.
    let cut: { seg: number; offset: number } | null = s.damage === null ? null : { seg: s.damage.seg, offset: s.damage.offset };
    let dropped = 0;
    for (const g of s.groups) {
      if (g.round === null || g.round >= cutRound) {
        if (cut === null || g.seg < cut.seg || (g.seg === cut.seg && g.start < cut.offset)) cut = { seg: g.seg, offset: g.start };
        break;
      }
      // The parts of a big commit, applied with the commit record that follows them.
      let parts: (readonly LoggedChange[])[] = [];
      for (const r of g.records) {
        if (r.kind === 'round' || r.kind === 'segment') continue;
        if (r.kind === 'commitPart') {
          parts.push(r.changes);
          continue;
        }
        const before = parts;
        parts = [];
        invariant(before.length === 0 || r.kind === 'commit', `recovery: commit parts followed by a ${r.kind} record in ${s.key}`);
        if (r.ts <= snapTs) continue;
        applyRecord(partition, txns, r, before);
        maxTs = Math.max(maxTs, r.ts);
        records++;
        if (r.kind === 'commit') for (const c of [...before, r.changes]) rows += c.length;
      }
      invariant(parts.length === 0, `recovery: commit parts without their commit record in ${s.key}`);
      const now = performance.now();
      if (now - lastReport >= 1000) {
        lastReport = now;
        log.info({ partition: s.key, records, rows, elapsedMs: Math.round(now - started) }, 'recovery in progress');
      }
    }
    if (cut !== null) {
      for (const g of s.groups) if (g.seg > cut.seg || (g.seg === cut.seg && g.start >= cut.offset)) dropped += g.records.filter((r) => r.kind !== 'round').length;
      await cutLog(s, cut, dropped, log);
    }
    const segments: SegmentInfo[] = s.segs.map((x) => ({ seq: x.seq, path: x.path, size: x.size, maxTs: x.maxTs }));
    let plog: PartitionLog;
    if (segments.length === 0) {
      plog = await PartitionLog.create(s.key, s.dir, maxRound);
    } else {
      plog = new PartitionLog(s.key, s.dir, segments);
      await plog.openActive();
    }
    const snaps = (await listSnapshots(s.dir)).map((x) => x.ts);
    out.push({ db: s.db, partition, log: plog, snapshotTs: snapTs, snapshots: snaps });
  }
  txns.advanceClock(maxTs);
  const ms = Math.round(performance.now() - started);
  log.info({ partitions: scans.length, records, rows, ms, cutRound: Number.isFinite(cutRound) ? cutRound : null }, 'recovery finished');
  return { partitions: out, maxRound: Math.max(maxRound, Number.isFinite(cutRound) ? cutRound : 0), maxTs };
}

/**
 * The database directories of a leaf folder, by name. Finishes the drops a crash interrupted
 * (what DROP DATABASE moved into DROPPING_DIR); in a folder of an older build (no FORMAT_FILE
 * yet) renames its database directories to their encoding; leaves anything else alone with a
 * warning: nothing is deleted on a guess.
 */
async function databaseDirs(leafDir: string, log: DurabilityLogger): Promise<{ db: string; dir: string }[]> {
  const out: { db: string; dir: string }[] = [];
  const entries = await fsp.readdir(leafDir, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const older = !names.has(FORMAT_FILE);
  for (const entry of entries) {
    const name = entry.name;
    if (!entry.isDirectory()) continue;
    const dir = childPath(leafDir, name);
    if (name === DROPPING_DIR) {
      await finishDrops(dir, log);
      continue;
    }
    const db = decodeName(name) ?? (isHashedDirName(name) ? await hashedName(dir, name) : null);
    if (db !== null) {
      out.push({ db, dir });
      continue;
    }
    const legacy = older ? legacyName(name) : null;
    if (legacy === null || !(await holdsPartitions(dir))) {
      log.warn({ dir }, 'recovery: not a database directory; leaving it alone');
      continue;
    }
    const target = dbDirName(legacy);
    if (names.has(target)) {
      log.error({ dir, db: legacy, other: childPath(leafDir, target) }, 'recovery: a database directory of an older build and one of this build hold the same database; leaving the old one alone');
      continue;
    }
    if (isHashedDirName(target)) await writeNameFile(dir, legacy);
    await fsp.rename(dir, childPath(leafDir, target));
    await syncDir(leafDir);
    names.add(target);
    log.info({ from: name, to: target, db: legacy }, 'recovery: renamed a database directory of an older build to its encoded name');
    out.push({ db: legacy, dir: childPath(leafDir, target) });
  }
  if (older) {
    // Written once every directory has its new name: from now on only encoded names are databases.
    const fh = await fsp.open(path.join(leafDir, FORMAT_FILE), 'w');
    try {
      await fh.writeFile(`${FORMAT_TEXT}\n`, 'utf8');
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await syncDir(leafDir);
  }
  return out;
}

/** Whether a directory looks like a database of an older build: it has partition directories. */
async function holdsPartitions(dir: string): Promise<boolean> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  return entries.some((e) => e.isDirectory() && /^p\d+$/.test(e.name));
}

/** Deletes what an interrupted DROP DATABASE had moved aside (see LeafStore.dropDatabase). */
async function finishDrops(dropping: string, log: DurabilityLogger): Promise<void> {
  for (const d of await fsp.readdir(dropping)) {
    const p = childPath(dropping, d);
    log.info({ dir: p }, 'recovery: finishing an interrupted DROP DATABASE');
    await fsp.rm(p, { recursive: true, force: true });
  }
  await syncDir(dropping);
}

/** The name recorded in a hashed directory, or null when it is missing or belongs elsewhere. */
async function hashedName(dir: string, name: string): Promise<string | null> {
  const text = await fsp.readFile(path.join(dir, NAME_FILE), 'utf8').catch(() => null);
  return text !== null && text.length > 0 && dbDirName(text) === name ? text : null;
}

/** Records a database's name in its directory (needed when the directory name is hashed). */
export async function writeNameFile(dir: string, db: string): Promise<void> {
  const fh = await fsp.open(path.join(dir, NAME_FILE), 'w');
  try {
    await fh.writeFile(db, 'utf8');
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await syncDir(dir);
}

async function scanPartition(db: string, pid: number, dir: string, log: DurabilityLogger): Promise<PartScan> {
  const key = partitionKey(db, pid);
  const s: PartScan = { db, pid, key, dir, snapshot: null, segs: [], groups: [], markers: new Set(), coveredUpTo: 0, damage: null };
  const names = await fsp.readdir(dir);
  for (const n of names) if (n.endsWith('.tmp')) await fsp.rm(path.join(dir, n), { force: true }); // unfinished snapshots
  // Newest valid snapshot; a damaged one is set aside and the one before is used.
  for (const snap of await listSnapshots(dir)) {
    try {
      s.snapshot = await readSnapshot(snap.file);
      break;
    } catch (e) {
      log.warn({ partition: key, file: snap.file, reason: (e as Error).message }, 'recovery: snapshot is damaged; falling back to the one before it');
      await fsp.rename(snap.file, `${snap.file}.corrupt`);
    }
  }
  const segFiles = names
    .map((n) => ({ n, seq: segmentSeq(n) }))
    .filter((x): x is { n: string; seq: number } => x.seq !== null)
    .sort((a, b) => a.seq - b.seq);
  let current: LogRecord[] = [];
  let currentStart = -1;
  for (const f of segFiles) {
    const p = path.join(dir, f.n);
    const idx = s.segs.length;
    if (s.damage !== null) {
      // Past a damaged segment nothing can be trusted to follow it.
      s.segs.push({ seq: f.seq, path: p, size: 0, maxTs: 0 });
      continue;
    }
    const data = await fsp.readFile(p);
    const scan = scanFrames(data, isLogRecord);
    let maxTs = 0;
    const seg = { seq: f.seq, path: p, size: scan.goodBytes, maxTs };
    s.segs.push(seg);
    const first = scan.records[0]?.record;
    if (first?.kind !== 'segment') {
      s.damage = { seg: idx, offset: 0, reason: 'segment without a header' };
      continue;
    }
    if (idx === 0) s.coveredUpTo = first.afterRound;
    if (current.length > 0) {
      // a group never spans segments: the previous one ended without its marker
      s.groups.push({ round: null, parts: [], records: current, seg: idx - 1, start: currentStart });
      s.damage = { seg: idx - 1, offset: currentStart, reason: 'round without its marker' };
      current = [];
      continue;
    }
    for (let i = 1; i < scan.records.length; i++) {
      const { record, offset } = scan.records[i]!;
      if (current.length === 0) currentStart = offset;
      if (record.kind === 'round') {
        s.groups.push({ round: record.n, parts: record.parts, records: current, seg: idx, start: currentStart });
        s.markers.add(record.n);
        current = [];
        continue;
      }
      if (record.kind === 'commitPart') current.push(record);
      else if (record.kind !== 'segment') {
        if (record.ts > maxTs) maxTs = record.ts;
        current.push(record);
      }
    }
    seg.maxTs = maxTs;
    if (scan.damage !== null) {
      s.damage = { seg: idx, offset: scan.goodBytes, reason: scan.damage };
      log.warn({ partition: key, file: p, offset: scan.goodBytes, reason: scan.damage, bytesCut: data.length - scan.goodBytes }, 'recovery: torn or corrupt log tail; cutting it off');
    }
  }
  if (current.length > 0) s.groups.push({ round: null, parts: [], records: current, seg: s.segs.length - 1, start: currentStart });
  if (s.snapshot !== null) s.coveredUpTo = Math.max(s.coveredUpTo, s.snapshot.round);
  if (s.snapshot === null && segFiles.length > 0 && segFiles[0]!.seq !== 1) {
    log.error({ partition: key }, 'recovery: no valid snapshot and the log does not start at its beginning; rows older than the first log segment are missing');
  }
  return s;
}

/** Truncates the log at `cut` and removes later segments. */
async function cutLog(s: PartScan, cut: { seg: number; offset: number }, dropped: number, log: DurabilityLogger): Promise<void> {
  const seg = s.segs[cut.seg]!;
  log.warn({ partition: s.key, file: seg.path, offset: cut.offset, recordsDropped: dropped }, 'recovery: log cut at this offset (nothing after it is replayed)');
  for (const later of s.segs.splice(cut.seg + 1)) await fsp.rm(later.path, { force: true });
  if (cut.offset === 0) {
    await fsp.rm(seg.path, { force: true });
    s.segs.splice(cut.seg, 1);
  } else {
    const fh = await fsp.open(seg.path, 'r+');
    try {
      await fh.truncate(cut.offset);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    seg.size = cut.offset;
  }
  await syncDir(s.dir);
}

function loadSnapshot(partition: Partition, txns: TxnManager, snap: LoadedSnapshot): number {
  for (const schema of snap.tables) partition.createTable(schema);
  let n = 0;
  for (const chunk of snap.chunks) {
    const table = partition.table(chunk.tableId);
    invariant(table, `snapshot rows for unknown table ${chunk.tableId}`);
    const txn = txns.begin();
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i]!;
      const res = chunk.rowIds ? table.insertWithRowId(txn, row, chunk.rowIds[i]!) : table.insert(txn, row);
      invariant(!(res instanceof Promise) && res.ok, `snapshot row of table ${chunk.tableId} could not be loaded`);
    }
    txns.commitAt(txn, snap.ts);
    n += chunk.rows.length;
  }
  return n;
}

const FAR: number = Number.MAX_SAFE_INTEGER;

function refOf(table: RowTable, txn: Txn, key: readonly Value[] | number): number {
  const ref = typeof key === 'number' ? table.refOfRowId(key) : table.lookup({ txn, ts: FAR }, 0, key);
  invariant(ref !== undefined, `replay: row ${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))} of table ${table.tableId} not found`);
  return ref;
}

function applyChange(partition: Partition, txn: Txn, c: LoggedChange): void {
  const table = partition.table(c.tableId);
  invariant(table, `replay: unknown table ${c.tableId} in partition ${partition.id}`);
  switch (c.op) {
    case 'insert': {
      const res = c.rowId !== undefined ? table.insertWithRowId(txn, c.row, c.rowId) : table.insert(txn, c.row);
      invariant(!(res instanceof Promise) && res.ok, `replay: insert into table ${c.tableId} conflicts`);
      return;
    }
    case 'update': {
      const ref = refOf(table, txn, c.key);
      void table.lockRow(txn, ref);
      const res = table.update(txn, ref, c.row);
      invariant(!(res instanceof Promise) && res.ok, `replay: update of table ${c.tableId} conflicts`);
      return;
    }
    case 'delete': {
      const ref = refOf(table, txn, c.key);
      void table.lockRow(txn, ref);
      table.delete(txn, ref);
      return;
    }
  }
}

/** Replays one record; `parts`: the changes of a big commit's `commitPart` records before its `commit` record. */
function applyRecord(partition: Partition, txns: TxnManager, r: Exclude<LogRecord, { kind: 'round' | 'segment' | 'commitPart' }>, parts: readonly (readonly LoggedChange[])[]): void {
  switch (r.kind) {
    case 'commit': {
      const txn = txns.begin();
      for (const part of parts) for (const c of part) applyChange(partition, txn, c);
      for (const c of r.changes) applyChange(partition, txn, c);
      txns.commitAt(txn, r.ts);
      return;
    }
    case 'createTable':
      partition.dropTable(r.schema.id);
      partition.createTable(r.schema);
      return;
    case 'dropTable':
      partition.dropTable(r.tableId);
      return;
    case 'truncate':
      partition.table(r.tableId)?.truncate();
      return;
    case 'addIndex':
      partition.table(r.tableId)?.addIndex(r.index);
      return;
    case 'dropIndex':
      partition.table(r.tableId)?.dropIndex(r.name);
      return;
  }
}

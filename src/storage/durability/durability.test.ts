import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../common/decimal.js';
import { T } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { Partition } from '../partition.js';
import type { TableSchema } from '../schema.js';
import { TxnManager } from '../txn.js';
import { frame, isLogRecord, scanFrames } from './record.js';
import { LeafStore } from './store.js';
import type { DurabilityLogger } from './recovery.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tessera-dur-'));
  dirs.push(d);
  return d;
}

interface Logged {
  level: string;
  obj: object;
  msg: string;
}

function logger(into: Logged[] = []): DurabilityLogger & { lines: Logged[] } {
  return {
    lines: into,
    info: (obj, msg) => into.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => into.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => into.push({ level: 'error', obj, msg }),
  };
}

const SCHEMA: TableSchema = {
  id: 7,
  name: 't',
  columns: [
    { name: 'id', type: T.bigint, nullable: false },
    { name: 'v', type: T.varchar(20), nullable: true },
  ],
  indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
};
const KEYLESS: TableSchema = { id: 8, name: 'k', columns: SCHEMA.columns, indexes: [] };

async function open(dir: string, log = logger(), extra: Partial<ConstructorParameters<typeof LeafStore>[0]> = {}) {
  const store = new LeafStore({ dir, durability: 'sync', asyncFlushMs: 10, snapshotIntervalMs: 0, logSizeLimit: 0, logger: log, ...extra });
  const txns = new TxnManager();
  const dbs = await store.recover(txns);
  return { store, txns, dbs, log };
}

async function createDb(store: LeafStore, txns: TxnManager, n: number, tables: TableSchema[] = [SCHEMA]): Promise<Map<number, Partition>> {
  const parts = new Map<number, Partition>();
  for (let p = 0; p < n; p++) parts.set(p, new Partition(p, txns));
  await store.createDatabase('db', parts);
  for (const schema of tables) {
    for (const p of parts.values()) p.createTable(schema);
    await store.logDdl('db', null, (ts) => ({ kind: 'createTable', ts, schema }));
  }
  return parts;
}

function rows(txns: TxnManager, parts: ReadonlyMap<number, Partition> | undefined, tableId = 7): Value[][] {
  const out: Value[][] = [];
  const view = txns.view(null);
  for (const p of parts?.values() ?? []) {
    const t = p.table(tableId);
    if (!t) continue;
    for (const c of t.scan(view, [0, 1], 100)) for (let i = 0; i < c.length; i++) out.push([c.columns[0]![i]!, c.columns[1]![i]!]);
  }
  txns.release(view);
  return out.sort((a, b) => Number(a[0]) - Number(b[0]));
}

/** One transaction inserting (id, v) rows into the partitions named by id % partitions. */
async function insert(store: LeafStore, txns: TxnManager, parts: Map<number, Partition>, list: [number, string][], tableId = 7): Promise<void> {
  const txn = txns.begin();
  for (const [id, v] of list) {
    const r = parts.get(id % parts.size)!.table(tableId)!.insert(txn, [id, v]);
    expect(r instanceof Promise ? await r : r).toMatchObject({ ok: true });
  }
  await txn.commit();
  await store.waitDurable();
}

describe('log records', () => {
  it('round-trip every kind of value exactly', () => {
    const row: Value[] = [1, -2.5, 2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 63n), 5n, new Decimal(-12345n, 2), 'héllo', new Uint8Array([0, 255, 7]), null, 2 ** 53 - 1];
    const f = frame({ kind: 'commit', ts: 3, changes: [{ op: 'insert', tableId: 1, row }] });
    const scan = scanFrames(f, isLogRecord);
    expect(scan.damage).toBeNull();
    const rec = scan.records[0]!.record;
    if (rec.kind !== 'commit' || rec.changes[0]!.op !== 'insert') throw new Error('not an insert');
    const back = rec.changes[0]!.row;
    expect(back.map((v) => typeof v)).toEqual(row.map((v) => typeof v));
    expect(back[6]).toBeInstanceOf(Decimal);
    expect((back[6] as Decimal).unscaled).toBe(-12345n);
    expect((back[6] as Decimal).scale).toBe(2);
    expect(back[8]).toBeInstanceOf(Uint8Array);
    expect([...(back[8] as Uint8Array)]).toEqual([0, 255, 7]);
    expect(back.filter((_, i) => i !== 6 && i !== 8)).toEqual(row.filter((_, i) => i !== 6 && i !== 8));
  });

  it('stops at a torn or bit-flipped frame', () => {
    const a = frame({ kind: 'dropTable', ts: 1, tableId: 1 });
    const b = frame({ kind: 'dropTable', ts: 2, tableId: 2 });
    const both = Buffer.concat([a, b]);
    expect(scanFrames(both.subarray(0, both.length - 3), isLogRecord)).toMatchObject({ goodBytes: a.length, damage: expect.stringContaining('past the end') });
    const flipped = Buffer.from(both);
    flipped[a.length + 9]! ^= 0x40;
    expect(scanFrames(flipped, isLogRecord)).toMatchObject({ goodBytes: a.length, damage: 'checksum mismatch' });
  });
});

describe('LeafStore', () => {
  it('recovers tables, inserts, updates and deletes after a close', async () => {
    const dir = tmp();
    const a = await open(dir);
    const parts = await createDb(a.store, a.txns, 4, [SCHEMA, KEYLESS]);
    await insert(a.store, a.txns, parts, [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
    await insert(a.store, a.txns, parts, [[10, 'x'], [11, 'y']], 8);
    // update 2, delete 3, in one transaction; update a keyless row
    const txn = a.txns.begin();
    const view = { txn, ts: Number.MAX_SAFE_INTEGER };
    const t2 = parts.get(2)!.table(7)!;
    const r2 = t2.lookup(view, 0, [2])!;
    await t2.lockRow(txn, r2);
    t2.update(txn, r2, [2, 'B']);
    const t3 = parts.get(3)!.table(7)!;
    const r3 = t3.lookup(view, 0, [3])!;
    await t3.lockRow(txn, r3);
    t3.delete(txn, r3);
    const k = parts.get(2)!.table(8)!;
    const kref = [...k.scan(a.txns.view(txn), [0], 10)][0]!.refs[0]!;
    await k.lockRow(txn, kref);
    k.update(txn, kref, [10, 'X']);
    await txn.commit();
    await a.store.waitDurable();
    await a.store.close();

    const b = await open(dir);
    const db = b.dbs.get('db');
    expect(rows(b.txns, db)).toEqual([[1, 'a'], [2, 'B'], [4, 'd']]);
    expect(rows(b.txns, db, 8)).toEqual([[10, 'X'], [11, 'y']]);
    expect(b.txns.now()).toBeGreaterThanOrEqual(a.txns.now());
    await b.store.close();
  });

  it('cuts a torn log tail with a warning and keeps what came before', async () => {
    const dir = tmp();
    const a = await open(dir);
    const parts = await createDb(a.store, a.txns, 1);
    for (let i = 1; i <= 5; i++) await insert(a.store, a.txns, parts, [[i, `v${i}`]]);
    await a.store.close();
    const seg = path.join(dir, 'db', 'p0', 'log-00000001.tlog');
    truncateSync(seg, statSync(seg).size - 5); // tears the last round marker: the last insert goes
    const log = logger();
    const b = await open(dir, log);
    expect(rows(b.txns, b.dbs.get('db'))).toEqual([1, 2, 3, 4].map((i) => [i, `v${i}`]));
    expect(log.lines.some((l) => l.level === 'warn' && /torn or corrupt log tail/.test(l.msg))).toBe(true);
    // the file was truncated: a second recovery finds nothing more to cut
    await insert(b.store, b.txns, b.dbs.get('db')!, [[9, 'after']]);
    await b.store.close();
    const log2 = logger();
    const c = await open(dir, log2);
    expect(rows(c.txns, c.dbs.get('db')).map((r) => r[0])).toEqual([1, 2, 3, 4, 9]);
    expect(log2.lines.filter((l) => l.level === 'warn')).toEqual([]);
    await c.store.close();
  });

  it('never half-applies a transaction whose round reached only some partition logs', async () => {
    const dir = tmp();
    const a = await open(dir);
    const parts = await createDb(a.store, a.txns, 2);
    await insert(a.store, a.txns, parts, [[2, 'a'], [3, 'b']]);
    const before = statSync(path.join(dir, 'db', 'p1', 'log-00000001.tlog')).size;
    await insert(a.store, a.txns, parts, [[4, 'c'], [5, 'd']]); // spans p0 and p1
    await a.store.close();
    // As if the crash hit after p0's write reached the disk but before p1's did.
    truncateSync(path.join(dir, 'db', 'p1', 'log-00000001.tlog'), before);
    const log = logger();
    const b = await open(dir, log);
    expect(rows(b.txns, b.dbs.get('db'))).toEqual([[2, 'a'], [3, 'b']]);
    expect(log.lines.some((l) => /did not reach every partition log/.test(l.msg))).toBe(true);
    await b.store.close();
  });

  it('snapshots, releases old log segments, and falls back past a damaged snapshot', async () => {
    const dir = tmp();
    const a = await open(dir);
    const parts = await createDb(a.store, a.txns, 1);
    for (let i = 1; i <= 50; i++) await insert(a.store, a.txns, parts, [[i, `a${i}`]]);
    expect(await a.store.snapshotNow()).toBe(1);
    for (let i = 51; i <= 80; i++) await insert(a.store, a.txns, parts, [[i, `b${i}`]]);
    expect(await a.store.snapshotNow()).toBe(1);
    for (let i = 81; i <= 90; i++) await insert(a.store, a.txns, parts, [[i, `c${i}`]]);
    await a.store.close();
    const pdir = path.join(dir, 'db', 'p0');
    const files = readdirSync(pdir).sort();
    expect(files.filter((f) => f.endsWith('.snap'))).toHaveLength(2);
    // the first segment (before the first snapshot) was released by the second snapshot
    expect(files).not.toContain('log-00000001.tlog');

    const b = await open(dir);
    expect(rows(b.txns, b.dbs.get('db'))).toHaveLength(90);
    await b.store.close();

    // Damage the newest snapshot: recovery uses the one before it plus the longer log.
    const newest = path.join(pdir, files.filter((f) => f.endsWith('.snap')).pop()!);
    const data = readFileSync(newest);
    data[Math.floor(data.length / 2)]! ^= 0xff;
    writeFileSync(newest, data);
    const log = logger();
    const c = await open(dir, log);
    const got = rows(c.txns, c.dbs.get('db'));
    expect(got).toHaveLength(90);
    expect(got[59]).toEqual([60, 'b60']);
    expect(log.lines.some((l) => /snapshot is damaged/.test(l.msg))).toBe(true);
    await c.store.close();
  });

  it('durability=async: commits return at once and reach the disk within the flush window', async () => {
    const dir = tmp();
    const a = await open(dir, logger(), { durability: 'async', asyncFlushMs: 20 });
    const parts = await createDb(a.store, a.txns, 2);
    const txn = a.txns.begin();
    for (let i = 1; i <= 10; i++) {
      const r = parts.get(i % 2)!.table(7)!.insert(txn, [i, `a${i}`]);
      expect(r instanceof Promise ? await r : r).toMatchObject({ ok: true });
    }
    txn.commit(); // no wait: an async commit is acknowledged here
    await new Promise((r) => setTimeout(r, 300));
    // What is on disk now, as a crash would leave it (the store is still open, nothing closed).
    const copy = tmp();
    cpSync(dir, copy, { recursive: true });
    const b = await open(copy);
    expect(rows(b.txns, b.dbs.get('db'))).toHaveLength(10);
    await b.store.close();
    await a.store.close();
  });
});

// A big commit on disk: its records are encoded in slices ahead of its commit ts (commitPart
// records, then the commit record), appended to every partition log in one step, and a crash at
// any moment recovers all of it or none of it.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { Partition } from '../partition.js';
import type { TableSchema } from '../schema.js';
import { TxnManager, type Txn } from '../txn.js';
import { isLogRecord, scanFrames } from './record.js';
import type { DurabilityLogger } from './recovery.js';
import { LeafStore } from './store.js';

// The log's fault hooks (fault.ts) read their flag-file names when first imported: set them first.
const FAULTS = vi.hoisted(() => {
  const base = `${process.env['TMPDIR'] ?? '/tmp'}/tessera-bigc-fault-${process.pid}`;
  const f = { enospc: `${base}.enospc`, eio: `${base}.eio` };
  process.env['TESSERA_FAULT_ENOSPC'] = f.enospc;
  process.env['TESSERA_FAULT_EIO'] = f.eio;
  return f;
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const f of Object.values(FAULTS)) rmSync(f, { force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tessera-bigc-'));
  dirs.push(d);
  return d;
}

const quiet: DurabilityLogger = { info: () => {}, warn: () => {}, error: () => {} };

const SCHEMA: TableSchema = {
  id: 7,
  name: 't',
  columns: [
    { name: 'id', type: T.bigint, nullable: false },
    { name: 'v', type: T.varchar(20), nullable: true },
  ],
  indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
};
const PARTS = 2;
const BASE = 100; // ids 1..BASE, v 'base'
const BIG = 10_000; // ids BASE+1..BASE+BIG inserted, every base row updated, ids 1..10 deleted

async function open(dir: string): Promise<{ store: LeafStore; txns: TxnManager; parts: Map<number, Partition> | undefined }> {
  const store = new LeafStore({ dir, durability: 'sync', asyncFlushMs: 10, snapshotIntervalMs: 0, logSizeLimit: 0, logger: quiet });
  // One step per slice: the commit takes many turns of the event loop on any machine.
  const txns = new TxnManager({ sliceMs: 0 });
  const dbs = await store.recover(txns);
  return { store, txns, parts: dbs.get('db') };
}

function rows(txns: TxnManager, parts: ReadonlyMap<number, Partition> | undefined): Map<number, Value> {
  const out = new Map<number, Value>();
  const view = txns.view(null);
  for (const p of parts?.values() ?? []) for (const c of p.table(7)?.scan(view, [0, 1], 1000) ?? []) for (let i = 0; i < c.length; i++) out.set(Number(c.columns[0]![i]), c.columns[1]![i]!);
  txns.release(view);
  return out;
}

/** What the table holds with none of the big commit, or all of it. */
function expected(all: boolean): Map<number, Value> {
  const m = new Map<number, Value>();
  for (let id = 1; id <= BASE; id++) if (!all || id > 10) m.set(id, all ? 'changed' : 'base');
  if (all) for (let id = BASE + 1; id <= BASE + BIG; id++) m.set(id, `new${id}`);
  return m;
}

async function bigTxn(txns: TxnManager, parts: Map<number, Partition>): Promise<Txn> {
  const txn = txns.begin();
  const view = { txn, ts: Number.MAX_SAFE_INTEGER };
  for (let id = 1; id <= BASE; id++) {
    const t = parts.get(id % PARTS)!.table(7)!;
    const ref = t.lookup(view, 0, [id])!;
    await t.lockRow(txn, ref);
    if (id <= 10) t.delete(txn, ref);
    else expect(await t.update(txn, ref, [id, 'changed'])).toMatchObject({ ok: true });
  }
  for (let id = BASE + 1; id <= BASE + BIG; id++) expect(await parts.get(id % PARTS)!.table(7)!.insert(txn, [id, `new${id}`])).toMatchObject({ ok: true });
  return txn;
}

async function setUp(dir: string): Promise<{ store: LeafStore; txns: TxnManager; parts: Map<number, Partition> }> {
  const { store, txns } = await open(dir);
  const parts = new Map<number, Partition>();
  for (let p = 0; p < PARTS; p++) parts.set(p, new Partition(p, txns));
  await store.createDatabase('db', parts);
  for (const p of parts.values()) p.createTable(SCHEMA);
  await store.logDdl('db', null, (ts) => ({ kind: 'createTable', ts, schema: SCHEMA }));
  const base = txns.begin();
  for (let id = 1; id <= BASE; id++) await parts.get(id % PARTS)!.table(7)!.insert(base, [id, 'base']);
  await base.commit();
  return { store, txns, parts };
}

async function recovered(dir: string): Promise<Map<number, Value>> {
  const b = await open(dir);
  try {
    return rows(b.txns, b.parts);
  } finally {
    await b.store.close();
  }
}

const logFile = (dir: string, p: number): string => path.join(dir, 'db', `p${p}`, 'log-00000001.tlog');

describe('a big commit on disk', () => {
  it('a crash at any moment while it commits recovers all of it or none of it, and all once acknowledged', async () => {
    const dir = tmp();
    const { store, txns, parts } = await setUp(dir);
    const txn = await bigTxn(txns, parts);
    // On every turn of the event loop while the commit runs, the directory as a SIGKILL at that
    // moment would leave it (a log write in flight may be copied half done: a torn write).
    const crashes: string[] = [];
    let committing = true;
    const crash = (): void => {
      if (!committing) return;
      const copy = tmp();
      cpSync(dir, copy, { recursive: true });
      crashes.push(copy);
      setImmediate(crash);
    };
    setImmediate(crash);
    await txn.commit();
    committing = false;
    const acked = tmp();
    cpSync(dir, acked, { recursive: true });
    await store.close();
    expect(crashes.length).toBeGreaterThan(20);

    const none = expected(false);
    const all = expected(true);
    let before = 0;
    let after = 0;
    for (const copy of crashes) {
      const got = await recovered(copy);
      if (got.size === none.size) {
        expect(got).toEqual(none);
        before++;
      } else {
        expect(got).toEqual(all);
        after++;
      }
    }
    // Most crashes fell while it was encoded or waited for its write; some after it was on disk.
    expect(before).toBeGreaterThan(10);
    expect(after).toBeGreaterThan(0);
    expect(await recovered(acked)).toEqual(all);
  }, 60_000);

  it('is written as commitPart records plus its commit record in one round per log; a torn round anywhere drops all of it', async () => {
    const dir = tmp();
    const { store, txns, parts } = await setUp(dir);
    const sizes = [0, 1].map((p) => statSync(logFile(dir, p)).size);
    const txn = await bigTxn(txns, parts);
    await txn.commit();
    await store.close();
    for (const p of [0, 1]) {
      const scan = scanFrames(readFileSync(logFile(dir, p)).subarray(sizes[p]), isLogRecord);
      expect(scan.damage).toBeNull();
      const kinds = scan.records.map((r) => r.record.kind);
      // 5,000 inserts and 50 updates or deletes per partition: two full parts of 2,048, the rest in the commit record.
      expect(kinds).toEqual(['commitPart', 'commitPart', 'commit', 'round']);
    }
    expect(await recovered(dir)).toEqual(expected(true));
    // A crash that tore the round's write in one partition log: the other log's copy of the
    // round is cut too, nothing of the commit is replayed.
    const end = statSync(logFile(dir, 1)).size;
    for (let k = 0; k < 8; k++) {
      const copy = tmp();
      cpSync(dir, copy, { recursive: true });
      truncateSync(logFile(copy, 1), sizes[1]! + Math.floor(((end - sizes[1]!) * k) / 8));
      expect(await recovered(copy)).toEqual(expected(false));
    }
  }, 60_000);
});

describe('a big commit whose log write fails', () => {
  it('on a full disk is rolled back in slices with 1021: nothing of it visible or on disk, later commits go on', async () => {
    const dir = tmp();
    const { store, txns, parts } = await setUp(dir);
    const txn = await bigTxn(txns, parts);
    writeFileSync(FAULTS.enospc, dir); // only this directory's logs
    await expect(txn.commit()).rejects.toMatchObject({ errno: 1021, message: expect.stringContaining('The transaction was rolled back') });
    expect(txn.state).toBe('aborted');
    expect(rows(txns, parts)).toEqual(expected(false));
    rmSync(FAULTS.enospc);
    // The keys are free and writes go on.
    const again = txns.begin();
    await parts.get(1)!.table(7)!.insert(again, [BASE + 1, 'later']);
    await again.commit();
    await store.close();
    const got = await recovered(dir);
    expect(got.size).toBe(BASE + 1);
    expect(got.get(BASE + 1)).toBe('later');
    expect(got.get(1)).toBe('base');
  }, 60_000);

  it('is refused, and rolled back, when the log turned read-only (EIO) while it was being encoded', async () => {
    const dir = tmp();
    const { store, txns, parts } = await setUp(dir);
    const txn = await bigTxn(txns, parts);
    const big = Promise.resolve(txn.commit());
    const outcome = big.then(
      () => null,
      (e: { errno?: number }) => e.errno,
    );
    // While it encodes (one step per slice), a small commit's round fails with EIO.
    await new Promise((r) => setImmediate(r));
    expect(txn.state).toBe('committing');
    writeFileSync(FAULTS.eio, dir);
    const small = txns.begin();
    await parts.get(0)!.table(7)!.insert(small, [BASE + BIG + 2, 'doubt']);
    await expect(small.commit()).rejects.toMatchObject({ errno: 1180 });
    expect(await outcome).toBe(1290); // read-only: nothing of it was written
    expect(txn.state).toBe('aborted');
    expect(rows(txns, parts)).toEqual(expected(false));
    rmSync(FAULTS.eio);
    await store.close().catch(() => undefined);
    expect(await recovered(dir)).toEqual(expected(false));
  }, 60_000);
});

// After a restart the aggregator brings its leaf in line with the durable catalog: tables and
// databases the catalog no longer names (left by a DDL a crash interrupted) are dropped. Real
// parts: a LeafServer with its on-disk store, the durable catalog, a session running SQL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { LeafServer } from '../leaf/leaf-server.js';
import { LeafStore } from '../storage/index.js';
import { MetadataStore } from '../cluster/metadata-store.js';
import { Engine } from './engine.js';
import { restoreLeaves } from './ddl.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(dir: string): Promise<{ leaf: LeafServer; engine: Engine; metadata: MetadataStore; stop: () => Promise<void> }> {
  const store = new LeafStore({ dir: path.join(dir, 'leaf-1'), durability: 'sync', asyncFlushMs: 50, snapshotIntervalMs: 0, logSizeLimit: 0, logger });
  const leaf = new LeafServer('leaf-1', logger, store);
  await leaf.recover();
  const metadata = MetadataStore.open(path.join(dir, 'aggregator'), logger, { autoIncrementSaveMs: 0 });
  const engine = new Engine({ logger, leaves: [leaf], partitionsPerDatabase: 4, metadata });
  await restoreLeaves(engine);
  return { leaf, engine, metadata, stop: async () => { await leaf.close(); metadata.close(); } };
}

it('drops leaf tables and databases the recovered catalog does not name, and keeps the rest', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-restore-'));
  dirs.push(dir);
  const first = await boot(dir);
  const s = await first.engine.openSession({ connectionId: 1, user: 'root', host: 'localhost', account: { user: 'root', host: 'localhost' }, database: null, clientFlags: 0, multiStatements: true });
  const out = await s.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)');
  expect(out.error).toBeUndefined();
  const t = first.engine.catalog.table('d', 't')!;
  // What a crash between the leaf's DDL and the catalog's leaves behind: a table (an ALTER's
  // half-filled copy) and a database the catalog never got.
  await first.leaf.createTable('d', [0, 1, 2, 3], { id: 999, name: 't', columns: [{ name: 'id', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: false }], indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }] });
  await first.leaf.createDatabase('ghost', [0, 1]);
  expect((await first.leaf.inventory()).map((x) => x.db).sort()).toEqual(['d', 'ghost']);
  await first.stop();

  const second = await boot(dir);
  try {
    expect(await second.leaf.inventory()).toEqual([{ db: 'd', tableIds: [t.id] }]);
    const s2 = await second.engine.openSession({ connectionId: 1, user: 'root', host: 'localhost', account: { user: 'root', host: 'localhost' }, database: 'd', clientFlags: 0, multiStatements: false });
    const r = await s2.query('SELECT id, v FROM t ORDER BY id');
    expect(r.results[0]).toMatchObject({ kind: 'rows', rows: [['1', '10'], ['2', '20']] });
  } finally {
    await second.stop();
  }
});

it('lines a table\'s leaf indexes up with the catalog after a crash cut an index change off between the leaf and the catalog', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-restore-'));
  dirs.push(dir);
  const first = await boot(dir);
  const s = await first.engine.openSession({ connectionId: 1, user: 'root', host: 'localhost', account: { user: 'root', host: 'localhost' }, database: null, clientFlags: 0, multiStatements: true });
  const out = await s.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ka (a), KEY kb (b)); INSERT INTO t VALUES (1, 10, 200), (2, 20, 100), (3, 30, 300)');
  expect(out.error).toBeUndefined();
  const t = first.engine.catalog.table('d', 't')!;
  // A DROP INDEX ka and an ADD INDEX kx that reached the leaf's log but not the catalog.
  await first.leaf.dropIndex('d', t.id, 'ka');
  await first.leaf.addIndex('d', t.id, { name: 'kx', columns: [1], unique: false, primary: false });
  expect((await first.leaf.tableIndexes('d', t.id)).map((x) => x.name)).toEqual(['PRIMARY', 'kb', 'kx']);
  await first.stop();

  const second = await boot(dir);
  try {
    expect((await second.leaf.tableIndexes('d', t.id)).map((x) => x.name)).toEqual(['PRIMARY', 'ka', 'kb']);
    const s2 = await second.engine.openSession({ connectionId: 1, user: 'root', host: 'localhost', account: { user: 'root', host: 'localhost' }, database: 'd', clientFlags: 0, multiStatements: false });
    // Plans name indexes by position: each must read the index the catalog means.
    const byB = await s2.query('SELECT id FROM t WHERE b >= 200 ORDER BY id');
    expect(byB.results[0]).toMatchObject({ kind: 'rows', rows: [['1'], ['3']] });
    const byA = await s2.query('SELECT id FROM t WHERE a = 20');
    expect(byA.results[0]).toMatchObject({ kind: 'rows', rows: [['2']] });
    const plan = await s2.query('EXPLAIN SELECT id FROM t WHERE b >= 200');
    expect(JSON.stringify(plan.results[0])).toContain('IndexRangeScan index:2');
  } finally {
    await second.stop();
  }
});

// A leaf adds an index to every partition of a table in slices, sharing the thread; the index
// appears in all partitions at once or in none: cancelQuery (KILL QUERY) or a duplicate found
// in the last partition leaves every partition without it, and its name free.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../common/types.js';
import type { LeafIndexSchema } from '../net/leaf-api.js';
import { LeafServer } from './leaf-server.js';

const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const PARTS = [0, 1, 2, 3];
// Enough rows that a build takes many 5 ms slices even on a fast, idle machine (20,000 rows took
// only three there, and the build then finished before the test could cancel it).
const PER_PART = 40_000;

/** Table 1 of db d on four partitions: (id, k, v) with id = p * PER_PART + i, k = id % 10, v = id, except v = 0 twice in the last partition. */
async function leafWithRows(): Promise<LeafServer> {
  const leaf = new LeafServer('leaf-1', pino({ level: 'silent' }), null);
  await leaf.createDatabase('d', PARTS);
  await leaf.createTable('d', PARTS, {
    id: 1,
    name: 't',
    columns: [
      { name: 'id', type: INT, nullable: false },
      { name: 'k', type: INT, nullable: false },
      { name: 'v', type: INT, nullable: false },
    ],
    indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
  });
  const base = { slots: [], params: [], now: '', sessionValues: {}, txnId: 1, lockWaitTimeoutMs: 1000, db: 'd', tableId: 1, mode: 'insert' as const };
  for (const p of PARTS) {
    const rows = Array.from({ length: PER_PART }, (_, i) => {
      const id = p * PER_PART + i + 1;
      return [id, id % 10, p === PARTS.length - 1 && i === PER_PART - 1 ? 0 : id];
    });
    if (p === PARTS.length - 1) rows[0]![2] = 0; // v = 0 in the first and the last row of the last partition
    await leaf.insert({ ...base, partition: p, rows });
  }
  await leaf.commit(1);
  return leaf;
}

const BY_K: LeafIndexSchema = { name: 'ik', columns: [1], unique: false, primary: false };
const UNIQUE_V: LeafIndexSchema = { name: 'uv', columns: [2], unique: true, primary: false };

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Event-loop turns that passed while `p` ran, and how it ended. */
async function turnsDuring<T>(p: Promise<T>): Promise<{ turns: number; result: T | undefined; error: unknown }> {
  let done = false;
  let result: T | undefined;
  let error: unknown = null;
  const end = p.then(
    (r) => {
      result = r;
      done = true;
    },
    (e: unknown) => {
      error = e;
      done = true;
    },
  );
  let turns = 0;
  while (!done && turns < 1_000_000) {
    await nextTurn();
    turns++;
  }
  await end;
  return { turns, result, error };
}

const names = async (leaf: LeafServer): Promise<string[]> => (await leaf.tableIndexes('d', 1)).map((x) => x.name);

describe('a leaf adds an index', () => {
  it('in slices, with the event loop free in between; then every partition has it', async () => {
    const leaf = await leafWithRows();
    const { turns, error } = await turnsDuring(leaf.addIndex('d', 1, BY_K, { queryId: 1 }));
    expect(error).toBeNull();
    expect(turns).toBeGreaterThan(3);
    expect(await names(leaf)).toEqual(['PRIMARY', 'ik']);
    // Every partition answers through it (point access on index 1).
    const rows = await leaf.runFragment({
      slots: [], params: [], now: '', sessionValues: {}, txnId: null, lockWaitTimeoutMs: 1000, db: 'd', partitions: PARTS,
      fragment: { kind: 'scan', db: 'd', tableId: 1, table: 't', columns: [0], types: [INT], access: { kind: 'range', index: 1, lo: { key: [{ kind: 'const', value: 3, type: INT }], inclusive: true }, hi: { key: [{ kind: 'const', value: 3, type: INT }], inclusive: true }, reverse: false } },
    });
    expect(rows.reduce((n, b) => n + b.length, 0)).toBe((PARTS.length * PER_PART) / 10);
    await leaf.close();
  });

  it('stops on cancelQuery while it builds: 1317, and no partition has it', async () => {
    const leaf = await leafWithRows();
    const build = leaf.addIndex('d', 1, BY_K, { queryId: 7 });
    for (let i = 0; i < 3; i++) await nextTurn();
    await leaf.cancelQuery(7);
    await expect(build).rejects.toMatchObject({ code: 'ER_QUERY_INTERRUPTED' });
    expect(await names(leaf)).toEqual(['PRIMARY']);
    // The name is free and the table takes the index as if nothing had happened.
    await leaf.addIndex('d', 1, BY_K, { queryId: 8 });
    expect(await names(leaf)).toEqual(['PRIMARY', 'ik']);
    await leaf.close();
  });

  it('meets a duplicate in the last partition: 1062, and the partitions built before lose it again', async () => {
    const leaf = await leafWithRows();
    const { turns, error } = await turnsDuring(leaf.addIndex('d', 1, UNIQUE_V, { queryId: 9 }));
    expect(error).toMatchObject({ code: 'ER_DUP_ENTRY', message: "Duplicate entry '0' for key 't.uv'" });
    expect(turns).toBeGreaterThan(3);
    expect(await names(leaf)).toEqual(['PRIMARY']);
    // No partition kept a piece of it: a non-unique index of that name goes in everywhere.
    await leaf.addIndex('d', 1, { ...UNIQUE_V, unique: false });
    expect(await names(leaf)).toEqual(['PRIMARY', 'uv']);
    await leaf.dropIndex('d', 1, 'uv');
    await leaf.dropIndex('d', 1, 'uv'); // a second drop finds nothing to do
    expect(await names(leaf)).toEqual(['PRIMARY']);
    await leaf.close();
  });
});

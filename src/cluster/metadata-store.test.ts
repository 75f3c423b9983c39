import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableDef } from './catalog.js';
import { MetadataStore } from './metadata-store.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tessera-meta-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function table(id: number, db: string, name: string): TableDef {
  return {
    id,
    db,
    name,
    columns: [{ name: 'id', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: false, default: null, autoIncrement: false, comment: '' }],
    indexes: [{ name: 'PRIMARY', columns: [0], unique: true, primary: true }],
    shardKey: [0],
    sortKey: [],
    reference: false,
    storage: 'rowstore',
    comment: '',
    engine: 'InnoDB',
  } as unknown as TableDef;
}

describe('MetadataStore', () => {
  it('replays a rename (swapTable) as one change: the table is under its new name only', () => {
    const dir = tempDir();
    const a = MetadataStore.open(dir, quiet, { autoIncrementSaveMs: 0 });
    a.catalog.createDatabase('d', { partitions: 8 });
    a.catalog.createDatabase('e', { partitions: 8 });
    const id = a.catalog.allocateTableId();
    a.catalog.addTable(table(id, 'd', 't'));
    a.catalog.swapTable({ db: 'd', name: 't' }, table(id, 'e', 'u'));
    a.close();

    const b = MetadataStore.open(dir, quiet, { autoIncrementSaveMs: 0 });
    expect(b.catalog.table('d', 't')).toBeUndefined();
    expect(b.catalog.table('e', 'u')?.id).toBe(id);
    // The id counter moved past the table's id: a new table never reuses it.
    expect(b.catalog.allocateTableId()).toBeGreaterThan(id);
    b.close();
  });

  it('refuses a swap onto an existing name and changes nothing', () => {
    const dir = tempDir();
    const a = MetadataStore.open(dir, quiet, { autoIncrementSaveMs: 0 });
    a.catalog.createDatabase('d', { partitions: 8 });
    a.catalog.addTable(table(a.catalog.allocateTableId(), 'd', 't'));
    a.catalog.addTable(table(a.catalog.allocateTableId(), 'd', 'u'));
    expect(() => a.catalog.swapTable({ db: 'd', name: 't' }, table(1, 'd', 'u'))).toThrow(/already exists/);
    a.close();
    const b = MetadataStore.open(dir, quiet, { autoIncrementSaveMs: 0 });
    expect([b.catalog.table('d', 't')?.name, b.catalog.table('d', 'u')?.name]).toEqual(['t', 'u']);
    b.close();
  });
});

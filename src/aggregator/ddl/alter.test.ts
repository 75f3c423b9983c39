import { describe, expect, it } from 'vitest';
import { parseOne } from '../../sql/index.js';
import type * as A from '../../sql/ast.js';
import type { TableDef } from '../../cluster/catalog.js';
import { buildTableDef } from './table-def.js';
import { planAlter } from './alter.js';

function table(sql: string): TableDef {
  return buildTableDef(parseOne(sql).statement as never, { db: 'd', id: 7, now: '2024-01-01 00:00:00' }).def;
}

function alter(t: TableDef, sql: string): ReturnType<typeof planAlter> {
  return planAlter(t, (parseOne(sql).statement as Extract<A.Statement, { kind: 'alterTable' }>).actions);
}

describe('planAlter', () => {
  const t = table('CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(5), KEY kb (b))');

  it('maps each new column to its source and decides whether rows must be copied', () => {
    const p = alter(t, 'ALTER TABLE t ADD COLUMN x INT FIRST, DROP COLUMN a');
    expect(p.def.columns.map((c) => c.name)).toEqual(['x', 'id', 'b']);
    expect(p.sources).toEqual([null, 0, 2]);
    expect(p.rebuild).toBe(true);
    // key positions follow the columns; the shard key too
    expect(p.def.indexes.map((ix) => [ix.name, ix.columns])).toEqual([['PRIMARY', [1]], ['kb', [2]]]);
    expect(p.def.shardKey).toEqual([1]);
  });

  it('keeps index-only and rename changes in place', () => {
    const p = alter(t, 'ALTER TABLE t ADD INDEX ka (a), DROP INDEX kb, RENAME COLUMN a TO aa, RENAME TO t2');
    expect(p.rebuild).toBe(false);
    expect(p.renameTo).toEqual({ name: 't2' });
    expect(p.def.indexes.map((ix) => ix.name)).toEqual(['PRIMARY', 'ka']);
    expect(p.def.columns[1]!.name).toBe('aa');
  });

  it('refuses to drop or retype a written shard-key column but lets it widen', () => {
    const sk = table('CREATE TABLE sk (id INT, v INT, SHARD KEY (id))');
    expect(() => alter(sk, 'ALTER TABLE sk DROP COLUMN id')).toThrowError(/shard key/);
    expect(() => alter(sk, 'ALTER TABLE sk MODIFY id VARCHAR(10)')).toThrowError(/shard key/);
    expect(alter(sk, 'ALTER TABLE sk MODIFY id BIGINT').def.columns[0]!.type).toEqual({ kind: 'int', bytes: 8, unsigned: false });
    expect(() => alter(sk, 'ALTER TABLE sk ADD UNIQUE (v)')).toThrowError(/shard key/);
  });

  it('re-chooses a shard key the unique keys chose', () => {
    // PRIMARY KEY (id) + UNIQUE (b) share no column: one partition, as CREATE TABLE would do
    const p = alter(t, 'ALTER TABLE t ADD UNIQUE (b)');
    expect(p.def.singlePartition).toBe(true);
    expect(p.def.shardKey).toEqual([]);
    expect(p.rebuild).toBe(true);
    const d = alter(t, 'ALTER TABLE t DROP COLUMN id');
    expect(d.def.shardKey).toEqual([]);
    expect(d.def.indexes.map((ix) => ix.name)).toEqual(['kb']);
  });

  it('gives a key-less table a shard key from a new unique key', () => {
    const k = table('CREATE TABLE k (x INT, y INT)');
    expect(k.shardKey).toEqual([]);
    const p = alter(k, 'ALTER TABLE k ADD UNIQUE (y)');
    expect(p.def.shardKey).toEqual([1]);
    expect(p.rebuild).toBe(true);
  });

  it('speaks MySQL errors', () => {
    const errno = (sql: string): number | undefined => {
      try {
        alter(t, sql);
      } catch (e) {
        return (e as { errno?: number }).errno;
      }
      return undefined;
    };
    expect(errno('ALTER TABLE t ADD COLUMN a INT')).toBe(1060);
    expect(errno('ALTER TABLE t DROP COLUMN nosuch')).toBe(1091);
    expect(errno('ALTER TABLE t MODIFY nosuch INT')).toBe(1054);
    expect(errno('ALTER TABLE t ADD INDEX kb (a)')).toBe(1061);
    expect(errno('ALTER TABLE t ADD PRIMARY KEY (a)')).toBe(1068);
    expect(errno('ALTER TABLE t ADD INDEX (nosuch)')).toBe(1072);
    expect(errno('ALTER TABLE t DROP INDEX nosuch')).toBe(1091);
  });
});

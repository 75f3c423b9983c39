import { describe, expect, it } from 'vitest';
import { parseOne } from './parser.js';
import { printStatement } from './print.js';

describe('multi-table DELETE', () => {
  it('parses both forms, with t.* and db.t targets, and keeps single-table DELETE as it was', () => {
    const a = parseOne('DELETE t1, t2.* FROM t1 JOIN t2 ON t2.k = t1.k WHERE t1.x > 1').statement;
    expect(a.kind).toBe('deleteMulti');
    if (a.kind !== 'deleteMulti') return;
    expect(a.targets).toEqual([{ name: 't1' }, { name: 't2' }]);
    expect(a.from.kind).toBe('join');
    expect(a.where).toBeDefined();
    const b = parseOne('DELETE FROM d.t1.*, t2 USING d.t1, t2 WHERE t1.k = t2.k').statement;
    expect(b.kind === 'deleteMulti' && b.targets).toEqual([{ db: 'd', name: 't1' }, { name: 't2' }]);
    const c = parseOne('DELETE FROM t1 USING t1 LEFT JOIN t2 ON t2.k = t1.k WHERE t2.k IS NULL').statement;
    expect(c.kind === 'deleteMulti' && c.targets).toEqual([{ name: 't1' }]);
    expect(parseOne('DELETE FROM d.t1 WHERE id = 1').statement.kind).toBe('delete');
    expect(parseOne('DELETE FROM t1 AS x WHERE x.id = 1').statement.kind).toBe('delete');
  });

  it('prints what parses back to the same statement', () => {
    for (const sql of ['DELETE a, b FROM a JOIN b ON b.k = a.k WHERE a.id > 2', 'DELETE FROM a USING a, b WHERE a.k = b.k']) {
      const st = parseOne(sql).statement;
      expect(parseOne(printStatement(st)).statement, sql).toEqual(st);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Expr, Select } from './ast.js';
import { parseOne } from './parser.js';
import { printStatement } from './print.js';

function select(sql: string): Select {
  const s = parseOne(sql).statement;
  if (s.kind !== 'select') throw new Error(`not a select: ${sql}`);
  return s;
}

function firstItem(sql: string): Expr {
  const it = select(sql).items[0]!;
  if (it.kind !== 'expr') throw new Error('star');
  return it.expr;
}

function errno(sql: string): number | undefined {
  try {
    parseOne(sql);
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
}

describe('window syntax', () => {
  it('reads OVER with PARTITION BY, ORDER BY and a BETWEEN frame', () => {
    const e = firstItem('SELECT SUM(a) OVER (PARTITION BY b, c ORDER BY d DESC ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING) FROM t');
    expect(e.kind === 'call' && e.over).toMatchObject({
      kind: 'spec',
      spec: {
        partitionBy: [{ kind: 'column', name: 'b' }, { kind: 'column', name: 'c' }],
        orderBy: [{ desc: true }],
        frame: { unit: 'ROWS', start: { kind: 'preceding', value: { kind: 'literal' } }, end: { kind: 'unboundedFollowing' } },
      },
    });
  });

  it('reads a frame without BETWEEN as ending at the current row, and INTERVAL offsets', () => {
    const e = firstItem('SELECT COUNT(*) OVER (ORDER BY d RANGE INTERVAL 1 DAY PRECEDING) FROM t');
    expect(e.kind === 'call' && e.over).toMatchObject({
      spec: { frame: { unit: 'RANGE', start: { kind: 'preceding', value: { kind: 'interval', unit: 'DAY' } }, end: { kind: 'currentRow' } } },
    });
  });

  it('reads OVER w, OVER (w ORDER BY …) and the WINDOW clause', () => {
    const s = select('SELECT RANK() OVER w, ROW_NUMBER() OVER (w ORDER BY a) FROM t WINDOW w AS (PARTITION BY b), w2 AS (w)');
    const [a, b] = s.items.map((i) => (i.kind === 'expr' ? i.expr : null));
    expect(a).toMatchObject({ kind: 'call', name: 'RANK', over: { kind: 'named', name: 'w' } });
    expect(b).toMatchObject({ over: { kind: 'spec', spec: { base: 'w', orderBy: [{ desc: false }] } } });
    expect(s.windows).toMatchObject([{ name: 'w', spec: { partitionBy: [{ name: 'b' }] } }, { name: 'w2', spec: { base: 'w' } }]);
  });

  it('accepts NTH_VALUE … FROM FIRST RESPECT NULLS and refuses FROM LAST / IGNORE NULLS as not yet supported', () => {
    expect(firstItem('SELECT NTH_VALUE(a, 2) FROM FIRST RESPECT NULLS OVER () FROM t')).toMatchObject({ name: 'NTH_VALUE', over: { kind: 'spec' } });
    expect(errno('SELECT NTH_VALUE(a, 2) FROM LAST OVER () FROM t')).toBe(1235);
    expect(errno('SELECT FIRST_VALUE(a) IGNORE NULLS OVER () FROM t')).toBe(1235);
    expect(errno('SELECT COUNT(DISTINCT a) OVER () FROM t')).toBe(1235);
    expect(errno('SELECT SUM(a) OVER (ORDER BY a ROWS UNBOUNDED PRECEDING EXCLUDE CURRENT ROW) FROM t')).toBe(1235);
  });

  it('is a syntax error where MySQL 8 says so', () => {
    // Window-only functions need OVER; GROUP_CONCAT and scalar functions take none (MariaDB accepts GROUP_CONCAT … OVER).
    for (const sql of [
      'SELECT ROW_NUMBER() FROM t',
      'SELECT LAG(a) FROM t',
      'SELECT GROUP_CONCAT(a) OVER () FROM t',
      'SELECT ABS(a) OVER () FROM t',
      'SELECT SUM(a) OVER (ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM t',
      'SELECT SUM(a) OVER (ROWS BETWEEN a PRECEDING AND CURRENT ROW) FROM t',
    ]) expect(errno(sql), sql).toBe(1064);
  });

  it('prints what it read so that it reads back the same', () => {
    const sql = 'SELECT SUM(a) OVER (w ORDER BY b ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t WINDOW w AS (PARTITION BY c)';
    const once = printStatement(parseOne(sql).statement);
    expect(printStatement(parseOne(once).statement)).toBe(once);
    expect(once).toContain('OVER (w ORDER BY b ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)');
    expect(once).toContain('WINDOW w AS (PARTITION BY c)');
  });
});

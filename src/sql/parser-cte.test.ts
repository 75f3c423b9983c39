import { describe, expect, it } from 'vitest';
import type { Query, Select, TableRef } from './ast.js';
import { parseOne } from './parser.js';
import { printStatement } from './print.js';

const query = (sql: string): Query => parseOne(sql).statement as Query;

/** The set-operation tree as text: members by their first select item, operators in brackets. */
function shape(q: Query): string {
  if (q.kind === 'select') {
    const it = q.items[0]!;
    return it.kind === 'expr' ? it.text : '*';
  }
  return `[${shape(q.left)} ${q.op ?? 'UNION'}${q.all ? ' ALL' : ''} ${shape(q.right)}]`;
}

describe('INTERSECT and EXCEPT', () => {
  it('binds INTERSECT tighter than UNION and EXCEPT, which are left-associative (MySQL 8.0.31)', () => {
    expect(shape(query('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3'))).toBe('[1 UNION [2 INTERSECT 3]]');
    expect(shape(query('SELECT 1 INTERSECT SELECT 2 UNION SELECT 3'))).toBe('[[1 INTERSECT 2] UNION 3]');
    expect(shape(query('SELECT 1 EXCEPT SELECT 2 INTERSECT SELECT 3'))).toBe('[1 EXCEPT [2 INTERSECT 3]]');
    expect(shape(query('SELECT 1 EXCEPT SELECT 2 UNION SELECT 3 EXCEPT SELECT 4'))).toBe('[[[1 EXCEPT 2] UNION 3] EXCEPT 4]');
    expect(shape(query('SELECT 1 INTERSECT ALL SELECT 2 INTERSECT DISTINCT SELECT 3'))).toBe('[[1 INTERSECT ALL 2] INTERSECT 3]');
    expect(shape(query('SELECT 1 EXCEPT (SELECT 2 UNION ALL SELECT 3)'))).toBe('[1 EXCEPT [2 UNION ALL 3]]');
  });

  it('puts ORDER BY / LIMIT after the last member on the whole, and keeps those of a parenthesized part', () => {
    const q = query('SELECT a FROM t INTERSECT (SELECT b FROM u ORDER BY b LIMIT 1) ORDER BY 1 LIMIT 5');
    expect(q.kind === 'union' && q.op).toBe('INTERSECT');
    expect(q.orderBy).toHaveLength(1);
    expect(q.kind === 'union' && (q.right as Select).limit).toBeDefined();
  });

  it('prints back to text that parses to the same tree', () => {
    for (const sql of [
      'SELECT 1 UNION SELECT 2 INTERSECT SELECT 3',
      'SELECT 1 EXCEPT ALL SELECT 2 UNION SELECT 3',
      '(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3',
      'SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)',
    ]) {
      const printed = printStatement(query(sql));
      expect(shape(query(printed)), printed).toBe(shape(query(sql)));
    }
  });
});

describe('WITH', () => {
  const from = (q: Query): TableRef => (q as Select).from!;

  it('reads a CTE name in scope as a CTE reference, shadowing a table of that name', () => {
    const q = query('WITH t AS (SELECT 1 AS a) SELECT a FROM t, db.t AS x');
    expect(q.with?.ctes.map((c) => c.name)).toEqual(['t']);
    const join = from(q);
    expect(join.kind === 'join' && [join.left.kind, join.right.kind]).toEqual(['cte', 'table']);
  });

  it('lets a CTE read earlier ones but not itself unless RECURSIVE', () => {
    const q = query('WITH a AS (SELECT 1), b AS (SELECT * FROM a), c AS (SELECT * FROM c) SELECT * FROM b');
    const bodies = q.with!.ctes.slice(1).map((c) => from(c.query).kind);
    expect(bodies).toEqual(['cte', 'table']);
    const r = query('WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT * FROM c');
    expect(r.with?.recursive).toBe(true);
    expect(r.with?.ctes[0]!.columns).toEqual(['n']);
    const body = r.with!.ctes[0]!.query;
    expect(body.kind === 'union' && from(body.right).kind).toBe('cte');
  });

  it('scopes the names to the query the WITH belongs to', () => {
    const q = query('SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) AS d, c');
    const join = from(q);
    expect(join.kind === 'join' && join.right.kind).toBe('table');
  });

  it('is accepted where a query is: subqueries, derived tables, INSERT … SELECT, CREATE TABLE … AS', () => {
    expect(parseOne('SELECT (WITH c AS (SELECT 1 AS x) SELECT x FROM c)').statement.kind).toBe('select');
    const ins = parseOne('INSERT INTO t (a) WITH c AS (SELECT 1) SELECT * FROM c').statement;
    expect(ins.kind === 'insert' && ins.source.kind === 'query' && ins.source.query.with?.ctes.length).toBe(1);
    const ct = parseOne('CREATE TABLE n AS WITH c AS (SELECT 1) SELECT * FROM c').statement;
    expect(ct.kind === 'createTable' && ct.asQuery?.with !== undefined).toBe(true);
  });

  it('answers WITH … UPDATE / DELETE with 1235, not a syntax error', () => {
    expect(() => parseOne('WITH c AS (SELECT 1) UPDATE t SET a = 1')).toThrow(expect.objectContaining({ errno: 1235 }));
    expect(() => parseOne('WITH c AS (SELECT 1) DELETE FROM t')).toThrow(expect.objectContaining({ errno: 1235 }));
  });

  it('prints back to text that prints the same again', () => {
    for (const sql of [
      'WITH RECURSIVE `c` (`n`) AS (SELECT 1 UNION ALL SELECT `n` + 1 FROM `c` WHERE `n` < 3) SELECT `n` FROM `c`',
      'SELECT * FROM `t`, LATERAL (SELECT `t`.`a` AS `x`) AS `d`',
    ]) {
      const once = printStatement(parseOne(sql).statement);
      expect(printStatement(parseOne(once).statement)).toBe(once);
    }
  });
});

describe('LATERAL', () => {
  it('marks a derived table lateral, after a comma or a JOIN', () => {
    for (const sql of ['SELECT * FROM t, LATERAL (SELECT t.a) AS d', 'SELECT * FROM t LEFT JOIN LATERAL (SELECT t.a) AS d ON TRUE']) {
      const f = (query(sql) as Select).from!;
      expect(f.kind === 'join' && f.right.kind === 'derived' && f.right.lateral, sql).toBe(true);
    }
  });

  it('applies only to a derived table', () => {
    expect(() => parseOne('SELECT * FROM t, LATERAL u')).toThrow(expect.objectContaining({ errno: 1064 }));
  });
});

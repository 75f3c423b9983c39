import { describe, expect, it } from 'vitest';
import { parseOne } from '../../sql/index.js';
import type * as A from '../../sql/ast.js';
import { Catalog } from '../../cluster/catalog.js';
import { Priv } from '../../cluster/privileges.js';
import { buildTableDef, type CreateTable } from '../ddl/table-def.js';
import { requirementsOf, type Requirement } from './requirements.js';

function catalog(): Catalog {
  const cat = new Catalog();
  cat.createDatabase('d', { partitions: 1 });
  for (const sql of ['CREATE TABLE t (id INT PRIMARY KEY, a INT, secret INT)', 'CREATE TABLE u (id INT PRIMARY KEY, b INT, t_id INT)']) {
    const { def } = buildTableDef(parseOne(sql).statement as CreateTable, { db: 'd', id: cat.allocateTableId(), now: '2024-01-01 00:00:00' });
    cat.addTable(def);
  }
  return cat;
}

const cat = catalog();

/** The column needs of a statement as 'PRIV db.table(cols)' strings, star as '*'. */
function needs(sql: string): string[] {
  const names: Record<number, string> = { [Priv.SELECT]: 'SELECT', [Priv.INSERT]: 'INSERT', [Priv.UPDATE]: 'UPDATE', [Priv.DELETE]: 'DELETE', [Priv.DROP]: 'DROP', [Priv.CREATE]: 'CREATE', [Priv.ALTER]: 'ALTER', [Priv.INDEX]: 'INDEX' };
  return requirementsOf(parseOne(sql).statement, 'd', cat).map((r: Requirement) => {
    switch (r.kind) {
      case 'columns':
        return `${names[r.priv]} ${r.db}.${r.table}(${[...r.columns].sort().join(',')}${r.star ? '*' : ''})`;
      case 'table':
        return `${names[r.priv]} ${r.db}.${r.table}`;
      default:
        return r.kind;
    }
  });
}

describe('what a statement needs', () => {
  it('SELECT names every column it reads, wherever it reads it, in the table it belongs to', () => {
    expect(needs('SELECT a FROM t WHERE secret = 1 ORDER BY id')).toEqual(['SELECT d.t(a,id,secret)']);
    expect(needs('SELECT COUNT(*) FROM t')).toEqual(['SELECT d.t()']);
    expect(needs('SELECT * FROM t')).toEqual(['SELECT d.t(*)']);
    expect(needs('SELECT x.a, b FROM t AS x JOIN u ON u.t_id = x.id')).toEqual(['SELECT d.t(a,id)', 'SELECT d.u(b,t_id)']);
    expect(needs('SELECT a FROM t JOIN u USING (id)')).toEqual(['SELECT d.t(a,id)', 'SELECT d.u(id)']);
    expect(needs('SELECT b FROM u WHERE t_id IN (SELECT id FROM t WHERE secret > 0)')).toEqual(['SELECT d.u(b,t_id)', 'SELECT d.t(id,secret)']);
    // A correlated subquery's outer reference is the outer table's column.
    expect(needs('SELECT b FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.id = u.t_id)')).toEqual(['SELECT d.u(b,t_id)', 'SELECT d.t(id)']);
    // A derived table reads its own columns; the outer query reads only the derived ones.
    expect(needs('SELECT s FROM (SELECT secret AS s FROM t) q')).toEqual(['SELECT d.t(secret)']);
    expect(needs('SELECT a FROM t UNION SELECT b FROM u ORDER BY 1')).toEqual(['SELECT d.t(a)', 'SELECT d.u(b)']);
    expect(needs('SELECT 1')).toEqual([]);
    expect(needs('SELECT TABLE_NAME FROM information_schema.TABLES')).toEqual([]);
  });

  it('writes: the columns written, the columns read, and table-level rights', () => {
    expect(needs('UPDATE t SET a = 1')).toEqual(['UPDATE d.t(a)']);
    expect(needs('UPDATE t SET a = secret + 1 WHERE id = 2')).toEqual(['UPDATE d.t(a)', 'SELECT d.t(id,secret)']);
    expect(needs('DELETE FROM t WHERE a = 1')).toEqual(['SELECT d.t(a)', 'DELETE d.t']);
    expect(needs('INSERT INTO t (id, a) VALUES (1, 2)')).toEqual(['INSERT d.t(a,id)']);
    expect(needs('INSERT INTO t VALUES (1, 2, 3)')).toEqual(['INSERT d.t(*)']);
    expect(needs('INSERT INTO t (id) SELECT t_id FROM u')).toEqual(['INSERT d.t(id)', 'SELECT d.u(t_id)']);
    expect(needs('INSERT INTO t (id, a) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = VALUES(a) + secret')).toEqual(['INSERT d.t(a,id)', 'UPDATE d.t(a)', 'SELECT d.t(secret)']);
    expect(needs('REPLACE INTO t (id) VALUES (1)')).toEqual(['INSERT d.t(id)', 'DELETE d.t']);
    expect(needs('UPDATE t JOIN u ON u.t_id = t.id SET t.a = u.b')).toEqual(['SELECT d.u(b,t_id)', 'SELECT d.t(id)', 'UPDATE d.t(a)']);
  });

  it('tables in syntax the walk does not know yet (a WITH clause) still need SELECT', () => {
    const inner = parseOne('SELECT secret FROM t').statement;
    const outer = { ...parseOne('SELECT 1').statement, with: [{ name: 'c', query: inner }] } as unknown as A.Statement;
    expect(requirementsOf(outer, 'd', cat)).toMatchObject([{ kind: 'columns', db: 'd', table: 't', priv: Priv.SELECT }]);
  });

  it('DDL and the rest', () => {
    expect(needs('TRUNCATE t')).toEqual(['DROP d.t']);
    expect(needs('CREATE INDEX i ON t (a)')).toEqual(['INDEX d.t']);
    expect(needs('RENAME TABLE t TO t2')).toEqual(['ALTER d.t', 'DROP d.t', 'CREATE d.t2', 'INSERT d.t2']);
    expect(needs('CREATE TABLE n AS SELECT a FROM t')).toEqual(['SELECT d.t(a)', 'CREATE d.n', 'INSERT d.n']);
    expect(needs('CREATE DATABASE x')).toEqual(['db']);
    expect(needs('SET GLOBAL max_connections = 5')).toEqual(['global']);
    expect(needs('SET @x = (SELECT secret FROM t LIMIT 1)')).toEqual(['SELECT d.t(secret)']);
    expect(needs('EXPLAIN SELECT a FROM t')).toEqual(['SELECT d.t(a)']);
    expect(needs('DESCRIBE t')).toEqual(['tableVisible']);
    expect(needs('BEGIN')).toEqual([]);
  });
});

// Deeply nested statements never answer "Maximum call stack size exceeded" or take the server
// down: 2,000 (and 20,000) nested parentheses and 5,000-term AND / OR chains work, in SELECT,
// EXPLAIN, UPDATE and DELETE; SELECTs nested more than 64 levels get MySQL's 1473; expressions
// nested deeper than Tessera evaluates get 1436 (MariaDB gives the same for these shapes, or,
// where it manages, the value). TESSERA_TARGET=mysql://root@127.0.0.1:<port> runs the same
// assertions against MariaDB.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

let clients: TestClients;
let c: mysql.Connection;

async function rows(sql: string, values?: (number | string)[]): Promise<unknown[][]> {
  const [r] = values ? await c.execute({ sql, rowsAsArray: true }, values) : await c.query({ sql, rowsAsArray: true });
  return r as unknown[][];
}

/** The rows, or the error number when the statement fails. */
async function outcome(sql: string): Promise<unknown[][] | number> {
  try {
    return await rows(sql);
  } catch (e) {
    return (e as { errno: number }).errno;
  }
}

const parens = (n: number, inner: string): string => '('.repeat(n) + inner + ')'.repeat(n);
const chain = (n: number, op: string, term: (i: number) => string): string => Array.from({ length: n }, (_, i) => term(i)).join(` ${op} `);
const nestedSelects = (n: number): string => 'SELECT ' + '(SELECT '.repeat(n) + '1' + ')'.repeat(n);

beforeAll(async () => {
  clients = await TestClients.open('it_deep_nesting');
  c = await clients.connect();
  await c.query('CREATE TABLE t (id INT PRIMARY KEY, v INT)');
  await c.query('INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
});

afterAll(async () => {
  await clients?.close();
});

describe('what works', () => {
  it('2,000 and 20,000 nested parentheses', async () => {
    expect(await rows(`SELECT ${parens(2000, '1')} + 1`)).toEqual([[2]]);
    expect(await rows(`SELECT ${parens(20000, '7')}`)).toEqual([[7]]);
    expect(await rows(`SELECT v FROM t WHERE id = ${parens(2000, '1 + 1')}`)).toEqual([[2]]);
    // Parentheses between operators keep their meaning.
    expect(await rows(`SELECT ${parens(500, '2 + 3')} * ${parens(500, '4')}`)).toEqual([[20]]);
  });

  it('a 5,000-term AND chain and a 5,000-term OR chain in WHERE', async () => {
    const and = chain(5000, 'AND', (i) => `v <> ${i + 10}`);
    const or = chain(5000, 'OR', (i) => `v = ${i + 2}`);
    expect(await rows(`SELECT id FROM t WHERE ${and} ORDER BY id`)).toEqual([[1], [2], [3]]);
    expect(await rows(`SELECT COUNT(*) FROM t WHERE ${or}`)).toEqual([[2]]);
  });

  it('EXPLAIN, UPDATE and DELETE with a 5,000-term chain, and a prepared statement', async () => {
    const and = chain(5000, 'AND', (i) => `v <> ${i + 100}`);
    expect((await rows(`EXPLAIN SELECT id FROM t WHERE ${and}`)).length).toBeGreaterThan(0);
    const [upd] = await c.query(`UPDATE t SET v = v + 10 WHERE ${chain(5000, 'OR', (i) => `id = ${i + 3}`)}`);
    expect((upd as mysql.ResultSetHeader).affectedRows).toBe(1);
    const [del] = await c.query(`DELETE FROM t WHERE id = 3 AND ${and}`);
    expect((del as mysql.ResultSetHeader).affectedRows).toBe(1);
    expect(await rows(`SELECT COUNT(*) FROM t WHERE id = ? AND ${chain(2000, 'AND', (i) => `v <> ${i + 10}`)}`, [1])).toEqual([[1]]);
    await c.query('INSERT INTO t VALUES (3, 3)');
  });

  it('63 nested subqueries (64 SELECTs)', async () => {
    expect(await rows(nestedSelects(63))).toEqual([[1]]);
  });
});

describe('what is refused, cleanly', () => {
  it('more than 64 nested SELECTs is 1473, in expressions, IN (…) and derived tables', async () => {
    await expect(c.query(nestedSelects(64))).rejects.toMatchObject({ errno: 1473, sqlState: 'HY000' });
    await expect(c.query(nestedSelects(3000))).rejects.toMatchObject({ errno: 1473 });
    await expect(c.query('SELECT 1 FROM t WHERE id IN ' + '(SELECT id FROM t WHERE id IN '.repeat(100) + '(1)' + ')'.repeat(100))).rejects.toMatchObject({ errno: 1473 });
    await expect(c.query('SELECT * FROM ' + '(SELECT * FROM '.repeat(100) + 't' + ') d'.repeat(100))).rejects.toMatchObject({ errno: 1473 });
  });

  it('a 5,000-term sum and 2,000 nested function calls or CASEs are 1436', async () => {
    await expect(c.query(`SELECT ${chain(5000, '+', () => '1')}`)).rejects.toMatchObject({ errno: 1436, sqlState: 'HY000' });
    await expect(c.query(`SELECT ${'ABS('.repeat(2000)}1${')'.repeat(2000)}`)).rejects.toMatchObject({ errno: 1436 });
    await expect(c.query(`SELECT ${'CASE WHEN 1 THEN '.repeat(2000)}1${' END'.repeat(2000)}`)).rejects.toMatchObject({ errno: 1436 });
  });

  it('3,000 NOTs or minus signs, a 5,000-term XOR: the value, or 1436 — never a crash', async () => {
    const cases = [
      [`SELECT ${'NOT '.repeat(3000)}1`, 1],
      [`SELECT ${'- '.repeat(3000)}1`, 1],
      [`SELECT COUNT(*) FROM t WHERE ${chain(5000, 'XOR', () => '0')} XOR v = 2`, 1],
    ] as const;
    for (const [sql, value] of cases) {
      const r = await outcome(sql);
      if (typeof r === 'number') expect(r).toBe(1436);
      else expect(r).toEqual([[value]]);
    }
  });

  it('the connection and the server carry on', async () => {
    expect(await rows('SELECT COUNT(*) FROM t')).toEqual([[3]]);
  });
});

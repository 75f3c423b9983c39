// Multi-table UPDATE over the wire: atomic (a duplicate key on the last target row leaves both
// tables as they were, under autocommit and inside a transaction, where the transaction goes on),
// and MySQL's affected-row counts: each target row once however often the join matches it,
// changed rows by default, matched rows with CLIENT_FOUND_ROWS.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients, errnoOf } from '../harness/clients.js';

describe('multi-table UPDATE', () => {
  let clients: TestClients;
  let c: mysql.Connection;

  const snapshot = async (): Promise<unknown> => {
    const [a] = await c.query('SELECT id, name FROM parent ORDER BY id');
    const [b] = await c.query('SELECT id, parent_id, code FROM child ORDER BY id');
    return { a, b };
  };

  beforeAll(async () => {
    clients = await TestClients.open('it_multi_update');
    c = await clients.connect();
    await c.query('CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10))');
    await c.query('CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, code INT, UNIQUE KEY (code))');
    await c.query("INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3')");
    await c.query('INSERT INTO child VALUES (10, 1, 100), (11, 1, 110), (12, 2, 120), (13, 3, 130), (14, 99, 140)');
  }, 120_000);

  afterAll(async () => {
    await c?.query("DROP USER IF EXISTS 'multi_writer'@'%'").catch(() => undefined);
    await clients?.close();
  });

  it('leaves both tables unchanged when its last row fails on a duplicate key', async () => {
    const before = await snapshot();
    // Every joined row is written but child 13, whose new code is that of child 14 (not joined).
    const sql = "UPDATE parent p JOIN child ch ON ch.parent_id = p.id SET p.name = 'changed', ch.code = IF(ch.id = 13, 140, ch.code + 1000)";
    expect(await errnoOf(c.query(sql))).toBe(1062);
    expect(await snapshot()).toEqual(before);

    await c.query('BEGIN');
    await c.query("UPDATE parent SET name = 'in-txn' WHERE id = 3");
    expect(await errnoOf(c.query(sql))).toBe(1062);
    // Only the failed statement is undone; the transaction's earlier write stays until ROLLBACK.
    const [mid] = await c.query('SELECT name FROM parent WHERE id = 3');
    expect(mid).toEqual([{ name: 'in-txn' }]);
    await c.query('ROLLBACK');
    expect(await snapshot()).toEqual(before);
  });

  it('counts each target row once: changed rows, or matched ones with CLIENT_FOUND_ROWS', async () => {
    await c.query("UPDATE parent SET name = 'same' WHERE id = 1");
    // parent 1 matches two children; parents 1..3 are matched, 2 and 3 change.
    const sql = "UPDATE parent p JOIN child ch ON ch.parent_id = p.id SET p.name = 'same'";
    const plain = await clients.connect({ flags: ['-FOUND_ROWS'] });
    const [r] = await plain.query(sql);
    expect((r as mysql.ResultSetHeader).affectedRows).toBe(2);
    expect((r as mysql.ResultSetHeader).info).toMatch(/Rows matched: 3 {2}Changed: 2/);
    await plain.end();
    await c.query("UPDATE parent SET name = 'p2' WHERE id = 2");
    const found = await clients.connect({ flags: ['FOUND_ROWS'] });
    const [f] = await found.query(sql);
    expect((f as mysql.ResultSetHeader).affectedRows).toBe(3);
    await found.end();
  });

  it('needs UPDATE or DELETE on the tables it writes and SELECT on those it only reads (1142)', async () => {
    await c.query("DROP USER IF EXISTS 'multi_writer'@'%'");
    await c.query("CREATE USER 'multi_writer'@'%' IDENTIFIED BY 'pw'");
    await c.query(`GRANT SELECT, UPDATE, DELETE ON ${clients.db}.child TO 'multi_writer'@'%'`);
    const u = await clients.connect({ user: 'multi_writer', password: 'pw' });
    const update = 'UPDATE child ch JOIN parent p ON p.id = ch.parent_id SET ch.code = ch.code + 1 WHERE p.id = 99';
    const del = 'DELETE ch FROM child ch JOIN parent p ON p.id = ch.parent_id WHERE p.id = 99';
    // parent is read but not granted.
    expect(await errnoOf(u.query(update))).toBe(1142);
    expect(await errnoOf(u.query(del))).toBe(1142);
    await c.query(`GRANT SELECT ON ${clients.db}.parent TO 'multi_writer'@'%'`);
    expect(await errnoOf(u.query(update))).toBeUndefined();
    expect(await errnoOf(u.query(del))).toBeUndefined();
    // Writing parent needs UPDATE / DELETE on it.
    expect(await errnoOf(u.query("UPDATE child ch JOIN parent p ON p.id = ch.parent_id SET p.name = 'x' WHERE p.id = 99"))).toBe(1142);
    expect(await errnoOf(u.query('DELETE p FROM child ch JOIN parent p ON p.id = ch.parent_id WHERE p.id = 99'))).toBe(1142);
    await u.end();
  });
});

// Views over the wire: they are kept in the durable catalog (a SIGKILL and a restart keep them,
// DROP DATABASE drops them), a filter on a view over a sharded table seeks the key on one
// partition (the view is expanded in place), and SQL SECURITY decides whose rights read the
// base tables: DEFINER views are readable with SELECT on the view alone, INVOKER views need the
// caller's SELECT on what they read (1356 otherwise, as MySQL).
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera, type TesseraServer } from '../harness/server.js';

describe('views', () => {
  let server: TesseraServer;

  beforeAll(async () => {
    server = await startTessera();
    const c = await root();
    try {
      await c.query('CREATE DATABASE vw');
      await c.query('USE vw');
      await c.query('CREATE TABLE orders (id INT PRIMARY KEY, customer INT, total INT)');
      const values = Array.from({ length: 200 }, (_, i) => `(${i + 1}, ${i % 7}, ${(i + 1) * 10})`).join(',');
      await c.query(`INSERT INTO orders VALUES ${values}`);
      await c.query('CREATE TABLE secret (id INT PRIMARY KEY, note VARCHAR(20))');
      await c.query("INSERT INTO secret VALUES (1, 'hidden'), (2, 'also hidden')");
      await c.query('CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total >= 1000');
      await c.query('CREATE VIEW by_customer (customer, n, spent) AS SELECT customer, COUNT(*), SUM(total) FROM orders GROUP BY customer');
      await c.query('CREATE VIEW top_customers AS SELECT customer, spent FROM by_customer WHERE spent > 2900');
      await c.query('CREATE SQL SECURITY DEFINER VIEW notes_definer AS SELECT id, note FROM secret');
      await c.query('CREATE SQL SECURITY INVOKER VIEW notes_invoker AS SELECT id, note FROM secret');
      await c.query("DROP USER IF EXISTS 'view_reader'@'%'");
      await c.query("CREATE USER 'view_reader'@'%' IDENTIFIED BY 'pw'");
      await c.query("GRANT SELECT ON vw.notes_definer TO 'view_reader'@'%'");
      await c.query("GRANT SELECT ON vw.notes_invoker TO 'view_reader'@'%'");
    } finally {
      await c.end();
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  function root(database?: string): Promise<mysql.Connection> {
    return mysql.createConnection({ host: server.host, port: server.port, user: 'root', ...(database ? { database } : {}), connectTimeout: 10_000 });
  }

  async function rows(c: mysql.Connection, sql: string): Promise<unknown[][]> {
    return (await c.query({ sql, rowsAsArray: true }))[0] as unknown[][];
  }

  it('a filter on a view seeks the key and routes to one partition', async () => {
    const c = await root('vw');
    try {
      const plan = (await rows(c, 'EXPLAIN SELECT * FROM big_orders WHERE id = 150')).map((r) => String(r[0]));
      expect(plan[0], plan.join('\n')).toBe('Gather partitions:single');
      expect(plan.some((l) => l.trim().startsWith('IndexSeek index:0')), plan.join('\n')).toBe(true);
      expect(await rows(c, 'SELECT * FROM big_orders WHERE id = 150')).toEqual([[150, 149 % 7, 1500]]);
      // below the view's own filter: no row
      expect(await rows(c, 'SELECT * FROM big_orders WHERE id = 5')).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it('DEFINER views read with SELECT on the view alone; INVOKER views need the caller rights (1356)', async () => {
    const u = await mysql.createConnection({ host: server.host, port: server.port, user: 'view_reader', password: 'pw', database: 'vw', connectTimeout: 10_000 });
    try {
      expect(await rows(u, 'SELECT note FROM notes_definer ORDER BY id')).toEqual([['hidden'], ['also hidden']]);
      await expect(u.query('SELECT * FROM secret')).rejects.toMatchObject({ errno: 1142 });
      await expect(u.query('SELECT note FROM notes_invoker')).rejects.toMatchObject({ errno: 1356 });
      // no grant on the view itself: 1142 for the view, as for a table
      await expect(u.query('SELECT * FROM big_orders')).rejects.toMatchObject({ errno: 1142 });
      // creating a view needs CREATE VIEW
      await expect(u.query('CREATE VIEW mine AS SELECT 1 AS x')).rejects.toMatchObject({ errno: 1142 });
      // the INVOKER view reads once the caller may read the table (root read it first: no shared cached plan)
      const c = await root('vw');
      try {
        expect(await rows(c, 'SELECT COUNT(*) FROM notes_invoker')).toEqual([[2]]);
        await c.query("GRANT SELECT ON vw.secret TO 'view_reader'@'%'");
      } finally {
        await c.end();
      }
      expect(await rows(u, 'SELECT COUNT(*) FROM notes_invoker')).toEqual([[2]]);
    } finally {
      await u.end();
    }
  });

  it('views survive a SIGKILL and a restart, and DROP DATABASE drops them', async () => {
    const before = await root('vw');
    let expected: unknown[][];
    try {
      expected = await rows(before, 'SELECT customer, spent FROM top_customers ORDER BY customer');
      expect(expected.length).toBeGreaterThan(0);
      await before.query('CREATE OR REPLACE VIEW big_orders AS SELECT id, total FROM orders WHERE total >= 1990');
      await before.query('DROP VIEW notes_invoker');
    } finally {
      await before.end();
    }

    await server.kill('SIGKILL');
    await server.restart();

    const c = await root('vw');
    try {
      expect(await rows(c, 'SELECT customer, spent FROM top_customers ORDER BY customer')).toEqual(expected);
      expect(await rows(c, 'SELECT id, total FROM big_orders ORDER BY id')).toEqual([[199, 1990], [200, 2000]]);
      expect(await rows(c, 'SHOW FULL TABLES')).toEqual([
        ['big_orders', 'VIEW'],
        ['by_customer', 'VIEW'],
        ['notes_definer', 'VIEW'],
        ['orders', 'BASE TABLE'],
        ['secret', 'BASE TABLE'],
        ['top_customers', 'VIEW'],
      ]);
      const [create] = await rows(c, 'SHOW CREATE VIEW by_customer');
      expect(create).toEqual([
        'by_customer',
        'CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `by_customer` (`customer`,`n`,`spent`) AS SELECT customer, COUNT(*), SUM(total) FROM orders GROUP BY customer',
        'utf8mb4',
        'utf8mb4_unicode_ci',
      ]);
      const [status] = (await c.query("SHOW TABLE STATUS LIKE 'by_customer'"))[0] as Record<string, unknown>[];
      expect(status).toMatchObject({ Name: 'by_customer', Engine: null, Comment: 'VIEW' });
      // a second restart (from the compacted snapshot this time) keeps them too
      await c.end();
      await server.restart();
      const c2 = await root('vw');
      try {
        expect((await rows(c2, "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'vw'"))[0]).toEqual([4]);
        await c2.query('DROP DATABASE vw');
        await c2.query('CREATE DATABASE vw');
        expect(await rows(c2, "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'vw'")).toEqual([[0]]);
        await expect(c2.query('SELECT * FROM vw.big_orders')).rejects.toMatchObject({ errno: 1146 });
      } finally {
        await c2.end();
      }
    } finally {
      await c.end().catch(() => undefined);
    }
  }, 120_000);
});

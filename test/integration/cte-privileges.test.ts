// The privilege check sees through WITH: a CTE's name is no table to be granted, and the tables
// its body reads need SELECT like any other (MySQL 8 and MariaDB: 1142 otherwise). Set
// operations and LATERAL check every table they read.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

describe('privileges through WITH, INTERSECT and LATERAL', () => {
  let clients: TestClients;
  let user: mysql.Connection;

  beforeAll(async () => {
    clients = await TestClients.open('cte_priv');
    const root = await clients.connect();
    await root.query('CREATE TABLE open_t (x INT)');
    await root.query('CREATE TABLE secret_t (y INT)');
    await root.query('INSERT INTO open_t VALUES (1), (2)');
    await root.query('INSERT INTO secret_t VALUES (2)');
    await root.query("DROP USER IF EXISTS 'cte_reader'@'%'");
    await root.query("CREATE USER 'cte_reader'@'%' IDENTIFIED BY 'pw'");
    await root.query(`GRANT SELECT ON ${clients.db}.open_t TO 'cte_reader'@'%'`);
    const t = clients.target;
    user = await mysql.createConnection({ host: t.host, port: t.port, user: 'cte_reader', password: 'pw', database: clients.db, connectTimeout: 10_000 });
  }, 120_000);

  afterAll(async () => {
    await user?.end().catch(() => undefined);
    const root = await clients?.connect();
    await root?.query("DROP USER IF EXISTS 'cte_reader'@'%'");
    await clients?.close();
  });

  const errno = async (sql: string): Promise<number | undefined> => {
    try {
      await user.query(sql);
      return undefined;
    } catch (e) {
      return (e as { errno?: number }).errno;
    }
  };

  it('reads granted tables through CTEs, recursive ones and a CTE named like a table', async () => {
    const [rows] = await user.query('WITH c AS (SELECT x FROM open_t) SELECT x FROM c ORDER BY x');
    expect(rows).toEqual([{ x: 1 }, { x: 2 }]);
    const [r2] = await user.query('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT COUNT(*) AS c FROM r');
    expect(r2).toEqual([{ c: 3 }]);
    // `secret_t` here is the CTE, not the table
    const [r3] = await user.query('WITH secret_t AS (SELECT 7 AS y) SELECT y FROM secret_t');
    expect(r3).toEqual([{ y: 7 }]);
  });

  it('refuses a CTE body, a set operation or a LATERAL table reading an ungranted table: 1142', async () => {
    expect(await errno('WITH c AS (SELECT y FROM secret_t) SELECT * FROM c')).toBe(1142);
    expect(await errno('SELECT x FROM open_t INTERSECT SELECT y FROM secret_t')).toBe(1142);
    expect(await errno('SELECT x FROM open_t EXCEPT SELECT y FROM secret_t')).toBe(1142);
    if (clients.isTessera) expect(await errno('SELECT * FROM open_t, LATERAL (SELECT y FROM secret_t WHERE y = open_t.x) AS d')).toBe(1142);
  });
});

// information_schema and SHOW TABLE STATUS report current facts: TABLE_ROWS / Rows count the
// table's rows (not 0), DATA_LENGTH follows them, AUTO_INCREMENT moves with inserts, and nothing
// is served from a plan cached before a change (`USE information_schema` makes the texts short
// enough to look like any other query). TESSERA_TARGET=mysql://root@127.0.0.1:<port> runs the
// same assertions against MariaDB (InnoDB's TABLE_ROWS is an estimate too, exact for small tables).
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients } from '../harness/clients.js';

let clients: TestClients;
let c: mysql.Connection;

async function rows(conn: mysql.Connection, sql: string): Promise<Record<string, unknown>[]> {
  const [r] = await conn.query(sql);
  return r as Record<string, unknown>[];
}

beforeAll(async () => {
  clients = await TestClients.open('it_infoschema_live');
  c = await clients.connect();
  await c.query('CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(20))');
});

afterAll(async () => {
  await clients?.close();
});

const tablesSql = "SELECT TABLE_ROWS AS n, AUTO_INCREMENT AS ai, DATA_LENGTH AS len FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'it_infoschema_live' AND TABLE_NAME = 't'";

describe('row counts and AUTO_INCREMENT', () => {
  it('TABLE_ROWS, DATA_LENGTH and AUTO_INCREMENT follow inserts and deletes', async () => {
    await c.query("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
    const [first] = await rows(c, tablesSql);
    expect(first).toMatchObject({ n: 3, ai: 4 });
    expect(Number(first!.len)).toBeGreaterThan(0);
    await c.query("INSERT INTO t (v) VALUES ('d'), ('e')");
    await c.query('DELETE FROM t WHERE id = 1');
    expect(await rows(c, tablesSql)).toMatchObject([{ n: 4, ai: 6 }]);
  });

  it('SHOW TABLE STATUS and SHOW INDEX count the rows too', async () => {
    const [status] = await rows(c, "SHOW TABLE STATUS LIKE 't'");
    const n = (await rows(c, 'SELECT COUNT(*) AS n FROM t'))[0]!.n;
    expect(status).toMatchObject({ Name: 't', Rows: n, Auto_increment: 6 });
    expect(Number(status!.Data_length)).toBeGreaterThan(0);
    const [pk] = await rows(c, 'SHOW INDEX FROM t');
    expect(pk).toMatchObject({ Key_name: 'PRIMARY', Cardinality: n });
  });
});

describe('after USE information_schema', () => {
  it('the same query text, run again after a change, answers the new state (no plan cache)', async () => {
    const u = await clients.connect();
    await u.query('USE information_schema');
    const ai = "SELECT AUTO_INCREMENT AS ai FROM TABLES WHERE TABLE_SCHEMA = 'it_infoschema_live' AND TABLE_NAME = 't'";
    const before = Number((await rows(u, ai))[0]!.ai);
    await c.query("INSERT INTO t (v) VALUES ('f')");
    expect(Number((await rows(u, ai))[0]!.ai)).toBe(before + 1);

    const procs = "SELECT COUNT(*) AS n FROM PROCESSLIST WHERE DB = 'it_infoschema_live'";
    const n = Number((await rows(u, procs))[0]!.n);
    const extra = await clients.connect();
    expect(Number((await rows(u, procs))[0]!.n)).toBe(n + 1);
    extra.destroy();
  });
});

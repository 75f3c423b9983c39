// SQL-level PREPARE / EXECUTE / DEALLOCATE PREPARE over the wire: through the real `mariadb`
// client (text protocol), privileges checked again at EXECUTE (MySQL: a revoked grant fails
// with 1142 even for a statement prepared before), and max_prepared_stmt_count (1461) shared by
// SQL-level and binary-protocol statements and freed by DEALLOCATE and by disconnecting.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClients, errnoOf } from '../harness/clients.js';
import { canRun } from '../harness/installed.js';
import { mariadbLoginArgs } from '../harness/mariadb-client.js';
import { runTool } from '../harness/run-tool.js';

const RUN_TIMEOUT_MS = 30_000;
const haveClient = canRun(import.meta.url, 'the mariadb client case', 'mariadb');

describe('PREPARE / EXECUTE / DEALLOCATE PREPARE', () => {
  let clients: TestClients;
  let root: mysql.Connection;

  beforeAll(async () => {
    clients = await TestClients.open('it_sql_prepare');
    root = await clients.connect();
    await root.query('CREATE TABLE t1 (id INT PRIMARY KEY, name VARCHAR(10))');
    await root.query("INSERT INTO t1 VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  }, 120_000);

  afterAll(async () => {
    await root?.query('SET GLOBAL max_prepared_stmt_count = 16382').catch(() => undefined);
    await root?.query("DROP USER IF EXISTS 'ps_reader'@'%'").catch(() => undefined);
    await clients?.close();
  });

  it.skipIf(!haveClient)('runs through the mariadb client', async () => {
    const t = clients.target;
    const script = [
      `USE ${clients.db};`,
      'SET @a = 2;',
      "PREPARE s FROM 'SELECT id, name FROM t1 WHERE id > ? ORDER BY id';",
      'EXECUTE s USING @a;',
      'SET @a = 0;',
      'EXECUTE s USING @a;',
      "SET @ins = 'INSERT INTO t1 VALUES (?, ?)', @id = 4, @name = 'four';",
      'PREPARE ins FROM @ins;',
      'EXECUTE ins USING @id, @name;',
      'DEALLOCATE PREPARE ins;',
      'SELECT COUNT(*) AS n FROM t1;',
      'DELETE FROM t1 WHERE id = 4;',
      'DEALLOCATE PREPARE s;',
      'EXECUTE s USING @a;',
      '',
    ].join('\n');
    const r = await runTool('mariadb', mariadbLoginArgs(t), { input: script, timeoutMs: RUN_TIMEOUT_MS });
    expect(r.stdout).toBe('id\tname\n3\tthree\nid\tname\n1\tone\n2\ttwo\n3\tthree\nn\n4\n');
    // The last EXECUTE names a deallocated statement: the client reports 1243 and stops.
    expect(r.stderr).toMatch(/ERROR 1243 \(HY000\) at line 14: Unknown prepared statement handler \(s\) given to EXECUTE/);
    expect(r.code).toBe(1);
  });

  it('checks privileges at EXECUTE, not only at PREPARE', async () => {
    await root.query("DROP USER IF EXISTS 'ps_reader'@'%'");
    await root.query("CREATE USER 'ps_reader'@'%' IDENTIFIED BY 'pw'");
    await root.query(`GRANT SELECT ON ${clients.db}.t1 TO 'ps_reader'@'%'`);
    const user = await clients.connect({ user: 'ps_reader', password: 'pw' });
    await user.query("PREPARE q FROM 'SELECT name FROM t1 WHERE id = ?'");
    await user.query('SET @id = 1');
    const [rows] = await user.query('EXECUTE q USING @id');
    expect(rows).toEqual([{ name: 'one' }]);
    // Writing is not granted: refused at PREPARE already.
    expect(await errnoOf(user.query("PREPARE w FROM 'DELETE FROM t1'"))).toBe(1142);
    await root.query(`REVOKE SELECT ON ${clients.db}.t1 FROM 'ps_reader'@'%'`);
    expect(await errnoOf(user.query('EXECUTE q USING @id'))).toBe(1142);
    await root.query(`GRANT SELECT ON ${clients.db}.t1 TO 'ps_reader'@'%'`);
    const [again] = await user.query('EXECUTE q USING @id');
    expect(again).toEqual([{ name: 'one' }]);
    await user.end();
  });

  it('binds an integer user variable as an integer', async () => {
    const c = await clients.connect();
    await c.query("PREPARE k FROM 'SELECT ? AS v, ? = ''5.0'' AS eq'");
    await c.query("SET @i = 5, @s = '5'");
    const [ints] = await c.query('EXECUTE k USING @i, @i');
    expect(ints).toEqual([{ v: 5, eq: 1 }]);
    const [strs] = await c.query('EXECUTE k USING @s, @s');
    expect(strs).toEqual([{ v: '5', eq: 0 }]);
    await c.end();
  });

  it('bounds prepared statements server-wide with max_prepared_stmt_count (1461)', async () => {
    const status = async (): Promise<number> => {
      const [r] = await root.query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
      return Number((r as { Value: string }[])[0]?.Value);
    };
    const base = await status();
    await root.query(`SET GLOBAL max_prepared_stmt_count = ${base + 3}`);
    const a = await clients.connect();
    const b = await clients.connect();
    await a.query("PREPARE p1 FROM 'SELECT 1'");
    await a.query("PREPARE p2 FROM 'SELECT 2'");
    // A binary-protocol statement on another connection counts against the same bound.
    await b.prepare('SELECT ? + 1');
    expect(await status()).toBe(base + 3);
    const err = await a.query("PREPARE p3 FROM 'SELECT 3'").then(() => undefined, (e: { errno?: number; sqlState?: string; message?: string }) => e);
    expect([err?.errno, err?.sqlState, err?.message]).toEqual([1461, '42000', `Can't create more than max_prepared_stmt_count statements (current value: ${base + 3})`]);
    // Re-PREPARE of an existing name replaces it: no new statement is needed.
    await a.query("PREPARE p2 FROM 'SELECT 22'");
    await a.query('DEALLOCATE PREPARE p1');
    await a.query("PREPARE p3 FROM 'SELECT 3'");
    const [three] = await a.query('EXECUTE p3');
    expect(three).toEqual([{ 3: 3 }]);
    // Disconnecting frees a connection's statements.
    await a.end();
    await b.end();
    for (let i = 0; i < 50 && (await status()) !== base; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await status()).toBe(base);
    await root.query('SET GLOBAL max_prepared_stmt_count = 16382');
  });
});

// Accounts and privileges over the wire: who may log in (mysql2, the mariadb CLI, PHP PDO,
// PyMySQL), what each privilege level allows with MySQL's error numbers, what SHOW DATABASES and
// information_schema show, roles, SHOW GRANTS round trips, grants applying to open sessions,
// and SET GLOBAL / KILL guarded. Every client runs on loopback with bounded time.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../harness/clients.js';
import { canRun, PYTHON } from '../harness/installed.js';
import { mariadbLoginArgs } from '../harness/mariadb-client.js';
import { runTool, type ToolRun } from '../harness/run-tool.js';
import { startTessera, type TesseraServer } from '../harness/server.js';

const ROOT_PW = 'R00t-pw!';
const RUN_TIMEOUT_MS = 30_000;

const haveMariadb = canRun(import.meta.url, 'the mariadb client cases', 'mariadb');
const havePhp = canRun(import.meta.url, 'the PHP PDO cases', 'php-pdo');
const havePymysql = canRun(import.meta.url, 'the PyMySQL cases', 'pymysql-sha2');

function run(bin: string, args: string[]): Promise<ToolRun> {
  return runTool(bin, args, { timeoutMs: RUN_TIMEOUT_MS });
}

let server: TesseraServer;
let root: mysql.Connection;
const opened: mysql.Connection[] = [];

async function as(user: string, password: string, extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: server.host, port: server.port, user, password, connectTimeout: 10_000, ...extra });
  c.on('error', () => undefined);
  opened.push(c);
  return c;
}

async function col(c: mysql.Connection, sql: string): Promise<unknown[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>({ sql, rowsAsArray: true });
  return rows.map((r) => (r as unknown[])[0]);
}

function mariadb(user: string, password: string, sql: string): Promise<ToolRun> {
  return run('mariadb', [...mariadbLoginArgs({ host: server.host, port: server.port, user, password }), '-N', '-e', sql]);
}

function pdo(user: string, password: string, sql: string): Promise<ToolRun> {
  const code = `try { $p = new PDO("mysql:host=${server.host};port=${server.port}", $argv[1], $argv[2]); echo $p->query($argv[3])->fetchColumn(), "\\n"; } catch (PDOException $e) { echo "ERR ", $e->errorInfo[1] ?? $e->getCode(), "\\n"; }`;
  return run('php', ['-r', code, user, password, sql]);
}

function pymysql(user: string, password: string, sql: string): Promise<ToolRun> {
  const code = [
    'import sys, pymysql',
    'try:',
    `    c = pymysql.connect(host="${server.host}", port=${server.port}, user=sys.argv[1], password=sys.argv[2])`,
    '    cur = c.cursor(); cur.execute(sys.argv[3]); print(cur.fetchone()[0])',
    'except pymysql.err.MySQLError as e:',
    '    print("ERR", e.args[0])',
  ].join('\n');
  return run(PYTHON, ['-c', code, user, password, sql]);
}

beforeAll(async () => {
  server = await startTessera({ rootPassword: ROOT_PW });
  root = await as('root', ROOT_PW, { multipleStatements: true });
  await root.query(`
    CREATE DATABASE shop;
    CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), price INT, secret VARCHAR(20));
    INSERT INTO shop.items VALUES (1, 'pen', 2, 's1'), (2, 'ink', 5, 's2');
    CREATE TABLE shop.orders (id INT PRIMARY KEY, item INT);
    INSERT INTO shop.orders VALUES (10, 1);
    CREATE DATABASE hr;
    CREATE TABLE hr.pay (id INT PRIMARY KEY, amount INT);
  `);
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.destroy();
  await server?.stop();
});

describe('who may log in', () => {
  it('refuses unknown users, Root and "root " with 1045 when a root password is set (mysql2)', async () => {
    for (const user of ['alice', 'Root', 'root ', 'ROOT', '']) {
      expect(await failure(as(user, '')), JSON.stringify(user)).toEqual([1045, '28000']);
      expect(await failure(as(user, ROOT_PW)), JSON.stringify(user)).toEqual([1045, '28000']);
    }
    expect(await failure(as('root', ''))).toEqual([1045, '28000']);
    expect(await failure(as('root', 'wrong'))).toEqual([1045, '28000']);
    const r = await as('root', ROOT_PW);
    expect(await col(r, 'SELECT CURRENT_USER()')).toEqual(['root@localhost']);
  });

  it.skipIf(!haveMariadb)('refuses `mariadb -ualice` with 1045 and lets root in', async () => {
    const alice = await mariadb('alice', '', 'SELECT 1');
    expect(alice.code).toBe(1);
    expect(alice.stderr).toMatch(/ERROR 1045 \(28000\): Access denied for user 'alice'@'127\.0\.0\.1' \(using password: NO\)/);
    const upper = await mariadb('Root', ROOT_PW, 'SELECT 1');
    expect(upper.stderr).toMatch(/ERROR 1045 \(28000\)/);
    const ok = await mariadb('root', ROOT_PW, 'SELECT CURRENT_USER()');
    expect([ok.code, ok.stdout]).toEqual([0, 'root@localhost\n']);
  });

  describe('created accounts, with each plugin, from every client', () => {
    beforeAll(async () => {
      await root.query("CREATE USER 'nat'@'%' IDENTIFIED WITH mysql_native_password BY 'n@t pw', 'sha'@'127.0.0.1' IDENTIFIED WITH caching_sha2_password BY 'sh4-pw'");
      // A dump carries the hash only: IDENTIFIED BY PASSWORD '*…' of 'dumped-pw'.
      await root.query("CREATE USER 'dumped'@'localhost' IDENTIFIED BY PASSWORD '*6FCC24A5AF2F9AD7C7E3AE4705DCDBD310E1D32D'");
    });

    const cases = [
      ['nat', 'n@t pw', 'nat@%'],
      ['sha', 'sh4-pw', 'sha@127.0.0.1'],
    ] as const;

    it('mysql2', async () => {
      for (const [user, pw, current] of cases) {
        expect(await col(await as(user, pw), 'SELECT CURRENT_USER()')).toEqual([current]);
        expect(await failure(as(user, pw + 'x'))).toEqual([1045, '28000']);
        expect(await failure(as(user, ''))).toEqual([1045, '28000']);
      }
    });

    it.skipIf(!haveMariadb)('the mariadb CLI', async () => {
      for (const [user, pw, current] of cases) {
        expect((await mariadb(user, pw, 'SELECT CURRENT_USER()')).stdout).toBe(`${current}\n`);
        expect((await mariadb(user, 'nope', 'SELECT 1')).stderr).toMatch(/ERROR 1045/);
      }
    });

    it.skipIf(!havePhp)('PHP PDO', async () => {
      for (const [user, pw, current] of cases) {
        expect((await pdo(user, pw, 'SELECT CURRENT_USER()')).stdout).toBe(`${current}\n`);
        expect((await pdo(user, 'nope', 'SELECT 1')).stdout).toBe('ERR 1045\n');
      }
    });

    it.skipIf(!havePymysql)('PyMySQL', async () => {
      for (const [user, pw, current] of cases) {
        expect((await pymysql(user, pw, 'SELECT CURRENT_USER()')).stdout).toBe(`${current}\n`);
        expect((await pymysql(user, 'nope', 'SELECT 1')).stdout).toBe('ERR 1045\n');
      }
    });

    it('an account created from a dumped hash logs in with the original password', async () => {
      const [rows] = await root.query<mysql.RowDataPacket[]>("SHOW CREATE USER 'dumped'@'localhost'");
      expect(Object.values(rows[0]!)[0]).toContain("AS '*6FCC24A5AF2F9AD7C7E3AE4705DCDBD310E1D32D'");
      // The hash above is MariaDB's PASSWORD('dumped-pw'): SHA1(SHA1(pw)).
      expect(await col(await as('dumped', 'dumped-pw'), 'SELECT CURRENT_USER()')).toEqual(['dumped@localhost']);
      expect(await failure(root.query("CREATE USER bad IDENTIFIED BY PASSWORD 'not-a-hash'"))).toEqual([1827, 'HY000']);
      expect(await failure(root.query("CREATE USER bad IDENTIFIED WITH sha256_password BY 'x'"))).toEqual([1524, 'HY000']);
    });

    it('host patterns decide who matches, most specific first', async () => {
      await root.query("CREATE USER 'hp'@'10.%' IDENTIFIED BY 'ten', 'hp'@'127.0.0.%' IDENTIFIED BY 'loop', 'hp'@'%' IDENTIFIED BY 'any'");
      expect(await col(await as('hp', 'loop'), 'SELECT CURRENT_USER()')).toEqual(['hp@127.0.0.%']);
      // 'hp'@'%' matches too, but 127.0.0.% sorts first: its password is the one checked.
      expect(await failure(as('hp', 'any'))).toEqual([1045, '28000']);
      expect(await failure(as('hp', 'ten'))).toEqual([1045, '28000']);
      await root.query("DROP USER 'hp'@'127.0.0.%'");
      expect(await col(await as('hp', 'any'), 'SELECT CURRENT_USER(), USER()')).toEqual(['hp@%']);
      await root.query("DROP USER 'hp'@'10.%', 'hp'@'%'");
    });

    it('a locked account is refused with 3118 once its password is right', async () => {
      await root.query("CREATE USER lk IDENTIFIED BY 'lk' ACCOUNT LOCK");
      expect(await failure(as('lk', 'lk'))).toEqual([3118, 'HY000']);
      expect(await failure(as('lk', 'wrong'))).toEqual([1045, '28000']);
      await root.query('ALTER USER lk ACCOUNT UNLOCK');
      expect(await col(await as('lk', 'lk'), 'SELECT 1')).toEqual([1]);
    });
  });
});

describe('privileges are enforced at every level', () => {
  let u: mysql.Connection;
  beforeAll(async () => {
    await root.query("CREATE USER 'pu'@'%' IDENTIFIED BY 'pu-pw'");
    u = await as('pu', 'pu-pw', { multipleStatements: false });
  });

  it('with no grant: nothing but USAGE', async () => {
    expect(await failure(u.query('SELECT * FROM shop.items'))).toEqual([1142, '42000']);
    expect(await failure(u.query('USE shop'))).toEqual([1044, '42000']);
    expect(await failure(u.query('SELECT * FROM shop.nosuch'))).toEqual([1142, '42000']); // not 1146: existence is not told
    expect(await failure(u.query('CREATE DATABASE pu_db'))).toEqual([1044, '42000']);
    expect(await failure(u.query('DROP DATABASE hr'))).toEqual([1044, '42000']);
    expect(await failure(u.query('DESCRIBE shop.items'))).toEqual([1142, '42000']);
    expect(await failure(u.query('SHOW CREATE TABLE shop.items'))).toEqual([1142, '42000']);
    expect(await failure(u.query('SHOW TABLES FROM shop'))).toEqual([1044, '42000']);
    expect(await failure(u.query('CREATE USER x'))).toEqual([1227, '42000']);
    expect(await failure(u.query('FLUSH PRIVILEGES'))).toEqual([1227, '42000']);
    expect(await col(u, 'SELECT 1 + 1')).toEqual([2]);
  });

  it('column level: SELECT (c) reads c only (1143 for the others), UPDATE (c) writes c only', async () => {
    await root.query("GRANT SELECT (id, name), UPDATE (price) ON shop.items TO 'pu'@'%'");
    expect(await col(u, 'SELECT name FROM shop.items ORDER BY id')).toEqual(['pen', 'ink']);
    expect(await col(u, 'SELECT COUNT(*) FROM shop.items')).toEqual([2]);
    expect(await failure(u.query('SELECT secret FROM shop.items'))).toEqual([1143, '42000']);
    expect(await failure(u.query('SELECT name FROM shop.items WHERE secret = 1'))).toEqual([1143, '42000']);
    expect(await failure(u.query('SELECT name FROM shop.items ORDER BY secret'))).toEqual([1143, '42000']);
    expect(await failure(u.query('SELECT name FROM shop.items WHERE id IN (SELECT id FROM shop.items WHERE secret > 0)'))).toEqual([1143, '42000']);
    expect(await failure(u.query('SELECT i.name FROM shop.items i JOIN shop.items j ON i.secret = j.secret'))).toEqual([1143, '42000']);
    expect(await failure(u.query('SELECT * FROM shop.items'))).toEqual([1142, '42000']);
    expect(await failure(u.query('SELECT x.s FROM (SELECT secret AS s FROM shop.items) x'))).toEqual([1143, '42000']);
    await u.query('UPDATE shop.items SET price = id + 40 WHERE id = 1');
    expect(await col(root, 'SELECT price FROM shop.items WHERE id = 1')).toEqual([41]);
    // Reading price (SET price = price + 1) needs SELECT on it as well, as in MySQL.
    expect(await failure(u.query('UPDATE shop.items SET price = price + 1 WHERE id = 1'))).toEqual([1143, '42000']);
    expect(await failure(u.query('UPDATE shop.items SET name = 1 WHERE id = 1'))).toEqual([1143, '42000']);
    expect(await failure(u.query("UPDATE shop.items SET price = 1 WHERE secret = 's1'"))).toEqual([1143, '42000']);
    expect(await failure(u.query('DELETE FROM shop.items WHERE id = 1'))).toEqual([1142, '42000']);
    expect(await failure(u.query("INSERT INTO shop.items (id) VALUES (9)"))).toEqual([1142, '42000']);
    // USE works with a column grant, and the user sees only the columns granted.
    await u.query('USE shop');
    const [desc] = await u.query<mysql.RowDataPacket[]>('DESCRIBE items');
    expect(desc.map((r) => r.Field)).toEqual(['id', 'name', 'price']);
    expect(await col(u, 'SHOW TABLES')).toEqual(['items']);
    await u.query('USE information_schema');
  });

  it('table level: INSERT, DELETE, DROP (TRUNCATE) each need their own grant', async () => {
    await root.query("GRANT SELECT, INSERT ON shop.orders TO 'pu'@'%'");
    await u.query('INSERT INTO shop.orders VALUES (11, 2)');
    expect(await col(u, 'SELECT COUNT(*) FROM shop.orders')).toEqual([2]);
    expect(await failure(u.query('DELETE FROM shop.orders'))).toEqual([1142, '42000']);
    expect(await failure(u.query('TRUNCATE shop.orders'))).toEqual([1142, '42000']);
    expect(await failure(u.query('ALTER TABLE shop.orders ADD COLUMN z INT'))).toEqual([1142, '42000']);
    expect(await failure(u.query('CREATE INDEX ix ON shop.orders (item)'))).toEqual([1142, '42000']);
    // INSERT … SELECT needs SELECT on the source: hr.pay is not readable.
    expect(await failure(u.query('INSERT INTO shop.orders SELECT id, amount FROM hr.pay'))).toEqual([1142, '42000']);
    expect(await failure(u.query('CREATE TABLE shop.copy AS SELECT * FROM shop.orders'))).toEqual([1142, '42000']);
    expect(await failure(u.query('RENAME TABLE shop.orders TO shop.orders2'))).toEqual([1142, '42000']);
  });

  it('database level: a grant on db.* covers its tables, DDL included, and nothing else', async () => {
    await root.query("GRANT ALL ON hr.* TO 'pu'@'%'");
    await u.query('INSERT INTO hr.pay VALUES (1, 100)');
    await u.query('CREATE TABLE hr.extra (id INT PRIMARY KEY)');
    await u.query('INSERT INTO hr.extra SELECT id FROM hr.pay');
    await u.query('TRUNCATE hr.extra');
    await u.query('DROP TABLE hr.extra');
    expect(await col(u, 'SELECT amount FROM hr.pay')).toEqual([100]);
    expect(await failure(u.query('SELECT * FROM shop.orders o JOIN hr.pay p ON p.id = o.id'))).toEqual([undefined, undefined]);
    expect(await failure(u.query('DROP DATABASE shop'))).toEqual([1044, '42000']);
    expect(await failure(u.query('GRANT SELECT ON hr.* TO nat'))).toEqual([1044, '42000']); // no GRANT OPTION
  });

  it('global level: SET GLOBAL needs SUPER or SYSTEM_VARIABLES_ADMIN (1227)', async () => {
    expect(await failure(u.query('SET GLOBAL max_connections = 300'))).toEqual([1227, '42000']);
    await u.query('SET SESSION sql_mode = DEFAULT');
    await root.query("GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO 'pu'@'%'");
    await u.query('SET GLOBAL net_read_timeout = 31');
    expect(await col(root, 'SELECT @@GLOBAL.net_read_timeout')).toEqual([31]);
    await root.query("REVOKE SYSTEM_VARIABLES_ADMIN ON *.* FROM 'pu'@'%'");
    expect(await failure(u.query('SET GLOBAL net_read_timeout = 30'))).toEqual([1227, '42000']);
    await root.query("GRANT SELECT ON *.* TO 'pu'@'%'");
    expect(await col(u, 'SELECT secret FROM shop.items ORDER BY id')).toEqual(['s1', 's2']);
    await root.query("REVOKE SELECT ON *.* FROM 'pu'@'%'");
    expect(await failure(u.query('SELECT secret FROM shop.items'))).toEqual([1143, '42000']);
  });

  it('prepared statements are checked when they execute, so a REVOKE in between counts', async () => {
    const [stmtOk] = await u.execute<mysql.RowDataPacket[]>('SELECT id FROM shop.orders WHERE id = ?', [10]);
    expect(stmtOk).toEqual([{ id: 10 }]);
    await root.query("REVOKE SELECT ON shop.orders FROM 'pu'@'%'");
    expect(await failure(u.execute('SELECT id FROM shop.orders WHERE id = ?', [10]))).toEqual([1142, '42000']);
    // Preparing is checked as well: its reply would describe the columns.
    expect(await failure(u.prepare('SELECT amount FROM hr.pay WHERE id = ?'))).toEqual([undefined, undefined]);
    expect(await failure(u.prepare('SELECT secret FROM shop.items WHERE id = ?'))).toEqual([1143, '42000']);
    // The open session sees the REVOKE on its next statement, text protocol too.
    expect(await failure(u.query('SELECT id FROM shop.orders'))).toEqual([1142, '42000']);
    await root.query("GRANT SELECT ON shop.orders TO 'pu'@'%'");
    expect(await col(u, 'SELECT id FROM shop.orders WHERE id = 10')).toEqual([10]);
  });

  it('GRANT and REVOKE answer with MySQL errors for bad levels and missing grants', async () => {
    expect(await failure(root.query("GRANT SUPER ON shop.* TO 'pu'@'%'"))).toEqual([1221, 'HY000']);
    expect(await failure(root.query("GRANT CREATE USER ON shop.items TO 'pu'@'%'"))).toEqual([1144, '42000']);
    expect(await failure(root.query("GRANT DELETE (id) ON shop.items TO 'pu'@'%'"))).toEqual([1144, '42000']);
    expect(await failure(root.query("GRANT SELECT ON shop.nosuch TO 'pu'@'%'"))).toEqual([1146, '42S02']);
    expect(await failure(root.query("GRANT SELECT ON shop.* TO 'ghost'@'%'"))).toEqual([1410, '42000']);
    expect(await failure(root.query("REVOKE SELECT ON nodb.* FROM 'pu'@'%'"))).toEqual([1141, '42000']);
    expect(await failure(root.query("REVOKE SELECT ON hr.pay FROM 'pu'@'%'"))).toEqual([1147, '42000']);
    expect(await failure(root.query("DROP USER 'ghost'@'%'"))).toEqual([1396, 'HY000']);
    expect(await failure(root.query("CREATE USER 'pu'@'%'"))).toEqual([1396, 'HY000']);
    await root.query("CREATE USER IF NOT EXISTS 'pu'@'%'");
    expect(await col(root, 'SHOW WARNINGS')).toEqual(['Note']);
    expect(await failure(root.query(`CREATE USER '${'x'.repeat(33)}'`))).toEqual([1470, 'HY000']);
  });
});

describe('what a user can see', () => {
  let v: mysql.Connection;
  beforeAll(async () => {
    await root.query("CREATE USER 'viewer'@'%' IDENTIFIED BY 'v'");
    await root.query("GRANT SELECT ON shop.orders TO 'viewer'@'%'");
    await root.query("GRANT SELECT (name) ON shop.items TO 'viewer'@'%'");
    v = await as('viewer', 'v');
  });

  it('SHOW DATABASES and information_schema.SCHEMATA list only databases with a privilege', async () => {
    expect(await col(v, 'SHOW DATABASES')).toEqual(['information_schema', 'shop']);
    expect(await col(v, 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1')).toEqual(['information_schema', 'shop']);
    const all = await col(root, 'SHOW DATABASES');
    expect(all).toContain('hr');
  });

  it("a cached plan never hands one user's information_schema view to another", async () => {
    const rootIs = await as('root', ROOT_PW, { database: 'information_schema' });
    const viewerIs = await as('viewer', 'v', { database: 'information_schema' });
    expect(await col(rootIs, 'SELECT COUNT(*) FROM SCHEMATA')).toEqual([3]);
    expect(await col(viewerIs, 'SELECT COUNT(*) FROM SCHEMATA')).toEqual([2]);
  });

  it('information_schema TABLES, COLUMNS and STATISTICS list only what may be read', async () => {
    expect(await col(v, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('shop', 'hr') ORDER BY 1")).toEqual(['items', 'orders']);
    const [cols] = await v.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t, COLUMN_NAME AS c, PRIVILEGES AS p FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' ORDER BY 1, ORDINAL_POSITION");
    expect(cols).toEqual([
      { t: 'items', c: 'name', p: 'select' },
      { t: 'orders', c: 'id', p: 'select' },
      { t: 'orders', c: 'item', p: 'select' },
    ]);
    expect(await col(v, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'hr'")).toEqual([0]);
  });

  it('the *_PRIVILEGES tables show the user its own grants, and root everyone', async () => {
    const [own] = await v.query<mysql.RowDataPacket[]>('SELECT * FROM information_schema.TABLE_PRIVILEGES');
    expect(own).toEqual([{ GRANTEE: "'viewer'@'%'", TABLE_CATALOG: 'def', TABLE_SCHEMA: 'shop', TABLE_NAME: 'orders', PRIVILEGE_TYPE: 'SELECT', IS_GRANTABLE: 'NO' }]);
    const [colp] = await v.query<mysql.RowDataPacket[]>('SELECT * FROM information_schema.COLUMN_PRIVILEGES');
    expect(colp).toEqual([{ GRANTEE: "'viewer'@'%'", TABLE_CATALOG: 'def', TABLE_SCHEMA: 'shop', TABLE_NAME: 'items', COLUMN_NAME: 'name', PRIVILEGE_TYPE: 'SELECT', IS_GRANTABLE: 'NO' }]);
    expect(await col(v, 'SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES')).toEqual(['USAGE']);
    expect(await col(v, 'SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES')).toEqual([0]);
    const [rootView] = await root.query<mysql.RowDataPacket[]>("SELECT PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = \"'root'@'localhost'\" AND PRIVILEGE_TYPE IN ('SELECT', 'SUPER')");
    expect(rootView).toEqual([{ p: 'SELECT', g: 'YES' }, { p: 'SUPER', g: 'YES' }]);
    expect(await col(root, "SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = \"'viewer'@'%'\"")).toEqual([1]);
  });
});

describe('roles', () => {
  it('grant privileges through SET ROLE and default roles, and lose them on REVOKE', async () => {
    await root.query('CREATE ROLE reader, writer');
    await root.query('GRANT SELECT ON shop.* TO reader');
    await root.query('GRANT INSERT ON shop.orders TO writer');
    await root.query('GRANT reader TO writer'); // writer includes reader
    await root.query("CREATE USER 'ru'@'%' IDENTIFIED BY 'ru'");
    await root.query("GRANT writer TO 'ru'@'%'");
    expect(await failure(as('writer', ''))).toEqual([3118, 'HY000']); // roles cannot log in
    const r = await as('ru', 'ru');
    expect(await col(r, 'SELECT CURRENT_ROLE()')).toEqual(['NONE']);
    expect(await failure(r.query('SELECT id FROM shop.orders'))).toEqual([1142, '42000']);
    await r.query('SET ROLE writer');
    expect(await col(r, 'SELECT CURRENT_ROLE()')).toEqual(['`writer`@`%`']);
    expect(await col(r, 'SELECT COUNT(*) FROM shop.items')).toEqual([2]); // through reader, inside writer
    await r.query('INSERT INTO shop.orders VALUES (12, 2)');
    expect(await failure(r.query('SET ROLE reader'))).toEqual([3530, 'HY000']); // not granted to ru directly
    await r.query('SET ROLE NONE');
    expect(await failure(r.query('SELECT id FROM shop.orders'))).toEqual([1142, '42000']);
    await root.query("SET DEFAULT ROLE ALL TO 'ru'@'%'");
    const r2 = await as('ru', 'ru');
    expect(await col(r2, 'SELECT CURRENT_ROLE()')).toEqual(['`writer`@`%`']);
    expect(await col(r2, 'SELECT COUNT(*) FROM shop.orders WHERE id = 12')).toEqual([1]);
    await root.query("REVOKE writer FROM 'ru'@'%'");
    expect(await failure(r2.query('SELECT id FROM shop.orders'))).toEqual([1142, '42000']);
    expect(await failure(root.query('GRANT writer TO reader'))).toEqual([3573, 'HY000']); // a loop
    const [g] = await root.query<mysql.RowDataPacket[]>('SHOW GRANTS FOR writer');
    expect(g.map((x) => Object.values(x)[0])).toEqual(['GRANT USAGE ON *.* TO `writer`@`%`', 'GRANT INSERT ON `shop`.`orders` TO `writer`@`%`', 'GRANT `reader`@`%` TO `writer`@`%`']);
    const [using] = await root.query<mysql.RowDataPacket[]>('SHOW GRANTS FOR writer USING reader');
    expect(using.map((x) => Object.values(x)[0])).toContain('GRANT SELECT ON `shop`.* TO `writer`@`%`');
  });
});

describe('SHOW GRANTS', () => {
  it('prints GRANT statements that rebuild the same grants', async () => {
    await root.query("CREATE USER 'rt'@'10.0.%' IDENTIFIED BY 'rt-pw'");
    await root.query("GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'rt'@'10.0.%' WITH GRANT OPTION");
    await root.query("GRANT ALL PRIVILEGES ON hr.* TO 'rt'@'10.0.%'");
    await root.query("GRANT SELECT (name, price), UPDATE (price), DROP ON shop.items TO 'rt'@'10.0.%'");
    await root.query("GRANT PROCESS, RELOAD ON *.* TO 'rt'@'10.0.%'");
    await root.query("GRANT CONNECTION_ADMIN ON *.* TO 'rt'@'10.0.%'");
    const grantsOf = async (): Promise<string[]> => {
      const [rows] = await root.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR 'rt'@'10.0.%'");
      return rows.map((r) => String(Object.values(r)[0]));
    };
    const before = await grantsOf();
    expect(before).toEqual([
      'GRANT RELOAD, PROCESS ON *.* TO `rt`@`10.0.%`',
      'GRANT CONNECTION_ADMIN ON *.* TO `rt`@`10.0.%`',
      'GRANT ALL PRIVILEGES ON `hr`.* TO `rt`@`10.0.%`',
      'GRANT SELECT, INSERT, UPDATE, DELETE ON `shop`.* TO `rt`@`10.0.%` WITH GRANT OPTION',
      'GRANT SELECT (`name`, `price`), UPDATE (`price`), DROP ON `shop`.`items` TO `rt`@`10.0.%`',
    ]);
    const [cu] = await root.query<mysql.RowDataPacket[]>("SHOW CREATE USER 'rt'@'10.0.%'");
    const create = String(Object.values(cu[0]!)[0]);
    await root.query("DROP USER 'rt'@'10.0.%'");
    expect(await failure(root.query("SHOW GRANTS FOR 'rt'@'10.0.%'"))).toEqual([1141, '42000']);
    await root.query(create);
    for (const g of before) await root.query(g);
    expect(await grantsOf()).toEqual(before);
  });
});

describe('KILL and SHOW PROCESSLIST', () => {
  it("a user sees and kills only its own threads; others' need PROCESS / CONNECTION_ADMIN", async () => {
    await root.query("CREATE USER 'k1'@'%' IDENTIFIED BY 'k1', 'k2'@'%' IDENTIFIED BY 'k2'");
    const victim = await as('root', ROOT_PW);
    const [[{ id: rootId }]] = (await victim.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    const k1 = await as('k1', 'k1');
    const k1b = await as('k1', 'k1');
    const [[{ id: k1bId }]] = (await k1b.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    const [pl] = await k1.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
    expect(new Set(pl.map((r) => r.User))).toEqual(new Set(['k1']));
    expect(await col(k1, 'SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER <> \'k1\'')).toEqual([0]);
    expect(await failure(k1.query(`KILL ${rootId}`))).toEqual([1095, 'HY000']);
    expect(await col(victim, 'SELECT 1')).toEqual([1]);
    await k1.query(`KILL ${k1bId}`); // its own: allowed
    await expect(k1b.query('SELECT 1')).rejects.toThrow();
    await root.query("GRANT CONNECTION_ADMIN, PROCESS ON *.* TO 'k2'@'%'");
    const k2 = await as('k2', 'k2');
    const [pl2] = await k2.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
    expect(pl2.map((r) => r.User)).toContain('root');
    await k2.query(`KILL ${rootId}`);
    await expect(victim.query('SELECT 1')).rejects.toThrow();
  });
});

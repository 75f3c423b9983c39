import { describe, expect, it } from 'vitest';
import { parseOne } from './parser.js';
import { printStatement } from './print.js';
import { printAccountStatement } from './print-account.js';
import type { AccountStatement } from './ast.js';

const st = (sql: string): AccountStatement => parseOne(sql).statement as AccountStatement;

describe('account statements', () => {
  it('reads user names in every quoting, with % for a missing host', () => {
    expect(st("CREATE USER 'alice'@'localhost'")).toMatchObject({ kind: 'createUser', users: [{ account: { kind: 'named', name: { user: 'alice', host: 'localhost' } } }] });
    expect(st('CREATE USER alice@localhost')).toMatchObject({ users: [{ account: { name: { user: 'alice', host: 'localhost' } } }] });
    expect(st('CREATE USER `Bob`@`10.0.0.%`')).toMatchObject({ users: [{ account: { name: { user: 'Bob', host: '10.0.0.%' } } }] });
    expect(st("CREATE USER 'root '")).toMatchObject({ users: [{ account: { name: { user: 'root ', host: '%' } } }] });
    expect(st("CREATE USER 'u'@127.0.0.1")).toMatchObject({ users: [{ account: { name: { user: 'u', host: '127.0.0.1' } } }] });
    expect(st("CREATE USER 'u' @ 'h'")).toMatchObject({ users: [{ account: { name: { user: 'u', host: 'h' } } }] });
  });

  it('reads every IDENTIFIED form', () => {
    const auth = (sql: string): unknown => (st(sql) as Extract<AccountStatement, { kind: 'createUser' }>).users[0]!.auth;
    expect(auth("CREATE USER u IDENTIFIED BY 'pw'")).toEqual({ kind: 'password', password: 'pw' });
    expect(auth("CREATE USER u IDENTIFIED WITH mysql_native_password BY 'pw'")).toEqual({ kind: 'password', password: 'pw', plugin: 'mysql_native_password' });
    expect(auth("CREATE USER u IDENTIFIED WITH 'caching_sha2_password' AS 'ab'")).toEqual({ kind: 'hash', hash: 'ab', plugin: 'caching_sha2_password' });
    expect(auth("CREATE USER u IDENTIFIED BY PASSWORD '*AB'")).toEqual({ kind: 'hash', hash: '*AB' });
    expect(auth('CREATE USER u IDENTIFIED WITH caching_sha2_password')).toEqual({ kind: 'plugin', plugin: 'caching_sha2_password' });
  });

  it('reads what SHOW CREATE USER prints, and refuses options it would not enforce', () => {
    expect(st("CREATE USER `a`@`%` IDENTIFIED WITH 'mysql_native_password' AS '*0123456789012345678901234567890123456789' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT LOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT")).toMatchObject({ kind: 'createUser', lock: true });
    for (const sql of ['CREATE USER u REQUIRE SSL', 'CREATE USER u WITH MAX_QUERIES_PER_HOUR 5', 'CREATE USER u PASSWORD EXPIRE', "CREATE USER u COMMENT 'x'"]) {
      expect(() => parseOne(sql), sql).toThrow(expect.objectContaining({ errno: 1235 }));
    }
  });

  it('tells privileges (ON …) from roles', () => {
    expect(st('GRANT SELECT (a, b), INSERT, CREATE TEMPORARY TABLES ON db.t TO u WITH GRANT OPTION')).toEqual({
      kind: 'grant',
      privileges: [{ name: 'SELECT', columns: ['a', 'b'] }, { name: 'INSERT' }, { name: 'CREATE TEMPORARY TABLES' }],
      level: { kind: 'table', db: 'db', table: 't' },
      to: [{ kind: 'named', name: { user: 'u', host: '%' } }],
      grantOption: true,
    });
    expect(st('GRANT ALL PRIVILEGES ON *.* TO root@localhost')).toMatchObject({ privileges: [{ name: 'ALL' }], level: { kind: 'global' } });
    expect(st('GRANT USAGE ON * TO u')).toMatchObject({ level: { kind: 'db' } });
    expect(st('GRANT SELECT ON `my db`.* TO u, CURRENT_USER()')).toMatchObject({ level: { kind: 'db', db: 'my db' }, to: [{ kind: 'named' }, { kind: 'current' }] });
    expect(st('GRANT SELECT ON TABLE t TO u')).toMatchObject({ level: { kind: 'table', table: 't' } });
    expect(st("GRANT r1, 'r2'@'%' TO u WITH ADMIN OPTION")).toEqual({
      kind: 'grantRole',
      roles: [{ user: 'r1', host: '%' }, { user: 'r2', host: '%' }],
      to: [{ kind: 'named', name: { user: 'u', host: '%' } }],
      adminOption: true,
    });
    expect(st('REVOKE r1 FROM u')).toMatchObject({ kind: 'revokeRole' });
    expect(st('REVOKE ALL PRIVILEGES ON db.* FROM u')).toMatchObject({ kind: 'revoke', privileges: [{ name: 'ALL' }] });
    expect(st('REVOKE ALL PRIVILEGES, GRANT OPTION FROM u, v')).toMatchObject({ kind: 'revokeAll' });
  });

  it('reads SET PASSWORD / ROLE / DEFAULT ROLE without taking them for variables', () => {
    expect(st("SET PASSWORD = 'x'")).toEqual({ kind: 'setPassword', account: { kind: 'current' }, password: 'x' });
    expect(st("SET PASSWORD FOR 'a'@'h' = PASSWORD('x')")).toEqual({ kind: 'setPassword', account: { kind: 'named', name: { user: 'a', host: 'h' } }, password: 'x' });
    expect(st('SET ROLE ALL EXCEPT r1')).toEqual({ kind: 'setRole', roles: { kind: 'all', except: [{ user: 'r1', host: '%' }] } });
    expect(st('SET ROLE DEFAULT')).toEqual({ kind: 'setRole', roles: { kind: 'default' } });
    expect(st('SET DEFAULT ROLE r1, r2 TO u')).toMatchObject({ kind: 'setDefaultRole', roles: { kind: 'list' } });
    expect(parseOne('SET @role = 1').statement.kind).toBe('set');
  });

  it('reads SHOW GRANTS and the rest', () => {
    expect(st('SHOW GRANTS')).toEqual({ kind: 'showGrants' });
    expect(st('SHOW GRANTS FOR CURRENT_USER')).toEqual({ kind: 'showGrants', for: { kind: 'current' } });
    expect(st('SHOW GRANTS FOR u USING r')).toMatchObject({ using: [{ user: 'r', host: '%' }] });
    expect(st('SHOW CREATE USER u')).toMatchObject({ kind: 'showCreateUser' });
    expect(st('DROP USER IF EXISTS a, b@h')).toMatchObject({ kind: 'dropUser', ifExists: true, users: [{ user: 'a' }, { user: 'b', host: 'h' }] });
    expect(st('RENAME USER a TO b')).toMatchObject({ kind: 'renameUser' });
    expect(st('CREATE ROLE IF NOT EXISTS r')).toMatchObject({ kind: 'createRole', ifNotExists: true });
    expect(st('ALTER USER USER() IDENTIFIED BY "n"')).toMatchObject({ kind: 'alterUser', users: [{ account: { kind: 'current' } }] });
    expect(st('ALTER USER u DEFAULT ROLE ALL')).toMatchObject({ kind: 'alterUser', defaultRoles: { kind: 'all' } });
  });

  it('prints statements that parse back to the same AST, with passwords redacted on request', () => {
    for (const sql of [
      "CREATE USER IF NOT EXISTS 'a'@'%' IDENTIFIED BY 'p''w', b IDENTIFIED WITH caching_sha2_password BY 'x' ACCOUNT LOCK",
      "GRANT SELECT (`a`), UPDATE ON `d`.`t` TO 'u'@'%' WITH GRANT OPTION",
      'REVOKE ALL PRIVILEGES ON *.* FROM u',
      "SET PASSWORD FOR 'u'@'h' = 'secret'",
      'SET DEFAULT ROLE ALL TO u',
      'SHOW GRANTS FOR u USING r',
    ]) {
      const a = parseOne(sql).statement;
      expect(parseOne(printStatement(a)).statement, sql).toEqual(a);
    }
    expect(printAccountStatement(st("CREATE USER u IDENTIFIED BY 'hunter2'"), { redact: true })).toBe("CREATE USER 'u'@'%' IDENTIFIED BY <secret>");
    expect(printAccountStatement(st("SET PASSWORD = 'hunter2'"), { redact: true })).not.toContain('hunter2');
  });
});

// The statements mysqldump / mariadb-dump send and write: LOCK TABLES with modes and aliases,
// ALTER TABLE … DISABLE/ENABLE KEYS, SHOW FUNCTION/PROCEDURE STATUS, SHOW TRIGGERS / EVENTS.
import { describe, expect, it } from 'vitest';
import { parse, parseOne, printStatement } from './index.js';

const stmt = (sql: string): unknown => parseOne(sql).statement;

describe('statements of a dump', () => {
  it('LOCK TABLES reads each table, its alias and READ [LOCAL] / [LOW_PRIORITY] WRITE', () => {
    expect(stmt('LOCK TABLES `plain` READ /*!32311 LOCAL */,`users` READ /*!32311 LOCAL */')).toEqual({
      kind: 'lockTables',
      tables: [
        { table: { name: 'plain' }, mode: 'read' },
        { table: { name: 'users' }, mode: 'read' },
      ],
    });
    expect(stmt('LOCK TABLE d.t AS a WRITE, u b LOW_PRIORITY WRITE, t READ')).toEqual({
      kind: 'lockTables',
      tables: [
        { table: { db: 'd', name: 't' }, alias: 'a', mode: 'write' },
        { table: { name: 'u' }, alias: 'b', mode: 'write' },
        { table: { name: 't' }, mode: 'read' },
      ],
    });
    expect(() => parse('LOCK TABLES t')).toThrow(expect.objectContaining({ errno: 1064 }));
    expect(() => parse('LOCK TABLES t READ,')).toThrow(expect.objectContaining({ errno: 1064 }));
  });

  it('ALTER TABLE … DISABLE KEYS / ENABLE KEYS', () => {
    expect(stmt('/*!40000 ALTER TABLE `t` DISABLE KEYS */')).toEqual({ kind: 'alterTableKeys', table: { name: 't' }, enable: false });
    expect(stmt('ALTER TABLE d.t ENABLE KEYS')).toEqual({ kind: 'alterTableKeys', table: { db: 'd', name: 't' }, enable: true });
  });

  it('SHOW FUNCTION / PROCEDURE STATUS, SHOW TRIGGERS, SHOW EVENTS with LIKE / WHERE / FROM', () => {
    expect(stmt("SHOW FUNCTION STATUS WHERE Db = 'd1'")).toMatchObject({ kind: 'showStoredObjects', what: 'FUNCTION STATUS', where: { kind: 'binary' } });
    expect(stmt("SHOW PROCEDURE STATUS LIKE 'x%'")).toEqual({ kind: 'showStoredObjects', what: 'PROCEDURE STATUS', like: 'x%' });
    expect(stmt("SHOW TRIGGERS FROM d1 LIKE 't'")).toEqual({ kind: 'showStoredObjects', what: 'TRIGGERS', db: 'd1', like: 't' });
    expect(stmt('SHOW EVENTS')).toEqual({ kind: 'showStoredObjects', what: 'EVENTS' });
    // SHOW FUNCTION CODE and the like stay unsupported (1235), not syntax errors.
    expect(() => parse('SHOW PROCEDURE CODE p')).toThrow(expect.objectContaining({ errno: 1235 }));
  });

  it('prints them back as SQL that parses to the same statement', () => {
    for (const sql of [
      'LOCK TABLES d.t AS a WRITE, u READ',
      'ALTER TABLE t DISABLE KEYS',
      'ALTER TABLE t ENABLE KEYS',
      "SHOW TRIGGERS FROM d LIKE 'x'",
      "SHOW FUNCTION STATUS WHERE Db = 'd'",
    ]) {
      const st = parseOne(sql).statement;
      expect(parseOne(printStatement(st)).statement, sql).toEqual(st);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/errors.js';
import { Decimal } from '../../common/decimal.js';
import { T } from '../../common/types.js';
import { DEFAULT_SQL_MODE, GlobalVariables, SET_DEFAULT, SystemVariables, VARIABLES, normalizeVariableValue } from './variables.js';

function err(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

function fresh(): SystemVariables {
  return new SystemVariables(new GlobalVariables());
}

describe('SystemVariables', () => {
  it('answers what clients ask on connect', () => {
    const v = fresh();
    expect(v.get('version_comment')).toBe('Tessera 0.1.0 (MySQL-compatible)');
    expect(String(v.get('VERSION'))).toMatch(/^8\.0\.\d+-tessera/);
    expect(v.get('autocommit')).toBe(1);
    expect(v.get('auto_increment_increment', 'session')).toBe(1);
    expect(v.get('max_allowed_packet')).toBe(67108864);
    expect(v.get('sql_mode')).toBe(DEFAULT_SQL_MODE);
    expect(v.get('character_set_client')).toBe('utf8mb4');
    expect(v.get('lower_case_table_names')).toBe(1);
    expect(v.get('tx_isolation')).toBe('REPEATABLE-READ');
    expect(v.get('transaction_isolation')).toBe('REPEATABLE-READ');
    expect(v.get('innodb_lock_wait_timeout')).toBe(50);
    expect(v.get('tessera_partitions_per_database')).toBe(8);
    expect(typeof v.get('timestamp')).toBe('number');
  });

  it('normalizes booleans and lists them as ON/OFF', () => {
    const v = fresh();
    for (const [input, out] of [['OFF', 0], ['on', 1], ['false', 0], ['TRUE', 1], [0, 0], [1n, 1], ['1', 1]] as const) {
      v.set('autocommit', 'session', input);
      expect(v.get('autocommit')).toBe(out);
    }
    v.set('autocommit', 'session', 0);
    expect(v.list('session', 'autocommit')).toEqual([['autocommit', 'OFF']]);
    expect(err(() => v.set('autocommit', 'session', 2)).errno).toBe(1231);
    expect(err(() => v.set('autocommit', 'session', 'maybe')).message).toBe("Variable 'autocommit' can't be set to the value of 'maybe'");
    expect(err(() => v.set('autocommit', 'session', null)).errno).toBe(1231);
    expect(err(() => v.set('autocommit', 'session', new Decimal(15n, 1))).errno).toBe(1232);
  });

  it('validates integers', () => {
    const v = fresh();
    v.set('wait_timeout', 'session', 100);
    expect(v.get('wait_timeout')).toBe(100);
    expect(err(() => v.set('wait_timeout', 'session', 'abc')).message).toBe("Incorrect argument type to variable 'wait_timeout'");
    expect(err(() => v.set('wait_timeout', 'session', 1.5)).errno).toBe(1232);
    const w = v.set('auto_increment_increment', 'session', 0);
    expect(v.get('auto_increment_increment')).toBe(1);
    expect(w[0]).toMatchObject({ code: 1292 });
  });

  it('validates sql_mode and orders it as MySQL does', () => {
    const v = fresh();
    v.set('sql_mode', 'session', 'no_zero_date, strict_trans_tables');
    expect(v.get('sql_mode')).toBe('STRICT_TRANS_TABLES,NO_ZERO_DATE');
    v.set('sql_mode', 'session', '');
    expect(v.get('sql_mode')).toBe('');
    v.set('sql_mode', 'session', 'TRADITIONAL');
    expect(v.get('sql_mode')).toBe(
      'STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION',
    );
    const e = err(() => v.set('sql_mode', 'session', 'STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER'));
    expect(e.errno).toBe(1231);
    expect(e.message).toBe("Variable 'sql_mode' can't be set to the value of 'NO_AUTO_CREATE_USER'");
    v.set('sql_mode', 'session', SET_DEFAULT);
    expect(v.get('sql_mode')).toBe(DEFAULT_SQL_MODE);
  });

  it('treats tx_isolation as transaction_isolation, refuses SERIALIZABLE with 1235', () => {
    const v = fresh();
    expect(v.set('tx_isolation', 'session', 'read-committed')).toEqual([]);
    expect(v.get('transaction_isolation')).toBe('READ-COMMITTED');
    expect(v.set('transaction_isolation', 'session', 'READ-UNCOMMITTED')).toEqual([]);
    expect(err(() => v.set('transaction_isolation', 'session', 'READ COMMITTED')).errno).toBe(1231);
    expect(err(() => v.set('tx_isolation', 'session', 'serializable')).errno).toBe(1235);
    expect(err(() => v.set('transaction_isolation', 'global', 'SERIALIZABLE')).errno).toBe(1235);
    expect(v.get('transaction_isolation')).toBe('READ-UNCOMMITTED');
  });

  it('enforces scope and read-only', () => {
    const v = fresh();
    expect(err(() => v.set('nope', 'session', 1)).message).toBe("Unknown system variable 'nope'");
    expect(err(() => v.get('nope')).errno).toBe(1193);
    const ro = err(() => v.set('version', 'global', 'x'));
    expect([ro.errno, ro.message]).toEqual([1238, "Variable 'version' is a read only variable"]);
    const g = err(() => v.set('max_connections', 'session', 10));
    expect([g.errno, g.message]).toEqual([1229, "Variable 'max_connections' is a GLOBAL variable and should be set with SET GLOBAL"]);
    const s = err(() => v.set('last_insert_id', 'global', 10));
    expect([s.errno, s.message]).toEqual([1228, "Variable 'last_insert_id' is a SESSION variable and can't be used with SET GLOBAL"]);
    expect(err(() => v.get('max_connections', 'session')).errno).toBe(1238);
    expect(err(() => v.get('last_insert_id', 'global')).errno).toBe(1238);
    expect(v.get('max_connections')).toBe(151);
  });

  it('shares globals between sessions; sessions snapshot them at connect', () => {
    const globals = new GlobalVariables();
    const a = new SystemVariables(globals);
    a.set('max_connections', 'global', 500);
    a.set('wait_timeout', 'global', 60);
    const b = new SystemVariables(globals);
    expect(b.get('max_connections')).toBe(500);
    expect(b.get('wait_timeout')).toBe(60);
    expect(a.get('wait_timeout')).toBe(28800);
    expect(a.get('wait_timeout', 'global')).toBe(60);
    a.set('wait_timeout', 'session', SET_DEFAULT);
    expect(a.get('wait_timeout')).toBe(60);
  });

  it('validates charsets, collations and time zones, moving pairs together', () => {
    const v = fresh();
    v.set('character_set_results', 'session', null);
    expect(v.get('character_set_results')).toBe(null);
    expect(v.list('session', 'character_set_results')).toEqual([['character_set_results', '']]);
    expect(err(() => v.set('character_set_client', 'session', 'klingon')).errno).toBe(1115);
    expect(err(() => v.set('collation_connection', 'session', 'nope_ci')).errno).toBe(1273);
    v.set('collation_connection', 'session', 'latin1_swedish_ci');
    expect(v.get('character_set_connection')).toBe('latin1');
    v.setNames('utf8mb4', 'utf8mb4_bin');
    expect([v.get('character_set_client'), v.get('character_set_results'), v.get('collation_connection')]).toEqual([
      'utf8mb4',
      'utf8mb4',
      'utf8mb4_bin',
    ]);
    v.set('time_zone', 'session', '+8:00');
    expect(v.get('time_zone')).toBe('+08:00');
    expect(err(() => v.set('time_zone', 'session', 'Mars/Base')).errno).toBe(1298);
  });

  it('lists sorted names with LIKE, and types for SELECT @@x', () => {
    const v = fresh();
    const names = v.list('session').map(([n]) => n);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('tx_isolation');
    expect(v.list('global', 'character_set_%').map(([n]) => n)).toEqual([
      'character_set_client',
      'character_set_connection',
      'character_set_database',
      'character_set_filesystem',
      'character_set_results',
      'character_set_server',
      'character_set_system',
      'character_sets_dir', // `_` matches any character, as in MySQL
    ]);
    expect(v.list('global').some(([n]) => n === 'last_insert_id')).toBe(false);
    expect(v.typeOf('autocommit')).toEqual(T.bigint);
    expect(v.typeOf('version')).toEqual(T.varchar(1024));
    expect(v.typeOf('sql_select_limit')).toEqual(T.ubigint);
  });

  it('has unique names and defaults that pass their own validation', () => {
    const names = VARIABLES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of VARIABLES) {
      if (spec.default === null) continue;
      expect(normalizeVariableValue(spec, spec.default).value, spec.name).toEqual(spec.default);
    }
  });

  it('setInternal bypasses read-only for values the session maintains', () => {
    const v = fresh();
    v.setInternal('warning_count', 3);
    expect(v.get('warning_count')).toBe(3);
  });
});

import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { T, type SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { Decimal } from '../../common/decimal.js';
import { SqlError } from '../../common/errors.js';
import { assertNever } from '../../common/assert.js';
import { COLLATIONS, CHARSETS, likeMatch } from './show.js';

/**
 * MySQL system variables: what clients and tools ask on connect, what the engine reads
 * (sql_mode, autocommit, …) and Tessera's own knobs (tessera_*). Names are case-insensitive.
 */

export type VarScope = 'global' | 'session' | 'both';
export type VarType = 'bool' | 'int' | 'enum' | 'string' | 'set' | 'double';

export interface VariableSpec {
  readonly name: string;
  readonly scope: VarScope;
  readonly type: VarType;
  readonly default: Value;
  readonly readOnly?: boolean;
  /** The session value is fixed at connect (max_allowed_packet): only SET GLOBAL changes it, for new connections. */
  readonly sessionReadOnly?: boolean;
  readonly min?: number | bigint;
  readonly max?: number | bigint;
  /** enum / set members, upper-case canonical spelling. */
  readonly values?: readonly string[];
  /** string variables that may be NULL (character_set_results). */
  readonly nullable?: boolean;
  /** Extra validation for strings: returns the canonical value or throws. */
  readonly check?: (v: string, name: string) => string;
}

export const TESSERA_VERSION = '0.1.0';
export const SERVER_VERSION = `8.0.32-tessera-${TESSERA_VERSION}`;

/** MySQL 8.0's default sql_mode. */
export const DEFAULT_SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

/** sql_mode members in MySQL's bit order (the order SELECT @@sql_mode prints them). */
export const SQL_MODES = [
  'REAL_AS_FLOAT',
  'PIPES_AS_CONCAT',
  'ANSI_QUOTES',
  'IGNORE_SPACE',
  'ONLY_FULL_GROUP_BY',
  'NO_UNSIGNED_SUBTRACTION',
  'NO_DIR_IN_CREATE',
  'ANSI',
  'NO_AUTO_VALUE_ON_ZERO',
  'NO_BACKSLASH_ESCAPES',
  'STRICT_TRANS_TABLES',
  'STRICT_ALL_TABLES',
  'NO_ZERO_IN_DATE',
  'NO_ZERO_DATE',
  'ALLOW_INVALID_DATES',
  'ERROR_FOR_DIVISION_BY_ZERO',
  'TRADITIONAL',
  'HIGH_NOT_PRECEDENCE',
  'NO_ENGINE_SUBSTITUTION',
  'PAD_CHAR_TO_FULL_LENGTH',
  'TIME_TRUNCATE_FRACTIONAL',
] as const;

/** Combination modes expand to their members and keep their own name, as in MySQL. */
const SQL_MODE_COMBOS: Readonly<Record<string, readonly string[]>> = {
  ANSI: ['REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', 'ONLY_FULL_GROUP_BY'],
  TRADITIONAL: ['STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION'],
};

const ISOLATION_LEVELS = ['READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE'];
/** MySQL's default. READ-UNCOMMITTED runs as READ-COMMITTED; SERIALIZABLE is refused (README: Isolation). */
export const DEFAULT_ISOLATION = 'REPEATABLE-READ';

/** SERIALIZABLE would promise more than row locks without gap locks can keep (phantoms). */
export function serializableRefused(): SqlError {
  return new SqlError(
    'ER_NOT_SUPPORTED_YET',
    "This version of Tessera doesn't yet support 'SERIALIZABLE': without gap locks it could not keep out phantom rows. " +
      'Use REPEATABLE READ (the default) and SELECT ... FOR UPDATE for the rows a decision depends on.',
  );
}

function wrongValue(name: string, v: string): SqlError {
  return new SqlError('ER_WRONG_VALUE_FOR_VAR', `Variable '${name}' can't be set to the value of '${v}'`);
}

function checkCharset(v: string): string {
  const c = v.toLowerCase() === 'utf8' ? 'utf8mb3' : v.toLowerCase();
  if (!CHARSETS.some((cs) => cs.name === c)) throw new SqlError('ER_UNKNOWN_CHARACTER_SET', `Unknown character set: '${v}'`);
  return c;
}

function checkCollation(v: string): string {
  const c = v.toLowerCase().replace(/^utf8_/, 'utf8mb3_');
  if (!COLLATIONS.some((co) => co.name === c)) throw new SqlError('ER_UNKNOWN_COLLATION', `Unknown collation: '${v}'`);
  return c;
}

/** SYSTEM, UTC/GMT, or a ±hh:mm offset within MySQL's range (-13:59 … +14:00). */
function checkTimeZone(v: string): string {
  const u = v.trim().toUpperCase();
  if (u === 'SYSTEM') return 'SYSTEM';
  if (u === 'UTC' || u === 'GMT') return u;
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(v.trim());
  if (m) {
    const mins = Number(m[2]) * 60 + Number(m[3]);
    const signed = m[1] === '-' ? -mins : mins;
    if (Number(m[3]) < 60 && signed >= -(13 * 60 + 59) && signed <= 14 * 60) {
      return `${m[1]}${m[2]!.padStart(2, '0')}:${m[3]}`;
    }
  }
  throw new SqlError('ER_UNKNOWN_TIME_ZONE', `Unknown or incorrect time zone: '${v}'`);
}

function b(name: string, scope: VarScope, def: boolean, extra: Partial<VariableSpec> = {}): VariableSpec {
  return { name, scope, type: 'bool', default: def ? 1 : 0, ...extra };
}
function i(name: string, scope: VarScope, def: number | bigint, min: number | bigint, max: number | bigint, extra: Partial<VariableSpec> = {}): VariableSpec {
  return { name, scope, type: 'int', default: def, min, max, ...extra };
}
function s(name: string, scope: VarScope, def: string | null, extra: Partial<VariableSpec> = {}): VariableSpec {
  return { name, scope, type: 'string', default: def, ...extra };
}
function ro(name: string, def: Value, type: VarType = 'string', scope: VarScope = 'global'): VariableSpec {
  return { name, scope, type, default: def, readOnly: true };
}
function e(name: string, scope: VarScope, def: string, values: readonly string[]): VariableSpec {
  return { name, scope, type: 'enum', default: def, values };
}

const U32 = 4294967295;
const U64 = 18446744073709551615n;
const CS = { check: checkCharset };
const CO = { check: checkCollation };

export const VARIABLES: readonly VariableSpec[] = [
  b('autocommit', 'both', true),
  { name: 'sql_mode', scope: 'both', type: 'set', default: DEFAULT_SQL_MODE, values: SQL_MODES },
  ro('version', SERVER_VERSION),
  ro('version_comment', `Tessera ${TESSERA_VERSION} (MySQL-compatible)`),
  ro('version_compile_os', process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'Win64' : 'Linux'),
  ro('version_compile_machine', process.arch === 'arm64' ? 'aarch64' : process.arch === 'x64' ? 'x86_64' : process.arch),
  ro('version_compile_zlib', '1.2.13'),
  s('character_set_client', 'both', 'utf8mb4', CS),
  s('character_set_connection', 'both', 'utf8mb4', CS),
  s('character_set_results', 'both', 'utf8mb4', { ...CS, nullable: true }),
  s('character_set_server', 'both', 'utf8mb4', CS),
  s('character_set_database', 'both', 'utf8mb4', CS),
  ro('character_set_system', 'utf8mb3'),
  s('character_set_filesystem', 'both', 'binary', CS),
  ro('character_sets_dir', '/usr/share/tessera/charsets/'),
  s('collation_connection', 'both', 'utf8mb4_general_ci', CO),
  s('collation_server', 'both', 'utf8mb4_general_ci', CO),
  s('collation_database', 'both', 'utf8mb4_general_ci', CO),
  s('init_connect', 'global', ''),
  i('interactive_timeout', 'both', 28800, 1, 31536000),
  i('wait_timeout', 'both', 28800, 1, 31536000),
  i('net_write_timeout', 'both', 60, 1, 31536000),
  i('net_read_timeout', 'both', 30, 1, 31536000),
  i('connect_timeout', 'global', 10, 2, 31536000),
  i('max_allowed_packet', 'both', 67108864, 1024, 1073741824, { sessionReadOnly: true }),
  i('net_buffer_length', 'both', 16384, 1024, 1048576),
  i('max_prepared_stmt_count', 'global', 16382, 0, 4194304),
  ro('lower_case_table_names', 1, 'int'),
  ro('license', 'Apache-2.0'),
  ro('language', '/usr/share/tessera/english/'),
  ro('system_time_zone', 'UTC'),
  s('time_zone', 'both', 'SYSTEM', { check: checkTimeZone }),
  e('transaction_isolation', 'both', DEFAULT_ISOLATION, ISOLATION_LEVELS),
  b('transaction_read_only', 'both', false),
  i('auto_increment_increment', 'both', 1, 1, 65535),
  i('auto_increment_offset', 'both', 1, 1, 65535),
  i('innodb_lock_wait_timeout', 'both', 50, 1, 1073741824),
  i('lock_wait_timeout', 'both', 31536000, 1, 31536000),
  i('sql_select_limit', 'both', U64, 0, U64),
  b('sql_auto_is_null', 'both', false),
  b('sql_safe_updates', 'both', false),
  b('sql_quote_show_create', 'both', true),
  b('sql_big_selects', 'both', true),
  b('sql_log_bin', 'session', true),
  b('foreign_key_checks', 'both', true),
  b('unique_checks', 'both', true),
  // ms a read-only SELECT may run before it ends with 3024 (0 = no limit); the hint MAX_EXECUTION_TIME(n) overrides it.
  i('max_execution_time', 'both', 0, 0, U32),
  // MariaDB's: seconds any statement may run before it ends with 1969 (0 = no limit).
  { name: 'max_statement_time', scope: 'both', type: 'double', default: 0, min: 0, max: 31536000 },
  i('div_precision_increment', 'both', 4, 0, 30),
  s('default_storage_engine', 'both', 'InnoDB'),
  s('default_tmp_storage_engine', 'both', 'InnoDB'),
  ro('hostname', 'localhost'),
  ro('port', 3306, 'int'),
  ro('datadir', './data/'),
  ro('have_ssl', 'DISABLED'),
  ro('have_openssl', 'DISABLED'),
  ro('performance_schema', 0, 'bool'),
  i('query_cache_size', 'global', 0, 0, U32),
  e('query_cache_type', 'both', 'OFF', ['OFF', 'ON', 'DEMAND']),
  i('max_connections', 'global', 151, 1, 100000),
  i('max_user_connections', 'both', 0, 0, U32),
  i('last_insert_id', 'session', 0, 0, U64),
  i('identity', 'session', 0, 0, U64),
  i('insert_id', 'session', 0, 0, U64),
  { name: 'timestamp', scope: 'session', type: 'double', default: 0, min: 0, max: 2147483647 },
  i('rand_seed1', 'session', 0, 0, U32),
  i('rand_seed2', 'session', 0, 0, U32),
  b('sql_notes', 'both', true),
  b('sql_warnings', 'both', false),
  i('group_concat_max_len', 'both', 1024, 4, U64),
  i('default_week_format', 'both', 0, 0, 7),
  ro('explicit_defaults_for_timestamp', 1, 'bool', 'both'),
  i('max_sort_length', 'both', 1024, 4, 8388608),
  i('max_heap_table_size', 'both', 16777216, 16384, U64),
  i('tmp_table_size', 'both', 16777216, 1024, U64),
  i('old_passwords', 'both', 0, 0, 2),
  ro('protocol_version', 10, 'int'),
  b('read_only', 'global', false),
  b('super_read_only', 'global', false),
  b('session_track_schema', 'both', true),
  b('session_track_state_change', 'both', false),
  s('session_track_system_variables', 'both', 'time_zone,autocommit,character_set_client,character_set_results,character_set_connection'),
  e('session_track_transaction_info', 'both', 'OFF', ['OFF', 'STATE', 'CHARACTERISTICS']),
  s('session_track_gtids', 'both', 'OFF'),
  ro('warning_count', 0, 'int', 'session'),
  ro('error_count', 0, 'int', 'session'),
  i('server_id', 'global', 1, 0, U32),
  ro('server_uuid', '00000000-0000-0000-0000-000000000000'),
  s('default_authentication_plugin', 'global', 'mysql_native_password', { readOnly: true }),
  ro('socket', ''),
  ro('skip_networking', 0, 'bool'),
  ro('back_log', 151, 'int'),
  ro('thread_stack', 1048576, 'int'),
  ro('open_files_limit', 65535, 'int'),
  s('optimizer_switch', 'both', 'index_merge=on,derived_merge=on'),
  b('big_tables', 'both', false),
  e('binlog_format', 'both', 'ROW', ['ROW', 'STATEMENT', 'MIXED']),
  b('log_bin', 'global', false, { readOnly: true }),
  b('ssl_session_cache_mode', 'global', true, { readOnly: true }),
  b('local_infile', 'global', false),
  b('autocommit_on_ddl', 'session', true, { readOnly: true }),
  b('profiling', 'both', false),
  i('long_query_time', 'both', 10, 0, 31536000),
  e('completion_type', 'both', 'NO_CHAIN', ['NO_CHAIN', 'CHAIN', 'RELEASE']),
  i('cte_max_recursion_depth', 'both', 1000, 0, U32),
  i('range_optimizer_max_mem_size', 'both', 8388608, 0, U64),
  i('sort_buffer_size', 'both', 262144, 32768, U64),
  i('join_buffer_size', 'both', 262144, 128, U64),
  i('thread_cache_size', 'global', 9, 0, 16384),
  // Tessera's own.
  i('tessera_partitions_per_database', 'global', 8, 1, 1024),
  // Bytes of working memory (hash tables, sort buffers, join build sides, …) one statement may hold before it is stopped with 1038; 0 = no limit.
  i('tessera_query_memory_limit', 'both', defaultQueryMemoryLimit(), 0, U64),
  s('optimizer_disable', 'both', ''),
];

/**
 * A quarter of what the process can hold (its heap limit, or the machine's memory if smaller),
 * at least 64 MiB, in whole MiB: a few statements at the limit still leave the server room
 * (and past 85% of the heap the growing statement is stopped anyway, see Pacer.reserve).
 */
export function defaultQueryMemoryLimit(): number {
  const mib = 1024 * 1024;
  const room = Math.min(getHeapStatistics().heap_size_limit, totalmem());
  return Math.max(64, Math.floor(room / 4 / mib)) * mib;
}

/** Old names that MySQL 5.7 clients (Connector/J 5.x/6.x) still ask for. */
const ALIASES: Readonly<Record<string, string>> = {
  tx_isolation: 'transaction_isolation',
  tx_read_only: 'transaction_read_only',
};

const BY_NAME = new Map<string, VariableSpec>(VARIABLES.map((v) => [v.name, v]));

export function variableSpec(name: string): VariableSpec | undefined {
  const n = name.toLowerCase();
  return BY_NAME.get(ALIASES[n] ?? n);
}

function specOrThrow(name: string): VariableSpec {
  const spec = variableSpec(name);
  if (!spec) throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${name}'`);
  return spec;
}

/** `SET x = DEFAULT`. */
export const SET_DEFAULT: unique symbol = Symbol('DEFAULT');
export type SetValue = Value | typeof SET_DEFAULT;

export interface VarWarning {
  readonly level: 'Note' | 'Warning';
  readonly code: number;
  readonly message: string;
}

function valueAsText(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return v.toString();
}

function wrongType(name: string): SqlError {
  return new SqlError('ER_WRONG_TYPE_FOR_VAR', `Incorrect argument type to variable '${name}'`);
}

/** Validates and normalizes a value for a variable; returns the stored value and any warnings. */
export function normalizeVariableValue(spec: VariableSpec, raw: Value): { value: Value; warnings: VarWarning[] } {
  const name = spec.name;
  const warnings: VarWarning[] = [];
  const v = raw instanceof Uint8Array ? new TextDecoder().decode(raw) : raw;
  switch (spec.type) {
    case 'bool': {
      if (v === null) throw wrongValue(name, 'NULL');
      if (typeof v === 'string') {
        const u = v.trim().toUpperCase();
        if (u === 'ON' || u === 'TRUE' || u === '1') return { value: 1, warnings };
        if (u === 'OFF' || u === 'FALSE' || u === '0') return { value: 0, warnings };
        throw wrongValue(name, v);
      }
      if (v instanceof Decimal) throw wrongType(name);
      if (typeof v === 'number' && !Number.isInteger(v)) throw wrongType(name);
      if (v === 1 || v === 1n) return { value: 1, warnings };
      if (v === 0 || v === 0n) return { value: 0, warnings };
      throw wrongValue(name, String(v));
    }
    case 'int': {
      if (v === null || typeof v === 'string') throw wrongType(name);
      if (v instanceof Decimal ? v.scale > 0 && !v.equals(v.round(0)) : typeof v === 'number' && !Number.isInteger(v)) throw wrongType(name);
      let n = v instanceof Decimal ? v.toBigInt() : BigInt(v);
      const min = BigInt(spec.min ?? 0);
      const max = BigInt(spec.max ?? U64);
      if (n < min || n > max) {
        // MySQL clamps and warns rather than failing.
        warnings.push({ level: 'Warning', code: 1292, message: `Truncated incorrect ${name} value: '${valueAsText(v)}'` });
        n = n < min ? min : max;
      }
      return { value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, warnings };
    }
    case 'double': {
      if (v === null || typeof v === 'string') throw wrongType(name);
      const n = v instanceof Decimal ? v.toNumber() : Number(v);
      const min = Number(spec.min ?? -Infinity);
      const max = Number(spec.max ?? Infinity);
      if (n < min || n > max) throw wrongValue(name, valueAsText(v));
      return { value: n, warnings };
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (v === null) throw wrongValue(name, 'NULL');
      if (typeof v === 'string') {
        const hit = values.find((x) => x === v.trim().toUpperCase());
        if (hit === undefined) throw wrongValue(name, v);
        return { value: hit, warnings };
      }
      if (v instanceof Decimal || (typeof v === 'number' && !Number.isInteger(v))) throw wrongType(name);
      const idx = Number(v);
      if (idx < 0 || idx >= values.length) throw wrongValue(name, String(v));
      return { value: values[idx]!, warnings };
    }
    case 'set': {
      if (v === null) throw wrongValue(name, 'NULL');
      if (typeof v !== 'string') throw wrongType(name);
      const members = spec.values ?? [];
      const chosen = new Set<string>();
      for (const part of v.split(',')) {
        const p = part.trim().toUpperCase();
        if (p === '') continue;
        if (!members.includes(p)) throw wrongValue(name, part.trim());
        chosen.add(p);
        SQL_MODE_COMBOS[p]?.forEach((m) => chosen.add(m));
      }
      return { value: members.filter((m) => chosen.has(m)).join(','), warnings };
    }
    case 'string': {
      if (v === null) {
        if (spec.nullable) return { value: null, warnings };
        throw wrongValue(name, 'NULL');
      }
      if (typeof v !== 'string') throw wrongType(name);
      return { value: spec.check ? spec.check(v, name) : v, warnings };
    }
    default:
      return assertNever(spec.type, 'variable type');
  }
}

/** The server-wide values: one instance per server, shared by its sessions; SET GLOBAL writes here. */
export class GlobalVariables {
  private readonly values = new Map<string, Value>();

  constructor(overrides: Readonly<Record<string, Value>> = {}) {
    for (const spec of VARIABLES) this.values.set(spec.name, spec.default);
    for (const [k, v] of Object.entries(overrides)) {
      const spec = specOrThrow(k);
      this.values.set(spec.name, normalizeVariableValue(spec, v).value);
    }
  }

  /** Raw read by canonical name (no scope checks). */
  read(name: string): Value {
    const spec = specOrThrow(name);
    return this.values.get(spec.name) ?? null;
  }

  /** Raw write by canonical name, for the server itself (no read-only check). */
  write(name: string, value: Value): void {
    this.values.set(specOrThrow(name).name, value);
  }
}

/** A session's view: session values over the server's globals. */
export class SystemVariables {
  private readonly session = new Map<string, Value>();

  constructor(readonly globals: GlobalVariables) {
    // A session starts from the globals as they are at connect time (MySQL semantics:
    // a later SET GLOBAL does not change sessions already open).
    for (const spec of VARIABLES) if (spec.scope !== 'global') this.session.set(spec.name, globals.read(spec.name));
  }

  /**
   * SELECT @@x ('default': session value, else global), @@session.x, @@global.x.
   * @@timestamp with no SET timestamp answers the current time, as in MySQL.
   */
  get(name: string, scope: 'session' | 'global' | 'default' = 'default'): Value {
    const spec = specOrThrow(name);
    if (scope === 'session' && spec.scope === 'global') {
      throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${spec.name}' is a GLOBAL variable`);
    }
    if (scope === 'global' && spec.scope === 'session') {
      throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${spec.name}' is a SESSION variable`);
    }
    if (scope === 'global' || spec.scope === 'global') return this.globals.read(spec.name);
    const v = this.session.get(spec.name) ?? null;
    if (spec.name === 'timestamp' && (v === 0 || v === null)) return Date.now() / 1000;
    return v;
  }

  /** SET [GLOBAL|SESSION] x = v. Returns warnings for the statement (e.g. clamped values). */
  set(name: string, scope: 'session' | 'global', value: SetValue): readonly VarWarning[] {
    const spec = specOrThrow(name);
    if (spec.readOnly) throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${spec.name}' is a read only variable`);
    if (scope === 'session' && spec.sessionReadOnly) {
      throw new SqlError('ER_VARIABLE_IS_READONLY', `SESSION variable '${spec.name}' is read-only. Use SET GLOBAL to assign the value`);
    }
    if (scope === 'session' && spec.scope === 'global') {
      throw new SqlError('ER_GLOBAL_VARIABLE', `Variable '${spec.name}' is a GLOBAL variable and should be set with SET GLOBAL`);
    }
    if (scope === 'global' && spec.scope === 'session') {
      throw new SqlError('ER_LOCAL_VARIABLE', `Variable '${spec.name}' is a SESSION variable and can't be used with SET GLOBAL`);
    }
    let stored: Value;
    let warnings: VarWarning[] = [];
    if (value === SET_DEFAULT) {
      // DEFAULT: a session variable takes the global value, a global one its compiled default.
      stored = scope === 'session' && spec.scope === 'both' ? this.globals.read(spec.name) : spec.default;
    } else {
      ({ value: stored, warnings } = normalizeVariableValue(spec, value));
    }
    if (spec.name === 'transaction_isolation' && stored === 'SERIALIZABLE') throw serializableRefused();
    this.write(spec, scope, stored);
    // Charset and collation variables move together, as in MySQL.
    const pair = CHARSET_COLLATION_PAIRS[spec.name];
    if (pair && typeof stored === 'string') {
      if (pair.kind === 'charset') {
        const co = CHARSETS.find((c) => c.name === stored)?.defaultCollation;
        if (co) this.write(specOrThrow(pair.other), scope, co);
      } else {
        const cs = COLLATIONS.find((c) => c.name === stored)?.charset;
        if (cs) this.write(specOrThrow(pair.other), scope, cs);
      }
    }
    return warnings;
  }

  /** SET NAMES cs [COLLATE co]: client, connection and results charsets plus the connection collation. */
  setNames(charset: string, collation?: string): void {
    const cs = checkCharset(charset);
    const co = collation === undefined ? CHARSETS.find((c) => c.name === cs)!.defaultCollation : checkCollation(collation);
    if (COLLATIONS.find((c) => c.name === co)?.charset !== cs) {
      throw new SqlError('ER_UNKNOWN_COLLATION', `COLLATION '${collation}' is not valid for CHARACTER SET '${charset}'`);
    }
    for (const n of ['character_set_client', 'character_set_connection', 'character_set_results']) this.session.set(n, cs);
    this.session.set('collation_connection', co);
  }

  /** Values the session itself maintains (last_insert_id, warning_count, error_count, …): no read-only check. */
  setInternal(name: string, value: Value): void {
    const spec = specOrThrow(name);
    if (spec.scope === 'global') this.globals.write(spec.name, value);
    else this.session.set(spec.name, value);
  }

  private write(spec: VariableSpec, scope: 'session' | 'global', value: Value): void {
    if (scope === 'global') this.globals.write(spec.name, value);
    else this.session.set(spec.name, value);
  }

  /** SHOW [GLOBAL|SESSION] VARIABLES [LIKE]: (name, text) pairs sorted by name; bools print ON/OFF. */
  list(scope: 'session' | 'global', like?: string): [string, string][] {
    const out: [string, string][] = [];
    const add = (name: string, spec: VariableSpec): void => {
      if (like !== undefined && !likeMatch(like, name)) return;
      if (scope === 'global' && spec.scope === 'session') return;
      const v = scope === 'global' ? this.globals.read(spec.name) : this.get(spec.name);
      out.push([name, displayText(spec, v)]);
    };
    for (const spec of VARIABLES) add(spec.name, spec);
    for (const [alias, target] of Object.entries(ALIASES)) add(alias, BY_NAME.get(target)!);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The result type of SELECT @@x: integers and bools as BIGINT, strings as VARCHAR. */
  typeOf(name: string): SqlType {
    const spec = specOrThrow(name);
    switch (spec.type) {
      case 'bool':
      case 'int':
        return typeof spec.max === 'bigint' && spec.max > 9223372036854775807n ? T.ubigint : T.bigint;
      case 'double':
        return T.double;
      case 'enum':
      case 'set':
      case 'string':
        return T.varchar(1024);
      default:
        return assertNever(spec.type, 'variable type');
    }
  }
}

const CHARSET_COLLATION_PAIRS: Readonly<Record<string, { kind: 'charset' | 'collation'; other: string }>> = {
  character_set_connection: { kind: 'charset', other: 'collation_connection' },
  collation_connection: { kind: 'collation', other: 'character_set_connection' },
  character_set_server: { kind: 'charset', other: 'collation_server' },
  collation_server: { kind: 'collation', other: 'character_set_server' },
  character_set_database: { kind: 'charset', other: 'collation_database' },
  collation_database: { kind: 'collation', other: 'character_set_database' },
};

/** SHOW VARIABLES text: ON/OFF for bools, '' for NULL strings (as MySQL prints). */
export function displayText(spec: VariableSpec, v: Value): string {
  if (spec.type === 'bool') return v === 1 || v === 1n ? 'ON' : 'OFF';
  if (v === null) return '';
  if (spec.name === 'timestamp' && v === 0) return (Date.now() / 1000).toFixed(6);
  return valueAsText(v);
}

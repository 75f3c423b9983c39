/**
 * MySQL's privileges: the static ones as bits of one number (as mysql.user keeps them), in the
 * order SHOW GRANTS prints them, with the levels each may be granted at; the dynamic ones
 * (MySQL 8's `*_ADMIN` words) by name, global only. The grant tables (accounts.ts) store masks.
 */

export const Priv = {
  SELECT: 1 << 0,
  INSERT: 1 << 1,
  UPDATE: 1 << 2,
  DELETE: 1 << 3,
  CREATE: 1 << 4,
  DROP: 1 << 5,
  RELOAD: 1 << 6,
  SHUTDOWN: 1 << 7,
  PROCESS: 1 << 8,
  FILE: 1 << 9,
  REFERENCES: 1 << 10,
  INDEX: 1 << 11,
  ALTER: 1 << 12,
  SHOW_DATABASES: 1 << 13,
  SUPER: 1 << 14,
  CREATE_TEMPORARY_TABLES: 1 << 15,
  LOCK_TABLES: 1 << 16,
  EXECUTE: 1 << 17,
  REPLICATION_SLAVE: 1 << 18,
  REPLICATION_CLIENT: 1 << 19,
  CREATE_VIEW: 1 << 20,
  SHOW_VIEW: 1 << 21,
  CREATE_ROUTINE: 1 << 22,
  ALTER_ROUTINE: 1 << 23,
  CREATE_USER: 1 << 24,
  EVENT: 1 << 25,
  TRIGGER: 1 << 26,
  CREATE_TABLESPACE: 1 << 27,
  CREATE_ROLE: 1 << 28,
  DROP_ROLE: 1 << 29,
  GRANT_OPTION: 1 << 30,
} as const;

export type PrivName = keyof typeof Priv;

/** The SQL spelling of each static privilege ('CREATE TEMPORARY TABLES'). */
export function privilegeSql(name: PrivName): string {
  return name.replace(/_/g, ' ');
}

/** Static privileges in SHOW GRANTS order (GRANT OPTION is printed as WITH GRANT OPTION). */
export const PRIV_ORDER: readonly PrivName[] = (Object.keys(Priv) as PrivName[]).filter((n) => n !== 'GRANT_OPTION');

const bits = (...names: PrivName[]): number => names.reduce((m, n) => m | Priv[n], 0);

/** What `ALL [PRIVILEGES]` means at each level (never GRANT OPTION, as in MySQL). */
export const ALL_GLOBAL = PRIV_ORDER.reduce((m, n) => m | Priv[n], 0);
export const ALL_DB = bits(
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'REFERENCES', 'INDEX', 'ALTER', 'CREATE_TEMPORARY_TABLES',
  'LOCK_TABLES', 'EXECUTE', 'CREATE_VIEW', 'SHOW_VIEW', 'CREATE_ROUTINE', 'ALTER_ROUTINE', 'EVENT', 'TRIGGER',
);
export const ALL_TABLE = bits('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'REFERENCES', 'INDEX', 'ALTER', 'CREATE_VIEW', 'SHOW_VIEW', 'TRIGGER');
export const ALL_COLUMN = bits('SELECT', 'INSERT', 'UPDATE', 'REFERENCES');

/** The privileges that may be granted at a level, GRANT OPTION included. */
export function grantableAt(level: 'global' | 'db' | 'table' | 'column'): number {
  const all = level === 'global' ? ALL_GLOBAL : level === 'db' ? ALL_DB : level === 'table' ? ALL_TABLE : ALL_COLUMN;
  return level === 'column' ? all : all | Priv.GRANT_OPTION;
}

/**
 * MySQL 8's dynamic privileges Tessera knows by name. CONNECTION_ADMIN (KILL of others, the
 * connection past max_connections), SYSTEM_VARIABLES_ADMIN (SET GLOBAL) and ROLE_ADMIN (GRANT of
 * roles) are enforced; the rest are stored and shown so that grants dumped from MySQL replay.
 */
export const DYNAMIC_PRIVILEGES: readonly string[] = [
  'APPLICATION_PASSWORD_ADMIN', 'AUDIT_ADMIN', 'BACKUP_ADMIN', 'BINLOG_ADMIN', 'BINLOG_ENCRYPTION_ADMIN',
  'CLONE_ADMIN', 'CONNECTION_ADMIN', 'ENCRYPTION_KEY_ADMIN', 'FLUSH_OPTIMIZER_COSTS', 'FLUSH_STATUS', 'FLUSH_TABLES',
  'FLUSH_USER_RESOURCES', 'GROUP_REPLICATION_ADMIN', 'INNODB_REDO_LOG_ARCHIVE', 'INNODB_REDO_LOG_ENABLE',
  'PASSWORDLESS_USER_ADMIN', 'PERSIST_RO_VARIABLES_ADMIN', 'REPLICATION_APPLIER', 'REPLICATION_SLAVE_ADMIN',
  'RESOURCE_GROUP_ADMIN', 'RESOURCE_GROUP_USER', 'ROLE_ADMIN', 'SERVICE_CONNECTION_ADMIN', 'SESSION_VARIABLES_ADMIN',
  'SET_USER_ID', 'SHOW_ROUTINE', 'SYSTEM_USER', 'SYSTEM_VARIABLES_ADMIN', 'TABLE_ENCRYPTION_ADMIN', 'XA_RECOVER_ADMIN',
];

const DYNAMIC = new Set(DYNAMIC_PRIVILEGES);

export function isDynamicPrivilege(name: string): boolean {
  return DYNAMIC.has(name.toUpperCase());
}

const BY_SQL = new Map<string, PrivName>((Object.keys(Priv) as PrivName[]).map((n) => [privilegeSql(n), n]));
BY_SQL.set('SLAVE', 'REPLICATION_SLAVE');

/** The static privilege a SQL word sequence names ('CREATE TEMPORARY TABLES' → its bit), if any. */
export function staticPrivilege(sql: string): PrivName | undefined {
  return BY_SQL.get(sql.toUpperCase().replace(/\s+/g, ' '));
}

/** Names of the bits set in a mask, in SHOW GRANTS order. */
export function privilegeNames(mask: number): string[] {
  return PRIV_ORDER.filter((n) => (mask & Priv[n]) !== 0).map(privilegeSql);
}

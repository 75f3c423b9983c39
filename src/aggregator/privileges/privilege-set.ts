/**
 * The privileges a session holds: its account's grants plus those of its active roles (and of
 * the roles granted to them), folded into lookups by level. Built once per grant-table version;
 * each check is then a few map reads.
 */
import type { AccountName, AccountsState } from '../../cluster/accounts.js';
import { ALL_DB, ALL_TABLE, Priv } from '../../cluster/privileges.js';
import { hasWildcard, wildcardMatch } from './host-pattern.js';

export interface PrivilegeSet {
  readonly global: number;
  readonly dynamic: ReadonlySet<string>;
  readonly dynamicGrantable: ReadonlySet<string>;
  /** lower-case database → mask, for grants naming one database. */
  readonly dbExact: ReadonlyMap<string, number>;
  /** Grants on `db%`-style patterns. */
  readonly dbPatterns: readonly { readonly pattern: string; readonly privs: number }[];
  /** tableKey(db, table) → mask. */
  readonly tables: ReadonlyMap<string, number>;
  /** tableKey(db, table) → lower-case column → mask. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** lower-case databases with some table or column grant. */
  readonly dbsWithTableGrants: ReadonlySet<string>;
}

export function accountKey(a: AccountName): string {
  return `${a.user}\u0000${a.host.toLowerCase()}`;
}

export function tableKey(db: string, table: string): string {
  return `${db.toLowerCase()}\u0000${table.toLowerCase()}`;
}

/** Roles granted to `grantee` directly. */
export function rolesGrantedTo(state: AccountsState, grantee: AccountName): AccountName[] {
  const k = accountKey(grantee);
  return state.roleGrants.filter((g) => accountKey(g.grantee) === k).map((g) => g.role);
}

/** `roles` and every role granted to them, transitively (the role graph has no cycles, but be safe). */
export function roleClosure(state: AccountsState, roles: readonly AccountName[]): AccountName[] {
  const seen = new Map<string, AccountName>();
  const queue = [...roles];
  while (queue.length > 0 && seen.size < 10_000) {
    const r = queue.shift()!;
    const k = accountKey(r);
    if (seen.has(k)) continue;
    seen.set(k, r);
    queue.push(...rolesGrantedTo(state, r));
  }
  return [...seen.values()];
}

/** The privileges of `account` with `activeRoles` (those no longer granted to it are ignored). */
export function privilegeSet(state: AccountsState, account: AccountName | null, activeRoles: readonly AccountName[]): PrivilegeSet {
  const holders = new Set<string>();
  if (account !== null) {
    holders.add(accountKey(account));
    const granted = new Set(rolesGrantedTo(state, account).map(accountKey));
    for (const r of roleClosure(state, activeRoles.filter((r) => granted.has(accountKey(r))))) holders.add(accountKey(r));
  }
  let global = 0;
  const dynamic = new Set<string>();
  const dynamicGrantable = new Set<string>();
  const dbExact = new Map<string, number>();
  const dbPatterns: { pattern: string; privs: number }[] = [];
  const tables = new Map<string, number>();
  const columns = new Map<string, Map<string, number>>();
  const dbsWithTableGrants = new Set<string>();
  for (const g of state.grants) {
    if (!holders.has(accountKey(g.grantee))) continue;
    const s = g.scope;
    switch (s.kind) {
      case 'global':
        global |= g.privs;
        break;
      case 'db':
        if (hasWildcard(s.db)) dbPatterns.push({ pattern: s.db, privs: g.privs });
        else dbExact.set(s.db.toLowerCase(), (dbExact.get(s.db.toLowerCase()) ?? 0) | g.privs);
        break;
      case 'table': {
        const k = tableKey(s.db, s.table);
        tables.set(k, (tables.get(k) ?? 0) | g.privs);
        dbsWithTableGrants.add(s.db.toLowerCase());
        break;
      }
      case 'column': {
        const k = tableKey(s.db, s.table);
        let m = columns.get(k);
        if (m === undefined) columns.set(k, (m = new Map()));
        m.set(s.column.toLowerCase(), (m.get(s.column.toLowerCase()) ?? 0) | g.privs);
        dbsWithTableGrants.add(s.db.toLowerCase());
        break;
      }
    }
  }
  for (const d of state.dynamic) {
    if (!holders.has(accountKey(d.grantee))) continue;
    dynamic.add(d.priv);
    if (d.grantOption) dynamicGrantable.add(d.priv);
  }
  return { global, dynamic, dynamicGrantable, dbExact, dbPatterns, tables, columns, dbsWithTableGrants };
}

/** Privileges on a database: global ones plus the database's own. */
export function dbPrivileges(set: PrivilegeSet, db: string): number {
  let m = set.global | (set.dbExact.get(db.toLowerCase()) ?? 0);
  for (const p of set.dbPatterns) if (wildcardMatch(p.pattern, db)) m |= p.privs;
  return m;
}

/** Privileges on a table: global, database and table level (not column level). */
export function tablePrivileges(set: PrivilegeSet, db: string, table: string): number {
  return dbPrivileges(set, db) | (set.tables.get(tableKey(db, table)) ?? 0);
}

/** Column-level privileges granted on one column (without the table's own). */
export function columnGrants(set: PrivilegeSet, db: string, table: string, column: string): number {
  return set.columns.get(tableKey(db, table))?.get(column.toLowerCase()) ?? 0;
}

/** Whether some column of the table carries `priv` at column level. */
export function anyColumnHas(set: PrivilegeSet, db: string, table: string, priv: number): boolean {
  const m = set.columns.get(tableKey(db, table));
  if (m === undefined) return false;
  for (const v of m.values()) if (v & priv) return true;
  return false;
}

const DB_VISIBLE = ALL_DB | Priv.SHOW_DATABASES;
const TABLE_VISIBLE = ALL_TABLE;

/** SHOW DATABASES / USE / SCHEMATA: some privilege in the database, or global SHOW DATABASES. */
export function canSeeDatabase(set: PrivilegeSet, db: string): boolean {
  if (set.global & DB_VISIBLE) return true;
  if (dbPrivileges(set, db) & ALL_DB) return true;
  return set.dbsWithTableGrants.has(db.toLowerCase());
}

/** information_schema.TABLES / SHOW TABLES: some privilege on the table or on one of its columns. */
export function canSeeTable(set: PrivilegeSet, db: string, table: string): boolean {
  if (tablePrivileges(set, db, table) & TABLE_VISIBLE) return true;
  const m = set.columns.get(tableKey(db, table));
  return m !== undefined && m.size > 0;
}

/** Whether the set holds a dynamic privilege or SUPER (which MySQL lets stand in for them). */
export function hasDynamicOrSuper(set: PrivilegeSet, dynamic: string): boolean {
  return (set.global & Priv.SUPER) !== 0 || set.dynamic.has(dynamic);
}

/**
 * Grants read back: SHOW GRANTS (GRANT statements that replay), SHOW CREATE USER, and the rows
 * of information_schema's USER_, SCHEMA_, TABLE_ and COLUMN_PRIVILEGES.
 */
import type { AccountDef, AccountName, AccountsState, GrantRow } from '../../cluster/accounts.js';
import { sameAccount } from '../../cluster/accounts.js';
import { ALL_COLUMN, ALL_DB, ALL_TABLE, PRIV_ORDER, Priv, privilegeNames, privilegeSql } from '../../cluster/privileges.js';
import type { Value } from '../../common/value.js';
import { accountKey, roleClosure } from './privilege-set.js';
import { quotedAccount } from './session-privileges.js';

function bq(s: string): string {
  return '`' + s.replace(/`/g, '``') + '`';
}

/** `alice`@`%`, as SHOW GRANTS prints an account. */
export function backquotedAccount(a: AccountName): string {
  return `${bq(a.user)}@${bq(a.host)}`;
}

function grantsOf(state: AccountsState, holders: readonly AccountName[]): GrantRow[] {
  const keys = new Set(holders.map(accountKey));
  return state.grants.filter((g) => keys.has(accountKey(g.grantee)));
}

/** The privileges of a mask; ALL PRIVILEGES when `all` is given and complete (MySQL 8 lists global ones). */
function privList(mask: number, all?: number): string {
  const m = mask & ~Priv.GRANT_OPTION;
  if (all !== undefined && (m & all) === all) return 'ALL PRIVILEGES';
  return m === 0 ? 'USAGE' : privilegeNames(m).join(', ');
}

/**
 * The GRANT statements that rebuild an account's privileges and roles, in MySQL's order:
 * global, dynamic, database, table (with its columns), then roles. `using`: privileges of these
 * roles (granted to the account) are shown merged in, as SHOW GRANTS … USING does.
 */
export function showGrantsLines(state: AccountsState, account: AccountName, using: readonly AccountName[] = []): string[] {
  const holders = [account, ...roleClosure(state, using)];
  const rows = grantsOf(state, holders);
  const to = ` TO ${backquotedAccount(account)}`;
  const lines: string[] = [];
  const withGrant = (m: number): string => (m & Priv.GRANT_OPTION ? ' WITH GRANT OPTION' : '');

  const global = rows.filter((r) => r.scope.kind === 'global').reduce((m, r) => m | r.privs, 0);
  lines.push(`GRANT ${privList(global)} ON *.*${to}${withGrant(global)}`);
  const keys = new Set(holders.map(accountKey));
  const dyn = state.dynamic.filter((d) => keys.has(accountKey(d.grantee)));
  const plain = [...new Set(dyn.filter((d) => !d.grantOption).map((d) => d.priv))].filter((p) => !dyn.some((d) => d.priv === p && d.grantOption));
  const grantable = [...new Set(dyn.filter((d) => d.grantOption).map((d) => d.priv))];
  if (plain.length > 0) lines.push(`GRANT ${plain.sort().join(',')} ON *.*${to}`);
  if (grantable.length > 0) lines.push(`GRANT ${grantable.sort().join(',')} ON *.*${to} WITH GRANT OPTION`);

  const dbs = new Map<string, { db: string; privs: number }>();
  for (const r of rows) {
    if (r.scope.kind !== 'db') continue;
    const e = dbs.get(r.scope.db) ?? { db: r.scope.db, privs: 0 };
    e.privs |= r.privs;
    dbs.set(r.scope.db, e);
  }
  for (const e of [...dbs.values()].sort((a, b) => cmp(a.db, b.db))) lines.push(`GRANT ${privList(e.privs, ALL_DB)} ON ${bq(e.db)}.*${to}${withGrant(e.privs)}`);

  const tables = new Map<string, { db: string; table: string; privs: number; columns: Map<number, string[]> }>();
  for (const r of rows) {
    if (r.scope.kind !== 'table' && r.scope.kind !== 'column') continue;
    const k = `${r.scope.db}\u0000${r.scope.table}`;
    const e = tables.get(k) ?? { db: r.scope.db, table: r.scope.table, privs: 0, columns: new Map<number, string[]>() };
    tables.set(k, e);
    if (r.scope.kind === 'table') e.privs |= r.privs;
    else {
      for (const n of PRIV_ORDER) {
        if (!(r.privs & Priv[n] & ALL_COLUMN)) continue;
        const cols = e.columns.get(Priv[n]) ?? [];
        if (!cols.includes(r.scope.column)) cols.push(r.scope.column);
        e.columns.set(Priv[n], cols);
      }
    }
  }
  for (const e of [...tables.values()].sort((a, b) => cmp(a.db, b.db) || cmp(a.table, b.table))) {
    const parts: string[] = [];
    const tablePart = e.privs & ~Priv.GRANT_OPTION;
    if ((tablePart & ALL_TABLE) === ALL_TABLE) parts.push('ALL PRIVILEGES');
    for (const n of PRIV_ORDER) {
      const bit = Priv[n];
      if ((tablePart & ALL_TABLE) !== ALL_TABLE && tablePart & bit) parts.push(privilegeSql(n));
      const cols = e.columns.get(bit);
      if (cols) parts.push(`${privilegeSql(n)} (${cols.map(bq).join(', ')})`);
    }
    lines.push(`GRANT ${parts.length > 0 ? parts.join(', ') : 'USAGE'} ON ${bq(e.db)}.${bq(e.table)}${to}${withGrant(e.privs)}`);
  }

  const roles = state.roleGrants.filter((g) => sameAccount(g.grantee, account));
  const plainRoles = roles.filter((g) => !g.adminOption).map((g) => backquotedAccount(g.role));
  const adminRoles = roles.filter((g) => g.adminOption).map((g) => backquotedAccount(g.role));
  if (plainRoles.length > 0) lines.push(`GRANT ${plainRoles.join(',')}${to}`);
  if (adminRoles.length > 0) lines.push(`GRANT ${adminRoles.join(',')}${to} WITH ADMIN OPTION`);
  return lines;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sqlString(s: string): string {
  return "'" + s.replace(/[\\']/g, '\\$&') + "'";
}

/** SHOW CREATE USER: a CREATE USER statement Tessera (and MySQL, for native accounts) accepts. */
export function showCreateUser(def: AccountDef): string {
  let out = `CREATE USER ${backquotedAccount(def)} IDENTIFIED WITH ${sqlString(def.plugin)}`;
  if (def.authString !== '') out += ` AS ${sqlString(def.authString)}`;
  if (def.defaultRoles === 'ALL') out += ' DEFAULT ROLE ALL';
  else if (def.defaultRoles.length > 0) out += ` DEFAULT ROLE ${def.defaultRoles.map(backquotedAccount).join(',')}`;
  out += ` REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT ${def.locked ? 'LOCK' : 'UNLOCK'} PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT`;
  return out;
}

export type PrivilegeTableName = 'USER_PRIVILEGES' | 'SCHEMA_PRIVILEGES' | 'TABLE_PRIVILEGES' | 'COLUMN_PRIVILEGES';

const DEF = 'def';
const yesNo = (b: boolean): string => (b ? 'YES' : 'NO');

/**
 * Rows of one *_PRIVILEGES table, for the grantees `visible` admits (the session's own
 * account, or all with global SELECT or CREATE USER, as MySQL shows them).
 */
export function privilegeTableRows(state: AccountsState, table: PrivilegeTableName, visible: (a: AccountName) => boolean): Value[][] {
  const rows: Value[][] = [];
  const grants = state.grants.filter((g) => visible(g.grantee));
  switch (table) {
    case 'USER_PRIVILEGES':
      for (const a of state.accounts) {
        if (!visible(a)) continue;
        const grantee = quotedAccount(a);
        const mask = grants.filter((g) => g.scope.kind === 'global' && sameAccount(g.grantee, a)).reduce((m, g) => m | g.privs, 0);
        const dyn = state.dynamic.filter((d) => sameAccount(d.grantee, a));
        for (const p of privilegeNames(mask)) rows.push([grantee, DEF, p, yesNo((mask & Priv.GRANT_OPTION) !== 0)]);
        for (const d of dyn) rows.push([grantee, DEF, d.priv, yesNo(d.grantOption)]);
        if ((mask & ~Priv.GRANT_OPTION) === 0 && dyn.length === 0) rows.push([grantee, DEF, 'USAGE', yesNo((mask & Priv.GRANT_OPTION) !== 0)]);
      }
      return rows;
    case 'SCHEMA_PRIVILEGES':
      for (const g of grants) {
        if (g.scope.kind !== 'db') continue;
        for (const p of privilegeNames(g.privs)) rows.push([quotedAccount(g.grantee), DEF, g.scope.db, p, yesNo((g.privs & Priv.GRANT_OPTION) !== 0)]);
      }
      return rows;
    case 'TABLE_PRIVILEGES':
      for (const g of grants) {
        if (g.scope.kind !== 'table') continue;
        for (const p of privilegeNames(g.privs)) rows.push([quotedAccount(g.grantee), DEF, g.scope.db, g.scope.table, p, yesNo((g.privs & Priv.GRANT_OPTION) !== 0)]);
      }
      return rows;
    case 'COLUMN_PRIVILEGES':
      for (const g of grants) {
        const s = g.scope;
        if (s.kind !== 'column') continue;
        // Column grants carry no GRANT OPTION of their own: the table's decides.
        const onTable = grants.find((t) => t.scope.kind === 'table' && sameAccount(t.grantee, g.grantee) && t.scope.db === s.db && t.scope.table === s.table);
        const grantable = ((onTable?.privs ?? 0) & Priv.GRANT_OPTION) !== 0;
        for (const p of privilegeNames(g.privs)) rows.push([quotedAccount(g.grantee), DEF, s.db, s.table, s.column, p, yesNo(grantable)]);
      }
      return rows;
  }
}

/**
 * CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, roles, GRANT and REVOKE, SHOW GRANTS and
 * SHOW CREATE USER: who may run them (MySQL's rules), what they change in the grant tables, and
 * the errors MySQL gives. Each statement computes the new grant tables from the old and
 * replaces them in one step, so it takes effect whole or not at all.
 */
import type * as A from '../../sql/ast.js';
import type { AccountDef, AccountName, Accounts, AccountsState, AuthPluginName, DynamicGrant, GrantRow, GrantScope, RoleGrant } from '../../cluster/accounts.js';
import { sameAccount } from '../../cluster/accounts.js';
import type { CatalogView } from '../../cluster/catalog.js';
import { ALL_COLUMN, ALL_DB, ALL_GLOBAL, ALL_TABLE, Priv, grantableAt, isDynamicPrivilege, staticPrivilege } from '../../cluster/privileges.js';
import { SqlError } from '../../common/errors.js';
import type { ErrorCodeName } from '../../common/error-codes.js';
import { assertNever } from '../../common/assert.js';
import { T } from '../../common/types.js';
import type { Rowset } from '../admin/show.js';
import { checkHash, checkPlugin, hashPassword } from './credentials.js';
import { backquotedAccount, showCreateUser, showGrantsLines } from './grant-listing.js';
import { columnGrants, dbPrivileges, rolesGrantedTo, roleClosure, tablePrivileges } from './privilege-set.js';
import { quotedAccount, type SessionPrivileges } from './session-privileges.js';

export interface AccountStatementContext {
  readonly accounts: Accounts;
  readonly catalog: CatalogView;
  readonly privileges: SessionPrivileges;
  /** The session's database: what `ON *` and `ON t` mean. */
  readonly db: string | null;
  /** default_authentication_plugin: IDENTIFIED BY without WITH. */
  readonly defaultPlugin: string;
  warn(code: ErrorCodeName | number, message: string, level?: 'Note' | 'Warning'): void;
}

const MAX_USER = 32;
const MAX_HOST = 255;
const INFORMATION_SCHEMA = 'information_schema';

/** Runs an account statement; a result set for SHOW GRANTS / SHOW CREATE USER, else null (OK). */
export function runAccountStatement(ctx: AccountStatementContext, st: A.AccountStatement): Rowset | null {
  const run = new AccountStatementRun(ctx);
  switch (st.kind) {
    case 'createUser':
      return run.createUser(st);
    case 'alterUser':
      return run.alterUser(st);
    case 'dropUser':
      return run.dropAccounts(st.users, st.ifExists, 'DROP USER');
    case 'renameUser':
      return run.renameUser(st);
    case 'setPassword':
      return run.setPassword(st);
    case 'createRole':
      return run.createRole(st);
    case 'dropRole':
      return run.dropAccounts(st.roles, st.ifExists, 'DROP ROLE');
    case 'grant':
      return run.grant(st);
    case 'revoke':
      return run.revoke(st);
    case 'revokeAll':
      return run.revokeAll(st);
    case 'grantRole':
      return run.grantRole(st);
    case 'revokeRole':
      return run.revokeRole(st);
    case 'setRole':
      return run.setRole(st);
    case 'setDefaultRole':
      return run.setDefaultRole(st);
    case 'showGrants':
      return run.showGrants(st);
    case 'showCreateUser':
      return run.showCreateUser(st);
    default:
      return assertNever(st, 'account statement');
  }
}

/** An account name as stored: length-checked, host lower-cased. */
export function normalizeName(u: A.UserName): AccountName {
  if (u.user.length > MAX_USER) throw new SqlError('ER_WRONG_STRING_LENGTH', `String '${u.user}' is too long for user name (should be no longer than ${MAX_USER})`);
  if (u.host.length > MAX_HOST) throw new SqlError('ER_WRONG_STRING_LENGTH', `String '${u.host}' is too long for host name (should be no longer than ${MAX_HOST})`);
  return { user: u.user, host: u.host.toLowerCase() };
}

const list = (as: readonly AccountName[]): string => as.map(quotedAccount).join(',');
const backquoted = (a: AccountName): string => backquotedAccount(a);

/** One statement's run: the state it started from, and the checks it makes. */
class AccountStatementRun {
  private readonly state: AccountsState;
  private readonly p: SessionPrivileges;

  constructor(private readonly ctx: AccountStatementContext) {
    this.state = ctx.accounts.state;
    this.p = ctx.privileges;
  }

  private commit(next: AccountsState): null {
    this.ctx.accounts.replace(next);
    return null;
  }

  private ref(a: A.AccountRef): AccountName {
    return a.kind === 'current' ? this.p.account : normalizeName(a.name);
  }

  private find(a: AccountName): AccountDef | undefined {
    return this.state.accounts.find((x) => sameAccount(x, a));
  }

  private isSelf(a: AccountName): boolean {
    return sameAccount(a, this.p.account);
  }

  private requireCreateUser(alsoOk = 0, names = 'CREATE USER'): void {
    if (!this.p.hasGlobal(Priv.CREATE_USER | alsoOk)) throw this.p.needs(names);
  }

  /** (plugin, stored hash) for IDENTIFIED …; `current` is the plugin kept when none is named. */
  private auth(opt: A.AuthOption | undefined, current?: AuthPluginName): { plugin: AuthPluginName; authString: string } {
    const fallback = current ?? checkPlugin(this.ctx.defaultPlugin);
    if (opt === undefined) return { plugin: fallback, authString: '' };
    switch (opt.kind) {
      case 'password': {
        const plugin = opt.plugin !== undefined ? checkPlugin(opt.plugin) : fallback;
        return { plugin, authString: hashPassword(plugin, opt.password) };
      }
      case 'hash': {
        // IDENTIFIED BY PASSWORD '*…' is mysql_native_password's hash, whatever the default.
        const plugin = opt.plugin !== undefined ? checkPlugin(opt.plugin) : 'mysql_native_password';
        return { plugin, authString: checkHash(plugin, opt.hash) };
      }
      case 'plugin':
        return { plugin: checkPlugin(opt.plugin), authString: '' };
      default:
        return assertNever(opt, 'auth option');
    }
  }

  // ───────────── accounts ─────────────

  createUser(st: Extract<A.AccountStatement, { kind: 'createUser' }>): null {
    this.requireCreateUser();
    const defaultRoles = (st.defaultRoles ?? []).map(normalizeName);
    for (const r of defaultRoles) if (!this.find(r)) throw new SqlError('ER_UNKNOWN_AUTHID', `Unknown authorization ID ${backquoted(r)}`);
    const added: AccountDef[] = [];
    const failed: AccountName[] = [];
    for (const spec of st.users) {
      const name = this.ref(spec.account);
      if (this.find(name) || added.some((a) => sameAccount(a, name))) {
        if (st.ifNotExists) this.ctx.warn(3163, `Authorization ID '${name.user}'@'${name.host}' already exists.`, 'Note');
        else failed.push(name);
        continue;
      }
      added.push({ ...name, ...this.auth(spec.auth), locked: st.lock ?? false, role: false, defaultRoles });
    }
    if (failed.length > 0) throw new SqlError('ER_CANNOT_USER', `Operation CREATE USER failed for ${list(failed)}`);
    if (added.length === 0) return null;
    return this.commit({ ...this.state, accounts: [...this.state.accounts, ...added] });
  }

  createRole(st: Extract<A.AccountStatement, { kind: 'createRole' }>): null {
    this.requireCreateUser(Priv.CREATE_ROLE, 'CREATE USER, CREATE ROLE');
    const added: AccountDef[] = [];
    const failed: AccountName[] = [];
    for (const r of st.roles.map(normalizeName)) {
      if (this.find(r) || added.some((a) => sameAccount(a, r))) {
        if (st.ifNotExists) this.ctx.warn(3163, `Authorization ID '${r.user}'@'${r.host}' already exists.`, 'Note');
        else failed.push(r);
        continue;
      }
      added.push({ ...r, plugin: 'mysql_native_password', authString: '', locked: true, role: true, defaultRoles: [] });
    }
    if (failed.length > 0) throw new SqlError('ER_CANNOT_USER', `Operation CREATE ROLE failed for ${list(failed)}`);
    if (added.length === 0) return null;
    return this.commit({ ...this.state, accounts: [...this.state.accounts, ...added] });
  }

  alterUser(st: Extract<A.AccountStatement, { kind: 'alterUser' }>): null {
    let accounts = [...this.state.accounts];
    const failed: AccountName[] = [];
    for (const spec of st.users) {
      const name = this.ref(spec.account);
      // Anyone may change their own password; anything else needs CREATE USER.
      const selfPasswordOnly = this.isSelf(name) && st.lock === undefined && st.defaultRoles === undefined;
      if (!selfPasswordOnly) this.requireCreateUser();
      const def = accounts.find((a) => sameAccount(a, name));
      if (!def) {
        if (st.ifExists) this.ctx.warn(3162, `Authorization ID '${name.user}'@'${name.host}' does not exist.`, 'Note');
        else failed.push(name);
        continue;
      }
      let next: AccountDef = def;
      if (spec.auth) next = { ...next, ...this.auth(spec.auth, spec.auth.kind === 'password' && spec.auth.plugin === undefined ? def.plugin : undefined) };
      if (st.lock !== undefined) next = { ...next, locked: st.lock };
      if (st.defaultRoles !== undefined) next = { ...next, defaultRoles: this.defaultRoleList(st.defaultRoles, name) };
      accounts = accounts.map((a) => (a === def ? next : a));
    }
    if (failed.length > 0) throw new SqlError('ER_CANNOT_USER', `Operation ALTER USER failed for ${list(failed)}`);
    return this.commit({ ...this.state, accounts });
  }

  dropAccounts(names: readonly A.UserName[], ifExists: boolean, op: 'DROP USER' | 'DROP ROLE'): null {
    if (op === 'DROP ROLE') this.requireCreateUser(Priv.DROP_ROLE, 'CREATE USER, DROP ROLE');
    else this.requireCreateUser();
    const gone: AccountName[] = [];
    const failed: AccountName[] = [];
    for (const n of names.map(normalizeName)) {
      if (this.find(n)) gone.push(n);
      else if (ifExists) this.ctx.warn(3162, `Authorization ID '${n.user}'@'${n.host}' does not exist.`, 'Note');
      else failed.push(n);
    }
    if (failed.length > 0) throw new SqlError('ER_CANNOT_USER', `Operation ${op} failed for ${list(failed)}`);
    if (gone.length === 0) return null;
    const isGone = (a: AccountName): boolean => gone.some((g) => sameAccount(g, a));
    return this.commit({
      ...this.state,
      accounts: this.state.accounts.filter((a) => !isGone(a)).map((a) => (a.defaultRoles === 'ALL' ? a : { ...a, defaultRoles: a.defaultRoles.filter((r) => !isGone(r)) })),
      grants: this.state.grants.filter((g) => !isGone(g.grantee)),
      dynamic: this.state.dynamic.filter((d) => !isGone(d.grantee)),
      roleGrants: this.state.roleGrants.filter((g) => !isGone(g.grantee) && !isGone(g.role)),
    });
  }

  renameUser(st: Extract<A.AccountStatement, { kind: 'renameUser' }>): null {
    this.requireCreateUser();
    let state = this.state;
    const failed: AccountName[] = [];
    for (const pair of st.pairs) {
      const from = normalizeName(pair.from);
      const to = normalizeName(pair.to);
      const exists = (a: AccountName): boolean => state.accounts.some((x) => sameAccount(x, a));
      if (!exists(from) || exists(to)) {
        failed.push(from);
        continue;
      }
      const rn = <X extends AccountName>(a: X): X => (sameAccount(a, from) ? { ...a, user: to.user, host: to.host } : a);
      state = {
        ...state,
        accounts: state.accounts.map((a) => ({ ...rn(a), defaultRoles: a.defaultRoles === 'ALL' ? 'ALL' : a.defaultRoles.map(rn) })),
        grants: state.grants.map((g) => ({ ...g, grantee: rn(g.grantee) })),
        dynamic: state.dynamic.map((d) => ({ ...d, grantee: rn(d.grantee) })),
        roleGrants: state.roleGrants.map((g) => ({ ...g, grantee: rn(g.grantee), role: rn(g.role) })),
      };
    }
    if (failed.length > 0) throw new SqlError('ER_CANNOT_USER', `Operation RENAME USER failed for ${list(failed)}`);
    return this.commit(state);
  }

  setPassword(st: Extract<A.AccountStatement, { kind: 'setPassword' }>): null {
    const name = this.ref(st.account);
    if (!this.isSelf(name) && !this.p.hasGlobal(Priv.CREATE_USER)) throw this.p.dbDenied('mysql');
    if (this.isSelf(name) && name.user === '') {
      throw new SqlError('ER_PASSWORD_ANONYMOUS_USER', 'You are using MySQL as an anonymous user and anonymous users are not allowed to change passwords');
    }
    const def = this.find(name);
    if (!def) throw new SqlError('ER_PASSWORD_NO_MATCH', "Can't find any matching row in the user table");
    const next: AccountDef = { ...def, authString: hashPassword(def.plugin, st.password) };
    return this.commit({ ...this.state, accounts: this.state.accounts.map((a) => (a === def ? next : a)) });
  }

  // ───────────── privileges ─────────────

  /** The scope a GRANT/REVOKE names, resolving `*` and bare table names against the current database. */
  private scopeOf(level: A.PrivilegeLevel): GrantScope {
    switch (level.kind) {
      case 'global':
        return { kind: 'global' };
      case 'db': {
        const db = level.db ?? this.ctx.db;
        if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
        if (db.toLowerCase() === INFORMATION_SCHEMA) throw this.p.dbDenied(db);
        return { kind: 'db', db };
      }
      case 'table': {
        const db = level.db ?? this.ctx.db;
        if (db === null) throw new SqlError('ER_NO_DB', 'No database selected');
        if (db.toLowerCase() === INFORMATION_SCHEMA) throw this.p.dbDenied(db);
        return { kind: 'table', db, table: level.table };
      }
      default:
        return assertNever(level, 'privilege level');
    }
  }

  /**
   * The privileges a list names at a scope: static bits for the scope itself, per-column bits,
   * and dynamic names. Throws 1221 / 1144 for a privilege the level does not have.
   */
  private privilegesOf(items: readonly A.PrivilegeItem[], scope: GrantScope, grantOption: boolean): { mask: number; columns: Map<string, number>; dynamic: string[] } {
    const level = scope.kind === 'global' ? 'global' : scope.kind === 'db' ? 'db' : 'table';
    let mask = grantOption ? Priv.GRANT_OPTION : 0;
    const columns = new Map<string, number>();
    const dynamic: string[] = [];
    const wrongLevel = (): SqlError =>
      level === 'db'
        ? new SqlError('ER_WRONG_USAGE', 'Incorrect usage of DB GRANT and GLOBAL PRIVILEGES')
        : new SqlError('ER_ILLEGAL_GRANT_FOR_TABLE', 'Illegal GRANT/REVOKE command; please consult the manual to see which privileges can be used');
    for (const item of items) {
      let bits: number;
      if (item.name === 'ALL') bits = level === 'global' ? ALL_GLOBAL : level === 'db' ? ALL_DB : item.columns ? ALL_COLUMN : ALL_TABLE;
      else if (item.name === 'USAGE') bits = 0;
      else if (item.name === 'GRANT OPTION') bits = Priv.GRANT_OPTION;
      else {
        const n = staticPrivilege(item.name);
        if (n === undefined) {
          if (!isDynamicPrivilege(item.name)) throw new SqlError('ER_SYNTAX_ERROR', `Unknown privilege '${item.name}'`);
          if (level !== 'global' || item.columns) throw wrongLevel();
          dynamic.push(item.name.toUpperCase());
          continue;
        }
        bits = Priv[n];
      }
      if (item.columns) {
        if (level !== 'table' || bits & ~ALL_COLUMN) throw new SqlError('ER_ILLEGAL_GRANT_FOR_TABLE', 'Illegal GRANT/REVOKE command; please consult the manual to see which privileges can be used');
        for (const c of item.columns) columns.set(c, (columns.get(c) ?? 0) | bits);
        continue;
      }
      if (bits & ~grantableAt(level)) throw wrongLevel();
      mask |= bits;
    }
    return { mask, columns, dynamic };
  }

  /**
   * The grantor needs GRANT OPTION and every privilege it grants (or revokes), at the scope or
   * above. The errors are MySQL's: 1045 globally, 1044 for a database, 1142 for a table.
   */
  private requireGrantable(scope: GrantScope, mask: number, columns: ReadonlyMap<string, number>, dynamic: readonly string[], command: 'GRANT' | 'REVOKE'): void {
    const set = this.p.privileges;
    const need = mask | Priv.GRANT_OPTION;
    switch (scope.kind) {
      case 'global':
        if ((set.global & need) !== need || dynamic.some((d) => !set.dynamicGrantable.has(d))) {
          throw new SqlError('ER_ACCESS_DENIED', `Access denied for user '${this.p.account.user}'@'${this.p.clientHost}' (using password: YES)`);
        }
        return;
      case 'db':
        if ((dbPrivileges(set, scope.db) & need) !== need) throw this.p.dbDenied(scope.db);
        return;
      case 'table':
      case 'column': {
        const onTable = tablePrivileges(set, scope.db, scope.table);
        let ok = (onTable & need) === need;
        for (const [c, bits] of columns) ok &&= ((onTable | columnGrants(set, scope.db, scope.table, c)) & bits) === bits;
        if (!ok) throw this.p.tableDenied(command, scope.table);
        return;
      }
      default:
        return assertNever(scope, 'grant scope');
    }
  }

  /** Grantees of GRANT must exist (MySQL 8 does not create them: 1410). */
  private grantees(refs: readonly A.AccountRef[]): AccountName[] {
    return refs.map((r) => {
      const a = this.ref(r);
      if (!this.find(a)) throw new SqlError('ER_CANT_CREATE_USER_WITH_GRANT', 'You are not allowed to create a user with GRANT');
      return a;
    });
  }

  /** A table-level grant names an existing table and columns. */
  private checkTable(scope: GrantScope, columns: ReadonlyMap<string, number>): void {
    if (scope.kind !== 'table') return;
    const t = this.ctx.catalog.table(scope.db, scope.table);
    // A view takes table-level grants (column grants on views are not supported yet).
    if (!t && columns.size === 0 && this.ctx.catalog.view(scope.db, scope.table)) return;
    if (!t) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${scope.db}.${scope.table}' doesn't exist`);
    for (const c of columns.keys()) {
      if (!t.columns.some((col) => col.name.toLowerCase() === c.toLowerCase())) throw new SqlError('ER_BAD_FIELD', `Unknown column '${c}' in '${t.name}'`);
    }
  }

  grant(st: Extract<A.AccountStatement, { kind: 'grant' }>): null {
    const scope = this.scopeOf(st.level);
    const { mask, columns, dynamic } = this.privilegesOf(st.privileges, scope, st.grantOption);
    this.checkTable(scope, columns);
    this.requireGrantable(scope, mask & ~Priv.GRANT_OPTION, columns, dynamic, 'GRANT');
    const to = this.grantees(st.to);
    let grants = [...this.state.grants];
    let dyn = [...this.state.dynamic];
    for (const g of to) {
      if (mask !== 0) grants = addGrant(grants, g, scope, mask);
      for (const [c, bits] of columns) grants = addGrant(grants, g, { kind: 'column', db: (scope as { db: string }).db, table: (scope as { table: string }).table, column: canonicalColumn(this.ctx.catalog, scope, c) }, bits);
      for (const d of dynamic) dyn = addDynamic(dyn, g, d, st.grantOption);
    }
    return this.commit({ ...this.state, grants, dynamic: dyn });
  }

  revoke(st: Extract<A.AccountStatement, { kind: 'revoke' }>): null {
    const scope = this.scopeOf(st.level);
    const { mask, columns, dynamic } = this.privilegesOf(st.privileges, scope, false);
    // REVOKE ALL at a level takes GRANT OPTION there too.
    const revokeMask = st.privileges.some((i) => i.name === 'ALL' && !i.columns) ? mask | Priv.GRANT_OPTION : mask;
    this.requireGrantable(scope, mask & ~Priv.GRANT_OPTION, columns, dynamic, 'REVOKE');
    let grants = [...this.state.grants];
    let dyn = [...this.state.dynamic];
    for (const r of st.from) {
      const g = this.ref(r);
      if (!this.find(g)) throw new SqlError('ER_NONEXISTING_GRANT', `There is no such grant defined for user '${g.user}' on host '${g.host}'`);
      const has = grants.some((x) => sameAccount(x.grantee, g) && sameScope(x.scope, scope));
      const hasColumns = grants.some((x) => sameAccount(x.grantee, g) && x.scope.kind === 'column' && scope.kind === 'table' && x.scope.db === scope.db && x.scope.table === scope.table);
      if (scope.kind === 'db' && !has) throw new SqlError('ER_NONEXISTING_GRANT', `There is no such grant defined for user '${g.user}' on host '${g.host}'`);
      if (scope.kind === 'table' && !has && !hasColumns) {
        throw new SqlError('ER_NONEXISTING_TABLE_GRANT', `There is no such grant defined for user '${g.user}' on host '${g.host}' on table '${scope.table}'`);
      }
      grants = removeGrant(grants, g, scope, revokeMask);
      if (scope.kind === 'table') {
        // REVOKE SELECT ON t also takes SELECT (c) on its columns; REVOKE SELECT (c) just that one.
        grants = grants
          .map((x) => {
            if (!sameAccount(x.grantee, g) || x.scope.kind !== 'column' || x.scope.db !== scope.db || x.scope.table !== scope.table) return x;
            const col = x.scope.column;
            const drop = (mask & ALL_COLUMN) | [...columns].filter(([c]) => c.toLowerCase() === col.toLowerCase()).reduce((m, [, b]) => m | b, 0);
            return { ...x, privs: x.privs & ~drop };
          })
          .filter((x) => x.privs !== 0);
      }
      dyn = dyn.filter((d) => !(sameAccount(d.grantee, g) && dynamic.includes(d.priv)));
      if (scope.kind === 'global' && st.privileges.some((i) => i.name === 'ALL')) dyn = dyn.filter((d) => !sameAccount(d.grantee, g));
    }
    return this.commit({ ...this.state, grants, dynamic: dyn });
  }

  revokeAll(st: Extract<A.AccountStatement, { kind: 'revokeAll' }>): null {
    this.requireCreateUser();
    const from = st.from.map((r) => this.ref(r));
    if (from.some((a) => !this.find(a))) throw new SqlError('ER_REVOKE_GRANTS', "Can't revoke all privileges for one or more of the requested users");
    const hit = (a: AccountName): boolean => from.some((f) => sameAccount(f, a));
    return this.commit({
      ...this.state,
      grants: this.state.grants.filter((g) => !hit(g.grantee)),
      dynamic: this.state.dynamic.filter((d) => !hit(d.grantee)),
      roleGrants: this.state.roleGrants.filter((g) => !hit(g.grantee)),
    });
  }

  // ───────────── roles ─────────────

  /** ROLE_ADMIN (or SUPER), or WITH ADMIN OPTION on each role. */
  private requireRoleAdmin(roles: readonly AccountName[]): void {
    if (this.p.hasDynamicOrSuper('ROLE_ADMIN')) return;
    const admin = this.state.roleGrants.filter((g) => g.adminOption && sameAccount(g.grantee, this.p.account));
    if (roles.every((r) => admin.some((g) => sameAccount(g.role, r)))) return;
    throw this.p.needs('WITH ADMIN, ROLE_ADMIN, SUPER');
  }

  private existing(names: readonly A.UserName[] | readonly AccountName[]): AccountName[] {
    return names.map((n) => {
      const a = normalizeName(n);
      if (!this.find(a)) throw new SqlError('ER_UNKNOWN_AUTHID', `Unknown authorization ID ${backquoted(a)}`);
      return a;
    });
  }

  grantRole(st: Extract<A.AccountStatement, { kind: 'grantRole' }>): null {
    const roles = this.existing(st.roles);
    const to = st.to.map((r) => this.ref(r));
    for (const a of to) if (!this.find(a)) throw new SqlError('ER_UNKNOWN_AUTHID', `Unknown authorization ID ${backquoted(a)}`);
    this.requireRoleAdmin(roles);
    let edges: RoleGrant[] = [...this.state.roleGrants];
    for (const g of to) {
      for (const r of roles) {
        // A role granted (directly or not) to the grantee cannot take the grantee in: no loops.
        const state = { ...this.state, roleGrants: edges };
        if (sameAccount(g, r) || roleClosure(state, [r]).some((x) => sameAccount(x, g))) {
          throw new SqlError('ER_ROLE_GRANTED_TO_ITSELF', `User account ${backquoted(g)} is directly or indirectly granted to the role ${backquoted(r)}. The GRANT would create a loop`);
        }
        const old = edges.find((e) => sameAccount(e.role, r) && sameAccount(e.grantee, g));
        if (old) edges = edges.map((e) => (e === old ? { ...e, adminOption: e.adminOption || st.adminOption } : e));
        else edges.push({ role: r, grantee: g, adminOption: st.adminOption });
      }
    }
    return this.commit({ ...this.state, roleGrants: edges });
  }

  revokeRole(st: Extract<A.AccountStatement, { kind: 'revokeRole' }>): null {
    const roles = this.existing(st.roles);
    const from = st.from.map((r) => this.ref(r));
    for (const a of from) if (!this.find(a)) throw new SqlError('ER_UNKNOWN_AUTHID', `Unknown authorization ID ${backquoted(a)}`);
    this.requireRoleAdmin(roles);
    for (const g of from) {
      for (const r of roles) {
        if (!this.state.roleGrants.some((e) => sameAccount(e.role, r) && sameAccount(e.grantee, g))) {
          throw new SqlError('ER_ROLE_NOT_GRANTED', `${backquoted(r)} is not granted to ${backquoted(g)}`);
        }
      }
    }
    const hit = (e: RoleGrant): boolean => roles.some((r) => sameAccount(r, e.role)) && from.some((g) => sameAccount(g, e.grantee));
    return this.commit({ ...this.state, roleGrants: this.state.roleGrants.filter((e) => !hit(e)) });
  }

  /** Roles of a DEFAULT ROLE / SET ROLE list, each granted to `who`. */
  private grantedList(roles: readonly A.UserName[], who: AccountName): AccountName[] {
    const granted = rolesGrantedTo(this.state, who);
    return roles.map((n) => {
      const r = normalizeName(n);
      if (!granted.some((g) => sameAccount(g, r))) throw new SqlError('ER_ROLE_NOT_GRANTED', `${backquoted(r)} is not granted to ${backquoted(who)}`);
      return r;
    });
  }

  private defaultRoleList(sel: A.RoleSelection, who: AccountName): readonly AccountName[] | 'ALL' {
    switch (sel.kind) {
      case 'default':
      case 'none':
        return [];
      case 'all':
        return sel.except.length === 0 ? 'ALL' : rolesGrantedTo(this.state, who).filter((r) => !sel.except.some((x) => sameAccount(normalizeName(x), r)));
      case 'list':
        return this.grantedList(sel.roles, who);
      default:
        return assertNever(sel, 'role selection');
    }
  }

  setRole(st: Extract<A.AccountStatement, { kind: 'setRole' }>): null {
    const who = this.p.account;
    let roles: AccountName[];
    switch (st.roles.kind) {
      case 'default':
        roles = this.p.defaultRoles();
        break;
      case 'none':
        roles = [];
        break;
      case 'all': {
        const except = st.roles.except.map(normalizeName);
        roles = rolesGrantedTo(this.state, who).filter((r) => !except.some((x) => sameAccount(x, r)));
        break;
      }
      case 'list':
        roles = this.grantedList(st.roles.roles, who);
        break;
      default:
        return assertNever(st.roles, 'role selection');
    }
    this.p.setActiveRoles(roles);
    return null;
  }

  setDefaultRole(st: Extract<A.AccountStatement, { kind: 'setDefaultRole' }>): null {
    let accounts = [...this.state.accounts];
    for (const r of st.to) {
      const who = this.ref(r);
      if (!this.isSelf(who)) this.requireCreateUser();
      const def = accounts.find((a) => sameAccount(a, who));
      if (!def) throw new SqlError('ER_UNKNOWN_AUTHID', `Unknown authorization ID ${backquoted(who)}`);
      const next = { ...def, defaultRoles: this.defaultRoleList(st.roles, who) };
      accounts = accounts.map((a) => (a === def ? next : a));
    }
    return this.commit({ ...this.state, accounts });
  }

  // ───────────── reading grants back ─────────────

  showGrants(st: Extract<A.AccountStatement, { kind: 'showGrants' }>): Rowset {
    const who = st.for ? this.ref(st.for) : this.p.account;
    if (!this.isSelf(who) && !this.p.readsGrantTables) throw this.p.dbDenied('mysql');
    if (!this.find(who)) throw new SqlError('ER_NONEXISTING_GRANT', `There is no such grant defined for user '${who.user}' on host '${who.host}'`);
    const using = st.using ? this.grantedList(st.using, who) : [];
    const lines = showGrantsLines(this.state, who, using);
    return { columns: [{ name: `Grants for ${who.user}@${who.host}`, type: T.varchar(1024) }], rows: lines.map((l) => [l]) };
  }

  showCreateUser(st: Extract<A.AccountStatement, { kind: 'showCreateUser' }>): Rowset {
    const who = this.ref(st.account);
    if (!this.isSelf(who) && !this.p.readsGrantTables) throw this.p.dbDenied('mysql');
    const def = this.find(who);
    if (!def) throw new SqlError('ER_CANNOT_USER', `Operation SHOW CREATE USER failed for ${quotedAccount(who)}`);
    return { columns: [{ name: `CREATE USER for ${who.user}@${who.host}`, type: T.varchar(1024) }], rows: [[showCreateUser(def)]] };
  }
}

function sameScope(a: GrantScope, b: GrantScope): boolean {
  switch (a.kind) {
    case 'global':
      return b.kind === 'global';
    case 'db':
      return b.kind === 'db' && a.db.toLowerCase() === b.db.toLowerCase();
    case 'table':
      return b.kind === 'table' && a.db.toLowerCase() === b.db.toLowerCase() && a.table.toLowerCase() === b.table.toLowerCase();
    case 'column':
      return b.kind === 'column' && a.db.toLowerCase() === b.db.toLowerCase() && a.table.toLowerCase() === b.table.toLowerCase() && a.column.toLowerCase() === b.column.toLowerCase();
    default:
      return assertNever(a, 'grant scope');
  }
}

/** The table's own spelling of a granted column, so grants print as the table does. */
function canonicalColumn(catalog: CatalogView, scope: GrantScope, column: string): string {
  if (scope.kind !== 'table') return column;
  return catalog.table(scope.db, scope.table)?.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.name ?? column;
}

function addGrant(grants: GrantRow[], grantee: AccountName, scope: GrantScope, privs: number): GrantRow[] {
  const at = grants.findIndex((g) => sameAccount(g.grantee, grantee) && sameScope(g.scope, scope));
  if (at < 0) return [...grants, { grantee, scope, privs }];
  return grants.map((g, i) => (i === at ? { ...g, privs: g.privs | privs } : g));
}

function removeGrant(grants: GrantRow[], grantee: AccountName, scope: GrantScope, privs: number): GrantRow[] {
  return grants
    .map((g) => (sameAccount(g.grantee, grantee) && sameScope(g.scope, scope) ? { ...g, privs: g.privs & ~privs } : g))
    .filter((g) => g.privs !== 0);
}

function addDynamic(dyn: DynamicGrant[], grantee: AccountName, priv: string, grantOption: boolean): DynamicGrant[] {
  const at = dyn.findIndex((d) => sameAccount(d.grantee, grantee) && d.priv === priv);
  if (at < 0) return [...dyn, { grantee, priv, grantOption }];
  return dyn.map((d, i) => (i === at ? { ...d, grantOption: d.grantOption || grantOption } : d));
}

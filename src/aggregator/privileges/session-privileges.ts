/**
 * One session's side of access control: the account it logged in as, its active roles, and the
 * check every statement passes before it runs. The privilege set is rebuilt when the grant
 * tables change (so a GRANT or REVOKE applies to open sessions from their next statement), and
 * a statement shape that passed is remembered until the grant tables or the catalog change, so
 * a session repeating its statements pays a map lookup; an account with every global privilege
 * (root) pays a version compare.
 */
import type * as A from '../../sql/ast.js';
import type { AccountName, Accounts } from '../../cluster/accounts.js';
import { sameAccount } from '../../cluster/accounts.js';
import type { CatalogView } from '../../cluster/catalog.js';
import { ALL_COLUMN, ALL_GLOBAL, ALL_TABLE, Priv, privilegeNames } from '../../cluster/privileges.js';
import { SqlError } from '../../common/errors.js';
import { assertNever } from '../../common/assert.js';
import {
  anyColumnHas,
  canSeeDatabase,
  canSeeTable,
  columnGrants,
  dbPrivileges,
  hasDynamicOrSuper,
  privilegeSet,
  rolesGrantedTo,
  tablePrivileges,
  type PrivilegeSet,
} from './privilege-set.js';
import { isAccountStatement, requirementsOf, type Requirement } from './requirements.js';

/** Requirements by current database and statement shape, shared by all sessions of an engine. */
export class RequirementCache {
  private readonly byDb = new Map<string, Map<string, { readonly catalogVersion: number; readonly reqs: readonly Requirement[] }>>();
  private size = 0;

  constructor(private readonly limit = 8192) {}

  of(ps: A.ParsedStatement, db: string | null, catalog: CatalogView): readonly Requirement[] {
    if (ps.cacheKey === '') return requirementsOf(ps.statement, db, catalog);
    const dbKey = db?.toLowerCase() ?? '';
    let m = this.byDb.get(dbKey);
    const hit = m?.get(ps.cacheKey);
    if (hit && hit.catalogVersion === catalog.version) return hit.reqs;
    const reqs = requirementsOf(ps.statement, db, catalog);
    if (this.size >= this.limit) {
      this.byDb.clear();
      this.size = 0;
      m = undefined;
    }
    if (m === undefined) this.byDb.set(dbKey, (m = new Map()));
    if (!m.has(ps.cacheKey)) this.size++;
    m.set(ps.cacheKey, { catalogVersion: catalog.version, reqs });
    return reqs;
  }
}

export interface PrivilegeSources {
  readonly accounts: Accounts;
  readonly catalog: CatalogView;
  readonly requirements: RequirementCache;
}

/** 'alice'@'%' as MySQL's messages and information_schema print an account. */
export function quotedAccount(a: AccountName): string {
  return `'${a.user}'@'${a.host}'`;
}

export class SessionPrivileges {
  private set: PrivilegeSet | null = null;
  private setVersion = -1;
  private everything = false;
  private active: readonly AccountName[];
  /** Shapes that passed, by database, with the versions they passed at. */
  private readonly passed = new Map<string, Map<string, number>>();
  private passedAt = { accounts: -1, catalog: -1 };

  /** The matched account, what CURRENT_USER() returns. */
  readonly account: AccountName;
  /** The name the client logged in with (an anonymous account's login keeps its own name). */
  readonly loginUser: string;
  /** The host the client connected from (error messages name it, as MySQL does). */
  readonly clientHost: string;
  /** The server's own sessions hold every privilege. */
  private readonly internal: boolean;

  constructor(
    private readonly src: PrivilegeSources,
    who: { readonly account: AccountName; readonly user: string; readonly host: string },
    opts: { readonly internal?: boolean } = {},
  ) {
    this.account = who.account;
    this.loginUser = who.user;
    this.clientHost = who.host;
    this.internal = opts.internal ?? false;
    this.active = this.defaultRoles();
  }

  /** The account's default roles that are granted to it. */
  defaultRoles(): AccountName[] {
    const state = this.src.accounts.state;
    const def = state.accounts.find((a) => sameAccount(a, this.account));
    const granted = rolesGrantedTo(state, this.account);
    if (def === undefined) return [];
    if (def.defaultRoles === 'ALL') return granted;
    return def.defaultRoles.filter((r) => granted.some((g) => sameAccount(g, r)));
  }

  get activeRoles(): readonly AccountName[] {
    return this.active;
  }

  setActiveRoles(roles: readonly AccountName[]): void {
    this.active = roles;
    this.setVersion = -1;
    this.passed.clear();
  }

  /** The current privilege set, rebuilt when the grant tables changed. */
  get privileges(): PrivilegeSet {
    const v = this.src.accounts.version;
    if (this.set === null || this.setVersion !== v) {
      this.set = privilegeSet(this.src.accounts.state, this.account, this.active);
      this.setVersion = v;
      this.everything = this.internal || (this.set.global & ALL_GLOBAL) === ALL_GLOBAL;
    }
    return this.set;
  }

  /** Throws the error MySQL sends when the session may not run the statement. */
  check(ps: A.ParsedStatement, db: string | null): void {
    const set = this.privileges;
    if (this.everything || isAccountStatement(ps.statement)) return;
    const av = this.src.accounts.version;
    const cv = this.src.catalog.version;
    if (this.passedAt.accounts !== av || this.passedAt.catalog !== cv) {
      this.passed.clear();
      this.passedAt = { accounts: av, catalog: cv };
    }
    const dbKey = db?.toLowerCase() ?? '';
    if (ps.cacheKey !== '' && this.passed.get(dbKey)?.has(ps.cacheKey)) return;
    for (const r of this.src.requirements.of(ps, db, this.src.catalog)) this.require(set, r);
    if (ps.cacheKey === '') return;
    let m = this.passed.get(dbKey);
    if (m === undefined) this.passed.set(dbKey, (m = new Map()));
    if (m.size < 4096) m.set(ps.cacheKey, av);
  }

  private require(set: PrivilegeSet, r: Requirement): void {
    switch (r.kind) {
      case 'global':
        if (set.global & r.privs) return;
        if (r.dynamic.some((d) => set.dynamic.has(d))) return;
        throw this.needs(r.names);
      case 'db':
        if (dbPrivileges(set, r.db) & r.priv) return;
        throw this.dbDenied(r.db);
      case 'dbVisible':
        if (canSeeDatabase(set, r.db)) return;
        throw this.dbDenied(r.db);
      case 'table':
        if (tablePrivileges(set, r.db, r.table) & r.priv) return;
        throw this.tableDenied(r.command, r.table);
      case 'tableVisible':
        if (r.columnsCount ? canSeeTable(set, r.db, r.table) : tablePrivileges(set, r.db, r.table) & ALL_TABLE) return;
        throw this.tableDenied(r.command, r.table);
      case 'columns': {
        if (tablePrivileges(set, r.db, r.table) & r.priv) return;
        const some = anyColumnHas(set, r.db, r.table, r.priv);
        if (!some || r.star) throw this.tableDenied(r.command, r.table);
        for (const c of r.columns) {
          if (!(columnGrants(set, r.db, r.table, c) & r.priv)) {
            throw new SqlError('ER_COLUMNACCESS_DENIED', `${r.command} command denied to user '${this.account.user}'@'${this.clientHost}' for column '${c}' in table '${r.table}'`);
          }
        }
        return;
      }
      default:
        return assertNever(r, 'requirement');
    }
  }

  // ───────────── errors, as MySQL words them ─────────────

  /** 1227: a global right is missing. */
  needs(names: string): SqlError {
    return new SqlError('ER_SPECIFIC_ACCESS_DENIED', `Access denied; you need (at least one of) the ${names} privilege(s) for this operation`);
  }

  /** 1044, naming the account (not the client host), as MySQL does. */
  dbDenied(db: string): SqlError {
    return new SqlError('ER_DBACCESS_DENIED', `Access denied for user '${this.account.user}'@'${this.account.host}' to database '${db}'`);
  }

  /** 1142, naming the client host, as MySQL does. */
  tableDenied(command: string, table: string): SqlError {
    return new SqlError('ER_TABLEACCESS_DENIED', `${command} command denied to user '${this.account.user}'@'${this.clientHost}' for table '${table}'`);
  }

  // ───────────── what the session may see ─────────────

  /** Holds every privilege there is (root): nothing needs filtering. */
  get unrestricted(): boolean {
    void this.privileges;
    return this.everything;
  }

  hasGlobal(priv: number): boolean {
    return (this.privileges.global & priv) !== 0;
  }

  hasDynamicOrSuper(name: string): boolean {
    return hasDynamicOrSuper(this.privileges, name);
  }

  canSeeDatabase(db: string): boolean {
    return db.toLowerCase() === 'information_schema' || canSeeDatabase(this.privileges, db);
  }

  canSeeTable(db: string, table: string): boolean {
    return db.toLowerCase() === 'information_schema' || canSeeTable(this.privileges, db, table);
  }

  /** information_schema.COLUMNS.PRIVILEGES: what the session may do with the column; null hides it. */
  columnPrivileges(db: string, table: string, column: string): string | null {
    const set = this.privileges;
    const onTable = tablePrivileges(set, db, table);
    const mask = (onTable | columnGrants(set, db, table, column)) & ALL_COLUMN;
    if (mask === 0 && (onTable & ALL_TABLE) === 0) return null;
    return privilegeNames(mask).join(',').toLowerCase();
  }

  /** Threads of other users (by login name) show in SHOW PROCESSLIST only with PROCESS. */
  canSeeThreadOf(loginUser: string): boolean {
    return this.internal || loginUser === this.loginUser || this.hasGlobal(Priv.PROCESS);
  }

  /** KILL of another user's thread (by login name) needs SUPER or CONNECTION_ADMIN. */
  canKillThreadOf(loginUser: string): boolean {
    return this.internal || loginUser === this.loginUser || this.hasDynamicOrSuper('CONNECTION_ADMIN');
  }

  /** Reading other accounts' grants (SHOW GRANTS FOR, the *_PRIVILEGES tables): global SELECT or CREATE USER. */
  get readsGrantTables(): boolean {
    return this.hasGlobal(Priv.SELECT | Priv.CREATE_USER);
  }
}

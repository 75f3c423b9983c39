/**
 * Accounts, roles and grants: the master aggregator's grant tables, kept with the catalog.
 * Plain data: the aggregator's privilege code (src/aggregator/privileges) gives them meaning.
 *
 * Passwords are never kept: an account holds the hash its authentication plugin checks
 * (SHA1(SHA1(pw)) for mysql_native_password, SHA256(SHA256(pw)) for caching_sha2_password's
 * fast path). The whole state changes in one step per statement (`replace`), which makes a
 * statement touching several accounts (DROP USER a, b; RENAME USER) atomic on disk too.
 */

export interface AccountName {
  /** Exact: case-sensitive, never trimmed; '' is the anonymous user. */
  readonly user: string;
  /** A host pattern: 'localhost', an IP, '%', '127.0.0.%'; compared case-insensitively. */
  readonly host: string;
}

export type AuthPluginName = 'mysql_native_password' | 'caching_sha2_password';

export interface AccountDef extends AccountName {
  readonly plugin: AuthPluginName;
  /**
   * The stored hash as text: '' for no password; '*' and 40 hex digits (SHA1(SHA1(pw)), what
   * MySQL shows) for mysql_native_password; 64 hex digits (SHA256(SHA256(pw))) for caching_sha2.
   */
  readonly authString: string;
  /** ACCOUNT LOCK: the account cannot log in (roles start locked, as in MySQL). */
  readonly locked: boolean;
  /** Created with CREATE ROLE. */
  readonly role: boolean;
  /** Roles activated at login (SET DEFAULT ROLE); 'ALL': every role granted to it at login time. */
  readonly defaultRoles: readonly AccountName[] | 'ALL';
}

/** Where a grant applies. Database and table names keep the case they were granted with. */
export type GrantScope =
  | { readonly kind: 'global' }
  /** db may hold the wildcards `%` and `_` (backslash escapes them), as in MySQL. */
  | { readonly kind: 'db'; readonly db: string }
  | { readonly kind: 'table'; readonly db: string; readonly table: string }
  | { readonly kind: 'column'; readonly db: string; readonly table: string; readonly column: string };

/** Static privileges (a mask of cluster/privileges.ts bits) of one grantee at one scope. */
export interface GrantRow {
  readonly grantee: AccountName;
  readonly scope: GrantScope;
  readonly privs: number;
}

/** A dynamic (MySQL 8 `*_ADMIN`) privilege; always global. */
export interface DynamicGrant {
  readonly grantee: AccountName;
  readonly priv: string;
  readonly grantOption: boolean;
}

/** GRANT role TO grantee [WITH ADMIN OPTION]. */
export interface RoleGrant {
  readonly role: AccountName;
  readonly grantee: AccountName;
  readonly adminOption: boolean;
}

export interface AccountsState {
  /** Set once root@localhost was created on the first start; a later start never recreates it. */
  readonly initialized: boolean;
  readonly accounts: readonly AccountDef[];
  readonly grants: readonly GrantRow[];
  readonly dynamic: readonly DynamicGrant[];
  readonly roleGrants: readonly RoleGrant[];
}

export const EMPTY_ACCOUNTS: AccountsState = { initialized: false, accounts: [], grants: [], dynamic: [], roleGrants: [] };

/** Same account: user exactly, host case-insensitively. */
export function sameAccount(a: AccountName, b: AccountName): boolean {
  return a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase();
}

export function isAccountsState(v: unknown): v is AccountsState {
  const s = v as Partial<AccountsState> | null;
  return typeof s === 'object' && s !== null && Array.isArray(s.accounts) && Array.isArray(s.grants) && Array.isArray(s.dynamic) && Array.isArray(s.roleGrants);
}

/** The grant tables of one aggregator. `version` bumps on every change so sessions recheck. */
export class Accounts {
  private current: AccountsState = EMPTY_ACCOUNTS;
  private changes = 1;

  get state(): AccountsState {
    return this.current;
  }

  get version(): number {
    return this.changes;
  }

  /** Replaces the grant tables (one account statement); durable before it returns in DurableAccounts. */
  replace(next: AccountsState): void {
    this.persist(next);
    this.current = next;
    this.changes++;
  }

  /** @internal loading from disk: no write. */
  load(state: AccountsState): void {
    this.current = state;
    this.changes++;
  }

  /** Makes `next` durable; throws to refuse the change. Nothing to do in memory. */
  protected persist(_next: AccountsState): void {}
}

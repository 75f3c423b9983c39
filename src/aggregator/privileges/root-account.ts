/**
 * root@localhost: created on the first start with --root-password (or none), with every
 * privilege. Later starts keep the stored account as MySQL does: a --root-password that does not
 * match it is refused rather than silently ignored, and --reset-root-password sets it (and
 * recreates root@localhost with every privilege if it was dropped).
 */
import type { AccountDef, AccountName, AccountsState } from '../../cluster/accounts.js';
import { sameAccount } from '../../cluster/accounts.js';
import { ALL_GLOBAL, DYNAMIC_PRIVILEGES, Priv } from '../../cluster/privileges.js';
import { hashPassword, passwordMatches } from './credentials.js';

export const ROOT: AccountName = { user: 'root', host: 'localhost' };

export interface RootOptions {
  readonly rootPassword?: string;
  readonly resetRootPassword?: boolean;
}

/** A start-up option contradicts the stored accounts. */
export class RootPasswordMismatch extends Error {
  override readonly name = 'RootPasswordMismatch';
}

function withRoot(state: AccountsState, password: string): AccountsState {
  const root: AccountDef = { ...ROOT, plugin: 'mysql_native_password', authString: hashPassword('mysql_native_password', password), locked: false, role: false, defaultRoles: [] };
  const others = state.accounts.filter((a) => !sameAccount(a, ROOT));
  return {
    initialized: true,
    accounts: [root, ...others],
    grants: [{ grantee: ROOT, scope: { kind: 'global' }, privs: ALL_GLOBAL | Priv.GRANT_OPTION }, ...state.grants.filter((g) => !(sameAccount(g.grantee, ROOT) && g.scope.kind === 'global'))],
    dynamic: [...DYNAMIC_PRIVILEGES.map((priv) => ({ grantee: ROOT, priv, grantOption: true })), ...state.dynamic.filter((d) => !sameAccount(d.grantee, ROOT))],
    roleGrants: state.roleGrants,
  };
}

/** The grant tables to start with: `state` itself when nothing changes. Throws RootPasswordMismatch. */
export function initialAccounts(state: AccountsState, opts: RootOptions): AccountsState {
  const password = opts.rootPassword ?? '';
  if (!state.initialized) return withRoot(state, password);
  const root = state.accounts.find((a) => sameAccount(a, ROOT));
  if (opts.resetRootPassword) {
    if (root === undefined) return withRoot(state, password);
    return { ...state, accounts: state.accounts.map((a) => (a === root ? { ...root, authString: hashPassword(root.plugin, password), locked: false } : a)) };
  }
  if (opts.rootPassword === undefined) return state;
  if (root === undefined) {
    throw new RootPasswordMismatch("--root-password was given but root@localhost does not exist in this data directory (it was dropped); pass --reset-root-password as well to create it again");
  }
  if (!passwordMatches(root, password)) {
    throw new RootPasswordMismatch(
      "--root-password does not match the password stored for root@localhost in this data directory (the stored one is kept, as in MySQL). " +
        'Start without --root-password, change it with ALTER USER, or pass --reset-root-password to set it to the given value.',
    );
  }
  return state;
}

/**
 * Account statements back to SQL text. `redact` prints passwords as <secret> (what SHOW
 * PROCESSLIST and logs may show, as MySQL rewrites them); hashes are not secret and stay.
 */
import type { AccountRef, AccountStatement, AuthOption, PrivilegeItem, PrivilegeLevel, RoleSelection, UserName, UserSpec } from './ast.js';
import { assertNever } from '../common/assert.js';

function quote(s: string): string {
  return "'" + s.replace(/[\\']/g, '\\$&') + "'";
}

function ident(s: string): string {
  return '`' + s.replace(/`/g, '``') + '`';
}

export function printUserName(u: UserName): string {
  return `${quote(u.user)}@${quote(u.host)}`;
}

export function printAccountRef(a: AccountRef): string {
  return a.kind === 'current' ? 'CURRENT_USER()' : printUserName(a.name);
}

function printAuth(a: AuthOption, redact: boolean): string {
  const pw = (p: string): string => (redact ? '<secret>' : quote(p));
  switch (a.kind) {
    case 'password':
      return a.plugin ? ` IDENTIFIED WITH ${a.plugin} BY ${pw(a.password)}` : ` IDENTIFIED BY ${pw(a.password)}`;
    case 'hash':
      return a.plugin ? ` IDENTIFIED WITH ${a.plugin} AS ${quote(a.hash)}` : ` IDENTIFIED BY PASSWORD ${quote(a.hash)}`;
    case 'plugin':
      return ` IDENTIFIED WITH ${a.plugin}`;
    default:
      return assertNever(a, 'auth option');
  }
}

function printSpecs(users: readonly UserSpec[], redact: boolean): string {
  return users.map((u) => printAccountRef(u.account) + (u.auth ? printAuth(u.auth, redact) : '')).join(', ');
}

function printRoles(sel: RoleSelection): string {
  switch (sel.kind) {
    case 'default':
      return 'DEFAULT';
    case 'none':
      return 'NONE';
    case 'all':
      return sel.except.length > 0 ? 'ALL EXCEPT ' + sel.except.map(printUserName).join(', ') : 'ALL';
    case 'list':
      return sel.roles.map(printUserName).join(', ');
    default:
      return assertNever(sel, 'role selection');
  }
}

export function printPrivilegeLevel(l: PrivilegeLevel): string {
  switch (l.kind) {
    case 'global':
      return '*.*';
    case 'db':
      return l.db === undefined ? '*' : `${ident(l.db)}.*`;
    case 'table':
      return (l.db === undefined ? '' : `${ident(l.db)}.`) + ident(l.table);
    default:
      return assertNever(l, 'privilege level');
  }
}

function printPrivileges(ps: readonly PrivilegeItem[]): string {
  return ps.map((p) => (p.name === 'ALL' ? 'ALL PRIVILEGES' : p.name) + (p.columns ? ` (${p.columns.map(ident).join(', ')})` : '')).join(', ');
}

const lock = (l: boolean | undefined): string => (l === undefined ? '' : l ? ' ACCOUNT LOCK' : ' ACCOUNT UNLOCK');

export function printAccountStatement(s: AccountStatement, opts: { redact?: boolean } = {}): string {
  const redact = opts.redact ?? false;
  switch (s.kind) {
    case 'createUser':
      return (
        'CREATE USER ' + (s.ifNotExists ? 'IF NOT EXISTS ' : '') + printSpecs(s.users, redact) +
        (s.defaultRoles ? ' DEFAULT ROLE ' + s.defaultRoles.map(printUserName).join(', ') : '') + lock(s.lock)
      );
    case 'alterUser':
      if (s.defaultRoles) return 'ALTER USER ' + (s.ifExists ? 'IF EXISTS ' : '') + printSpecs(s.users, redact) + ' DEFAULT ROLE ' + printRoles(s.defaultRoles);
      return 'ALTER USER ' + (s.ifExists ? 'IF EXISTS ' : '') + printSpecs(s.users, redact) + lock(s.lock);
    case 'dropUser':
      return 'DROP USER ' + (s.ifExists ? 'IF EXISTS ' : '') + s.users.map(printUserName).join(', ');
    case 'renameUser':
      return 'RENAME USER ' + s.pairs.map((p) => `${printUserName(p.from)} TO ${printUserName(p.to)}`).join(', ');
    case 'setPassword':
      return 'SET PASSWORD' + (s.account.kind === 'named' ? ' FOR ' + printAccountRef(s.account) : '') + ' = ' + (redact ? '<secret>' : quote(s.password));
    case 'createRole':
      return 'CREATE ROLE ' + (s.ifNotExists ? 'IF NOT EXISTS ' : '') + s.roles.map(printUserName).join(', ');
    case 'dropRole':
      return 'DROP ROLE ' + (s.ifExists ? 'IF EXISTS ' : '') + s.roles.map(printUserName).join(', ');
    case 'grant':
      return `GRANT ${printPrivileges(s.privileges)} ON ${printPrivilegeLevel(s.level)} TO ${s.to.map(printAccountRef).join(', ')}${s.grantOption ? ' WITH GRANT OPTION' : ''}`;
    case 'revoke':
      return `REVOKE ${printPrivileges(s.privileges)} ON ${printPrivilegeLevel(s.level)} FROM ${s.from.map(printAccountRef).join(', ')}`;
    case 'revokeAll':
      return `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${s.from.map(printAccountRef).join(', ')}`;
    case 'grantRole':
      return `GRANT ${s.roles.map(printUserName).join(', ')} TO ${s.to.map(printAccountRef).join(', ')}${s.adminOption ? ' WITH ADMIN OPTION' : ''}`;
    case 'revokeRole':
      return `REVOKE ${s.roles.map(printUserName).join(', ')} FROM ${s.from.map(printAccountRef).join(', ')}`;
    case 'setRole':
      return 'SET ROLE ' + printRoles(s.roles);
    case 'setDefaultRole':
      return `SET DEFAULT ROLE ${printRoles(s.roles)} TO ${s.to.map(printAccountRef).join(', ')}`;
    case 'showGrants':
      return 'SHOW GRANTS' + (s.for ? ' FOR ' + printAccountRef(s.for) : '') + (s.using ? ' USING ' + s.using.map(printUserName).join(', ') : '');
    case 'showCreateUser':
      return 'SHOW CREATE USER ' + printAccountRef(s.account);
    default:
      return assertNever(s, 'account statement');
  }
}

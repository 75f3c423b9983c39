/**
 * Passwords to stored hashes and back to what the login exchange checks. Only hashes are kept:
 * '*' + hex(SHA1(SHA1(pw))) for mysql_native_password (MySQL's own text form, so dumps carrying
 * `IDENTIFIED BY PASSWORD '*…'` replay), hex(SHA256(SHA256(pw))) for caching_sha2_password.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AccountDef, AuthPluginName } from '../../cluster/accounts.js';
import { SqlError } from '../../common/errors.js';
import { nativeHash, sha2Hash } from '../mysql/auth.js';
import type { UserCredentials } from '../mysql/session-api.js';

export const PLUGINS: readonly AuthPluginName[] = ['mysql_native_password', 'caching_sha2_password'];

export function checkPlugin(name: string): AuthPluginName {
  const p = name.toLowerCase() as AuthPluginName;
  if (!PLUGINS.includes(p)) throw new SqlError('ER_PLUGIN_IS_NOT_LOADED', `Plugin '${name}' is not loaded`);
  return p;
}

/** The stored text for a cleartext password ('' stays '': no password). */
export function hashPassword(plugin: AuthPluginName, password: string): string {
  if (password === '') return '';
  return plugin === 'mysql_native_password' ? '*' + nativeHash(password).toString('hex').toUpperCase() : sha2Hash(password).toString('hex');
}

/** Validates a hash given as text (IDENTIFIED BY PASSWORD / AS) and returns its stored form. */
export function checkHash(plugin: AuthPluginName, hash: string): string {
  if (hash === '') return '';
  const ok = plugin === 'mysql_native_password' ? /^\*[0-9a-f]{40}$/i.test(hash) : /^[0-9a-f]{64}$/i.test(hash);
  if (!ok) throw new SqlError('ER_PASSWORD_FORMAT', "The password hash doesn't have the expected format.");
  return plugin === 'mysql_native_password' ? hash.toUpperCase() : hash.toLowerCase();
}

/** Whether a cleartext password is the account's. */
export function passwordMatches(def: Pick<AccountDef, 'plugin' | 'authString'>, password: string): boolean {
  const a = Buffer.from(hashPassword(def.plugin, password));
  const b = Buffer.from(def.authString);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the protocol's login exchange needs of an account. */
export function credentialsOf(def: AccountDef): UserCredentials {
  const account = { user: def.user, host: def.host };
  const verifyPassword = (p: string): boolean => passwordMatches(def, p);
  if (def.authString === '') return { account, locked: def.locked, verifyPassword };
  if (def.plugin === 'mysql_native_password') {
    return { account, locked: def.locked, nativeHash: Buffer.from(def.authString.slice(1), 'hex'), verifyPassword };
  }
  return { account, locked: def.locked, sha2Hash: Buffer.from(def.authString, 'hex'), verifyPassword };
}

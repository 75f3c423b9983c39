import { SqlError } from '../../common/errors.js';
import { decryptPassword, newScramble, verifyNative, verifySha2Fast, type RsaKeys } from './auth.js';
import { AuthPlugin, type AuthPluginName } from './constants.js';
import type { Packet } from './framing.js';
import { writeAuthMoreData, writeAuthSwitch } from './handshake.js';
import type { PacketWriter } from './packet-writer.js';
import type { SessionFactory, UserCredentials } from './session-api.js';

/** caching_sha2_password AuthMoreData codes. */
const Sha2 = {
  REQUEST_PUBLIC_KEY: 0x02,
  FAST_AUTH_SUCCESS: 0x03,
  PERFORM_FULL_AUTH: 0x04,
} as const;

/** Authentication did not succeed; `reply` is the ERR to send (none when the client left). */
export class AuthFailed extends Error {
  override readonly name = 'AuthFailed';

  constructor(
    message: string,
    readonly reply: SqlError | null,
  ) {
    super(message);
  }
}

/** What the login conversation needs from the connection. */
export interface AuthContext {
  readonly factory: SessionFactory;
  readonly rsaKeys: RsaKeys;
  readonly host: string;
  readonly w: PacketWriter;
  flush(): Promise<void>;
  next(): Promise<Packet | null>;
}

function accessDenied(user: string, host: string, usedPassword: boolean, why: string): AuthFailed {
  const msg = `Access denied for user '${user}'@'${host}' (using password: ${usedPassword ? 'YES' : 'NO'})`;
  return new AuthFailed(why, new SqlError('ER_ACCESS_DENIED', msg));
}

function isEmptyPasswordAccount(c: UserCredentials): boolean {
  return c.nativeHash === undefined && c.sha2Hash === undefined;
}

/** The plugin this account can be verified with, given the one the client used. */
function pluginFor(clientPlugin: string, creds: UserCredentials): AuthPluginName {
  if (clientPlugin === AuthPlugin.CACHING_SHA2) return AuthPlugin.CACHING_SHA2;
  if (isEmptyPasswordAccount(creds) || creds.nativeHash) return AuthPlugin.NATIVE;
  return AuthPlugin.CACHING_SHA2;
}

/**
 * Runs the authentication exchange after HandshakeResponse (or COM_CHANGE_USER): an auth
 * switch when the client used a plugin the account cannot be checked with, then the plugin's
 * own steps. Resolves with the account's credentials on success (the caller sends OK); throws
 * AuthFailed otherwise. A locked account is refused only after its password checked out, so
 * the refusal tells nothing to someone who does not know the password.
 */
export async function authenticate(
  ctx: AuthContext,
  user: string,
  clientPlugin: string,
  firstResponse: Buffer,
  scramble: Buffer,
): Promise<UserCredentials> {
  const creds = ctx.factory.lookupUser(user, ctx.host);
  if (!creds) throw accessDenied(user, ctx.host, firstResponse.length > 0, 'unknown user');
  await verify(ctx, creds, user, clientPlugin, firstResponse, scramble);
  if (creds.locked) {
    throw new AuthFailed('account is locked', new SqlError('ER_ACCOUNT_HAS_BEEN_LOCKED', `Access denied for user '${user}'@'${ctx.host}'. Account is locked.`));
  }
  return creds;
}

async function verify(ctx: AuthContext, creds: UserCredentials, user: string, clientPlugin: string, firstResponse: Buffer, scramble: Buffer): Promise<void> {
  const usedPassword = firstResponse.length > 0;
  // No plugin name (a client without PLUGIN_AUTH) means the 4.1 native scheme.
  const used = clientPlugin || AuthPlugin.NATIVE;
  const plugin = pluginFor(used, creds);
  let response = firstResponse;
  if (plugin !== used) {
    scramble = newScramble();
    writeAuthSwitch(ctx.w, plugin, scramble);
    await ctx.flush();
    const p = await ctx.next();
    if (!p) throw new AuthFailed('client left during auth switch', null);
    response = p.payload;
  }
  const denied = (why: string): AuthFailed => accessDenied(user, ctx.host, usedPassword || response.length > 0, why);

  if (isEmptyPasswordAccount(creds)) {
    // Some clients send a lone NUL for an empty password.
    if (response.length === 0 || (response.length === 1 && response[0] === 0)) return;
    throw denied('password given for an account without one');
  }
  if (response.length === 0) throw denied('no password given');

  if (plugin === AuthPlugin.NATIVE) {
    if (creds.nativeHash && verifyNative(response, scramble, creds.nativeHash)) return;
    throw denied('wrong password (mysql_native_password)');
  }

  if (creds.sha2Hash && verifySha2Fast(response, scramble, creds.sha2Hash)) {
    writeAuthMoreData(ctx.w, Uint8Array.of(Sha2.FAST_AUTH_SUCCESS));
    return;
  }
  // A fast-path miss is not yet a denial: MySQL asks for the password itself (some clients,
  // PyMySQL among them, scramble the auth-switch nonce with its trailing NUL and rely on this).
  await fullSha2Auth(ctx, creds, scramble, denied);
}

/** caching_sha2 full authentication without TLS: hand out the RSA public key, decrypt the password. */
async function fullSha2Auth(
  ctx: AuthContext,
  creds: UserCredentials,
  scramble: Buffer,
  denied: (why: string) => AuthFailed,
): Promise<void> {
  writeAuthMoreData(ctx.w, Uint8Array.of(Sha2.PERFORM_FULL_AUTH));
  await ctx.flush();
  let p = await ctx.next();
  if (!p) throw new AuthFailed('client left during full authentication', null);
  if (p.payload.length === 1 && p.payload[0] === Sha2.REQUEST_PUBLIC_KEY) {
    writeAuthMoreData(ctx.w, Buffer.from(ctx.rsaKeys.publicKeyPem, 'ascii'));
    await ctx.flush();
    p = await ctx.next();
    if (!p) throw new AuthFailed('client left during full authentication', null);
  }
  // Anything but an RSA block would be the cleartext password, which needs TLS we do not offer.
  const password = decryptPassword(p.payload, scramble, ctx.rsaKeys);
  if (password === undefined) throw denied('full authentication without an RSA-encrypted password');
  if (!creds.verifyPassword(password)) throw denied('wrong password (caching_sha2_password full auth)');
}

import { createHash, generateKeyPairSync, privateDecrypt, randomBytes, constants, timingSafeEqual } from 'node:crypto';

export const SCRAMBLE_LENGTH = 20;

/** A fresh 20-byte nonce of printable ASCII without NUL or '$' quirks, as MySQL generates. */
export function newScramble(): Buffer {
  const raw = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < raw.length; i++) raw[i] = 0x21 + (raw[i]! % 94); // '!'..'~'
  return raw;
}

function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i % b.length]!;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SHA1(SHA1(pw)): what an account stores for mysql_native_password. */
export function nativeHash(password: string): Buffer {
  return sha1(sha1(Buffer.from(password, 'utf8')));
}

/** SHA256(SHA256(pw)): what the caching_sha2 fast path compares against. */
export function sha2Hash(password: string): Buffer {
  return sha256(sha256(Buffer.from(password, 'utf8')));
}

/**
 * mysql_native_password: the client sent SHA1(pw) XOR SHA1(scramble ‖ stored). XOR-ing back
 * gives a candidate SHA1(pw) whose SHA1 must equal the stored hash.
 */
export function verifyNative(response: Uint8Array, scramble: Uint8Array, stored: Uint8Array): boolean {
  if (response.length !== 20 || stored.length !== 20) return false;
  const candidate = xor(response, sha1(scramble, stored));
  return sameBytes(sha1(candidate), stored);
}

/**
 * caching_sha2_password fast path: the client sent SHA256(pw) XOR SHA256(stored ‖ scramble)
 * where stored = SHA256(SHA256(pw)).
 */
export function verifySha2Fast(response: Uint8Array, scramble: Uint8Array, stored: Uint8Array): boolean {
  if (response.length !== 32 || stored.length !== 32) return false;
  const candidate = xor(response, sha256(stored, scramble));
  return sameBytes(sha256(candidate), stored);
}

/** The RSA key pair caching_sha2 full authentication uses without TLS; one per server. */
export interface RsaKeys {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

export function generateRsaKeys(): RsaKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * Full authentication: the client sent RSA-OAEP(SHA1)((pw ‖ NUL) XOR scramble). Returns the
 * cleartext password, or undefined when the bytes do not decrypt.
 */
export function decryptPassword(encrypted: Uint8Array, scramble: Uint8Array, keys: RsaKeys): string | undefined {
  let plain: Buffer;
  try {
    plain = privateDecrypt(
      { key: keys.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      encrypted,
    );
  } catch {
    return undefined;
  }
  const clear = xor(plain, scramble);
  const nul = clear.indexOf(0);
  return clear.toString('utf8', 0, nul < 0 ? clear.length : nul);
}

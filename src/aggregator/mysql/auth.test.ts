import { createHash, publicEncrypt, constants } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptPassword,
  generateRsaKeys,
  nativeHash,
  newScramble,
  sha2Hash,
  verifyNative,
  verifySha2Fast,
} from './auth.js';

const sha1 = (...b: Buffer[]): Buffer => createHash('sha1').update(Buffer.concat(b)).digest();
const sha256 = (...b: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(b)).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ b[i % b.length]!));

/** The client side, computed here independently of auth.ts. */
function nativeToken(pw: string, scramble: Buffer): Buffer {
  const s1 = sha1(Buffer.from(pw));
  return xor(s1, sha1(scramble, sha1(s1)));
}
function sha2Token(pw: string, scramble: Buffer): Buffer {
  const s1 = sha256(Buffer.from(pw));
  return xor(s1, sha256(sha256(s1), scramble));
}

describe('scrambles', () => {
  it('are 20 printable bytes without NUL and differ per call', () => {
    const a = newScramble();
    expect(a).toHaveLength(20);
    for (const b of a) expect(b >= 0x21 && b <= 0x7e).toBe(true);
    expect(a.equals(newScramble())).toBe(false);
  });
});

describe('mysql_native_password', () => {
  // Known vector: stored hash of 'password' is the MySQL PASSWORD('password') value.
  it('stores SHA1(SHA1(pw))', () => {
    expect(nativeHash('password').toString('hex').toUpperCase()).toBe('2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
  });

  it('accepts the right token and rejects others', () => {
    const scramble = Buffer.from('0123456789abcdefghij');
    const stored = nativeHash('s3cret');
    expect(verifyNative(nativeToken('s3cret', scramble), scramble, stored)).toBe(true);
    expect(verifyNative(nativeToken('s3creT', scramble), scramble, stored)).toBe(false);
    expect(verifyNative(nativeToken('s3cret', Buffer.from('x123456789abcdefghij')), scramble, stored)).toBe(false);
    expect(verifyNative(Buffer.alloc(0), scramble, stored)).toBe(false);
  });
});

describe('caching_sha2_password', () => {
  it('fast path accepts the right token', () => {
    const scramble = newScramble();
    const stored = sha2Hash('pässword');
    expect(stored.equals(sha256(sha256(Buffer.from('pässword'))))).toBe(true);
    expect(verifySha2Fast(sha2Token('pässword', scramble), scramble, stored)).toBe(true);
    expect(verifySha2Fast(sha2Token('password', scramble), scramble, stored)).toBe(false);
  });

  it('full auth decrypts RSA-OAEP(sha1) of (pw NUL) XOR scramble', () => {
    const keys = generateRsaKeys();
    const scramble = newScramble();
    const plain = xor(Buffer.from('a much longer password than twenty bytes\0'), scramble);
    const enc = publicEncrypt({ key: keys.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, plain);
    expect(decryptPassword(enc, scramble, keys)).toBe('a much longer password than twenty bytes');
    expect(decryptPassword(Buffer.from('not rsa\0'), scramble, keys)).toBeUndefined();
  });
});

/**
 * Hashes, AES and random bytes as MySQL computes them (byte-exact with MySQL and MariaDB):
 * MD5, SHA1/SHA, AES_ENCRYPT/AES_DECRYPT in MySQL's default block_encryption_mode
 * aes-128-ecb (PKCS#7 padding; the key folded into 16 bytes by XOR), RANDOM_BYTES.
 * SHA2, CRC32 and the base64 pair live with the other string functions.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SqlError } from '../../common/errors.js';
import type { ScalarFunction } from './types.js';
import { bytes, charLen, def, intArg, varchar } from './util.js';

const md5 = def({
  name: 'MD5', min: 1, max: 1, ret: varchar(32),
  eval: ([v], [t]) => createHash('md5').update(bytes(v!, t!)).digest('hex'),
});

const sha1 = def({
  name: 'SHA1', min: 1, max: 1, ret: varchar(40),
  eval: ([v], [t]) => createHash('sha1').update(bytes(v!, t!)).digest('hex'),
});

/** MySQL's AES key: the key's bytes XORed, in turn, into 16 zero bytes (aes-128). */
export function foldAesKey(key: Uint8Array): Buffer {
  const k = Buffer.alloc(16);
  for (let i = 0; i < key.length; i++) k[i % 16] = k[i % 16]! ^ key[i]!;
  return k;
}

export function aesEncrypt(data: Uint8Array, key: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', foldAesKey(key), null);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** NULL (as MySQL) when the data is not a whole number of blocks or its padding is wrong. */
export function aesDecrypt(data: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (data.length === 0 || data.length % 16 !== 0) return null;
  try {
    const d = createDecipheriv('aes-128-ecb', foldAesKey(key), null);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    return null;
  }
}

const aesEncryptFn = def({
  name: 'AES_ENCRYPT', min: 2, max: 3, ret: (a) => varchar((Math.floor(charLen(a[0]!) / 16) + 1) * 16, true),
  // The third argument (an IV) is not used by the ECB mode.
  eval: ([v, k], [t, kt]) => aesEncrypt(bytes(v!, t!), bytes(k!, kt!)),
});

const aesDecryptFn = def({
  name: 'AES_DECRYPT', min: 2, max: 3, ret: (a) => varchar(charLen(a[0]!), true),
  eval: ([v, k], [t, kt]) => aesDecrypt(bytes(v!, t!), bytes(k!, kt!)),
});

const randomBytesFn = def({
  name: 'RANDOM_BYTES', min: 1, max: 1, deterministic: false, ret: varchar(1024, true),
  eval: ([n], [t]) => {
    const len = intArg(n!, t!);
    if (len < 1 || len > 1024) throw new SqlError('ER_DATA_OUT_OF_RANGE', "length value is out of range in 'random_bytes'");
    return new Uint8Array(randomBytes(len));
  },
});

export const cryptoFunctions: readonly ScalarFunction[] = [
  md5, sha1, { ...sha1, name: 'SHA' }, aesEncryptFn, aesDecryptFn, randomBytesFn,
];

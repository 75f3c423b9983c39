/** Protocol constants of the MySQL client/server protocol (wire values, not SQL semantics). */
import type { CharsetName } from '../../common/charset.js';

export const Command = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  STATISTICS: 0x09,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  RESET_CONNECTION: 0x1f,
} as const;

export const Capability = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  NO_SCHEMA: 0x10,
  COMPRESS: 0x20,
  LOCAL_FILES: 0x80,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PS_MULTI_RESULTS: 1 << 18,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  SESSION_TRACK: 1 << 23,
  DEPRECATE_EOF: 1 << 24,
} as const;

/**
 * What the server offers. No SSL yet. SESSION_TRACK is offered so that every client reads the
 * OK packet's info length-encoded; the server never reports session state changes.
 */
export const SERVER_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.NO_SCHEMA |
  Capability.PROTOCOL_41 |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.SESSION_TRACK |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.DEPRECATE_EOF;

/** MYSQL_TYPE_* codes. */
export const MysqlType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

export type MysqlTypeCode = (typeof MysqlType)[keyof typeof MysqlType];

export const ColumnFlag = {
  NOT_NULL: 1,
  PRI_KEY: 2,
  UNIQUE_KEY: 4,
  MULTIPLE_KEY: 8,
  BLOB: 16,
  UNSIGNED: 32,
  ZEROFILL: 64,
  BINARY: 128,
  ENUM: 256,
  AUTO_INCREMENT: 512,
  TIMESTAMP: 1024,
  SET: 2048,
  NUM: 32768,
} as const;

export const Charset = {
  LATIN1_SWEDISH_CI: 8,
  ASCII_GENERAL_CI: 11,
  UTF8MB3_GENERAL_CI: 33,
  BINARY: 63,
  UTF8MB4_0900_AI_CI: 255,
} as const;

/** Collation ids a client may name in its handshake whose collation Tessera knows by name. */
const KNOWN_COLLATIONS: Readonly<Record<number, string>> = {
  8: 'latin1_swedish_ci',
  11: 'ascii_general_ci',
  33: 'utf8mb3_general_ci',
  45: 'utf8mb4_general_ci',
  46: 'utf8mb4_bin',
  63: 'binary',
  224: 'utf8mb4_unicode_ci',
  255: 'utf8mb4_0900_ai_ci',
};

const LATIN1_COLLATIONS = new Set([5, 8, 15, 31, 47, 48, 49, 94]);
const UTF8MB3_COLLATIONS = new Set([33, 76, 83, 223]);

/** The character set of a collation id, as a handshake or COM_CHANGE_USER names it (unknown ids: utf8mb4). */
export function charsetOfCollationId(id: number): CharsetName {
  if (LATIN1_COLLATIONS.has(id)) return 'latin1';
  if (id === 11 || id === 65) return 'ascii';
  if (id === Charset.BINARY) return 'binary';
  if (UTF8MB3_COLLATIONS.has(id) || (id >= 192 && id <= 215)) return 'utf8mb3';
  return 'utf8mb4';
}

/** The collation name of a handshake collation id, when Tessera knows it. */
export function collationNameOfId(id: number): string | undefined {
  return KNOWN_COLLATIONS[id];
}

/**
 * The collation id result columns of text carry when values are sent in charset `cs`: the
 * client's own handshake collation when it is of that charset, else the charset's default.
 */
export function resultCollationId(cs: CharsetName, handshakeId: number): number {
  if (charsetOfCollationId(handshakeId) === cs && (cs !== 'utf8mb4' || isUtf8Collation(handshakeId))) return handshakeId;
  switch (cs) {
    case 'utf8mb4':
      return Charset.UTF8MB4_0900_AI_CI;
    case 'utf8mb3':
      return Charset.UTF8MB3_GENERAL_CI;
    case 'latin1':
      return Charset.LATIN1_SWEDISH_CI;
    case 'ascii':
      return Charset.ASCII_GENERAL_CI;
    case 'binary':
      return Charset.BINARY;
  }
}

/** Bytes one character takes at most in charset cs (column lengths in result metadata). */
export function maxBytesPerChar(cs: CharsetName): number {
  return cs === 'utf8mb4' ? 4 : cs === 'utf8mb3' ? 3 : 1;
}

/** Collation ids whose character set is utf8mb4 or utf8mb3: our text is UTF-8, so we may echo these back. */
export function isUtf8Collation(id: number): boolean {
  return (
    id === 33 || id === 45 || id === 46 || id === 76 || id === 83 ||
    (id >= 192 && id <= 215) || (id >= 223 && id <= 247) || (id >= 255 && id <= 323)
  );
}

/** Packet header bytes of replies. */
export const Header = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  LOCAL_INFILE: 0xfb,
  EOF: 0xfe,
  ERR: 0xff,
} as const;

export const MAX_PACKET_PAYLOAD = 0xffffff;
export const DEFAULT_MAX_ALLOWED_PACKET = 64 * 1024 * 1024;

export const AuthPlugin = {
  NATIVE: 'mysql_native_password',
  CACHING_SHA2: 'caching_sha2_password',
} as const;

export type AuthPluginName = (typeof AuthPlugin)[keyof typeof AuthPlugin];

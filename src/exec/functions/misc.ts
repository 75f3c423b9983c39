/**
 * Miscellaneous functions: server info, UUID, INET and bit counting (JSON is in json.ts).
 * CONNECTION_ID, DATABASE and USER are resolved by the planner from the session.
 */
import { randomBytes } from 'node:crypto';
import { toInteger } from '../../common/cast.js';
import type { ScalarFunction } from './types.js';
import { BIGINT, INT, def, str, varchar } from './util.js';

let serverVersion = '8.0.32';

/** The string VERSION() returns; the server sets it at startup. */
export function setServerVersion(v: string): void {
  serverVersion = v;
}

const version = def({ name: 'VERSION', min: 0, max: 0, ret: varchar(64), eval: () => serverVersion });

/** MySQL UUID(): version 1 layout (time-based; a random node since there is no MAC to read). */
let uuidNode: string | null = null;
let uuidClockSeq = 0;
let lastUuidTime = 0n;
export function uuidV1(): string {
  if (!uuidNode) {
    const n = randomBytes(8);
    n[0] = n[0]! | 0x01; // multicast bit marks a random node id
    uuidNode = n.subarray(0, 6).toString('hex');
    uuidClockSeq = n.readUInt16BE(6) & 0x3fff;
  }
  // 100 ns intervals since 1582-10-15.
  let t = BigInt(Date.now()) * 10000n + 0x01b21dd213814000n;
  if (t <= lastUuidTime) t = lastUuidTime + 1n;
  lastUuidTime = t;
  const hex = t.toString(16).padStart(16, '0');
  const timeLow = hex.slice(8);
  const timeMid = hex.slice(4, 8);
  const timeHi = '1' + hex.slice(1, 4);
  const seq = (0x8000 | uuidClockSeq).toString(16);
  return `${timeLow}-${timeMid}-${timeHi}-${seq}-${uuidNode}`;
}

const uuid = def({ name: 'UUID', min: 0, max: 0, deterministic: false, ret: varchar(36), eval: () => uuidV1() });

/**
 * LAST_INSERT_ID(expr) (the binder names it LAST_INSERT_ID_SET): returns expr as BIGINT UNSIGNED
 * and makes it what LAST_INSERT_ID() returns from then on; NULL returns NULL and sets 0.
 */
const lastInsertIdSet = def({
  name: 'LAST_INSERT_ID_SET', min: 1, max: 1, nullIfAnyNull: false, deterministic: false, ret: { kind: 'int', bytes: 8, unsigned: true },
  eval: ([v], [t], ctx) => {
    const id = v === null ? 0 : toInteger(v, t!, true, (code, message) => ctx.warn(code, message)) ?? 0;
    ctx.setLastInsertId?.(id);
    return v === null ? null : id;
  },
});

const isnull = def({
  name: 'ISNULL', min: 1, max: 1, nullIfAnyNull: false, ret: INT,
  eval: ([v]) => (v === null ? 1 : 0),
});

/** INET_ATON with MySQL's short forms ('127.1' = 127.0.0.1); null when malformed. */
export function inetAton(s: string): number | null {
  if (!/^\d+(\.\d+){0,3}$/.test(s)) return null;
  const parts = s.split('.').map(Number);
  if (parts.some((p) => p > 255)) return null;
  let v = 0;
  for (const p of parts) v = v * 256 + p;
  // Short forms put the last number in the lowest byte: '127.1' → 127.0.0.1.
  if (parts.length < 4 && parts.length > 1) {
    const last = parts[parts.length - 1]!;
    v = 0;
    for (let i = 0; i < parts.length - 1; i++) v = v * 256 + parts[i]!;
    v = v * 256 ** (4 - parts.length + 1) + last;
  }
  return v;
}

const inetAtonFn = def({
  name: 'INET_ATON', min: 1, max: 1, ret: { kind: 'int', bytes: 8, unsigned: true },
  eval: ([v], [t]) => inetAton(str(v!, t!)),
});

const inetNtoa = def({
  name: 'INET_NTOA', min: 1, max: 1, ret: varchar(15),
  eval: ([v], [t]) => {
    const n = toInteger(v!, t!, false);
    if (n === null) return null;
    const b = BigInt(n);
    if (b < 0n || b > 0xffffffffn) return null;
    const x = Number(b);
    return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
  },
});

const bitCount = def({
  name: 'BIT_COUNT', min: 1, max: 1, ret: BIGINT,
  eval: ([v], [t]) => {
    const n = toInteger(v!, t!, false);
    let b = BigInt.asUintN(64, BigInt(n ?? 0));
    let c = 0;
    while (b) {
      c += Number(b & 1n);
      b >>= 1n;
    }
    return c;
  },
});

export const miscFunctions: readonly ScalarFunction[] = [
  version, uuid, lastInsertIdSet, isnull, inetAtonFn, inetNtoa, bitCount,
];

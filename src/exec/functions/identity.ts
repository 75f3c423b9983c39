/**
 * UUID helpers (UUID_SHORT, UUID_TO_BIN / BIN_TO_UUID with MySQL's swap flag, IS_UUID),
 * CHARSET / COLLATION of an expression's type, and CONVERT_TZ with named zones from the
 * system's tz database (through Intl, which reads the same IANA data MySQL's tz tables load).
 */
import { SqlError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { toDateTimeParts } from '../../common/cast.js';
import { epochMicros, formatDatetime, partsFromEpochMicros } from '../../common/datetime.js';
import type { ScalarFunction } from './types.js';
import { INT, bytes, datetime, def, intArg, str, varchar } from './util.js';

// ---------------------------------------------------------------- UUIDs

const UUID_FORMS = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
];

/** The 32 hex digits of a UUID in one of MySQL's three spellings, or null. */
export function uuidHex(s: string): string | null {
  for (const re of UUID_FORMS) {
    const m = re.exec(s);
    if (m) return m.slice(1).join('').toLowerCase();
  }
  return null;
}

/** With swap, time-high and time-low trade places so time-ordered UUIDs index well. */
export function uuidToBin(hex: string, swap: boolean): Uint8Array {
  const b = Buffer.from(hex, 'hex');
  if (!swap) return new Uint8Array(b);
  return new Uint8Array(Buffer.concat([b.subarray(6, 8), b.subarray(4, 6), b.subarray(0, 4), b.subarray(8)]));
}

export function binToUuid(b: Uint8Array, swap: boolean): string {
  const x = Buffer.from(b);
  const raw = swap ? Buffer.concat([x.subarray(4, 8), x.subarray(2, 4), x.subarray(0, 2), x.subarray(8)]) : x;
  const h = raw.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function swapArg(args: readonly Value[], types: readonly SqlType[]): boolean {
  return args.length > 1 && args[1] !== null && intArg(args[1]!, types[1]!) !== 0;
}

const uuidToBinFn = def({
  name: 'UUID_TO_BIN', min: 1, max: 2, nullIfAnyNull: false, ret: varchar(16, true),
  eval: (args, types) => {
    if (args[0] === null) return null;
    const s = str(args[0], types[0]!);
    const hex = uuidHex(s);
    if (hex === null) throw new SqlError('ER_WRONG_VALUE_FOR_TYPE', `Incorrect string value: '${s}' for function uuid_to_bin`);
    return uuidToBin(hex, swapArg(args, types));
  },
});

const binToUuidFn = def({
  name: 'BIN_TO_UUID', min: 1, max: 2, nullIfAnyNull: false, ret: varchar(36),
  eval: (args, types) => {
    if (args[0] === null) return null;
    const b = bytes(args[0], types[0]!);
    if (b.length !== 16) {
      throw new SqlError('ER_WRONG_VALUE_FOR_TYPE', `Incorrect string value: '${Buffer.from(b).toString('latin1')}' for function bin_to_uuid`);
    }
    return binToUuid(b, swapArg(args, types));
  },
});

const isUuid = def({
  name: 'IS_UUID', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => (uuidHex(str(v!, t!)) === null ? 0 : 1),
});

/** UUID_SHORT: (server_id & 255) << 56 | startup seconds << 24, then one more per call. */
let uuidShortNext = (BigInt(Math.floor(Date.now() / 1000)) & 0xffffffffn) << 24n;
const uuidShort = def({
  name: 'UUID_SHORT', min: 0, max: 0, deterministic: false, ret: { kind: 'int', bytes: 8, unsigned: true },
  eval: () => {
    const v = uuidShortNext;
    uuidShortNext = (uuidShortNext + 1n) & ((1n << 64n) - 1n);
    return v;
  },
});

// ---------------------------------------------------------------- character sets

/** Tessera's character strings are utf8mb4 in its default collation; everything else is binary. */
function isCharacterType(t: SqlType): boolean {
  return (t.kind === 'string' && !t.binary) || t.kind === 'enum' || t.kind === 'json';
}

const charsetFn = def({
  name: 'CHARSET', min: 1, max: 1, nullIfAnyNull: false, ret: varchar(64),
  eval: (_args, [t]) => (isCharacterType(t!) ? 'utf8mb4' : 'binary'),
});

const collationFn = def({
  name: 'COLLATION', min: 1, max: 1, nullIfAnyNull: false, ret: varchar(64),
  eval: (_args, [t]) => (t!.kind === 'json' ? 'utf8mb4_bin' : isCharacterType(t!) ? 'utf8mb4_general_ci' : 'binary'),
});

// ---------------------------------------------------------------- time zones

const OFFSET = /^([+-])(\d{1,2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  const key = zone.toLowerCase();
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      f = null; // not a zone the tz database knows
    }
    if (formatters.size > 512) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** A zone's offset from UTC in seconds at a UTC instant (ms). */
function zoneOffsetAt(f: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 1000);
}

type Zone = { readonly fixed: number } | { readonly named: Intl.DateTimeFormat };

/** '+hh:mm', 'SYSTEM' (UTC here, as the server's zone), or a tz database name; null if unknown. */
function zoneOf(name: string): Zone | null {
  const m = OFFSET.exec(name.trim());
  if (m) {
    const secs = (Number(m[2]) * 60 + Number(m[3])) * 60 * (m[1] === '-' ? -1 : 1);
    // MySQL accepts -12:59 … +13:00 (8.0.19+: up to +14:00).
    if (Number(m[3]) > 59 || secs < -(12 * 3600 + 59 * 60) || secs > 14 * 3600) return null;
    return { fixed: secs };
  }
  if (name.toUpperCase() === 'SYSTEM') return { fixed: 0 };
  const f = formatterFor(name);
  return f ? { named: f } : null;
}

/**
 * UTC microseconds of a local time in the zone, as MySQL's tz code reads one: a time that
 * occurs twice (clocks going back) is its earlier instant; a time that never occurs (the gap
 * when clocks go forward) is the instant of that change.
 */
function toUtc(localUs: bigint, z: Zone): bigint {
  if ('fixed' in z) return localUs - BigInt(z.fixed) * 1_000_000n;
  const f = z.named;
  const localMs = Number(localUs / 1000n);
  const day = 86_400_000;
  const offsets = [...new Set([zoneOffsetAt(f, localMs - day), zoneOffsetAt(f, localMs), zoneOffsetAt(f, localMs + day)])];
  let best: number | null = null;
  for (const off of offsets) {
    const utc = localMs - off * 1000;
    if (zoneOffsetAt(f, utc) === off && (best === null || utc < best)) best = utc;
  }
  if (best === null) {
    // In a gap: search the second at which the later offset starts.
    const lo0 = Math.min(...offsets.map((o) => localMs - o * 1000));
    const hi0 = Math.max(...offsets.map((o) => localMs - o * 1000));
    const before = zoneOffsetAt(f, lo0 - 1000);
    let lo = Math.floor(lo0 / 1000);
    let hi = Math.ceil(hi0 / 1000);
    for (let k = 0; k < 64 && lo < hi; k++) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoneOffsetAt(f, mid * 1000) === before) lo = mid + 1;
      else hi = mid;
    }
    return BigInt(lo) * 1_000_000n;
  }
  return BigInt(best) * 1000n + (localUs % 1000n);
}

function fromUtc(utcUs: bigint, z: Zone): bigint {
  if ('fixed' in z) return utcUs + BigInt(z.fixed) * 1_000_000n;
  return utcUs + BigInt(zoneOffsetAt(z.named, Number(utcUs / 1000n))) * 1_000_000n;
}

/** TIMESTAMP's range: outside it MySQL's CONVERT_TZ returns the value unchanged. */
const MAX_TS_US = 2_147_483_647_999_999n;

function fspOfArg(t: SqlType): number {
  return t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time' ? t.fsp : t.kind === 'string' ? 6 : 0;
}

const convertTz = def({
  name: 'CONVERT_TZ', min: 3, max: 3, ret: (a) => datetime(fspOfArg(a[0]!)),
  eval: ([v, from, to], [t, tf, tt]) => {
    const parsed = toDateTimeParts(v!, t!);
    if (!parsed || parsed.parts.year === 0 || parsed.parts.month === 0 || parsed.parts.day === 0) return null;
    const zf = zoneOf(str(from!, tf!));
    const zt = zoneOf(str(to!, tt!));
    if (!zf || !zt) return null;
    // A string keeps the fraction digits it was written with ('12:00:00' stays without).
    const fsp = t!.kind === 'string' ? Math.min(6, parsed.fracDigits) : fspOfArg(t!);
    const utc = toUtc(epochMicros(parsed.parts), zf);
    if (utc < 0n || utc > MAX_TS_US) return formatDatetime(parsed.parts, fsp);
    const out = partsFromEpochMicros(fromUtc(utc, zt));
    return out ? formatDatetime(out, fsp) : null;
  },
});

export const identityFunctions: readonly ScalarFunction[] = [
  uuidToBinFn, binToUuidFn, isUuid, uuidShort, charsetFn, collationFn, convertTz,
];

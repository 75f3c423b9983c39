/**
 * Miscellaneous functions: server info, UUID, INET, bit counting and basic JSON.
 * CONNECTION_ID, DATABASE and USER are resolved by the planner from the session.
 */
import { randomBytes } from 'node:crypto';
import { Decimal } from '../../common/decimal.js';
import { SqlError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import type { Value } from '../../common/value.js';
import { doubleToString, isValidJson, toInteger } from '../../common/cast.js';
import type { ScalarFunction } from './types.js';
import { BIGINT, INT, JSON_T, LONGTEXT, def, str, varchar } from './util.js';

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

// ---------------------------------------------------------------- JSON

/** JSON text in MySQL's layout: ', ' between items and ': ' after keys. */
export function jsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : doubleToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(jsonText).join(', ') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).map((k) => JSON.stringify(k) + ': ' + jsonText(o[k])).join(', ') + '}';
}

/** A SQL value as a JSON value (JSON-typed arguments are embedded, not quoted). */
function toJsonValue(v: Value, t: SqlType): unknown {
  if (v === null) return null;
  if (t.kind === 'json') return JSON.parse(v as string);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  return str(v, t);
}

type PathStep = { key: string } | { index: number } | { wildcard: 'key' | 'index' };

function parsePath(p: string): PathStep[] {
  const s = p.trim();
  if (s[0] !== '$') throw new SqlError('ER_INVALID_JSON_PATH', `Invalid JSON path expression. The error is around character position 1.`);
  const steps: PathStep[] = [];
  let i = 1;
  const fail = () => new SqlError('ER_INVALID_JSON_PATH', `Invalid JSON path expression. The error is around character position ${i + 1}.`);
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      if (s[i] === '*') {
        steps.push({ wildcard: 'key' });
        i++;
      } else if (s[i] === '"') {
        const end = s.indexOf('"', i + 1);
        if (end < 0) throw fail();
        steps.push({ key: s.slice(i + 1, end) });
        i = end + 1;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(s.slice(i));
        if (!m) throw fail();
        steps.push({ key: m[0] });
        i += m[0].length;
      }
    } else if (s[i] === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw fail();
      const inner = s.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ wildcard: 'index' });
      else if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else throw fail();
      i = end + 1;
    } else if (/\s/.test(s[i]!)) i++;
    else throw fail();
  }
  return steps;
}

function walk(doc: unknown, steps: PathStep[], at: number, out: unknown[]): void {
  if (at === steps.length) {
    out.push(doc);
    return;
  }
  const st = steps[at]!;
  if ('key' in st) {
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && Object.prototype.hasOwnProperty.call(doc, st.key)) {
      walk((doc as Record<string, unknown>)[st.key], steps, at + 1, out);
    }
  } else if ('index' in st) {
    if (Array.isArray(doc)) {
      if (st.index < doc.length) walk(doc[st.index], steps, at + 1, out);
    } else if (st.index === 0) walk(doc, steps, at + 1, out); // a scalar is its own [0]
  } else if (st.wildcard === 'key') {
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) for (const k of Object.keys(doc)) walk((doc as Record<string, unknown>)[k], steps, at + 1, out);
  } else if (Array.isArray(doc)) for (const d of doc) walk(d, steps, at + 1, out);
}

function parseDoc(v: Value, t: SqlType, fn: string): unknown {
  const s = str(v, t);
  try {
    return JSON.parse(s);
  } catch {
    throw new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', `Invalid JSON text in argument 1 to function ${fn}: "Invalid value." at position 0.`);
  }
}

const jsonExtract = def({
  name: 'JSON_EXTRACT', min: 2, max: Infinity, ret: JSON_T,
  eval: (args, types) => {
    const doc = parseDoc(args[0]!, types[0]!, 'json_extract');
    const found: unknown[] = [];
    let wild = args.length > 2;
    for (let i = 1; i < args.length; i++) {
      const steps = parsePath(str(args[i]!, types[i]!));
      if (steps.some((s) => 'wildcard' in s)) wild = true;
      walk(doc, steps, 0, found);
    }
    if (found.length === 0) return null;
    return wild ? jsonText(found) : jsonText(found[0]);
  },
});

/** JSON_UNQUOTE: a JSON string literal loses its quotes and escapes; anything else is returned as is. */
export function jsonUnquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"') {
    try {
      const v: unknown = JSON.parse(s);
      if (typeof v === 'string') return v;
    } catch {
      return s;
    }
  }
  return s;
}

const jsonUnquoteFn = def({
  name: 'JSON_UNQUOTE', min: 1, max: 1, ret: LONGTEXT,
  eval: ([v], [t]) => jsonUnquote(str(v!, t!)),
});

const jsonObject = def({
  name: 'JSON_OBJECT', min: 0, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => {
    if (args.length % 2 !== 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', "Incorrect parameter count in the call to native function 'json_object'");
    const o: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) {
      if (args[i] === null) throw new SqlError('ER_WRONG_ARGUMENTS', 'JSON documents may not contain NULL member names.');
      o[str(args[i]!, types[i]!)] = toJsonValue(args[i + 1]!, types[i + 1]!);
    }
    return jsonText(o);
  },
});

const jsonArray = def({
  name: 'JSON_ARRAY', min: 0, max: Infinity, nullIfAnyNull: false, ret: JSON_T,
  eval: (args, types) => jsonText(args.map((v, i) => toJsonValue(v, types[i]!))),
});

const jsonValid = def({
  name: 'JSON_VALID', min: 1, max: 1, ret: INT,
  eval: ([v], [t]) => (t!.kind === 'json' ? 1 : typeof v === 'string' || v instanceof Uint8Array ? (isValidJson(str(v, t!)) ? 1 : 0) : 1),
});

export const miscFunctions: readonly ScalarFunction[] = [
  version, uuid, lastInsertIdSet, isnull, inetAtonFn, inetNtoa, bitCount, jsonExtract, jsonUnquoteFn, jsonObject, jsonArray, jsonValid,
];

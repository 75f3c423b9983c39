/**
 * Text-protocol rendering: the exact text a MySQL result row shows for a value of a column type.
 */
import { Decimal } from './decimal.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';
import { doubleToString, fixedDoubleToString, floatToString, stringToBytes, toStringValue } from './cast.js';

/** The text (or bytes, for binary strings) MySQL sends for v in a column of type t; null for NULL. */
export function formatForClient(v: Value, type: SqlType): string | Uint8Array | null {
  if (v === null) return null;
  switch (type.kind) {
    case 'int':
      return typeof v === 'number' ? String(v) : typeof v === 'bigint' ? v.toString() : toStringValue(v, type);
    case 'year':
      return typeof v === 'number' ? String(v).padStart(4, '0') : toStringValue(v, type);
    case 'decimal':
      if (v instanceof Decimal) return v.scale === type.scale ? v.toString() : v.round(type.scale).toString();
      return toStringValue(v, type);
    case 'double':
      if (typeof v !== 'number') return toStringValue(v, type);
      return type.decimals === undefined ? doubleToString(v) : fixedDoubleToString(v, type.decimals);
    case 'float':
      return typeof v === 'number' ? floatToString(v) : toStringValue(v, type);
    case 'string':
      if (type.binary) return v instanceof Uint8Array ? v : stringToBytes(toStringValue(v, type)!);
      return toStringValue(v, type);
    case 'date': case 'datetime': case 'timestamp': case 'time': case 'json': case 'enum':
      return typeof v === 'string' ? v : toStringValue(v, type);
    case 'null':
      return null;
  }
}

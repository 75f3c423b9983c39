import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import { Decimal } from '../common/decimal.js';
import { collationKey } from '../common/collation.js';

/**
 * Shard-key hashing: which partition a row belongs to. The aggregator (routing) and the
 * loaders must agree forever, so the normal form of each value is fixed here: integers and
 * decimals by their exact decimal text (so 5, 5n and 5.00 hash alike), strings by collation key.
 */
function normalForm(v: Value, type: SqlType): string {
  if (v === null) return '\u0000N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Decimal) return decimalNormal(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (type.kind === 'string' && type.binary) return v;
  if (type.kind === 'string' || type.kind === 'enum') return collationKey(v);
  return v;
}

function decimalNormal(d: Decimal): string {
  if (d.scale === 0) return d.unscaled.toString();
  let u = d.unscaled;
  let s = d.scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  if (s === 0) return u.toString();
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(s + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
}

/** FNV-1a over UTF-16 code units, 32 bits. */
function fnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function partitionOf(values: readonly Value[], types: readonly SqlType[], partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) {
    h = fnv1a(normalForm(values[i]!, types[i]!), h);
    h = fnv1a('\u0001', h);
  }
  // a final avalanche so consecutive integers spread evenly
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % partitions;
}

import type * as A from '../sql/ast.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { BoundExpr } from '../common/ir/expr.js';
import { Decimal } from '../common/decimal.js';
import { assertNever } from '../common/assert.js';
import { decodeText, encodeUtf8, utf8ByteLength } from '../common/charset.js';
import { hexLiteralNumber, isHexHybrid } from '../common/cast.js';
import { BIGINT, NULL_TYPE, UBIGINT, varchar } from './typing.js';

const MAX_SIGNED = (1n << 63n) - 1n;
const MAX_UNSIGNED = (1n << 64n) - 1n;

/** The runtime value of a literal token. */
export function literalValue(lit: A.Literal): Value {
  switch (lit.type) {
    case 'null':
      return null;
    case 'bool':
      return lit.value ? 1 : 0;
    case 'int': {
      const n = Number(lit.text);
      if (Number.isSafeInteger(n)) return n;
      const b = BigInt(lit.text);
      return b <= MAX_UNSIGNED ? b : decimalFromText(lit.text);
    }
    case 'decimal':
      return decimalFromText(lit.text);
    case 'double':
      return Number(lit.text);
    case 'string':
      return introducedString(lit.value, lit.charset);
    case 'hex': {
      const hex = lit.hex.length % 2 ? `0${lit.hex}` : lit.hex;
      return new Uint8Array(Buffer.from(hex, 'hex'));
    }
    case 'bit': {
      if (lit.bits === '') return new Uint8Array(0); // b'' is the empty string
      const bits = lit.bits.replace(/^0+/, '') || '0';
      let n = BigInt(`0b${bits}`);
      const bytes: number[] = [];
      do {
        bytes.unshift(Number(n & 0xffn));
        n >>= 8n;
      } while (n > 0n);
      return new Uint8Array(bytes);
    }
    case 'temporal':
      return lit.text;
    default:
      return assertNever(lit, 'literal');
  }
}

/**
 * A string literal's value. Its text is what the query's bytes decoded to, invalid UTF-8 kept
 * (common/charset.ts), so `_binary'…'` gets back exactly the bytes the client sent and
 * `_latin1'…'` reads those bytes as latin1. Other introducers keep the text.
 */
function introducedString(text: string, charset: string | undefined): Value {
  switch (charset?.toLowerCase()) {
    case 'binary':
      return new Uint8Array(encodeUtf8(text));
    case 'latin1':
      return decodeText(encodeUtf8(text), 'latin1');
    default:
      return text;
  }
}

function decimalFromText(text: string): Decimal {
  const [intPart, frac = ''] = text.split('.');
  return new Decimal(BigInt(`${intPart || '0'}${frac}`), frac.length);
}

export function literalType(lit: A.Literal): SqlType {
  switch (lit.type) {
    case 'null':
      return NULL_TYPE;
    case 'bool':
      return { kind: 'int', bytes: 1, unsigned: false, display: 1 };
    case 'int': {
      const v = literalValue(lit);
      if (v instanceof Decimal) return { kind: 'decimal', precision: Math.min(65, lit.text.length), scale: 0 };
      if (typeof v === 'bigint' && v > MAX_SIGNED) return UBIGINT;
      // Small literals are INT, as MariaDB types them (clients map INT to a JS number).
      return typeof v === 'number' && v <= 2147483647 ? { kind: 'int', bytes: 4, unsigned: false } : BIGINT;
    }
    case 'decimal': {
      const [i = '', f = ''] = lit.text.split('.');
      const intDigits = i.replace(/^0+/, '').length;
      return { kind: 'decimal', precision: Math.min(65, Math.max(1, intDigits + f.length)), scale: Math.min(30, f.length) };
    }
    case 'double':
      return { kind: 'double' };
    case 'string':
      return lit.charset?.toLowerCase() === 'binary'
        ? { kind: 'string', family: 'varchar', length: utf8ByteLength(lit.value), binary: true }
        : varchar(Math.max(lit.value.length, 0));
    case 'hex':
      return { kind: 'string', family: 'varchar', length: Math.ceil(lit.hex.length / 2), binary: true, hexHybrid: true };
    case 'bit':
      return { kind: 'string', family: 'varchar', length: Math.ceil(lit.bits.length / 8), binary: true, hexHybrid: true };
    case 'temporal':
      switch (lit.temporal) {
        case 'date':
          return { kind: 'date' };
        case 'time':
          return { kind: 'time', fsp: fractionDigits(lit.text) };
        case 'timestamp':
          return { kind: 'datetime', fsp: fractionDigits(lit.text) };
        default:
          return assertNever(lit.temporal, 'temporal literal');
      }
    default:
      return assertNever(lit, 'literal');
  }
}

function fractionDigits(text: string): number {
  const m = /\.(\d+)/.exec(text);
  return m ? Math.min(6, m[1]!.length) : 0;
}

/**
 * A literal in an expression. Integers within BIGINT and plain strings stay parameters of the
 * cached plan (slots); literals whose value decides the type (decimals, doubles, huge ints,
 * binary strings, temporals) are baked into the plan.
 */
export function bindLiteral(e: A.Expr & { kind: 'literal' }, baked: Set<number>): BoundExpr {
  const lit = e.value;
  const type = literalType(lit);
  const parameterizable =
    e.slot >= 0 &&
    !baked.has(e.slot) &&
    ((lit.type === 'int' && type.kind === 'int' && !type.unsigned) || (lit.type === 'string' && lit.charset === undefined));
  if (parameterizable) {
    // A string slot is typed by its own length; column metadata of a cached plan keeps the first one's.
    return { kind: 'slot', slot: e.slot, type: lit.type === 'string' ? varchar(65535) : BIGINT };
  }
  if (e.slot >= 0) baked.add(e.slot);
  return { kind: 'const', value: literalValue(lit), type };
}

/**
 * A hex or bit literal where a number is wanted (arithmetic, unary minus, comparison with a
 * number): its bytes as a BIGINT UNSIGNED constant, as MySQL reads 0xFF + 0 = 255. Anything
 * else is returned as it is; a hex literal elsewhere stays a binary string.
 */
export function hexLiteralAsNumber(e: BoundExpr): BoundExpr {
  if (e.kind !== 'const' || !(e.value instanceof Uint8Array) || !isHexHybrid(e.type)) return e;
  return { kind: 'const', value: hexLiteralNumber(e.value), type: UBIGINT };
}

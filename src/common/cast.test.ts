import { describe, it, expect } from 'vitest';
import { Decimal } from './decimal.js';
import { SqlError } from './errors.js';
import type { SqlType } from './types.js';
import type { Value } from './value.js';
import {
  castToType, castValue, doubleToString, floatToString, toBoolean, toDecimal, toDouble, toInteger, toStringValue,
  type WarnFn,
} from './cast.js';

const VC: SqlType = { kind: 'string', family: 'varchar', length: 255, binary: false };
const INT: SqlType = { kind: 'int', bytes: 4, unsigned: false };
const BIGINT: SqlType = { kind: 'int', bytes: 8, unsigned: false };
const UTINY: SqlType = { kind: 'int', bytes: 1, unsigned: true };
const DEC52: SqlType = { kind: 'decimal', precision: 5, scale: 2 };
const DOUBLE: SqlType = { kind: 'double' };

function collect(): { warn: WarnFn; list: string[] } {
  const list: string[] = [];
  return { list, warn: (code, msg) => list.push(`${code}: ${msg}`) };
}

const store = (v: Value, from: SqlType, to: SqlType, mode: 'strict' | 'lenient' = 'lenient') => {
  const w = collect();
  const value = castToType(v, from, to, mode, { column: 'c', row: 1, warn: w.warn });
  return { value, warnings: w.list };
};

describe('doubles as text', () => {
  it('prints like MySQL/MariaDB', () => {
    expect(doubleToString(1e20)).toBe('1e20');
    expect(doubleToString(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(doubleToString(1e14)).toBe('100000000000000');
    expect(doubleToString(1e15)).toBe('1e15');
    expect(doubleToString(1234567890123456789)).toBe('1.2345678901234568e18');
    expect(doubleToString(1e-15)).toBe('0.000000000000001');
    expect(doubleToString(1e-16)).toBe('1e-16');
    expect(doubleToString(-1.5e-7)).toBe('-0.00000015');
    expect(doubleToString(1.234e-20)).toBe('1.234e-20');
    expect(doubleToString(999999999999999.9)).toBe('999999999999999.9');
    expect(doubleToString(10)).toBe('10');
  });

  it('prints FLOAT with 6 significant digits', () => {
    expect(floatToString(Math.fround(1.23456789))).toBe('1.23457');
    expect(floatToString(Math.fround(3.14))).toBe('3.14');
    expect(floatToString(Math.fround(123456789))).toBe('123457000');
    expect(floatToString(Math.fround(0.000012345678))).toBe('0.0000123457');
    expect(floatToString(Math.fround(1e20))).toBe('1e20');
  });
});

describe('value conversions', () => {
  it('reads strings by numeric prefix with a warning', () => {
    const w = collect();
    expect(toDouble('12abc', VC, w.warn)).toBe(12);
    expect(toDouble('abc', VC, w.warn)).toBe(0);
    expect(toDouble(' 1e3', VC, w.warn)).toBe(1000);
    expect(w.list).toEqual([
      "ER_TRUNCATED_WRONG_VALUE: Truncated incorrect DOUBLE value: '12abc'",
      "ER_TRUNCATED_WRONG_VALUE: Truncated incorrect DOUBLE value: 'abc'",
    ]);
  });

  it('CAST AS SIGNED/UNSIGNED as MySQL', () => {
    expect(toInteger('12.7', VC, false)).toBe(12);
    expect(toInteger(' 12abc', VC, false)).toBe(12);
    expect(toInteger('abc', VC, false)).toBe(0);
    expect(toInteger(Decimal.parse('12.5')!, DEC52, false)).toBe(13);
    expect(toInteger(Decimal.parse('-12.5')!, DEC52, false)).toBe(-13);
    expect(toInteger(-2.5, DOUBLE, false)).toBe(-3);
    expect(toInteger(-1, INT, true)).toBe(18446744073709551615n);
    expect(toInteger('-5', VC, true)).toBe(18446744073709551611n);
    expect(toInteger(1.5e19, DOUBLE, false)).toBe(9223372036854775807n);
    expect(toInteger(1.5e19, DOUBLE, true)).toBe(15000000000000000000n);
    expect(toInteger(18446744073709551615n, { kind: 'int', bytes: 8, unsigned: true }, false)).toBe(-1);
    expect(toInteger('99999999999999999999', VC, false)).toBe(-1); // MariaDB saturates then reads signed
  });

  it('keeps decimals exact and temporals numeric', () => {
    expect(toDecimal('0.1', VC)!.add(toDecimal('0.2', VC)!).toString()).toBe('0.3');
    expect(toDecimal('2024-01-02', { kind: 'date' })!.toString()).toBe('20240102');
    expect(toDouble('2024-01-02 03:04:05', { kind: 'datetime', fsp: 0 })).toBe(20240102030405);
    expect(toDecimal(0.1, DOUBLE)!.toString()).toBe('0.1');
  });

  it('truthiness', () => {
    expect(toBoolean(null, INT)).toBeNull();
    expect(toBoolean(0, INT)).toBe(false);
    expect(toBoolean('0.0', VC)).toBe(false);
    expect(toBoolean('1abc', VC)).toBe(true);
    expect(toBoolean(new Decimal(0n, 2), DEC52)).toBe(false);
  });

  it('shows values as MySQL text', () => {
    expect(toStringValue(1e20, DOUBLE)).toBe('1e20');
    expect(toStringValue(new Decimal(500n, 2), DEC52)).toBe('5.00');
    expect(toStringValue(2n ** 63n, BIGINT)).toBe('9223372036854775808');
    expect(toStringValue(new Uint8Array([0x61, 0x62]), { kind: 'string', family: 'varchar', length: 2, binary: true })).toBe('ab');
  });
});

describe('castToType (storing into columns)', () => {
  it('rounds strings into ints and clips out-of-range values in lenient mode', () => {
    expect(store('12.7', VC, INT).value).toBe(13);
    expect(store('1e3', VC, INT).value).toBe(1000);
    expect(store(300, INT, UTINY)).toEqual({ value: 255, warnings: ["ER_WARN_DATA_OUT_OF_RANGE: Out of range value for column 'c' at row 1"] });
    expect(store(-1, INT, UTINY).value).toBe(0);
    expect(store('12abc', VC, INT)).toEqual({ value: 12, warnings: ["ER_WARN_DATA_TRUNCATED: Data truncated for column 'c' at row 1"] });
    expect(store(2.5, DOUBLE, INT).value).toBe(3);
  });

  it('throws the MySQL errors in strict mode', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof SqlError ? `${e.errno} ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(err(() => store(300, INT, UTINY, 'strict'))).toBe("1264 Out of range value for column 'c' at row 1");
    expect(err(() => store('abc', VC, INT, 'strict'))).toBe("1366 Incorrect integer value: 'abc' for column 'c' at row 1");
    expect(err(() => store('abcd', VC, { kind: 'string', family: 'varchar', length: 3, binary: false }, 'strict')))
      .toBe("1406 Data too long for column 'c' at row 1");
    expect(err(() => store('2024-02-30', VC, { kind: 'date' }, 'strict'))).toBe("1292 Incorrect date value: '2024-02-30' for column 'c' at row 1");
    expect(err(() => store(BigInt(2) ** 64n, { kind: 'int', bytes: 8, unsigned: true }, BIGINT, 'strict'))).toMatch(/^1264/);
  });

  it('rounds DECIMAL(p,s) half away from zero with a note, clips overflow', () => {
    expect(store(Decimal.parse('1.005')!, { kind: 'decimal', precision: 10, scale: 3 }, DEC52).value!.toString()).toBe('1.01');
    expect(store('-0.005', VC, DEC52).value!.toString()).toBe('-0.01');
    expect(store(1234.567, DOUBLE, DEC52).value!.toString()).toBe('999.99');
    expect(store(5, INT, { kind: 'decimal', precision: 10, scale: 2 }).value!.toString()).toBe('5.00');
    expect(store(0.1, DOUBLE, { kind: 'decimal', precision: 10, scale: 2 }).value!.toString()).toBe('0.10');
  });

  it('counts characters, tolerates trailing spaces, trims CHAR', () => {
    const vc3: SqlType = { kind: 'string', family: 'varchar', length: 3, binary: false };
    expect(store('abcd', VC, vc3).value).toBe('abc');
    expect(store('日本語', VC, vc3).value).toBe('日本語');
    expect(store('ab   ', VC, vc3, 'strict').value).toBe('ab ');
    expect(store('a ', VC, { kind: 'string', family: 'char', length: 2, binary: false }).value).toBe('a');
    expect(store(12.5, DOUBLE, VC).value).toBe('12.5');
    const bin4: SqlType = { kind: 'string', family: 'char', length: 4, binary: true };
    expect(store('ab', VC, bin4).value).toEqual(new Uint8Array([0x61, 0x62, 0, 0]));
  });

  it('validates temporal values', () => {
    expect(store('2024-1-2 3:4:5', VC, { kind: 'datetime', fsp: 0 }).value).toBe('2024-01-02 03:04:05');
    expect(store(20240102, INT, { kind: 'date' }).value).toBe('2024-01-02');
    expect(store('2024-02-30', VC, { kind: 'date' }).value).toBe('0000-00-00');
    expect(store('1960-01-01', VC, { kind: 'timestamp', fsp: 0 }).value).toBe('0000-00-00 00:00:00');
    expect(store('12:30', VC, { kind: 'time', fsp: 0 }).value).toBe('12:30:00');
    expect(store('2024-01-02 03:04:05', { kind: 'datetime', fsp: 0 }, { kind: 'date' }).value).toBe('2024-01-02');
  });

  it('YEAR, ENUM and JSON', () => {
    const Y: SqlType = { kind: 'year' };
    expect(store(24, INT, Y).value).toBe(2024);
    expect(store(99, INT, Y).value).toBe(1999);
    expect(store('0', VC, Y).value).toBe(2000);
    expect(store(0, INT, Y).value).toBe(0);
    const E: SqlType = { kind: 'enum', values: ['small', 'Large'] };
    expect(store('LARGE', VC, E).value).toBe('Large');
    expect(store(1, INT, E).value).toBe('small');
    expect(store('huge', VC, E).value).toBe('');
    expect(() => store('{bad', VC, { kind: 'json' })).toThrow(SqlError);
    // MySQL stores the normalized document: a space after ':' and ',', keys in its order.
    expect(store('{"b":1,"a":[1,2]}', VC, { kind: 'json' }).value).toBe('{"a": [1, 2], "b": 1}');
  });
});

describe('CAST()', () => {
  it('warns and returns NULL or truncated values, never throws', () => {
    const w = collect();
    expect(castValue('2024-02-30', VC, { kind: 'date' }, w.warn)).toBeNull();
    expect(castValue('abcd', VC, { kind: 'string', family: 'varchar', length: 2, binary: false }, w.warn)).toBe('ab');
    expect(castValue(Decimal.parse('1234.5')!, DEC52, { kind: 'decimal', precision: 3, scale: 1 }, w.warn)!.toString()).toBe('99.9');
    expect(castValue(1.5, DOUBLE, { kind: 'decimal', precision: 5, scale: 2 }, w.warn)!.toString()).toBe('1.50');
    expect(castValue('2024-01-02 03:04:05.123456', VC, { kind: 'datetime', fsp: 2 }, w.warn)).toBe('2024-01-02 03:04:05.12');
    expect(castValue(123, INT, VC, w.warn)).toBe('123');
    expect(w.list.length).toBe(3);
  });
});

describe('TIME range on store', () => {
  it('clips with 1264 in lenient mode and errors 1292 in strict mode', () => {
    const T: SqlType = { kind: 'time', fsp: 0 };
    expect(store('900:00:00', VC, T)).toEqual({ value: '838:59:59', warnings: ["ER_WARN_DATA_OUT_OF_RANGE: Out of range value for column 'c' at row 1"] });
    expect(() => store('900:00:00', VC, T, 'strict')).toThrow("Incorrect time value: '900:00:00' for column 'c' at row 1");
  });
});

describe('hex and bit literals (hex hybrids)', () => {
  const HEX: SqlType = { kind: 'string', family: 'varchar', length: 1, binary: true, hexHybrid: true };
  const VB: SqlType = { kind: 'string', family: 'varchar', length: 10, binary: true };
  const UBIG: SqlType = { kind: 'int', bytes: 8, unsigned: true };
  it('read as BIGINT UNSIGNED in numeric context; a binary column value does not', () => {
    expect(toDouble(Uint8Array.of(0xff), HEX)).toBe(255);
    expect(toDecimal(Uint8Array.of(0x01, 0x00), HEX)!.toString()).toBe('256');
    expect(toInteger(new Uint8Array(8).fill(0xff), HEX, true)).toBe(18446744073709551615n);
    expect(toInteger(new Uint8Array(8).fill(0xff), HEX, false)).toBe(-1);
    expect(toBoolean(Uint8Array.of(1), HEX)).toBe(true);
    expect(toDouble(Uint8Array.of(0xff), VB)).toBe(0);
    // more than 8 bytes: the last 8, as MariaDB
    expect(toInteger(Buffer.from('123456789ABCDEF012', 'hex'), HEX, true)).toBe(3771334343958392850n);
  });
  it('store into numeric columns as their number', () => {
    expect(store(Uint8Array.of(0xff), HEX, UBIG, 'strict').value).toBe(255);
    expect(store(Uint8Array.of(0x0a), HEX, DEC52, 'strict').value).toEqual(Decimal.parse('10.00'));
    expect(store(Uint8Array.of(0xff), HEX, UTINY, 'strict').value).toBe(255);
  });
});

describe('bytes that are not UTF-8 (kept as escapes, common/charset.ts)', () => {
  const VB: SqlType = { kind: 'string', family: 'varchar', length: 10, binary: true };
  it('store into a binary column as exactly those bytes', () => {
    expect(Buffer.from(store('x\udcffy', VC, VB, 'strict').value as Uint8Array).toString('hex')).toBe('78ff79');
  });
  it('are refused by a character column in strict mode (1366) and read as ? otherwise', () => {
    let err: unknown;
    try {
      store('a\udcffb', VC, VC, 'strict');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).errno).toBe(1366);
    expect((err as SqlError).message).toBe("Incorrect string value: '\\xFFb' for column 'c' at row 1");
    expect(store('a\udcffb\udcfe\udcfdc', VC, VC)).toEqual({
      value: 'a?b??c',
      warnings: ["ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: Incorrect string value: '\\xFFb\\xFE\\xFDc' for column 'c' at row 1"],
    });
  });
  it('from a binary string into a character column: valid UTF-8 is its text, the rest 1366', () => {
    expect(store(Buffer.from('c3a9', 'hex'), VB, VC, 'strict').value).toBe('é');
    expect(() => store(Uint8Array.of(0xff), VB, VC, 'strict')).toThrow(/Incorrect string value: '\\xFF'/);
  });
  it('survive text conversions of binary strings', () => {
    expect(toStringValue(Uint8Array.of(0x61, 0xff), VB)).toBe('a\udcff');
  });
});

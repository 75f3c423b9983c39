import { describe, expect, it } from 'vitest';
import { MysqlType as M } from './constants.js';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import { StatementState, decodeExecute } from './prepared.js';
import { encodeUtf8 } from '../../common/charset.js';

/** Builds a COM_STMT_EXECUTE body after the statement id. */
function body(nullBitmap: number[], types: [number, number][] | null, values: Buffer[]): PacketReader {
  const parts: Buffer[] = [Buffer.from([0, 1, 0, 0, 0]), Buffer.from(nullBitmap)];
  if (types) {
    parts.push(Buffer.of(1));
    for (const [t, f] of types) parts.push(Buffer.of(t, f));
  } else {
    parts.push(Buffer.of(0));
  }
  parts.push(...values);
  return new PacketReader(Buffer.concat(parts));
}

const le = (bytes: number, v: number | bigint, signed = true): Buffer => {
  const b = Buffer.alloc(bytes);
  if (bytes === 8) {
    if (signed) b.writeBigInt64LE(BigInt(v));
    else b.writeBigUInt64LE(BigInt(v));
  } else if (signed) b.writeIntLE(Number(v), 0, bytes);
  else b.writeUIntLE(Number(v), 0, bytes);
  return b;
};
const lenenc = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([Buffer.of(b.length), b]);
};
const U = 0x80;

describe('COM_STMT_EXECUTE parameters', () => {
  it('decodes every binary type', () => {
    const f = Buffer.alloc(4);
    f.writeFloatLE(1.5);
    const d = Buffer.alloc(8);
    d.writeDoubleLE(-2.25);
    const cases: [number, number, Buffer, unknown][] = [
      [M.TINY, 0, le(1, -5), -5],
      [M.TINY, U, le(1, 250, false), 250],
      [M.SHORT, 0, le(2, -300), -300],
      [M.SHORT, U, le(2, 65535, false), 65535],
      [M.YEAR, 0, le(2, 2024), 2024],
      [M.INT24, 0, le(4, -70000), -70000],
      [M.LONG, 0, le(4, -2147483648), -2147483648],
      [M.LONG, U, le(4, 4294967295, false), 4294967295],
      [M.LONGLONG, 0, le(8, -42), -42],
      [M.LONGLONG, 0, le(8, -(2n ** 63n)), -(2n ** 63n)],
      [M.LONGLONG, U, le(8, 2n ** 64n - 1n, false), 2n ** 64n - 1n],
      [M.LONGLONG, U, le(8, 2n ** 63n + 5n, false), 2n ** 63n + 5n],
      [M.LONGLONG, U, le(8, 2 ** 53 - 1, false), 2 ** 53 - 1],
      [M.FLOAT, 0, f, 1.5],
      [M.DOUBLE, 0, d, -2.25],
      [M.NEWDECIMAL, 0, lenenc('12345678901234567890.123'), '12345678901234567890.123'],
      [M.DECIMAL, 0, lenenc('-1.5'), '-1.5'],
      [M.VAR_STRING, 0, lenenc('héllo'), 'héllo'],
      [M.STRING, 0, lenenc('x'), 'x'],
      [M.VARCHAR, 0, lenenc(''), ''],
      [M.JSON, 0, lenenc('{"a":1}'), '{"a":1}'],
      [M.BLOB, 0, lenenc(Buffer.of(0, 1, 255)), Buffer.of(0, 1, 255)],
      [M.LONG_BLOB, 0, lenenc(Buffer.of(9)), Buffer.of(9)],
      [M.DATE, 0, Buffer.of(4, 0xe8, 0x07, 2, 29), '2024-02-29'],
      [M.DATE, 0, Buffer.of(0), '0000-00-00'],
      [M.DATETIME, 0, Buffer.of(4, 0xe8, 0x07, 2, 29), '2024-02-29 00:00:00'],
      [M.DATETIME, 0, Buffer.of(7, 0xe8, 0x07, 2, 29, 13, 14, 15), '2024-02-29 13:14:15'],
      [M.DATETIME, 0, Buffer.of(11, 0xe8, 0x07, 2, 29, 13, 14, 15, 0x40, 0xe2, 0x01, 0), '2024-02-29 13:14:15.123456'],
      [M.TIMESTAMP, 0, Buffer.of(7, 0xd0, 0x07, 1, 1, 0, 0, 1), '2000-01-01 00:00:01'],
      [M.TIME, 0, Buffer.of(0), '00:00:00'],
      [M.TIME, 0, Buffer.of(8, 1, 1, 0, 0, 0, 2, 3, 4), '-26:03:04'],
      [M.TIME, 0, Buffer.of(12, 0, 0, 0, 0, 0, 10, 0, 0, 1, 0, 0, 0), '10:00:00.000001'],
    ];
    const stmt = new StatementState(1, cases.length);
    const bitmap = new Array<number>((cases.length + 7) >> 3).fill(0);
    const req = decodeExecute(
      body(bitmap, cases.map(([t, fl]) => [t, fl]), cases.map((c) => c[2])),
      stmt,
    );
    expect(req.params.map((p) => p.value)).toEqual(cases.map((c) => c[3]));
    expect(req.params[1]).toMatchObject({ mysqlType: M.TINY, unsigned: true });
    expect(req.params[0]).toMatchObject({ unsigned: false });
    expect(req.params[21]!.value).toBeInstanceOf(Uint8Array);
  });

  it('honours the NULL bitmap and MYSQL_TYPE_NULL', () => {
    const stmt = new StatementState(1, 3);
    const req = decodeExecute(body([0b101], [[M.LONG, 0], [M.NULL, 0], [M.VAR_STRING, 0]], [le(4, 7)]), stmt);
    expect(req.params.map((p) => p.value)).toEqual([null, null, null]);
    const req2 = decodeExecute(body([0b001], [[M.LONG, 0], [M.LONG, 0], [M.VAR_STRING, 0]], [le(4, 7), lenenc('z')]), stmt);
    expect(req2.params.map((p) => p.value)).toEqual([null, 7, 'z']);
  });

  it('re-executes with new-params-bound 0 using the cached types', () => {
    const stmt = new StatementState(1, 2);
    decodeExecute(body([0], [[M.LONGLONG, U], [M.VAR_STRING, 0]], [le(8, 1, false), lenenc('a')]), stmt);
    const again = decodeExecute(body([0], null, [le(8, 2n ** 63n, false), lenenc('b')]), stmt);
    expect(again.params).toEqual([
      { value: 2n ** 63n, mysqlType: M.LONGLONG, unsigned: true },
      { value: 'b', mysqlType: M.VAR_STRING, unsigned: false },
    ]);
  });

  it('rejects a first execute without types and truncated values', () => {
    expect(() => decodeExecute(body([0], null, [le(4, 1)]), new StatementState(1, 1))).toThrow(MalformedPacketError);
    expect(() => decodeExecute(body([0], [[M.LONG, 0]], [Buffer.of(1)]), new StatementState(1, 1))).toThrow(MalformedPacketError);
    expect(() => decodeExecute(body([0], [[200, 0]], [Buffer.of(1)]), new StatementState(1, 1))).toThrow(MalformedPacketError);
  });

  it('uses long data chunks in place of the value and forgets them after execute', () => {
    const stmt = new StatementState(1, 2);
    stmt.appendLongData(0, Buffer.from('hel'));
    stmt.appendLongData(0, Buffer.from('lo'));
    stmt.appendLongData(1, Buffer.of(1, 2));
    stmt.appendLongData(1, Buffer.of(3));
    const req = decodeExecute(body([0], [[M.VAR_STRING, 0], [M.BLOB, 0]], []), stmt);
    expect(req.params.map((p) => p.value)).toEqual(['hello', Buffer.of(1, 2, 3)]);
    expect(stmt.longData.size).toBe(0);
  });

  it('keeps every byte of string parameters and of string long data (bytes are bytes)', () => {
    const raw = Buffer.from('00ff10c3a980', 'hex'); // NUL, an invalid byte, é, a stray continuation byte
    const stmt = new StatementState(1, 2);
    stmt.appendLongData(1, raw.subarray(0, 3)); // split inside nothing in particular
    stmt.appendLongData(1, raw.subarray(3));
    const req = decodeExecute(body([0], [[M.VAR_STRING, 0], [M.STRING, 0]], [lenenc(raw)]), stmt);
    for (const p of req.params) {
      expect(typeof p.value).toBe('string');
      expect(encodeUtf8(p.value as string).toString('hex')).toBe('00ff10c3a980');
    }
    expect((req.params[0]!.value as string).slice(3, 4)).toBe('é');
  });

  it('decodes string parameters by the client charset', () => {
    const req = decodeExecute(body([0], [[M.VAR_STRING, 0]], [lenenc(Buffer.of(0xe9, 0x80))]), new StatementState(1, 1), 'latin1');
    expect(req.params[0]!.value).toBe('é€');
  });

  it('decodes a statement without parameters', () => {
    expect(decodeExecute(new PacketReader(Buffer.from([0, 1, 0, 0, 0])), new StatementState(1, 0)).params).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../common/types.js';
import { T } from '../../common/types.js';
import { binaryEncoders, writeBinaryRow } from './binary-resultset.js';
import { PacketWriter } from './packet-writer.js';
import { valueCharsets } from './text-resultset.js';
import type { ColumnInfo, ResultValue } from './session-api.js';

function col(type: SqlType): ColumnInfo {
  return { name: 'c', orgName: '', table: '', orgTable: '', schema: '', type, nullable: true };
}

/** Payload bytes of one binary row. */
function row(types: SqlType[], values: ResultValue[]): string {
  const w = new PacketWriter();
  writeBinaryRow(w, binaryEncoders(types.map(col)), values);
  return w.take().subarray(4).toString('hex');
}

const hex = (...b: number[]): string => Buffer.from(b).toString('hex');
/** Header 0x00 + bitmap for one column (bit offset 2). */
const one = (nullBit = false): string => hex(0, nullBit ? 4 : 0);

describe('binary rows', () => {
  it('encodes integers by width and sign', () => {
    expect(row([T.tinyint], ['-1'])).toBe(one() + 'ff');
    expect(row([{ kind: 'int', bytes: 1, unsigned: true }], ['200'])).toBe(one() + 'c8');
    expect(row([{ kind: 'int', bytes: 2, unsigned: false }], ['-2'])).toBe(one() + 'feff');
    expect(row([{ kind: 'int', bytes: 3, unsigned: false }], ['-3'])).toBe(one() + 'fdffffff');
    expect(row([T.int], ['2147483647'])).toBe(one() + 'ffffff7f');
    expect(row([{ kind: 'int', bytes: 4, unsigned: true }], ['4294967295'])).toBe(one() + 'ffffffff');
    expect(row([T.bigint], ['-2'])).toBe(one() + 'feffffffffffffff');
    expect(row([T.bigint], ['-9223372036854775808'])).toBe(one() + '0000000000000080');
    expect(row([T.ubigint], ['18446744073709551615'])).toBe(one() + 'ffffffffffffffff');
    expect(row([T.bigint], ['4294967296'])).toBe(one() + '0000000001000000');
    expect(row([{ kind: 'year' }], ['2024'])).toBe(one() + 'e807');
  });

  it('encodes floating point', () => {
    const d = Buffer.alloc(8);
    d.writeDoubleLE(1.5);
    expect(row([T.double], ['1.5'])).toBe(one() + d.toString('hex'));
    const f = Buffer.alloc(4);
    f.writeFloatLE(-0.25);
    expect(row([T.float], ['-0.25'])).toBe(one() + f.toString('hex'));
  });

  it('encodes DATE, DATETIME and TIMESTAMP with 0/4/7/11 byte forms', () => {
    expect(row([T.date], ['2024-01-02'])).toBe(one() + hex(4, 0xe8, 0x07, 1, 2));
    expect(row([T.date], ['0000-00-00'])).toBe(one() + hex(0));
    expect(row([T.datetime], ['2024-01-02 00:00:00'])).toBe(one() + hex(4, 0xe8, 0x07, 1, 2));
    expect(row([T.datetime], ['2024-01-02 03:04:05'])).toBe(one() + hex(7, 0xe8, 0x07, 1, 2, 3, 4, 5));
    expect(row([{ kind: 'timestamp', fsp: 6 }], ['2024-01-02 03:04:05.000123'])).toBe(
      one() + hex(11, 0xe8, 0x07, 1, 2, 3, 4, 5, 123, 0, 0, 0),
    );
    expect(row([{ kind: 'datetime', fsp: 3 }], ['2024-01-02 03:04:05.5'])).toBe(
      one() + hex(11, 0xe8, 0x07, 1, 2, 3, 4, 5) + '20a10700',
    );
  });

  it('encodes TIME with 0/8/12 byte forms, days split out', () => {
    expect(row([T.time], ['00:00:00'])).toBe(one() + hex(0));
    expect(row([T.time], ['-838:59:59'])).toBe(one() + hex(8, 1, 34, 0, 0, 0, 22, 59, 59));
    expect(row([{ kind: 'time', fsp: 6 }], ['01:02:03.000004'])).toBe(one() + hex(12, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0));
  });

  it('encodes decimals, strings, blobs, JSON and enums as length-encoded text', () => {
    expect(row([T.decimal(10, 2)], ['5.00'])).toBe(one() + hex(4) + Buffer.from('5.00').toString('hex'));
    expect(row([T.varchar(5)], ['hé'])).toBe(one() + hex(3, 0x68, 0xc3, 0xa9));
    expect(row([T.blob], [Uint8Array.of(0, 255)])).toBe(one() + hex(2, 0, 255));
    expect(row([T.json], ['{}'])).toBe(one() + hex(2, 0x7b, 0x7d));
    expect(row([{ kind: 'enum', values: ['a'] }], ['a'])).toBe(one() + hex(1, 0x61));
  });

  it('sets NULL bits with a 2-bit offset and skips the values', () => {
    expect(row([T.int], [null])).toBe(one(true));
    expect(row([T.null], [null])).toBe(one(true));
    const types = Array.from({ length: 9 }, () => T.tinyint);
    // Columns 0 and 6 null → bits 2 and 8: bitmap bytes 0x04, 0x01.
    expect(row(types, [null, '1', '2', '3', '4', '5', null, '7', '8'])).toBe(hex(0, 0x04, 0x01, 1, 2, 3, 4, 5, 7, 8));
  });
});

describe('text values in binary rows', () => {
  const rowIn = (charset: 'utf8mb4' | 'latin1', v: ResultValue): string => {
    const w = new PacketWriter();
    writeBinaryRow(w, binaryEncoders([col(T.varchar(10))], [charset]), [v]);
    return w.take().subarray(4 + 2).toString('hex');
  };
  it('sends the bytes a string was decoded from, invalid UTF-8 included', () => {
    expect(rowIn('utf8mb4', 'a\udcffb')).toBe('03' + '61ff62');
    expect(rowIn('utf8mb4', 'é')).toBe('02' + 'c3a9');
  });
  it('sends text in character_set_results', () => {
    expect(rowIn('latin1', 'é€✓')).toBe('03' + 'e9803f');
  });
  it('converts only text columns: JSON and numbers (charset 63) go as they are', () => {
    const fmt = { deprecateEof: false, textCharset: 8, charset: 'latin1', maxBytesPerChar: 1 } as const;
    expect(valueCharsets([col(T.json), col(T.varchar(1)), col(T.int), col(T.blob)], fmt)).toEqual(['utf8mb4', 'latin1', 'utf8mb4', 'utf8mb4']);
  });
});

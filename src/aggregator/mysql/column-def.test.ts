import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../common/types.js';
import { T } from '../../common/types.js';
import { wireType, writeColumnDef } from './column-def.js';
import { ColumnFlag as F, MysqlType } from './constants.js';
import { PacketReader } from './packet-reader.js';
import { PacketWriter } from './packet-writer.js';
import type { ColumnInfo } from './session-api.js';

function col(name: string, type: SqlType, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, orgName: name, table: 't', orgTable: 't', schema: 'db', type, nullable: true, ...extra };
}

function parse(c: ColumnInfo, charset = 255) {
  const w = new PacketWriter();
  writeColumnDef(w, c, charset);
  const r = new PacketReader(w.take(), 4);
  const names = [r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr()];
  expect(r.u8()).toBe(0x0c);
  const out = { names, charset: r.u16(), length: r.u32(), type: r.u8(), flags: r.u16(), decimals: r.u8() };
  expect(r.u16()).toBe(0);
  expect(r.remaining).toBe(0);
  return out;
}

describe('ColumnDefinition41', () => {
  it('writes the exact bytes of an INT NOT NULL primary key', () => {
    const w = new PacketWriter();
    writeColumnDef(w, col('id', T.int, { nullable: false, primaryKey: true, autoIncrement: true }), 255);
    const body = w.take().subarray(4);
    const expected = Buffer.concat([
      Buffer.from([3, 0x64, 0x65, 0x66]), // 'def'
      Buffer.from([2, 0x64, 0x62]), // db
      Buffer.from([1, 0x74, 1, 0x74]), // t, t
      Buffer.from([2, 0x69, 0x64, 2, 0x69, 0x64]), // id, id
      Buffer.from([0x0c, 63, 0, 11, 0, 0, 0, MysqlType.LONG]),
      Buffer.from([0x83, 0x82, 0, 0, 0]), // NOT_NULL|PRI_KEY|BINARY|AUTO_INCREMENT|NUM, decimals 0, filler
    ]);
    expect(body.toString('hex')).toBe(expected.toString('hex'));
  });

  it('maps every SqlType to a MySQL type, length, decimals and charset', () => {
    expect(parse(col('a', T.bigint))).toMatchObject({ type: MysqlType.LONGLONG, length: 20, charset: 63 });
    expect(parse(col('a', T.ubigint))).toMatchObject({ type: MysqlType.LONGLONG, length: 20, flags: F.UNSIGNED | F.BINARY | F.NUM });
    expect(parse(col('a', T.tinyint))).toMatchObject({ type: MysqlType.TINY, length: 4 });
    expect(parse(col('a', T.bool))).toMatchObject({ type: MysqlType.TINY, length: 1 });
    expect(parse(col('a', { kind: 'int', bytes: 2, unsigned: false }))).toMatchObject({ type: MysqlType.SHORT, length: 6 });
    expect(parse(col('a', { kind: 'int', bytes: 3, unsigned: false }))).toMatchObject({ type: MysqlType.INT24, length: 9 });
    expect(parse(col('a', T.decimal(10, 2)))).toMatchObject({ type: MysqlType.NEWDECIMAL, length: 12, decimals: 2 });
    expect(parse(col('a', { kind: 'decimal', precision: 5, scale: 0, unsigned: true }))).toMatchObject({ length: 5, decimals: 0 });
    expect(parse(col('a', T.double))).toMatchObject({ type: MysqlType.DOUBLE, decimals: 31 });
    expect(parse(col('a', T.float))).toMatchObject({ type: MysqlType.FLOAT, decimals: 31 });
    expect(parse(col('a', T.varchar(10)))).toMatchObject({ type: MysqlType.VAR_STRING, length: 40, charset: 255, flags: 0 });
    expect(parse(col('a', T.varchar(10)), 224)).toMatchObject({ charset: 224 });
    expect(parse(col('a', { kind: 'string', family: 'char', length: 3, binary: true }))).toMatchObject({
      type: MysqlType.STRING,
      length: 3,
      charset: 63,
      flags: F.BINARY,
    });
    expect(parse(col('a', T.text))).toMatchObject({ type: MysqlType.BLOB, length: 0xffffffff, charset: 255, flags: F.BLOB });
    expect(parse(col('a', T.blob))).toMatchObject({ type: MysqlType.BLOB, charset: 63, flags: F.BLOB | F.BINARY });
    expect(parse(col('a', { kind: 'enum', values: ['x', 'yyy'] }))).toMatchObject({ type: MysqlType.STRING, length: 12, flags: F.ENUM });
    expect(parse(col('a', T.date))).toMatchObject({ type: MysqlType.DATE, length: 10, charset: 63 });
    expect(parse(col('a', { kind: 'datetime', fsp: 6 }))).toMatchObject({ type: MysqlType.DATETIME, length: 26, decimals: 6 });
    expect(parse(col('a', { kind: 'timestamp', fsp: 0 }))).toMatchObject({ type: MysqlType.TIMESTAMP, length: 19 });
    expect(parse(col('a', { kind: 'time', fsp: 3 }))).toMatchObject({ type: MysqlType.TIME, length: 14, decimals: 3 });
    expect(parse(col('a', { kind: 'year' }))).toMatchObject({ type: MysqlType.YEAR, length: 4 });
    expect(parse(col('a', T.json))).toMatchObject({ type: MysqlType.JSON, charset: 63 });
    expect(parse(col('a', T.null))).toMatchObject({ type: MysqlType.NULL, length: 0 });
  });

  it('sets key flags', () => {
    const f = parse(col('k', T.int, { nullable: false, uniqueKey: true, multipleKey: true })).flags;
    expect(f & (F.NOT_NULL | F.UNIQUE_KEY | F.MULTIPLE_KEY)).toBe(F.NOT_NULL | F.UNIQUE_KEY | F.MULTIPLE_KEY);
    expect(wireType(T.int).flags & F.NUM).toBe(F.NUM);
  });
});

describe('column metadata by character_set_results', () => {
  it('counts text lengths in bytes of the results charset and prints invalid bytes in names as \\xHH', () => {
    const w = new PacketWriter();
    writeColumnDef(w, col('a\udcffb', T.varchar(10)), 8, false, 1);
    const r = new PacketReader(w.take(), 4);
    const names = [r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr(), r.lenencStr()];
    expect(names[4]).toBe('a\\xFFb');
    r.u8();
    expect(r.u16()).toBe(8);
    expect(r.u32()).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import { PacketWriter } from './packet-writer.js';

function lenenc(v: number | bigint): number[] {
  const w = new PacketWriter(4);
  w.lenencInt(v);
  return [...w.take()];
}

describe('length-encoded integers', () => {
  it('encodes the edges', () => {
    expect(lenenc(0)).toEqual([0]);
    expect(lenenc(250)).toEqual([250]);
    expect(lenenc(251)).toEqual([0xfc, 251, 0]);
    expect(lenenc(0xffff)).toEqual([0xfc, 0xff, 0xff]);
    expect(lenenc(0x10000)).toEqual([0xfd, 0, 0, 1]);
    expect(lenenc(0xffffff)).toEqual([0xfd, 0xff, 0xff, 0xff]);
    expect(lenenc(2 ** 24)).toEqual([0xfe, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(lenenc(2 ** 53 + 2)).toEqual(lenenc(2n ** 53n + 2n));
    expect(lenenc(2n ** 53n + 1n)).toEqual([0xfe, 1, 0, 0, 0, 0, 0, 0x20, 0]);
    expect(lenenc(2n ** 64n - 1n)).toEqual([0xfe, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('decodes what it encodes', () => {
    for (const v of [0, 1, 250, 251, 0xffff, 0x10000, 0xffffff, 2 ** 24, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(new PacketReader(Buffer.from(lenenc(v))).lenencInt()).toBe(v);
    }
    expect(new PacketReader(Buffer.from(lenenc(2n ** 53n))).lenencInt()).toBe(2n ** 53n);
    expect(new PacketReader(Buffer.from(lenenc(2n ** 64n - 1n))).lenencInt()).toBe(2n ** 64n - 1n);
    expect(new PacketReader(Buffer.of(0xfb)).lenencInt()).toBeNull();
  });

  it('rejects truncated and invalid input', () => {
    expect(() => new PacketReader(Buffer.of(0xfc, 1)).lenencInt()).toThrow(MalformedPacketError);
    expect(() => new PacketReader(Buffer.of(0xff)).lenencInt()).toThrow(MalformedPacketError);
    expect(() => new PacketReader(Buffer.of(5, 1, 2)).lenencStr()).toThrow(MalformedPacketError);
  });
});

describe('strings', () => {
  it('writes lenenc strings in utf-8 and reads them back', () => {
    const w = new PacketWriter(2);
    w.lenencStr('héllo').nulStr('x').str('rest');
    const r = new PacketReader(w.take());
    expect(r.lenencStr()).toBe('héllo');
    expect(r.nulStr()).toBe('x');
    expect(r.restStr()).toBe('rest');
  });

  it('writes 8-byte integers from numbers and bigints alike', () => {
    for (const [v, unsigned] of [
      [-1, false],
      [-(2 ** 40) - 3, false],
      [2 ** 52 + 7, true],
      [-(2n ** 63n), false],
      [2n ** 64n - 1n, true],
    ] as const) {
      const w = new PacketWriter(1);
      w.i64(v, unsigned);
      const b = w.take();
      const got = unsigned ? b.readBigUInt64LE(0) : b.readBigInt64LE(0);
      expect(got).toBe(BigInt(v));
    }
  });
});

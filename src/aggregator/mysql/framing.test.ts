import { describe, expect, it } from 'vitest';
import { PacketFramer, PacketTooLargeError } from './framing.js';
import { PacketWriter } from './packet-writer.js';

function frame(payload: Buffer, seq: number): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

describe('PacketFramer', () => {
  it('frames packets across every possible chunk split', () => {
    const stream = Buffer.concat([frame(Buffer.from('hello'), 0), frame(Buffer.alloc(0), 1), frame(Buffer.from('xyz'), 7)]);
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const f = new PacketFramer(1024);
        const out = [...f.push(stream.subarray(0, a)), ...f.push(stream.subarray(a, b)), ...f.push(stream.subarray(b))];
        expect(out.map((p) => [p.payload.toString(), p.seq])).toEqual([
          ['hello', 0],
          ['', 1],
          ['xyz', 7],
        ]);
        expect(f.pending).toBe(0);
      }
    }
  });

  it('frames byte by byte', () => {
    const stream = frame(Buffer.from('abcdef'), 3);
    const f = new PacketFramer(1024);
    const out = [];
    for (const byte of stream) out.push(...f.push(Buffer.of(byte)));
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.toString()).toBe('abcdef');
  });

  it('joins a payload of exactly 0xFFFFFF bytes sent with an empty trailing packet', () => {
    const payload = Buffer.alloc(0xffffff, 0x61);
    const stream = Buffer.concat([frame(payload, 0), frame(Buffer.alloc(0), 1)]);
    const f = new PacketFramer(64 * 1024 * 1024);
    const out = [];
    for (let off = 0; off < stream.length; off += 65536) out.push(...f.push(stream.subarray(off, off + 65536)));
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.length).toBe(0xffffff);
    expect(out[0]!.seq).toBe(1);
  });

  it('joins 16 MiB + 5 bytes split over two packets', () => {
    const payload = Buffer.alloc(0xffffff + 5, 7);
    const stream = Buffer.concat([frame(payload.subarray(0, 0xffffff), 4), frame(payload.subarray(0xffffff), 5)]);
    const out = new PacketFramer(64 * 1024 * 1024).push(stream);
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.equals(payload)).toBe(true);
  });

  it('rejects a packet over max_allowed_packet as soon as its header arrives', () => {
    const f = new PacketFramer(100);
    const header = Buffer.from([101, 0, 0, 9]);
    expect(() => f.push(header)).toThrow(PacketTooLargeError);
    try {
      new PacketFramer(100).push(header);
    } catch (e) {
      expect((e as PacketTooLargeError).seq).toBe(9);
    }
  });
});

describe('PacketWriter framing', () => {
  it('writes header with length and sequence', () => {
    const w = new PacketWriter(8);
    w.seq = 3;
    w.begin().str('abc').end();
    w.begin().end();
    expect([...w.take()]).toEqual([3, 0, 0, 3, 0x61, 0x62, 0x63, 0, 0, 0, 4]);
  });

  it('splits a 0xFFFFFF payload into a full packet and an empty one', () => {
    const w = new PacketWriter();
    w.begin().bytes(Buffer.alloc(0xffffff, 1)).end();
    const out = w.take();
    expect(out.length).toBe(4 + 0xffffff + 4);
    expect([...out.subarray(0, 4)]).toEqual([0xff, 0xff, 0xff, 0]);
    expect([...out.subarray(out.length - 4)]).toEqual([0, 0, 0, 1]);
    expect(w.seq).toBe(2);
  });

  it('round-trips a 20 MiB payload through the framer', () => {
    const payload = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4099) payload[i] = i & 0xff;
    const w = new PacketWriter();
    w.begin().bytes(payload).end();
    const out = new PacketFramer(64 * 1024 * 1024).push(w.take());
    expect(out).toHaveLength(1);
    expect(out[0]!.payload.equals(payload)).toBe(true);
  });
});

import { isWellFormed, printable } from '../../common/charset.js';
import { MAX_PACKET_PAYLOAD } from './constants.js';

const COPY_OUT_BELOW = 4096;

/**
 * Builds many framed packets into one growable buffer, so a whole reply (a point select's
 * result set is 5–8 packets) goes out in one socket write. begin()/end() bracket one packet;
 * end() fills in the 4-byte header and splits payloads of 16 MiB − 1 and more.
 */
export class PacketWriter {
  private buf: Buffer;
  private pos = 0;
  private start = -1;
  /** Sequence id of the next packet. */
  seq = 0;

  constructor(private readonly initialSize = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes of finished and unfinished packets waiting to be taken. */
  get length(): number {
    return this.pos;
  }

  begin(): this {
    this.ensure(4);
    this.start = this.pos;
    this.pos += 4;
    return this;
  }

  end(): void {
    const start = this.start;
    if (start < 0) throw new Error('PacketWriter.end() without begin()');
    this.start = -1;
    const len = this.pos - start - 4;
    if (len < MAX_PACKET_PAYLOAD) {
      this.buf.writeUIntLE(len, start, 3);
      this.buf[start + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      return;
    }
    // Rare: a payload of 16 MiB − 1 or more goes out as several packets, ending with a short one.
    const payload = Buffer.from(this.buf.subarray(start + 4, this.pos));
    this.pos = start;
    let off = 0;
    for (;;) {
      const n = Math.min(payload.length - off, MAX_PACKET_PAYLOAD);
      this.ensure(4 + n);
      this.buf.writeUIntLE(n, this.pos, 3);
      this.buf[this.pos + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      this.pos += 4;
      payload.copy(this.buf, this.pos, off, off + n);
      this.pos += n;
      off += n;
      if (n < MAX_PACKET_PAYLOAD) break;
    }
  }

  /** Drops a packet begun but not ended (an error while building it). */
  abortPacket(): void {
    if (this.start < 0) return;
    this.pos = this.start;
    this.start = -1;
  }

  /** Takes the finished bytes; the writer starts empty. Must not be called inside begin()/end(). */
  take(): Buffer {
    if (this.start >= 0) throw new Error('PacketWriter.take() inside a packet');
    let out: Buffer;
    if (this.pos < COPY_OUT_BELOW) {
      out = Buffer.allocUnsafe(this.pos);
      this.buf.copy(out, 0, 0, this.pos);
    } else {
      out = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(Math.max(this.initialSize, 1024));
    }
    this.pos = 0;
    return out;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf.writeUIntLE(v, this.pos, 3);
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** 8-byte little-endian integer; a safe-integer number avoids bigint on the hot path. */
  i64(v: number | bigint, unsigned: boolean): this {
    this.ensure(8);
    if (typeof v === 'number') {
      const hi = Math.floor(v / 4294967296);
      const lo = v - hi * 4294967296;
      this.buf.writeUInt32LE(lo, this.pos);
      if (hi < 0) this.buf.writeInt32LE(hi, this.pos + 4);
      else this.buf.writeUInt32LE(hi, this.pos + 4);
    } else if (unsigned) {
      this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    } else {
      this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos);
    }
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A string without a length (string<EOF> or fixed); names and messages, so bytes that are not text print as \xHH. */
  str(s: string): this {
    if (!isWellFormed(s)) s = printable(s);
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
    return this;
  }

  nulStr(s: string): this {
    return this.str(s).u8(0);
  }

  lenencInt(v: number | bigint): this {
    if (typeof v === 'bigint') {
      if (v < 0n) throw new RangeError('lenenc integers are unsigned');
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.ensure(9);
        this.buf[this.pos++] = 0xfe;
        this.buf.writeBigUInt64LE(v, this.pos);
        this.pos += 8;
        return this;
      }
      v = Number(v);
    }
    if (v < 0) throw new RangeError('lenenc integers are unsigned');
    if (v < 251) return this.u8(v);
    if (v < 0x10000) return this.u8(0xfc).u16(v);
    if (v < 0x1000000) return this.u8(0xfd).u24(v);
    return this.u8(0xfe).i64(v, true);
  }

  /** A length-encoded string in UTF-8; bytes that are not text print as \xHH (values with raw bytes go as lenencBytes). */
  lenencStr(s: string): this {
    return this.lenencUtf8(isWellFormed(s) ? s : printable(s));
  }

  /** A length-encoded well-formed string in UTF-8 (the caller checked: the result-row fast path). */
  lenencUtf8(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.lenencInt(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
    return this;
  }

  lenencBytes(b: Uint8Array): this {
    return this.lenencInt(b.length).bytes(b);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

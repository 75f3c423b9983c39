/** A packet shorter than its fields say, or a field that cannot be right. */
export class MalformedPacketError extends Error {
  override readonly name = 'MalformedPacketError';
}

/** A cursor over one packet payload. Every read checks bounds and throws MalformedPacketError. */
export class PacketReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 8 bytes: a number when safe, else bigint. */
  u64(): number | bigint {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    if (hi < 0x200000) return hi * 4294967296 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Length-encoded integer; null for the 0xFB NULL marker. */
  lenencInt(): number | bigint | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    switch (first) {
      case 0xfb:
        return null;
      case 0xfc:
        return this.u16();
      case 0xfd:
        return this.u24();
      case 0xfe:
        return this.u64();
      default:
        throw new MalformedPacketError(`invalid length-encoded integer prefix 0x${first.toString(16)}`);
    }
  }

  /** A length for a following field: must be a number and fit in the packet. */
  lenencLength(): number {
    const n = this.lenencInt();
    if (n === null || typeof n === 'bigint' || n > this.remaining) {
      throw new MalformedPacketError('length-encoded field runs past the end of the packet');
    }
    return n;
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenencLength());
  }

  lenencStr(): string {
    const n = this.lenencLength();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** NUL-terminated bytes; a missing NUL takes the rest of the packet (clients do that at the end). */
  nulBytes(): Buffer {
    let end = this.buf.indexOf(0, this.pos);
    const stop = end < 0 ? this.buf.length : end;
    const out = this.buf.subarray(this.pos, stop);
    if (end < 0) end = this.buf.length - 1;
    this.pos = end + 1;
    return out;
  }

  nulStr(): string {
    return this.nulBytes().toString('utf8');
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  restStr(): string {
    return this.rest().toString('utf8');
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new MalformedPacketError(`packet too short: need ${n} byte(s) at offset ${this.pos} of ${this.buf.length}`);
    }
  }
}

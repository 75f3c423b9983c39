import { MAX_PACKET_PAYLOAD } from './constants.js';

/** One logical packet: the payload (joined when it came split) and the last sequence id seen. */
export interface Packet {
  readonly payload: Buffer;
  readonly seq: number;
}

/** A client sent a packet over max_allowed_packet; MySQL answers 1153 and closes. */
export class PacketTooLargeError extends Error {
  override readonly name = 'PacketTooLargeError';

  constructor(
    message: string,
    /** Sequence id of the offending packet, so the ERR can follow it. */
    readonly seq: number,
  ) {
    super(message);
  }
}

/**
 * Cuts a TCP byte stream into packets. Chunks are kept in a list and only joined once a whole
 * packet is present, so a 20 MiB value arriving in 64 KiB chunks is copied once, not n² times.
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Parts of a payload split over several 16 MiB − 1 packets. */
  private parts: Buffer[] = [];
  private partsLength = 0;

  constructor(private readonly maxPayload: number) {}

  /** Feeds bytes; returns the packets they complete. Throws PacketTooLargeError. */
  push(chunk: Buffer): Packet[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Packet[] = [];
    while (this.buffered >= 4) {
      const len = this.peekHeaderLength();
      if (this.partsLength + len > this.maxPayload) {
        throw new PacketTooLargeError(`Got a packet bigger than 'max_allowed_packet' bytes`, this.peek(4)[3]!);
      }
      if (this.buffered < 4 + len) break;
      const raw = this.take(4 + len);
      const seq = raw[3]!;
      const body = raw.subarray(4);
      if (len === MAX_PACKET_PAYLOAD) {
        this.parts.push(body);
        this.partsLength += len;
        continue;
      }
      if (this.parts.length > 0) {
        this.parts.push(body);
        const payload = Buffer.concat(this.parts, this.partsLength + len);
        this.parts = [];
        this.partsLength = 0;
        out.push({ payload, seq });
      } else {
        out.push({ payload: body, seq });
      }
    }
    return out;
  }

  /** Bytes held for incomplete packets. */
  get pending(): number {
    return this.buffered + this.partsLength;
  }

  private peekHeaderLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 3) return first[0]! | (first[1]! << 8) | (first[2]! << 16);
    const head = this.peek(3);
    return head[0]! | (head[1]! << 8) | (head[2]! << 16);
  }

  private peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (off === n) break;
    }
    return out;
  }

  /** Removes n bytes from the front; zero-copy when they sit in one chunk. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

/** Plain: the values as they are (8 bytes a number; Arrow's offsets + data for bytes). Always applies. */
import { assertNever } from '../../../common/assert.js';
import type { ByteReader, ByteWriter, Codec, Physical, PhysicalKind } from './codec.js';

export const plainCodec: Codec = {
  id: 'plain',
  kinds: ['int', 'f64', 'i64', 'bytes'],
  estimate(p) {
    return p.kind === 'bytes' ? p.offsets.length * 4 + p.data.length : p.data.length * 8;
  },
  encode(p: Physical, out: ByteWriter) {
    switch (p.kind) {
      case 'int':
      case 'f64':
        out.bytes(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
        return;
      case 'i64':
        out.bytes(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
        return;
      case 'bytes':
        out.bytes(new Uint8Array(p.offsets.buffer, p.offsets.byteOffset, p.offsets.byteLength));
        out.bytes(p.data);
        return;
      default:
        assertNever(p);
    }
  },
  decode(r: ByteReader, kind: PhysicalKind, n: number): Physical {
    switch (kind) {
      case 'int':
      case 'f64':
        return { kind, data: r.f64s(n) };
      case 'i64':
        return { kind, data: r.i64s(n) };
      case 'bytes': {
        const offsets = r.i32s(n + 1);
        const data = r.bytes(offsets[n]!).slice();
        return { kind, offsets, data };
      }
      default:
        return assertNever(kind);
    }
  },
};

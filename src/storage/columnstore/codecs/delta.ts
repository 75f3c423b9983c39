/**
 * Delta: the first value, then the differences frame-of-reference packed, for ascending keys and
 * timestamps (an auto-increment column packs in a bit or two per row).
 */
import { estimateFor, readFor, writeFor } from './for.js';
import type { ByteReader, ByteWriter, Codec, Physical, PhysicalKind } from './codec.js';

/** d[i] - d[i-1] for i ≥ 1, or null when a difference is not an exact integer. */
function deltas(d: Float64Array): Float64Array | null {
  const out = new Float64Array(Math.max(0, d.length - 1));
  for (let i = 1; i < d.length; i++) {
    const x = d[i]! - d[i - 1]!;
    if (!Number.isSafeInteger(x)) return null;
    out[i - 1] = x;
  }
  return out;
}

export const deltaCodec: Codec = {
  id: 'delta',
  kinds: ['int'],
  estimate(p) {
    if (p.kind !== 'int' || p.data.length === 0) return null;
    const ds = deltas(p.data);
    if (ds === null) return null;
    const f = estimateFor(ds, ds.length);
    return f === null ? null : 8 + f;
  },
  encode(p: Physical, out: ByteWriter) {
    if (p.kind !== 'int') throw new Error('delta encodes integers');
    const ds = deltas(p.data);
    if (ds === null || p.data.length === 0) throw new Error('delta over inexact differences');
    out.f64(p.data[0]!);
    writeFor(ds, ds.length, out);
  },
  decode(r: ByteReader, _kind: PhysicalKind, n: number): Physical {
    const data = new Float64Array(n);
    const first = r.f64();
    if (n === 0) return { kind: 'int', data };
    readFor(r, n - 1, data.subarray(1));
    data[0] = first;
    for (let i = 1; i < n; i++) data[i] = data[i - 1]! + data[i]!;
    return { kind: 'int', data };
  },
};

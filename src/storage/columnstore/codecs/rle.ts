/**
 * Run-length: (value, run length) pairs, for sorted or repetitive numbers (a SORT KEY column, a
 * flag). Scans can filter and aggregate a run at a time (runsOf).
 */
import type { ByteReader, ByteWriter, Codec, Physical, PhysicalKind } from './codec.js';

/** Same number, telling 0 from -0 (a run must give back exactly what went in). */
function same(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

function countRuns(d: Float64Array): number {
  if (d.length === 0) return 0;
  let runs = 1;
  for (let i = 1; i < d.length; i++) if (!same(d[i]!, d[i - 1]!)) runs++;
  return runs;
}

export const rleCodec: Codec = {
  id: 'rle',
  kinds: ['int', 'f64'],
  estimate(p) {
    if (p.kind !== 'int' && p.kind !== 'f64') return null;
    return 4 + countRuns(p.data) * 12;
  },
  encode(p: Physical, out: ByteWriter) {
    if (p.kind !== 'int' && p.kind !== 'f64') throw new Error('rle encodes numbers');
    const d = p.data;
    out.u32(countRuns(d));
    let i = 0;
    while (i < d.length) {
      let j = i + 1;
      while (j < d.length && same(d[j]!, d[i]!)) j++;
      out.f64(d[i]!);
      out.u32(j - i);
      i = j;
    }
  },
  decode(r: ByteReader, kind: PhysicalKind, n: number): Physical {
    const { values, lengths } = readRuns(r);
    const data = new Float64Array(n);
    let at = 0;
    for (let k = 0; k < values.length; k++) {
      data.fill(values[k]!, at, at + lengths[k]!);
      at += lengths[k]!;
    }
    if (at !== n) throw new Error('rle runs do not add up to the page');
    return { kind: kind === 'f64' ? 'f64' : 'int', data };
  },
};

/** The runs themselves, for scans that work a run at a time. */
export function readRuns(r: ByteReader): { values: Float64Array; lengths: Uint32Array } {
  const runs = r.u32();
  const values = new Float64Array(runs);
  const lengths = new Uint32Array(runs);
  for (let k = 0; k < runs; k++) {
    values[k] = r.f64();
    lengths[k] = r.u32();
  }
  return { values, lengths };
}

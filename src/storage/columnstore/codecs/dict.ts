/**
 * Dictionary, for low-cardinality byte strings (status flags, priorities, dates): the distinct
 * values once, in byte order, then one code per row encoded by the best integer codec (so a
 * sorted column's codes become runs). Codes keep the values' byte order, so equality and range
 * filters on binary-collated values can run on the codes; a page whose dictionary lacks a value
 * has no row equal to it.
 */
import type { ByteReader, ByteWriter, Codec, Physical, PhysicalKind } from './codec.js';
import { plainCodec } from './plain.js';
import { forCodec } from './for.js';
import { rleCodec } from './rle.js';

/** More distinct values than this and a page stays plain. */
export const MAX_DICT_SIZE = 1 << 16;

type BytesPhysical = Extract<Physical, { kind: 'bytes' }>;

interface Built {
  readonly dict: BytesPhysical;
  readonly codes: Float64Array;
}

function build(p: BytesPhysical): Built | null {
  const n = p.offsets.length - 1;
  const buf = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  const ids = new Map<string, number>();
  const firstAt: number[] = [];
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // latin1 maps bytes to code units one to one: a lossless key for the bytes
    const k = buf.toString('latin1', p.offsets[i]!, p.offsets[i + 1]!);
    let id = ids.get(k);
    if (id === undefined) {
      if (ids.size >= MAX_DICT_SIZE) return null;
      id = ids.size;
      ids.set(k, id);
      firstAt.push(i);
    }
    raw[i] = id;
  }
  // byte order for the dictionary, so codes compare as the values do
  const order = firstAt.map((_, id) => id);
  const slice = (id: number): Buffer => buf.subarray(p.offsets[firstAt[id]!]!, p.offsets[firstAt[id]! + 1]!);
  order.sort((a, b) => Buffer.compare(slice(a), slice(b)));
  const rank = new Float64Array(order.length);
  let total = 0;
  for (let r = 0; r < order.length; r++) {
    rank[order[r]!] = r;
    total += slice(order[r]!).length;
  }
  const offsets = new Int32Array(order.length + 1);
  const data = new Uint8Array(total);
  let at = 0;
  for (let r = 0; r < order.length; r++) {
    const s = slice(order[r]!);
    data.set(s, at);
    at += s.length;
    offsets[r + 1] = at;
  }
  for (let i = 0; i < n; i++) raw[i] = rank[raw[i]!]!;
  return { dict: { kind: 'bytes', offsets, data }, codes: raw };
}

const codeCodecs: readonly Codec[] = [forCodec, rleCodec, plainCodec];

function bestCodeCodec(codes: Float64Array): { codec: Codec; size: number } {
  const p: Physical = { kind: 'int', data: codes };
  let best: { codec: Codec; size: number } | null = null;
  for (const c of codeCodecs) {
    const s = c.estimate(p);
    if (s !== null && (best === null || s < best.size)) best = { codec: c, size: s };
  }
  return best!;
}

let lastInput: BytesPhysical | null = null;
let lastBuilt: Built | null = null;

/** Lets go of the dictionary built for the last page estimated (it may not have been chosen). */
export function forgetDictionary(): void {
  lastInput = null;
  lastBuilt = null;
}

/** estimate() and encode() of one page build the dictionary once. */
function built(p: BytesPhysical): Built | null {
  if (lastInput !== p) {
    lastInput = p;
    lastBuilt = build(p);
  }
  return lastBuilt;
}

export const dictCodec: Codec = {
  id: 'dict',
  kinds: ['bytes'],
  estimate(p) {
    if (p.kind !== 'bytes') return null;
    const b = built(p);
    if (b === null) return null;
    return 5 + b.dict.offsets.length * 4 + b.dict.data.length + bestCodeCodec(b.codes).size;
  },
  encode(p: Physical, out: ByteWriter) {
    if (p.kind !== 'bytes') throw new Error('dict encodes byte strings');
    const b = built(p);
    if (b === null) throw new Error('too many distinct values for a dictionary');
    const n = b.dict.offsets.length - 1;
    out.u32(n);
    plainCodec.encode(b.dict, out);
    const { codec } = bestCodeCodec(b.codes);
    out.u8(codeCodecs.indexOf(codec));
    codec.encode({ kind: 'int', data: b.codes }, out);
    lastInput = null;
    lastBuilt = null;
  },
  decode(r: ByteReader, _kind: PhysicalKind, n: number): Physical {
    const { dict, codes } = readDict(r, n);
    const offsets = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      total += dict.offsets[c + 1]! - dict.offsets[c]!;
      offsets[i + 1] = total;
    }
    const data = new Uint8Array(total);
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      data.set(dict.data.subarray(dict.offsets[c]!, dict.offsets[c + 1]!), offsets[i]!);
    }
    return { kind: 'bytes', offsets, data };
  },
};

/** The dictionary and the codes, for scans that keep strings as codes (dict vectors). */
export function readDict(r: ByteReader, n: number): { dict: BytesPhysical; codes: Float64Array } {
  const size = r.u32();
  const dict = plainCodec.decode(r, 'bytes', size) as BytesPhysical;
  const codec = codeCodecs[r.u8()];
  if (codec === undefined) throw new Error('unknown dictionary code codec');
  const codes = (codec.decode(r, 'int', n) as { data: Float64Array }).data;
  for (let i = 0; i < n; i++) if (!(codes[i]! >= 0 && codes[i]! < size)) throw new Error('dictionary code out of range');
  return { dict, codes };
}

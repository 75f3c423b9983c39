/**
 * The codec registry and the choice: every codec that can encode a page estimates its size
 * (cheaply, without encoding), and the smallest wins (DuckDB's analyze-then-compress).
 */
import type { Codec, CodecId, Physical } from './codec.js';
import { deltaCodec } from './delta.js';
import { dictCodec } from './dict.js';
import { forCodec } from './for.js';
import { plainCodec } from './plain.js';
import { rleCodec } from './rle.js';

export { ByteReader, ByteWriter, physicalLength, type Codec, type CodecId, type Physical, type PhysicalKind } from './codec.js';
export { readDict, forgetDictionary } from './dict.js';
export { readRuns } from './rle.js';

export const CODECS: readonly Codec[] = [plainCodec, rleCodec, forCodec, deltaCodec, dictCodec];

export function codecById(id: string): Codec {
  const c = CODECS.find((x) => x.id === id);
  if (c === undefined) throw new Error(`unknown codec '${id}'`);
  return c;
}

/** The codec with the smallest estimate for p (plain always applies; ties keep the earlier, cheaper to decode). */
export function chooseCodec(p: Physical, allowed: readonly CodecId[] | null = null): Codec {
  let best: Codec = plainCodec;
  let size = plainCodec.estimate(p)!;
  for (const c of CODECS) {
    if (c === plainCodec || !c.kinds.includes(p.kind)) continue;
    if (allowed !== null && !allowed.includes(c.id)) continue;
    const s = c.estimate(p);
    if (s !== null && s < size) {
      best = c;
      size = s;
    }
  }
  return best;
}

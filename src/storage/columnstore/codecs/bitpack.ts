/** Packing of non-negative integers below 2^width (width ≤ 32) into 32-bit words, LSB first. */

export const MAX_PACK_WIDTH = 32;

/** Bits needed for x (0 for 0). */
export function bitWidth(x: number): number {
  let w = 0;
  while (x >= 1 && w < 54) {
    x = Math.floor(x / 2);
    w++;
  }
  return w;
}

export function packedWords(n: number, width: number): number {
  return Math.ceil((n * width) / 32);
}

/** Packs vals[i] - base for i in [0, n) (each below 2^width). */
export function pack(vals: ArrayLike<number>, n: number, base: number, width: number): Uint32Array {
  const out = new Uint32Array(packedWords(n, width));
  if (width === 0) return out;
  let bit = 0;
  for (let i = 0; i < n; i++) {
    const x = vals[i]! - base;
    const word = bit >>> 5;
    const shift = bit & 31;
    out[word] = (out[word]! | (x << shift)) >>> 0;
    if (shift + width > 32) out[word + 1] = (x / 2 ** (32 - shift)) >>> 0;
    bit += width;
  }
  return out;
}

/** Unpacks n values, adding base, into out. */
export function unpack(words: Uint32Array, n: number, base: number, width: number, out: Float64Array): void {
  if (width === 0) {
    out.fill(base, 0, n);
    return;
  }
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  let bit = 0;
  for (let i = 0; i < n; i++) {
    const word = bit >>> 5;
    const shift = bit & 31;
    let x = words[word]! >>> shift;
    if (shift + width > 32) x = (x | (words[word + 1]! << (32 - shift))) >>> 0;
    out[i] = ((x & mask) >>> 0) + base;
    bit += width;
  }
}

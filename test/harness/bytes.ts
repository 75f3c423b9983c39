// Bytes for byte-exactness tests: every byte value once, and a string literal's body written the
// way mysqldump writes one (raw bytes, not hex).

/** 0x00 … 0xFF, each once. */
export const ALL_BYTES: Buffer = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A string literal's body as mysqldump writes it: raw bytes, only \0 ' " \ \n \r ^Z escaped. */
export function dumpEscape(b: Buffer): Buffer {
  const out: number[] = [];
  for (const c of b) {
    const esc = c === 0 ? 0x30 : c === 0x0a ? 0x6e : c === 0x0d ? 0x72 : c === 0x1a ? 0x5a : c === 0x27 || c === 0x22 || c === 0x5c ? c : -1;
    if (esc >= 0) out.push(0x5c, esc);
    else out.push(c);
  }
  return Buffer.from(out);
}

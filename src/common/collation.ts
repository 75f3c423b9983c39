/**
 * The default collation: utf8mb4_general_ci semantics. Case- and accent-insensitive,
 * PAD SPACE (trailing spaces do not count), one weight per character, characters outside
 * the BMP all weigh the same (U+FFFD) as in general_ci.
 */

const COMBINING = /[\u0300-\u036f]/g;
const SUPPLEMENTARY = /[\ud800-\udbff][\udc00-\udfff]/g;

/** Weight of one non-ASCII BMP character: its base letter, upper-cased. */
const weightCache = new Map<number, string>();
function weightOf(ch: string): string {
  const code = ch.charCodeAt(0);
  let w = weightCache.get(code);
  if (w !== undefined) return w;
  if (code === 0xdf) w = 'S'; // ß = s in general_ci
  else {
    const base = ch.normalize('NFD').replace(COMBINING, '');
    const up = base.toUpperCase();
    // One weight per character: keep case mappings that expand (ŉ → ʼN) to their first unit.
    w = up.length === 1 ? up : base.length === 1 ? base : ch;
    if (w.length !== 1) w = ch;
  }
  weightCache.set(code, w);
  return w;
}

function trimEndSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A key such that collationKey(a) === collationKey(b) ⇔ a and b are equal under the collation. */
export function collationKey(s: string): string {
  const t = trimEndSpaces(s);
  let ascii = true;
  for (let i = 0; i < t.length; i++) {
    if (t.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return t.toUpperCase();
  const src = t.replace(SUPPLEMENTARY, '\ufffd');
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c < 0x80) out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : src[i];
    else out += weightOf(src[i]!);
  }
  return out;
}

function asciiUpper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 32 : c;
}

/** Compares two collation keys with PAD SPACE: the shorter one is padded with spaces. */
function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < y ? -1 : 1;
  }
  for (let i = n; i < a.length; i++) {
    const x = a.charCodeAt(i);
    if (x !== 0x20) return x < 0x20 ? -1 : 1;
  }
  for (let i = n; i < b.length; i++) {
    const y = b.charCodeAt(i);
    if (y !== 0x20) return y < 0x20 ? 1 : -1;
  }
  return 0;
}

/** Ordering under the default collation, consistent with collationKey. */
export function compareStrings(a: string, b: string): number {
  // Fast path: walk both while ASCII, no allocation.
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x >= 0x80 || y >= 0x80) return compareKeys(collationKey(a.slice(i)), collationKey(b.slice(i)));
    if (x === y) continue;
    const ux = asciiUpper(x);
    const uy = asciiUpper(y);
    if (ux !== uy) return ux < uy ? -1 : 1;
  }
  if (a.length === b.length) return 0;
  return compareKeys(collationKey(a.slice(i)), collationKey(b.slice(i)));
}

/** Equality under the default collation. */
export function stringsEqual(a: string, b: string): boolean {
  return a === b || compareStrings(a, b) === 0;
}

/** Bytewise comparison for binary strings (no padding: VARBINARY/BLOB semantics). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Case-insensitive search position (0-based, -1 when absent) under the collation, for INSTR/LOCATE. */
export function indexOfCollated(haystack: string, needle: string, from = 0): number {
  const h = Array.from(haystack);
  const nd = Array.from(needle);
  if (nd.length === 0) return from <= h.length ? from : -1;
  const hk = h.map((c) => collationKey(c) || ' ');
  const nk = nd.map((c) => collationKey(c) || ' ');
  outer: for (let i = from; i + nk.length <= hk.length; i++) {
    for (let j = 0; j < nk.length; j++) if (hk[i + j] !== nk[j]) continue outer;
    return i;
  }
  return -1;
}

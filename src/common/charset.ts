/**
 * Character sets where bytes meet text: decoding what a client sends, encoding what it gets
 * back, and converting between binary strings and character strings.
 *
 * Character data inside Tessera is Unicode (JS strings). Bytes that are not valid UTF-8 are kept,
 * never replaced: each such byte b (always ≥ 0x80) becomes the lone surrogate U+DC00 + b
 * ("surrogateescape"). Valid UTF-8 can never produce a lone surrogate, so the mapping is
 * one-to-one and encodeUtf8 gives back exactly the bytes that were decoded. A string holding such
 * escapes is bytes that are not text: a binary context keeps them, a character column refuses
 * them (1366, see textForCharacterColumn).
 */
import { isUtf8 } from 'node:buffer';

/** The character sets Tessera knows (SHOW CHARACTER SET). */
export type CharsetName = 'utf8mb4' | 'utf8mb3' | 'latin1' | 'ascii' | 'binary';

const ESCAPE_BASE = 0xdc00;
const QUESTION = 0x3f;

/** A charset name as SET NAMES / character_set_* spell it; unknown names read as utf8mb4. */
export function charsetNamed(name: string | null | undefined): CharsetName {
  switch ((name ?? '').toLowerCase()) {
    case 'utf8':
    case 'utf8mb3':
      return 'utf8mb3';
    case 'latin1':
      return 'latin1';
    case 'ascii':
      return 'ascii';
    case 'binary':
      return 'binary';
    default:
      return 'utf8mb4';
  }
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** String.prototype.isWellFormed (ES2024; Node 20 has it, our lib setting does not name it). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

// ---------------------------------------------------------------- UTF-8

/** Length of the valid UTF-8 sequence at b[i] (shortest form, no surrogates, ≤ U+10FFFF); 0 when invalid. */
function sequenceLength(b: Uint8Array, i: number, n: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  if (c < 0xc2) return 0; // a stray continuation byte, or an overlong C0/C1 lead
  if (c < 0xe0) return i + 1 < n && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  if (c < 0xf0) {
    if (i + 2 >= n) return 0;
    const c1 = b[i + 1]!;
    const ok1 = c === 0xe0 ? c1 >= 0xa0 && c1 <= 0xbf : c === 0xed ? c1 >= 0x80 && c1 <= 0x9f : (c1 & 0xc0) === 0x80;
    return ok1 && (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
  }
  if (c < 0xf5) {
    if (i + 3 >= n) return 0;
    const c1 = b[i + 1]!;
    const ok1 = c === 0xf0 ? c1 >= 0x90 && c1 <= 0xbf : c === 0xf4 ? c1 >= 0x80 && c1 <= 0x8f : (c1 & 0xc0) === 0x80;
    return ok1 && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
  }
  return 0;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1 when all are valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  const n = b.length;
  for (let i = 0; i < n; ) {
    const len = sequenceLength(b, i, n);
    if (len === 0) return i;
    i += len;
  }
  return -1;
}

function decodeUtf8With(b: Uint8Array, invalidByte: (byte: number) => string): string {
  const buf = asBuffer(b);
  // Node's decoder writes U+FFFD for every ill-formed sequence: without one the bytes were valid
  // (the query hot path: one native search instead of a second pass over the bytes).
  const fast = buf.toString('utf8');
  if (fast.indexOf('\ufffd') < 0 || isUtf8(buf)) return fast;
  const n = buf.length;
  let out = '';
  let run = 0;
  for (let i = 0; i < n; ) {
    const len = sequenceLength(buf, i, n);
    if (len > 0) {
      i += len;
      continue;
    }
    if (run < i) out += buf.toString('utf8', run, i);
    out += invalidByte(buf[i]!);
    run = ++i;
  }
  if (run < n) out += buf.toString('utf8', run, n);
  return out;
}

function escapeByte(byte: number): string {
  return String.fromCharCode(ESCAPE_BASE + byte);
}

/** UTF-8 bytes → text, every invalid byte kept as its escape. encodeUtf8 is the exact inverse. */
export function decodeUtf8(b: Uint8Array): string {
  return decodeUtf8With(b, escapeByte);
}

/** UTF-8 bytes → text with each invalid byte read as '?' (what a non-strict store keeps). */
export function decodeUtf8Replacing(b: Uint8Array): string {
  return decodeUtf8With(b, () => '?');
}

/**
 * Walks the lone surrogates of a string that is not well-formed: `text(from, to)` for each run of
 * ordinary text, `lone(code)` for each lone surrogate.
 */
function forEachLoneSurrogate(s: string, text: (from: number, to: number) => void, lone: (code: number) => void): void {
  const n = s.length;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++; // a proper pair
        continue;
      }
    }
    if (run < i) text(run, i);
    lone(c);
    run = i + 1;
  }
  if (run < n) text(run, n);
}

/**
 * Text → UTF-8 bytes; escapes become the bytes they stand for. Any other lone surrogate (which no
 * client can send) becomes U+FFFD, as Node encodes it.
 */
export function encodeUtf8(s: string): Buffer {
  if (isWellFormed(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  forEachLoneSurrogate(
    s,
    (from, to) => parts.push(Buffer.from(s.slice(from, to), 'utf8')),
    (c) => parts.push(isEscape(c) ? Buffer.of(c - ESCAPE_BASE) : Buffer.from('\ufffd', 'utf8')),
  );
  return Buffer.concat(parts);
}

function isEscape(c: number): boolean {
  return c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff;
}

/**
 * Text for names and messages (column names, errors): escapes shown as \xHH, as MySQL shows
 * bytes that are not characters, so the text itself stays valid UTF-8.
 */
export function printable(s: string): string {
  if (isWellFormed(s)) return s;
  let out = '';
  forEachLoneSurrogate(
    s,
    (from, to) => (out += s.slice(from, to)),
    (c) => (out += isEscape(c) ? `\\x${(c - ESCAPE_BASE).toString(16).toUpperCase()}` : '\ufffd'),
  );
  return out;
}

/** Bytes of the string as a binary string (LENGTH, OCTET_LENGTH). */
export function utf8ByteLength(s: string): number {
  return isWellFormed(s) ? Buffer.byteLength(s, 'utf8') : encodeUtf8(s).length;
}

// ---------------------------------------------------------------- latin1 (cp1252, as MySQL has it)

/**
 * MySQL's latin1 is Windows-1252, with its five unassigned bytes mapped to the C1 controls of
 * the same value, so every byte is a character and decoding is one-to-one.
 */
const CP1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

const CP1252_REVERSE = new Map<number, number>(CP1252_80_9F.map((u, i) => [u, 0x80 + i]));

function decodeLatin1(b: Uint8Array): string {
  const buf = asBuffer(b);
  let special = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c >= 0x80 && c <= 0x9f) {
      special = true;
      break;
    }
  }
  if (!special) return buf.toString('latin1');
  let out = '';
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    out += String.fromCharCode(c >= 0x80 && c <= 0x9f ? CP1252_80_9F[c - 0x80]! : c);
  }
  return out;
}

/** One byte for a code point in a single-byte charset; '?' when the charset has no such character. */
function singleByte(cs: 'latin1' | 'ascii', cp: number): number {
  if (cp < 0x80) return cp;
  if (isEscape(cp)) return cp - ESCAPE_BASE;
  if (cs === 'ascii') return QUESTION;
  if (cp >= 0xa0 && cp <= 0xff) return cp;
  return CP1252_REVERSE.get(cp) ?? QUESTION;
}

function encodeSingleByte(s: string, cs: 'latin1' | 'ascii'): Buffer {
  const out = Buffer.allocUnsafe(s.length);
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++; // a character beyond the BMP: none of these charsets has it
        out[j++] = QUESTION;
        continue;
      }
    }
    out[j++] = singleByte(cs, c);
  }
  return out.subarray(0, j);
}

/** utf8mb3 has no characters beyond the BMP: each becomes '?'. */
function encodeUtf8mb3(s: string): Buffer {
  if (!/[\ud800-\udbff][\udc00-\udfff]/.test(s)) return encodeUtf8(s);
  return encodeUtf8(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '?'));
}

// ---------------------------------------------------------------- by charset

/** Bytes in charset cs → text, losing nothing (encodeText with the same charset gives them back). */
export function decodeText(b: Uint8Array, cs: CharsetName): string {
  return cs === 'latin1' ? decodeLatin1(b) : decodeUtf8(b);
}

/** Text → bytes in charset cs. Escapes give back their bytes; characters cs lacks become '?'. */
export function encodeText(s: string, cs: CharsetName): Buffer {
  switch (cs) {
    case 'utf8mb4':
    case 'binary':
      return encodeUtf8(s);
    case 'utf8mb3':
      return encodeUtf8mb3(s);
    case 'latin1':
    case 'ascii':
      return encodeSingleByte(s, cs);
  }
}

/** Whether encodeText(s, cs) is what Buffer's own UTF-8 writer produces (the fast path of result rows). */
export function encodesAsPlainUtf8(s: string, cs: CharsetName): boolean {
  return (cs === 'utf8mb4' || cs === 'binary') && isWellFormed(s);
}

// ---------------------------------------------------------------- character columns

/**
 * A string bound for a utf8mb4 character column: itself when it is text, the text its bytes spell
 * when escapes join into valid UTF-8 (CONCAT of two halves of a character), or the bytes when
 * they are not text (the caller reports 1366).
 */
export function textForCharacterColumn(s: string): { readonly text: string } | { readonly invalid: Uint8Array } {
  if (isWellFormed(s)) return { text: s };
  const bytes = encodeUtf8(s);
  return firstInvalidUtf8(bytes) < 0 ? { text: bytes.toString('utf8') } : { invalid: bytes };
}

const MESSAGE_BYTES = 6;

/**
 * The bytes of an invalid string as MySQL's 1366 message shows them: from the first invalid
 * byte, at most six, printable ASCII as is and the rest as \xHH, '...' when more follow.
 */
export function invalidBytesForMessage(bytes: Uint8Array): string {
  const start = Math.max(0, firstInvalidUtf8(bytes));
  const end = Math.min(bytes.length, start + MESSAGE_BYTES);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return end < bytes.length ? out + '...' : out;
}

import { describe, expect, it } from 'vitest';
import {
  charsetNamed, decodeText, decodeUtf8, decodeUtf8Replacing, encodeText, encodeUtf8, firstInvalidUtf8,
  invalidBytesForMessage, printable, textForCharacterColumn, utf8ByteLength,
} from './charset.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');

/** A small deterministic PRNG (xorshift32): the random cases are the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe('lossless UTF-8', () => {
  it('keeps every single byte', () => {
    for (let b = 0; b < 256; b++) {
      const s = decodeUtf8(Uint8Array.of(b));
      expect(s.length).toBe(1);
      expect(hex(encodeUtf8(s))).toBe(hex(Uint8Array.of(b)));
    }
  });

  it('gives back exactly the bytes of any byte string', () => {
    const next = rng(42);
    for (let round = 0; round < 2000; round++) {
      const len = Math.floor(next() * 24);
      const b = new Uint8Array(len);
      // bias towards the bytes UTF-8 cares about so sequences are often almost valid
      for (let i = 0; i < len; i++) b[i] = next() < 0.5 ? 0x80 + Math.floor(next() * 0x80) : Math.floor(next() * 256);
      expect(hex(encodeUtf8(decodeUtf8(b)))).toBe(hex(b));
    }
  });

  it('reads valid UTF-8 as its characters and escapes only what is invalid', () => {
    expect(decodeUtf8(bytes('68 c3a9 f09f9880'))).toBe('hé😀');
    expect(decodeUtf8(bytes('61 ff 62'))).toBe('a\udcffb');
    // overlong NUL, an encoded surrogate, beyond U+10FFFF, a truncated sequence: byte by byte
    expect(decodeUtf8(bytes('c0 80'))).toBe('\udcc0\udc80');
    expect(decodeUtf8(bytes('eda080'))).toBe('\udced\udca0\udc80');
    expect(decodeUtf8(bytes('f4908080'))).toBe('\udcf4\udc90\udc80\udc80');
    expect(decodeUtf8(bytes('f4 8f bf bf'))).toBe('\u{10ffff}');
    expect(decodeUtf8(bytes('e2 82'))).toBe('\udce2\udc82');
    expect(decodeUtf8(bytes('e2 82 41'))).toBe('\udce2\udc82A');
  });

  it('counts escapes as one byte each', () => {
    expect(utf8ByteLength('a\udcffb')).toBe(3);
    expect(utf8ByteLength('hé')).toBe(3);
  });

  it('finds the first invalid byte', () => {
    expect(firstInvalidUtf8(bytes('61 c3a9 62'))).toBe(-1);
    expect(firstInvalidUtf8(bytes('61 c3a9 ff 62'))).toBe(3);
  });
});

describe('latin1 (MySQL cp1252)', () => {
  it('maps every byte to one character and back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = decodeText(all, 'latin1');
    expect(s.length).toBe(256);
    expect(hex(encodeText(s, 'latin1'))).toBe(hex(all));
    expect(decodeText(bytes('80 e9 81'), 'latin1')).toBe('€é\u0081');
  });

  it('sends characters latin1 lacks as ?', () => {
    expect(encodeText('é€✓😀', 'latin1').toString('latin1')).toBe('\xe9\x80??');
    expect(encodeText('é😀', 'ascii').toString('latin1')).toBe('??');
    expect(encodeText('é😀', 'utf8mb3').toString('utf8')).toBe('é?');
  });

  it('sends escaped bytes as the bytes themselves in every charset', () => {
    for (const cs of ['utf8mb4', 'utf8mb3', 'latin1', 'ascii', 'binary'] as const) {
      expect(hex(encodeText('a\udcffb', cs))).toBe('61ff62');
    }
  });
});

describe('character columns', () => {
  it('accepts text, joins escapes that spell a character, refuses the rest', () => {
    expect(textForCharacterColumn('héllo')).toEqual({ text: 'héllo' });
    expect(textForCharacterColumn('\udcc3\udca9')).toEqual({ text: 'é' });
    const bad = textForCharacterColumn('a\udcffb');
    expect('invalid' in bad && hex(bad.invalid)).toBe('61ff62');
  });

  it('shows invalid bytes as MariaDB does in 1366', () => {
    expect(invalidBytesForMessage(bytes('61 ff 62'))).toBe('\\xFFb');
    expect(invalidBytesForMessage(bytes('61 ff fe fd fc fb fa f9'))).toBe('\\xFF\\xFE\\xFD\\xFC\\xFB\\xFA...');
    expect(invalidBytesForMessage(Buffer.concat([bytes('6162c3a9ff'), Buffer.from('cdefghij')]))).toBe('\\xFFcdefg...');
    expect(invalidBytesForMessage(bytes('616263 f09f98'))).toBe('\\xF0\\x9F\\x98');
  });

  it('replaces each invalid byte with ? for a lenient store', () => {
    expect(decodeUtf8Replacing(bytes('61 ff 62 fe fd 63'))).toBe('a?b??c');
    expect(decodeUtf8Replacing(bytes('61 c3'))).toBe('a?');
  });
});

describe('names and messages', () => {
  it('prints escapes as \\xHH', () => {
    expect(printable('a\udcffb')).toBe('a\\xFFb');
    expect(printable('plain')).toBe('plain');
  });

  it('reads charset names as SET NAMES spells them', () => {
    expect(charsetNamed('UTF8')).toBe('utf8mb3');
    expect(charsetNamed('latin1')).toBe('latin1');
    expect(charsetNamed(null)).toBe('utf8mb4');
  });
});

/**
 * Database names as directory names under a leaf's folder.
 *
 * A name never becomes a path as it is. The encoding keeps `a`–`z`, `0`–`9` and `_` and writes
 * every other UTF-16 code unit as `@` and four hex digits (a character outside the BMP as `@x`
 * and six hex digits), after MySQL's `@002e` for '.': injective, reversible, and the result is
 * one plain path component (no '.', '/', '\\', NUL), so it cannot name the leaf's folder, its
 * parent or anything outside it. Names are case-insensitive (the catalog's nameKey lower-cases
 * them), so the leaf encodes the lower-cased name.
 *
 * A name whose encoding would be longer than a file name may be keeps the start of its encoding,
 * then `@h` and a SHA-256 of the name, and records the name itself in a `NAME` file in its
 * directory (`@h` cannot occur in a plain encoding, so the two forms never collide).
 *
 * Directories of older builds used encodeURIComponent (`.hidden`, `a%20b`): recovery renames
 * each to its encoding. The two forms overlap only where they agree (names of `a-z0-9_`),
 * because the old one never wrote '@' and the new one writes nothing else but `a-z0-9_@`.
 * A leaf folder of this build has a `#format` file; in one without it (an older build's), the
 * directories named the old way that hold partitions are renamed once. `#dropping` (a name
 * neither form can produce) holds databases whose DROP is under way.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { invariant } from '../../common/assert.js';

/** Where DROP DATABASE moves a database directory before deleting it (a drop under way). */
export const DROPPING_DIR = '#dropping';
/** Marks a leaf folder whose database directories are named by this module. */
export const FORMAT_FILE = '#format';
export const FORMAT_TEXT = 'tessera leaf folder, database directories named by dbDirName (version 2)';
/** In a hashed database directory: the database's name, as UTF-8. */
export const NAME_FILE = 'NAME';

/** File names stay well below NAME_MAX (255 bytes) so `p<N>` siblings and temp names fit too. */
const MAX_PLAIN = 200;
const HASH_KEEP = 120;

function plain(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** The full reversible encoding, however long. */
export function encodeName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (plain(c)) {
      out += name[i];
      continue;
    }
    const cp = name.codePointAt(i)!;
    if (cp > 0xffff) {
      out += `@x${hex(cp, 6)}`;
      i++; // the low surrogate
    } else out += `@${hex(c, 4)}`;
  }
  return out;
}

/** The name an encoding stands for, or null when `dir` is not one (a hashed name is not: see NAME_FILE). */
export function decodeName(dir: string): string | null {
  if (!/^(?:[a-z0-9_]|@[0-9a-f]{4}|@x[0-9a-f]{6})+$/.test(dir)) return null;
  const out = dir.replace(/@x([0-9a-f]{6})|@([0-9a-f]{4})/g, (_m, wide: string | undefined, narrow: string | undefined) =>
    wide !== undefined ? String.fromCodePoint(Math.min(parseInt(wide, 16), 0x10ffff)) : String.fromCharCode(parseInt(narrow!, 16)),
  );
  // Only the canonical form names a database (`@0061` is not 'a'), so decoding stays injective.
  return encodeName(out) === dir ? out : null;
}

/** The directory name of database `key` (already lower-cased). */
export function dbDirName(key: string): string {
  invariant(key.length > 0, 'a database without a name');
  const full = encodeName(key);
  if (full.length <= MAX_PLAIN) return full;
  let cut = HASH_KEEP;
  // Never split an escape: back up to the start of the one the cut falls in.
  const at = full.lastIndexOf('@', cut);
  if (at >= 0 && at > cut - 8) cut = at;
  return `${full.slice(0, cut)}@h${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}`;
}

/** Whether `dir` is a hashed directory name (its name is in NAME_FILE). */
export function isHashedDirName(dir: string): boolean {
  const at = dir.lastIndexOf('@h');
  return at >= 0 && /^[0-9a-f]{32}$/.test(dir.slice(at + 2)) && decodeName(dir.slice(0, at)) !== null;
}

/** The database a directory of an older build (encodeURIComponent of the lower-cased name) holds, or null. */
export function legacyName(dir: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(dir);
  } catch {
    return null;
  }
  if (name.length === 0 || encodeURIComponent(name) !== dir || name !== name.toLowerCase()) return null;
  return name;
}

/** `child` joined to `parent`, checked to be a direct child: names never escape the leaf folder. */
export function childPath(parent: string, child: string): string {
  const base = path.resolve(parent);
  const p = path.resolve(base, child);
  invariant(child.length > 0 && path.dirname(p) === base && path.basename(p) === child, `'${child}' is not a plain directory name`);
  return p;
}

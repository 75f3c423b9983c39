/**
 * The one codec of leaf messages (messages.ts): msgpack via msgpackr, plus
 *
 * - Values exactly as value.ts describes them: numbers stay numbers, bigints stay bigints at any
 *   size (int64 or msgpackr's bigint extension), Decimal has extension 0x44 ([unscaled, scale],
 *   the layout storage's log records use), byte strings come back as fresh Uint8Arrays.
 * - Column batches in a compact framing of their vectors: typed columns as the raw bytes of their
 *   Float64Array (`length` rows only) and a null flag per row; boxed and const columns as
 *   Values. The boxed cache of a typed vector is not sent (it follows from the data).
 * - Errors as errno / SQLSTATE / message / retryable (WireError), never as objects.
 *
 * Typed columns are sent in the machine's byte order: both ends of a cluster run on
 * little-endian hosts (x86-64, arm64); a big-endian peer would need a swap here.
 */
import { createHash } from 'node:crypto';
import { Packr, addExtension } from 'msgpackr';
import { Decimal } from '../common/decimal.js';
import { ErrorCodes, type ErrorCodeName } from '../common/error-codes.js';
import { SqlError, isSqlError } from '../common/errors.js';
import type { WireBatch } from '../common/ir/batch.js';
import type { Value } from '../common/value.js';
import { constVector, dictVector, f64Vector, scaledVector, valuesVector, type Vector } from '../common/vector.js';
import { InternalError, assertNever } from '../common/assert.js';
import type { LeafResponse, Ref, RequestEnvelope, ResponseEnvelope, WireError } from './messages.js';

/** msgpack extension type of a Decimal: [unscaled bigint, scale] (the same as storage/durability/record.ts). */
const DECIMAL_EXT = 0x44;

addExtension({
  Class: Decimal,
  type: DECIMAL_EXT,
  write: (d: Decimal) => [d.unscaled, d.scale],
  read: (data: [bigint | number, number]) => new Decimal(BigInt(data[0]), data[1]),
});

/**
 * msgpack extension type of a string that is not well-formed UTF-16 (a lone surrogate): its code
 * units as they are. The aggregator keeps the raw bytes of a binary literal above 0x7F as lone
 * surrogates inside a string, which UTF-8 would turn into U+FFFD.
 */
const LOOSE_STRING_EXT = 0x53;

class LooseString {
  constructor(readonly text: string) {}
}

addExtension({
  Class: LooseString,
  type: LOOSE_STRING_EXT,
  pack: (l: LooseString) => {
    const units = new Uint16Array(l.text.length);
    for (let i = 0; i < units.length; i++) units[i] = l.text.charCodeAt(i);
    return new Uint8Array(units.buffer);
  },
  unpack: (bytes: Uint8Array) => {
    const units = new Uint16Array(bytes.byteLength / 2);
    new Uint8Array(units.buffer).set(bytes);
    let out = '';
    for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.subarray(i, i + 4096));
    return out;
  },
});

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The value with every ill-formed string replaced by a LooseString, copying only the objects and
 * arrays on the way to one (the common case, none, allocates nothing).
 */
function protectStrings(x: unknown): unknown {
  if (typeof x === 'string') return isWellFormed(x) ? x : new LooseString(x);
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || x instanceof Decimal) return x;
  if (Array.isArray(x)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      const p = protectStrings(v);
      if (p !== v && out === null) out = x.slice();
      if (out !== null) out[i] = p;
    }
    return out ?? x;
  }
  let out: Record<string, unknown> | null = null;
  for (const k in x) {
    const v = (x as Record<string, unknown>)[k];
    const p = protectStrings(v);
    if (p !== v && out === null) out = { ...(x as Record<string, unknown>) };
    if (out !== null) out[k] = p;
  }
  return out ?? x;
}

const packr = new Packr({ useRecords: false, int64AsType: 'bigint', useBigIntExtension: true, copyBuffers: true, mapsAsObjects: true });

/** Encodes any message-shaped value. The bytes are a plain copy: msgpackr reuses its buffer. */
function pack(value: unknown): Uint8Array {
  const view = packr.pack(protectStrings(value));
  const out = new Uint8Array(view.byteLength);
  out.set(view);
  return out;
}

function unpack(bytes: Uint8Array): unknown {
  // A plain Uint8Array input makes byte strings decode as plain Uint8Arrays (not Buffers).
  const plain = bytes instanceof Buffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  return packr.unpack(plain);
}

// ───────────────────────────── batches ─────────────────────────────

/** The first element of a packed vector says its kind. */
const VectorTag = { Values: 0, F64: 1, Scaled: 2, Const: 3, Dict: 4 } as const;
type VectorTag = typeof VectorTag;

type PackedVector =
  | readonly [VectorTag['Values'], readonly Value[]]
  | readonly [VectorTag['F64'], Uint8Array, Uint8Array | null]
  | readonly [VectorTag['Scaled'], number, Uint8Array, Uint8Array | null]
  | readonly [VectorTag['Const'], Value]
  | readonly [VectorTag['Dict'], readonly Value[], Uint8Array, Uint8Array | null];

type PackedBatch = readonly [length: number, cols: readonly PackedVector[]];

function float64Bytes(data: Float64Array, n: number): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, n * 8);
}

function float64FromBytes(bytes: Uint8Array, n: number): Float64Array {
  // A fresh, aligned array: the decoded bytes may sit at any offset.
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 8));
  return out;
}

function int32FromBytes(bytes: Uint8Array, n: number): Int32Array {
  const out = new Int32Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
  return out;
}

function packVector(v: Vector, n: number): PackedVector {
  switch (v.kind) {
    case 'values':
      return [VectorTag.Values, v.values.length > n ? v.values.slice(0, n) : v.values];
    case 'f64':
      return [VectorTag.F64, float64Bytes(v.data, n), v.nulls === null ? null : v.nulls.subarray(0, n)];
    case 'scaled':
      return [VectorTag.Scaled, v.scale, float64Bytes(v.data, n), v.nulls === null ? null : v.nulls.subarray(0, n)];
    case 'const':
      return [VectorTag.Const, v.value];
    case 'dict':
      // The dictionary whole (codes index it), the codes of the first n rows.
      return [VectorTag.Dict, v.dict, new Uint8Array(v.codes.buffer, v.codes.byteOffset, n * 4), v.nulls === null ? null : v.nulls.subarray(0, n)];
    default:
      return assertNever(v, 'vector');
  }
}

function unpackVector(p: PackedVector, n: number): Vector {
  switch (p[0]) {
    case VectorTag.Values:
      return valuesVector(p[1]);
    case VectorTag.F64:
      return f64Vector(float64FromBytes(p[1], n), p[2] === null ? null : Uint8Array.from(p[2]));
    case VectorTag.Scaled:
      return scaledVector(float64FromBytes(p[2], n), p[1], p[3] === null ? null : Uint8Array.from(p[3]));
    case VectorTag.Const:
      return constVector(p[1]);
    case VectorTag.Dict:
      return dictVector(int32FromBytes(p[2], n), p[1], p[3] === null ? null : Uint8Array.from(p[3]));
    default:
      return assertNever(p, 'packed vector');
  }
}

export function packBatch(b: WireBatch): PackedBatch {
  return [b.length, b.cols.map((c) => packVector(c, b.length))];
}

export function unpackBatch(p: PackedBatch): WireBatch {
  const [length, cols] = p;
  return { length, cols: cols.map((c) => unpackVector(c, length)) };
}

// ───────────────────────────── errors ─────────────────────────────

/** What a thrown error becomes on the wire: a SqlError keeps its code; anything else is a bug and keeps only its message. */
export function errorToWire(e: unknown): WireError {
  if (isSqlError(e)) return { kind: 'sql', code: e.code, errno: e.errno, sqlState: e.sqlState, message: e.message, retryable: e.retryable };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** The error a wire error stands for, to be thrown where the leaf call was made. */
export function errorFromWire(w: WireError): Error {
  switch (w.kind) {
    case 'sql': {
      const known = Object.hasOwn(ErrorCodes, w.code) && ErrorCodes[w.code as ErrorCodeName].errno === w.errno;
      // A code this build does not know (a newer peer) still reaches the client as a generic error with the text.
      return known ? new SqlError(w.code as ErrorCodeName, w.message, { retryable: w.retryable }) : new SqlError('ER_UNKNOWN_ERROR', w.message, { retryable: w.retryable });
    }
    case 'internal':
      return new InternalError(w.message);
    default:
      return assertNever(w, 'wire error');
  }
}

// ───────────────────────────── refs ─────────────────────────────

/** Encodes a piece of plan and names it by the hash of its bytes. */
export function makeRef<T>(value: T): Ref<T> {
  const body = pack(value);
  return { id: contentHash(body), body };
}

export function contentHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** Decodes a ref's body (the leaf checks the hash first, see RefCache). */
export function decodeRefBody<T>(ref: Ref<T>): T {
  return unpack(ref.body) as T;
}

// ───────────────────────────── envelopes ─────────────────────────────

export function encodeRequest(env: RequestEnvelope): Uint8Array {
  return pack(env);
}

export function decodeRequest(bytes: Uint8Array): RequestEnvelope {
  return unpack(bytes) as RequestEnvelope;
}

/** On the wire, batches are PackedBatch; everything else in a response is plain data. */
type WireResponseBody =
  | Exclude<LeafResponse, { kind: 'batches' } | { kind: 'chunk' }>
  | { readonly kind: 'batches'; readonly batches: readonly PackedBatch[] }
  | { readonly kind: 'chunk'; readonly batches: readonly PackedBatch[]; readonly cursor: number | null };

export function encodeResponse(env: ResponseEnvelope): Uint8Array {
  const b = env.body;
  const body: WireResponseBody = b.kind === 'batches' || b.kind === 'chunk' ? { ...b, batches: b.batches.map(packBatch) } : b;
  return pack({ id: env.id, body });
}

export function decodeResponse(bytes: Uint8Array): ResponseEnvelope {
  const env = unpack(bytes) as { id: number; body: WireResponseBody };
  const b = env.body;
  const body: LeafResponse = b.kind === 'batches' || b.kind === 'chunk' ? { ...b, batches: b.batches.map(unpackBatch) } : b;
  return { id: env.id, body };
}

/** Round-trips one value through the codec (tests, and the loopback's equivalence checks). */
export function roundTripValue<T>(value: T): T {
  return unpack(pack(value)) as T;
}

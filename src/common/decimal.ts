/**
 * Exact decimal: value = unscaled / 10^scale. Immutable. MySQL DECIMAL semantics
 * (precision up to 65 digits, scale up to 30).
 */

/** MySQL's div_precision_increment default: `/` adds this many digits to the dividend's scale. */
export const DIV_PRECISION_INCREMENT = 4;
export const MAX_DECIMAL_PRECISION = 65;
export const MAX_DECIMAL_SCALE = 30;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 100; i++, p *= 10n) POW10.push(p);

/** 10^n as bigint; cached for the scales that occur. */
export function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Divides with rounding half away from zero (MySQL's rounding for DECIMAL). */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = absBig(n);
  const ad = absBig(d);
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return neg ? -q : q;
}

const DEC_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** Parses '12.50', '-.5', '1e3', '1.5E-2'; null when the whole string is not a number. */
  static parse(s: string): Decimal | null {
    const m = DEC_RE.exec(s);
    if (!m) return null;
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    if (intPart === '' && frac === '') return null;
    let unscaled = BigInt((intPart || '0') + frac);
    let scale = frac.length;
    if (m[4] !== undefined) {
      const exp = Number(m[4]);
      if (!Number.isFinite(exp) || Math.abs(exp) > 1000) return null;
      scale -= exp;
      if (scale < 0) {
        unscaled *= pow10(-scale);
        scale = 0;
      }
    }
    if (m[1] === '-') unscaled = -unscaled;
    return new Decimal(unscaled, scale);
  }

  static fromInt(v: number | bigint): Decimal {
    return new Decimal(typeof v === 'bigint' ? v : BigInt(v), 0);
  }

  /** Via the shortest round-trip digits, as MySQL converts a double to DECIMAL. Null for NaN/Infinity. */
  static fromNumber(v: number): Decimal | null {
    if (!Number.isFinite(v)) return null;
    if (Number.isInteger(v) && Number.isSafeInteger(v)) return new Decimal(BigInt(v), 0);
    return Decimal.parse(String(v));
  }

  static readonly ZERO = new Decimal(0n, 0);

  /** Exactly `scale` digits after the point, no '-0'. */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = absBig(this.unscaled).toString();
    if (this.scale <= 0) {
      if (this.scale < 0 && this.unscaled !== 0n) digits += '0'.repeat(-this.scale);
      return neg ? '-' + digits : digits;
    }
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    const out = digits.slice(0, cut) + '.' + digits.slice(cut);
    return neg ? '-' + out : out;
  }

  toNumber(): number {
    if (this.scale === 0) return Number(this.unscaled);
    return Number(this.toString());
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  neg(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? new Decimal(-this.unscaled, this.scale) : this;
  }

  /** Same value at a larger scale (exact). */
  private widen(scale: number): bigint {
    return scale === this.scale ? this.unscaled : this.unscaled * pow10(scale - this.scale);
  }

  add(o: Decimal): Decimal {
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.widen(s) + o.widen(s), s);
  }

  sub(o: Decimal): Decimal {
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.widen(s) - o.widen(s), s);
  }

  /** Scale is the sum of scales (capped at 30 by rounding, as MySQL does). */
  mul(o: Decimal): Decimal {
    const r = new Decimal(this.unscaled * o.unscaled, this.scale + o.scale);
    return r.scale > MAX_DECIMAL_SCALE ? r.round(MAX_DECIMAL_SCALE) : r;
  }

  /** MySQL `/`: scale = scale(this) + increment (max 30), half away from zero; null on divide by zero. */
  div(o: Decimal, increment = DIV_PRECISION_INCREMENT): Decimal | null {
    if (o.unscaled === 0n) return null;
    const s = Math.min(this.scale + increment, MAX_DECIMAL_SCALE);
    // this/o = (a/10^sa) / (b/10^sb); want q with scale s: q = a * 10^(s - sa + sb) / b
    const shift = s - this.scale + o.scale;
    const num = shift >= 0 ? this.unscaled * pow10(shift) : this.unscaled;
    const den = shift >= 0 ? o.unscaled : o.unscaled * pow10(-shift);
    return new Decimal(divRoundHalfUp(num, den), s);
  }

  /** Remainder with the sign of the dividend (MySQL MOD); null on zero divisor. */
  mod(o: Decimal): Decimal | null {
    if (o.unscaled === 0n) return null;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.widen(s) % o.widen(s), s);
  }

  /** Integer quotient, truncated toward zero (MySQL DIV); null on zero divisor. */
  intDiv(o: Decimal): bigint | null {
    if (o.unscaled === 0n) return null;
    const s = Math.max(this.scale, o.scale);
    return this.widen(s) / o.widen(s);
  }

  compare(o: Decimal): -1 | 0 | 1 {
    if (this.scale === o.scale) {
      return this.unscaled < o.unscaled ? -1 : this.unscaled > o.unscaled ? 1 : 0;
    }
    const s = Math.max(this.scale, o.scale);
    const a = this.widen(s);
    const b = o.widen(s);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(o: Decimal): boolean {
    return this.compare(o) === 0;
  }

  /**
   * Rounds half away from zero to `scale` digits after the point. A negative scale rounds to
   * tens, hundreds… and gives scale 0 (ROUND(125, -1) = 130).
   */
  round(scale: number): Decimal {
    if (scale >= this.scale) return new Decimal(this.widen(scale), scale);
    const q = divRoundHalfUp(this.unscaled, pow10(this.scale - scale));
    if (scale >= 0) return new Decimal(q, scale);
    return new Decimal(q * pow10(-scale), 0);
  }

  /** Like round, but toward zero. */
  truncate(scale: number): Decimal {
    if (scale >= this.scale) return new Decimal(this.widen(scale), scale);
    const q = this.unscaled / pow10(this.scale - scale);
    if (scale >= 0) return new Decimal(q, scale);
    return new Decimal(q * pow10(-scale), 0);
  }

  /** Rounds toward +infinity to an integer. */
  ceil(): bigint {
    if (this.scale <= 0) return this.widen(0);
    const d = pow10(this.scale);
    const q = this.unscaled / d;
    return this.unscaled > 0n && q * d !== this.unscaled ? q + 1n : q;
  }

  /** Rounds toward -infinity to an integer. */
  floor(): bigint {
    if (this.scale <= 0) return this.widen(0);
    const d = pow10(this.scale);
    const q = this.unscaled / d;
    return this.unscaled < 0n && q * d !== this.unscaled ? q - 1n : q;
  }

  /** Rounded half away from zero to an integer. */
  toBigInt(): bigint {
    if (this.scale <= 0) return this.widen(0);
    return divRoundHalfUp(this.unscaled, pow10(this.scale));
  }

  /** Digits before the point (0 for |x| < 1). */
  intDigits(): number {
    const a = absBig(this.unscaled);
    if (this.scale <= 0) return a === 0n ? 0 : a.toString().length - this.scale;
    const ip = a / pow10(this.scale);
    return ip === 0n ? 0 : ip.toString().length;
  }

  /** True when the value fits DECIMAL(precision, scale) after rounding to `scale`. */
  fits(precision: number, scale: number): boolean {
    return this.round(scale).intDigits() <= precision - scale;
  }

  /** The largest magnitude DECIMAL(precision, scale) holds, with this sign (for clipping). */
  static maxOf(precision: number, scale: number, negative = false): Decimal {
    const u = pow10(precision) - 1n;
    return new Decimal(negative ? -u : u, scale);
  }
}

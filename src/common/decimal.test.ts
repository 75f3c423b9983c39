import { describe, it, expect } from 'vitest';
import { Decimal } from './decimal.js';

const d = (s: string) => Decimal.parse(s)!;

describe('Decimal', () => {
  it('parses plain, signed and exponent forms', () => {
    expect(d('12.50').toString()).toBe('12.50');
    expect(d('-.5').toString()).toBe('-0.5');
    expect(d('1e3').toString()).toBe('1000');
    expect(d('1.5E-2').toString()).toBe('0.015');
    expect(d(' +7 ').toString()).toBe('7');
    expect(Decimal.parse('abc')).toBeNull();
    expect(Decimal.parse('.')).toBeNull();
  });

  it('formats exactly scale digits and never -0', () => {
    expect(new Decimal(5n, 0).round(2).toString()).toBe('5.00');
    expect(new Decimal(-5n, 3).toString()).toBe('-0.005');
    expect(new Decimal(0n, 2).neg().toString()).toBe('0.00');
  });

  it('adds money without float error', () => {
    expect(d('0.1').add(d('0.2')).toString()).toBe('0.3');
    expect(d('19.99').mul(d('3')).toString()).toBe('59.97');
    expect(d('1.10').sub(d('2.005')).toString()).toBe('-0.905');
    expect(d('1.5').mul(d('1.25')).scale).toBe(3);
  });

  it('divides with scale + 4, half away from zero', () => {
    expect(d('1').div(d('3'))!.toString()).toBe('0.3333');
    expect(d('2').div(d('3'))!.toString()).toBe('0.6667');
    expect(d('-2').div(d('3'))!.toString()).toBe('-0.6667');
    expect(d('1.00').div(d('3'))!.toString()).toBe('0.333333');
    expect(d('1').div(d('0'))).toBeNull();
  });

  it('rounds and truncates half away from zero, negative places too', () => {
    expect(d('2.5').round(0).toString()).toBe('3');
    expect(d('-2.5').round(0).toString()).toBe('-3');
    expect(d('1.005').round(2).toString()).toBe('1.01');
    expect(d('125').round(-1).toString()).toBe('130');
    expect(d('1.234').round(5).toString()).toBe('1.23400');
    expect(d('-1.999').truncate(1).toString()).toBe('-1.9');
    expect(d('-1.5').toBigInt()).toBe(-2n);
    expect(d('-1.5').floor()).toBe(-2n);
    expect(d('-1.5').ceil()).toBe(-1n);
  });

  it('compares across scales and checks precision', () => {
    expect(d('1.0').compare(d('1'))).toBe(0);
    expect(d('-0.01').compare(d('0'))).toBe(-1);
    expect(d('999.995').fits(5, 2)).toBe(false);
    expect(d('999.994').fits(5, 2)).toBe(true);
    expect(Decimal.maxOf(5, 2, true).toString()).toBe('-999.99');
    expect(d('7.5').mod(d('-2'))!.toString()).toBe('1.5');
    expect(d('-7.5').mod(d('2'))!.toString()).toBe('-1.5');
  });

  it('converts from doubles via shortest digits', () => {
    expect(Decimal.fromNumber(0.1)!.toString()).toBe('0.1');
    expect(Decimal.fromNumber(1e20)!.toString()).toBe('100000000000000000000');
    expect(Decimal.fromNumber(NaN)).toBeNull();
    expect(Decimal.fromInt(2n ** 70n).toString()).toBe('1180591620717411303424');
    expect(d('123.456').toNumber()).toBe(123.456);
  });
});
